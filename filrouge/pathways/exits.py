"""Exits into employment and the jobs behind them (DGEFP / DARES, docs/measures.md).

An exit recorded as « Emploi durable » needs a job of the pathway that is durable employment and
current on the exit date; « Emploi de transition » needs a job of transition employment current
then (`Placement.employment_outcome`; a job ending on the exit day still counts, one that ended
the day before does not). Any other outcome needs no job.

The rule has two readings that agree: in Python for one pathway (`supported_outcomes`,
`check_exit_outcome`, called by `domain.record_exit`), and in the database for every pathway at
once (`incoherent_exits`, read by `filrouge check_exits`), from the placements' own conditions.

Placements hang off a pathway and their domain imports `pathways.domain`: like `caseload`, this
module reads the placements' models, and `domain.record_exit` imports it when it runs, so
`pathways.domain` imports nothing of the placements app.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from filrouge.pathways.models import Enrolment, ExitOutcome
from filrouge.placements.models import (
    DURABLE,
    TRANSITIONAL,
    Placement,
    PlacementKind,
    PlacementQuerySet,
    held_through,
)

OUTCOME_OF_JOB = {DURABLE: ExitOutcome.DURABLE_EMPLOYMENT, TRANSITIONAL: ExitOutcome.TRANSITION_EMPLOYMENT}


def supported_outcomes(enrolment, on: date) -> frozenset[ExitOutcome]:
    """The exits into employment the pathway's jobs current on `on` support (one query)."""
    return outcomes_of_jobs(enrolment.placements.jobs().ongoing_on(on).select_related("company"), on)


def outcomes_of_jobs(jobs, on: date) -> frozenset[ExitOutcome]:
    """The exits into employment that `jobs` held on `on` support. Pure: the jobs may be unsaved
    (an import's dry run reads the jobs it plans, with their company in memory)."""
    return frozenset(
        OUTCOME_OF_JOB[job.employment_outcome]
        for job in jobs
        if job.kind == PlacementKind.EMPLOYMENT and job.is_ongoing(on) and job.employment_outcome
    )


def refusal(outcome: str, on: date, supported: frozenset[ExitOutcome]) -> str:
    """Why `outcome` cannot be recorded on `on`, and what the jobs support instead."""
    day = date_format(on, "DATE_FORMAT")
    if outcome == ExitOutcome.DURABLE_EMPLOYMENT:
        missing = _(
            "Aucun emploi durable n'est en cours au %(day)s (un CDI, un CDD, une mission d'intérim ou "
            "un contrat en alternance de 6 mois ou plus, une titularisation, une création ou reprise "
            "d'entreprise ; hors SIAE et ESAT)."
        ) % {"day": day}
    else:
        missing = _(
            "Aucun emploi de transition n'est en cours au %(day)s (un CDD, une mission d'intérim ou un "
            "contrat en alternance de moins de 6 mois, un contrat aidé ; hors SIAE et ESAT)."
        ) % {"day": day}
    if supported:
        # The other exit into employment: the only one left when `outcome` is refused.
        labels = " / ".join(str(ExitOutcome(choice).label) for choice in sorted(supported))
        advice = _("Les emplois en cours à cette date correspondent à « %(outcome)s ».") % {"outcome": labels}
    else:
        advice = _(
            "Aucun emploi du parcours en cours à cette date ne correspond à une sortie en emploi : "
            "enregistrez d'abord l'emploi dans l'onglet « Emploi », ou choisissez un autre motif de sortie."
        )
    return f"{missing} {advice}"


def check_exit_outcome(enrolment, on: date, outcome: str) -> None:
    """Refuses an exit into employment that no job of the pathway current on `on` supports."""
    if outcome not in ExitOutcome.into_employment():
        return
    supported = supported_outcomes(enrolment, on)
    if outcome not in supported:
        raise ValidationError({"outcome": refusal(outcome, on, supported)})


def job_on_exit(condition: Q) -> Exists:
    """Whether the enclosing pathway has a job meeting `condition` current on its exit date."""
    exit_date = OuterRef("exit_date")
    return Exists(
        Placement.objects.filter(condition, enrolment=OuterRef("pk"), started_on__lte=exit_date).filter(
            held_through(exit_date)
        )
    )


def incoherent_exits(enrolments=None):
    """The exits recorded as employment that the pathway's jobs do not support, in one query,
    annotated with `durable_job` and `transition_job` (what the jobs current on the exit date
    support). Reads no personal data: callers take ids, dates, outcomes and the service."""
    enrolments = Enrolment.objects.all() if enrolments is None else enrolments
    return (
        enrolments.filter(exit_outcome__in=sorted(ExitOutcome.into_employment()), exit_date__isnull=False)
        .annotate(
            durable_job=job_on_exit(PlacementQuerySet.durable_condition()),
            transition_job=job_on_exit(PlacementQuerySet.transition_condition()),
        )
        .filter(
            Q(exit_outcome=ExitOutcome.DURABLE_EMPLOYMENT, durable_job=False)
            | Q(exit_outcome=ExitOutcome.TRANSITION_EMPLOYMENT, transition_job=False)
        )
    )


def supported_by(durable_job: bool, transition_job: bool) -> list[ExitOutcome]:
    """The outcomes `incoherent_exits`' annotations support, in the choices' order."""
    return [
        outcome
        for outcome, supported in (
            (ExitOutcome.DURABLE_EMPLOYMENT, durable_job),
            (ExitOutcome.TRANSITION_EMPLOYMENT, transition_job),
        )
        if supported
    ]
