"""The rules of experiences in work: starting an immersion, an internship or a job, changing its
details while it runs, the person's disclosure choice, workplace adjustments and their reviews,
and the end, with the pathway's phase following (a job begins: "in employment"; the last job
ends: back to job search, unless the user decides otherwise).

Every function reports every mistake it finds at once, by field (ValidationError), and writes
nothing when it refuses; callers run them inside the request's transaction.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from filrouge.core.dates import span_end
from filrouge.employers.models import hours_validators
from filrouge.pathways import domain as pathways
from filrouge.pathways.domain import today
from filrouge.pathways.models import Phase
from filrouge.people.models import ANONYMISED_RECORD, ContactKind, PersonContact
from filrouge.placements.models import (
    DURABLE_MONTHS,
    IMMERSION_MAX_MONTHS,
    Adjustment,
    AdjustmentKind,
    AdjustmentReview,
    AdjustmentStatus,
    EmployerDisclosure,
    EndReason,
    ImmersionAssessment,
    ImmersionObjective,
    ImmersionRenewal,
    JobRenewal,
    Placement,
    PlacementKind,
    ReviewOutcome,
    held_through,
)
from filrouge.referentials.models import ContractType

KEEP_PHASE = "keep"  # the end of a placement leaves the pathway's phase as it is
PHASE_ORDER = list(Phase.values)
CDD_TYPES = frozenset({ContractType.CDD_LONG, ContractType.CDD_SHORT})
# Contracts with no planned end: a permanent contract, a civil-service tenure, a business of one's own.
WITHOUT_END = frozenset({ContractType.CDI, ContractType.TENURE, ContractType.BUSINESS_CREATION})
# The details a placement is started with, and may be corrected while it runs (its kind stays).
DETAIL_FIELDS = (
    "company",
    "tutor",
    "opening",
    "job_title",
    "contract_type",
    "started_on",
    "planned_end_on",
    "hours_per_week",
    "objective",
    "agreement",
)


def day(value: date) -> str:
    return date_format(value, "j F")


def long_day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


class Errors:
    """Refusals gathered by field, raised together."""

    def __init__(self):
        self.by_field: dict[str, list] = {}

    def add(self, field: str | None, message) -> None:
        self.by_field.setdefault(field or "__all__", []).append(message)

    def has(self, field: str) -> bool:
        return field in self.by_field

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def check_open_record(
    enrolment, errors: Errors, started_on: date | None = None, *, history: bool = False
) -> None:
    """A placement is added to a current pathway; with `history` (an import bringing a former
    tool's past in), to an exited one too, when it began on or before the exit."""
    if enrolment.person.is_anonymised:
        errors.add(None, ANONYMISED_RECORD)
    elif enrolment.is_current:
        return
    elif not history:
        errors.add(None, _("Ce parcours est terminé : on n'y ajoute plus d'expérience en emploi."))
    elif started_on is not None and started_on > enrolment.exit_date:
        errors.add(
            "started_on",
            _("Cette expérience commence après la sortie du parcours (le %(day)s).")
            % {"day": long_day(enrolment.exit_date)},
        )


def not_in_future(errors: Errors, field: str, value: date | None, message: str) -> None:
    if value is not None and value > today():
        errors.add(field, message)


def check_dated(
    errors: Errors,
    field: str,
    value: date | None,
    *,
    missing: str,
    future: str,
    earliest: date,
    too_early: str,
) -> bool:
    """A required date, not in the future nor before `earliest` (`too_early` names it as
    %(day)s). Returns whether there was a date, for the checks that follow."""
    if value is None:
        errors.add(field, missing)
        return False
    not_in_future(errors, field, value, future)
    if value < earliest:
        errors.add(field, too_early % {"day": long_day(earliest)})
    return True


def check_details(enrolment, kind, fields: dict, errors: Errors, current: Placement | None = None) -> None:
    """The rules on a placement's details, for a new one or a correction of `current`."""
    company, tutor, opening = fields.get("company"), fields.get("tutor"), fields.get("opening")
    start, planned_end = fields.get("started_on"), fields.get("planned_end_on")
    contract, hours = fields.get("contract_type", ""), fields.get("hours_per_week")
    if company is None:
        errors.add("company", _("Choisissez l'entreprise."))
    elif company.organisation_id != enrolment.organisation_id:
        errors.add("company", _("Cette entreprise n'est pas dans le répertoire de l'organisation."))
    elif company.archived_at is not None and (current is None or current.company_id != company.pk):
        errors.add("company", _("Cette entreprise est archivée : rétablissez-la ou choisissez-en une autre."))
    if (
        tutor is not None
        and company is not None
        and (tutor.kind != ContactKind.EMPLOYER or tutor.company_id != company.pk)
    ):
        errors.add(
            "tutor",
            _("%(name)s n'est pas un contact de %(company)s : choisissez un contact de cette entreprise.")
            % {"name": tutor.full_name, "company": company.name},
        )
    if opening is not None and company is not None and opening.company_id != company.pk:
        errors.add("opening", _("Cette offre n'est pas celle de l'entreprise choisie."))
    if fields.get("job_title") is None:
        errors.add("job_title", _("Choisissez le poste dans le référentiel des métiers."))
    if start is None:
        errors.add("started_on", _("Indiquez la date de début."))
    elif start < enrolment.referral_date:
        errors.add(
            "started_on",
            _("Le début ne peut pas précéder l'orientation de la personne (%(day)s).")
            % {"day": long_day(enrolment.referral_date)},
        )
    if hours is None:
        errors.add("hours_per_week", _("Indiquez le nombre d'heures par semaine."))
    else:
        for validator in hours_validators():
            try:
                validator(hours)
            except ValidationError as error:
                for message in error.messages:
                    errors.add("hours_per_week", message)
    if start is not None and planned_end is not None and planned_end < start:
        errors.add(
            "planned_end_on",
            _("La fin prévue ne peut pas précéder le début (%(day)s).") % {"day": long_day(start)},
        )
    elif start is not None:
        check_duration(kind, contract, start, planned_end, errors)
    if kind == PlacementKind.IMMERSION and fields.get("objective") not in ImmersionObjective.values:
        errors.add("objective", _("Choisissez l'objectif de l'immersion."))
    if kind == PlacementKind.EMPLOYMENT and not contract:
        errors.add("contract_type", _("Un emploi demande son type de contrat."))
    elif contract and contract not in ContractType.values:
        errors.add("contract_type", _("Choisissez un type de contrat de la liste."))
    agreement = fields.get("agreement")
    if agreement is not None and (agreement.person_id != enrolment.person_id or agreement.archived_at):
        errors.add("agreement", _("Ce document n'est pas dans le dossier de la personne."))


def check_duration(kind, contract, start: date, planned_end: date | None, errors: Errors) -> None:
    """Lengths run de date à date (`core.dates.span_end`): one month from 3 March ends on 2 April,
    six months from 1 March end on 31 August."""
    if kind == PlacementKind.IMMERSION:
        latest = span_end(start, months=IMMERSION_MAX_MONTHS)
        if planned_end is None:
            errors.add("planned_end_on", _("Une immersion a une date de fin : elle dure au plus un mois."))
        elif planned_end > latest:
            errors.add(
                "planned_end_on",
                _(
                    "Une immersion dure au plus un mois, de date à date : commencée le %(start)s, elle "
                    "finit au plus tard le %(end)s. Si ses objectifs ne sont pas atteints, elle peut être "
                    "renouvelée une fois."
                )
                % {"start": day(start), "end": day(latest)},
            )
        return
    if kind != PlacementKind.EMPLOYMENT:
        return
    six_months = span_end(start, months=DURABLE_MONTHS)
    if contract in WITHOUT_END and planned_end is not None:
        errors.add(
            "planned_end_on",
            _("Un contrat « %(contract)s » n'a pas de fin prévue : laissez ce champ vide.")
            % {"contract": ContractType(contract).label},
        )
    elif contract in CDD_TYPES and planned_end is None:
        errors.add("planned_end_on", _("Indiquez la fin prévue du CDD."))
    elif contract == ContractType.CDD_SHORT and planned_end >= six_months:
        errors.add(
            "contract_type",
            _(
                "Ce CDD dure 6 mois ou plus de date à date (6 mois finissent le %(six)s, il finit le "
                "%(end)s) : choisissez « %(choice)s »."
            )
            % {
                "six": long_day(six_months),
                "end": long_day(planned_end),
                "choice": ContractType.CDD_LONG.label,
            },
        )
    elif contract == ContractType.CDD_LONG and planned_end < six_months:
        errors.add(
            "contract_type",
            _(
                "Ce CDD dure moins de 6 mois de date à date (6 mois finissent le %(end)s) : choisissez "
                "« %(choice)s »."
            )
            % {"end": long_day(six_months), "choice": ContractType.CDD_SHORT.label},
        )


def normalised(kind, fields: dict) -> dict:
    """Only what the kind of placement carries: no contract for an immersion, no objective nor
    agreement for a job."""
    fields = {name: fields.get(name) for name in DETAIL_FIELDS} | {
        "contract_type": fields.get("contract_type") or "",
        "objective": fields.get("objective") or "",
    }
    if kind == PlacementKind.IMMERSION:
        fields["contract_type"] = ""
    else:
        fields["objective"] = ""
    if kind == PlacementKind.EMPLOYMENT:
        fields["agreement"] = None
    return fields


def moves_to_employment_by_default(
    enrolment, started_on: date | None = None, planned_end_on: date | None = None
) -> bool:
    """Starting a job moves the pathway to "in employment" when it is at an earlier phase, and
    the job is under way: not when it begins later, nor when its planned end has already passed
    (a job recorded after the fact)."""
    if started_on is not None and started_on > today():
        return False
    if planned_end_on is not None and planned_end_on < today():
        return False
    return enrolment.is_current and PHASE_ORDER.index(enrolment.phase) < PHASE_ORDER.index(
        Phase.IN_EMPLOYMENT
    )


def check_move_to_employment(started_on: date, errors: Errors) -> None:
    """The phase change a job brings is dated on its start: never in the future."""
    if started_on > today():
        errors.add(
            "move_to_employment",
            _(
                "L'emploi commence le %(day)s : le parcours ne peut pas passer « En emploi » à une date "
                "à venir. Décochez la case, et changez l'étape le jour de son début."
            )
            % {"day": long_day(started_on)},
        )


def overlapping_jobs(placement):
    """The person's other jobs (in any of their pathways) held on at least one day of this one:
    allowed (two part-time jobs), but the page says so."""
    last = placement.held_until
    jobs = (
        Placement.objects.jobs()
        .filter(enrolment__person_id=placement.enrolment.person_id)
        .exclude(pk=placement.pk)
        .filter(held_through(placement.started_on))
    )
    return jobs if last is None else jobs.filter(started_on__lte=last)


def phase_date(enrolment, wanted: date) -> date:
    """The date of a phase change a placement brings: the placement's date, not in the future,
    and never before the pathway's latest change (the history reads in date order)."""
    on = min(wanted, today())
    previous = pathways.latest_change(enrolment)
    return max(on, previous.changed_on) if previous is not None else on


def link_tutor(placement) -> None:
    """The tutor becomes one of the person's partners (as "employer or tutor"), so that the
    person's consents and disclosure choices can name them."""
    if placement.tutor_id is None:
        return
    PersonContact.objects.get_or_create(
        person_id=placement.enrolment.person_id,
        contact_id=placement.tutor_id,
        relation=ContactKind.EMPLOYER,
        defaults={"organisation_id": placement.organisation_id},
    )


@transaction.atomic
def start_placement(
    enrolment, by, *, kind, move_to_employment: bool | None = None, history: bool = False, **fields
) -> Placement:
    """Records an immersion, an internship or a job of the pathway. A job moves the pathway to
    "in employment" on its start date when `move_to_employment` says so; None: by default, when
    the job is under way (`moves_to_employment_by_default`).

    `history`: a past placement an import brings in (the page never passes it). It may belong
    to an exited pathway when it began on or before the exit, and it never moves the phase: the
    imported file states the phase, and past phase changes would break the history's order."""
    errors = Errors()
    if kind not in PlacementKind.values:
        errors.add("kind", _("Choisissez une immersion, un stage ou un emploi."))
        errors.raise_any()
    kind = PlacementKind(kind)
    if history:
        move_to_employment = False
    check_open_record(enrolment, errors, fields.get("started_on"), history=history)
    fields = normalised(kind, fields)
    check_details(enrolment, kind, fields, errors)
    start, planned_end = fields.get("started_on"), fields.get("planned_end_on")
    if move_to_employment is None:
        move_to_employment = start is not None and moves_to_employment_by_default(
            enrolment, start, planned_end
        )
    moves = kind == PlacementKind.EMPLOYMENT and move_to_employment and enrolment.phase != Phase.IN_EMPLOYMENT
    if moves and start is not None:
        check_move_to_employment(start, errors)
    errors.raise_any()
    placement = Placement.objects.create(
        organisation_id=enrolment.organisation_id, enrolment=enrolment, kind=kind, created_by=by, **fields
    )
    link_tutor(placement)
    if moves:
        # Dated on the job's start, not on the day it is recorded.
        pathways.change_phase(
            enrolment,
            Phase.IN_EMPLOYMENT,
            phase_date(enrolment, placement.started_on),
            by,
            comment=_("Début de l'emploi : %(job)s") % {"job": placement.job_title.label},
        )
    return placement


def check_ongoing(placement, errors: Errors) -> None:
    if placement.enrolment.person.is_anonymised:
        errors.add(None, ANONYMISED_RECORD)
    elif placement.ended_on is not None:
        errors.add(None, _("Cette expérience est terminée : elle ne se modifie plus."))


@transaction.atomic
def update_placement(placement, by, **fields) -> Placement:
    """Corrects the details of a placement that has not ended (same rules as at its start)."""
    placement = Placement.objects.select_for_update().select_related("enrolment__person").get(pk=placement.pk)
    errors = Errors()
    check_ongoing(placement, errors)
    fields = normalised(placement.kind, fields)
    check_details(placement.enrolment, placement.kind, fields, errors, current=placement)
    check_renewed_end(placement, fields.get("planned_end_on"), errors)
    errors.raise_any()
    for name, value in fields.items():
        setattr(placement, name, value)
    placement.save()
    link_tutor(placement)
    return placement


def other_ongoing_jobs(placement):
    return (
        Placement.objects.filter(enrolment_id=placement.enrolment_id, ended_on__isnull=True)
        .jobs()
        .exclude(pk=placement.pk)
    )


def default_next_phase(placement) -> str:
    """Where the pathway goes when `placement` ends: back to job search when it was the last job
    of a pathway "in employment"; otherwise it stays where it is."""
    enrolment = placement.enrolment
    if (
        placement.kind == PlacementKind.EMPLOYMENT
        and enrolment.is_current
        and enrolment.phase == Phase.IN_EMPLOYMENT
        and not other_ongoing_jobs(placement).exists()
    ):
        return Phase.JOB_SEARCH
    return KEEP_PHASE


def check_end(
    placement, errors: Errors, *, ended_on: date | None, reason, assessment: str, led_to_job: bool | None
) -> tuple[str, bool | None]:
    """The rules on the end of `placement` (read by the import's dry run too, on a placement
    not saved yet). Returns the assessment and its outcome as the kind carries them: none for
    a job or an internship."""
    if ended_on is None:
        errors.add("ended_on", _("Indiquez la date de fin."))
    else:
        if ended_on < placement.started_on:
            errors.add(
                "ended_on",
                _("La fin ne peut pas précéder le début (%(day)s).")
                % {"day": long_day(placement.started_on)},
            )
        not_in_future(errors, "ended_on", ended_on, _("La date de fin ne peut pas être dans le futur."))
    if reason not in EndReason.values:
        errors.add("reason", _("Choisissez le motif de fin."))
    if placement.kind != PlacementKind.IMMERSION:
        return "", None
    if assessment not in ImmersionAssessment.values:
        errors.add("assessment", _("Indiquez le bilan de l'immersion : réalisée, en partie, ou non."))
    if led_to_job is None:
        errors.add("led_to_job", _("Indiquez si l'immersion a débouché sur un emploi."))
    return assessment, led_to_job


@transaction.atomic
def end_placement(
    placement,
    by,
    *,
    ended_on: date,
    reason,
    comment: str = "",
    assessment: str = "",
    led_to_job: bool | None = None,
    next_phase: str | None = None,
) -> Placement:
    """Ends a placement, with its date and reason (an immersion also with its assessment and
    whether it led to a job). `next_phase`: the pathway's phase afterwards, KEEP_PHASE to leave
    it, None for `default_next_phase`. A pathway's exit has its own page (pathways:exit)."""
    placement = Placement.objects.select_for_update().select_related("enrolment__person").get(pk=placement.pk)
    errors = Errors()
    if placement.enrolment.person.is_anonymised:
        errors.add(None, ANONYMISED_RECORD)
    elif placement.ended_on is not None:
        errors.add(None, _("Cette expérience est déjà terminée."))
    assessment, led_to_job = check_end(
        placement, errors, ended_on=ended_on, reason=reason, assessment=assessment, led_to_job=led_to_job
    )
    enrolment = placement.enrolment
    if next_phase is None:
        next_phase = default_next_phase(placement)
    if next_phase != KEEP_PHASE:
        if next_phase not in Phase.values:
            errors.add("next_phase", _("Choisissez l'étape du parcours après cette fin."))
        elif next_phase == Phase.EXIT:
            errors.add(
                "next_phase",
                _("Pour une sortie du parcours, utilisez « Enregistrer la sortie » : le motif est demandé."),
            )
        elif not enrolment.is_current:
            errors.add("next_phase", _("Ce parcours est terminé : son étape ne change plus."))
    errors.raise_any()
    placement.ended_on, placement.end_reason = ended_on, reason
    placement.end_comment = comment.strip()
    placement.assessment, placement.led_to_job = assessment, led_to_job
    placement.save()
    if next_phase != KEEP_PHASE and next_phase != enrolment.phase:
        pathways.change_phase(
            enrolment,
            next_phase,
            phase_date(enrolment, ended_on),
            by,
            comment=_("Fin de l'expérience : %(job)s (%(reason)s)")
            % {"job": placement.job_title.label, "reason": placement.get_end_reason_display()},
        )
    return placement


def check_decision_day(placement, field: str, value: date | None, errors: Errors) -> None:
    """A decision about a placement (the person's disclosure, an adjustment): dated, not in the
    future, and not before the pathway began (it may come before the placement's start)."""
    if value is None:
        errors.add(field, _("Indiquez la date de la décision."))
        return
    not_in_future(errors, field, value, _("La date de la décision ne peut pas être dans le futur."))
    referral = placement.enrolment.referral_date
    if value < referral:
        errors.add(
            field,
            _("La décision ne peut pas précéder l'orientation de la personne (%(day)s).")
            % {"day": long_day(referral)},
        )


@transaction.atomic
def record_disclosure(placement, disclosure, decided_on: date, by) -> Placement:
    """The person's choice of what this employer is told about their disability or illness,
    with the date they decided it. It may come before the start (decided while preparing the
    job), not before the pathway began, nor before the choice it replaces."""
    placement = Placement.objects.select_for_update().select_related("enrolment__person").get(pk=placement.pk)
    errors = Errors()
    check_ongoing(placement, errors)
    if disclosure not in EmployerDisclosure.values:
        errors.add("disclosure", _("Choisissez ce que la personne a décidé de dire à cet employeur."))
    check_decision_day(placement, "decided_on", decided_on, errors)
    previous = placement.disclosure_decided_on
    if not errors.has("decided_on") and decided_on and previous is not None and decided_on < previous:
        errors.add(
            "decided_on",
            _("Un choix plus récent est déjà enregistré (le %(day)s) : la date ne peut pas le précéder.")
            % {"day": long_day(previous)},
        )
    errors.raise_any()
    placement.disclosure, placement.disclosure_decided_on = disclosure, decided_on
    placement.save(update_fields=["disclosure", "disclosure_decided_on", "updated_at"])
    return placement


# --- The renewal of an immersion -----------------------------------------------------------------
# A PMSMP lasts at most one month and is renewable once, for at most one more month, when its
# objectives are not yet met (Code du travail, D5135-3). The renewal follows the first period: it
# begins the day after the immersion's planned end, which no longer moves once it is renewed.


def renewal_of(placement) -> ImmersionRenewal | None:
    """The placement's renewal, if any (read from `select_related("renewal")` when loaded so)."""
    try:
        return placement.renewal
    except ImmersionRenewal.DoesNotExist:
        return None


def renewal_starts_on(placement) -> date | None:
    """A renewal begins the day after the immersion's planned end."""
    return placement.planned_end_on + timedelta(days=1) if placement.planned_end_on else None


def renewal_latest_end(placement) -> date | None:
    starts_on = renewal_starts_on(placement)
    return span_end(starts_on, months=IMMERSION_MAX_MONTHS) if starts_on else None


def is_renewed(placement) -> bool:
    """Read from the database, whatever the placement object holds."""
    return ImmersionRenewal.objects.filter(placement_id=placement.pk).exists()


def already_renewed() -> str:
    return _("Cette immersion a déjà été renouvelée une fois : une PMSMP ne se renouvelle qu'une fois.")


def check_renewable(placement, errors: Errors, renewed: bool) -> None:
    """Why `placement` may not be renewed now (nothing added when it may)."""
    if placement.enrolment.person.is_anonymised:
        errors.add(None, ANONYMISED_RECORD)
    elif placement.kind != PlacementKind.IMMERSION:
        errors.add(None, _("Seule une immersion (PMSMP) se renouvelle."))
    elif placement.ended_on is not None:
        errors.add(None, _("Cette immersion est terminée : elle ne se renouvelle plus."))
    elif renewed:
        errors.add(None, already_renewed())
    elif not placement.enrolment.is_current:
        errors.add(None, _("Ce parcours est terminé : l'immersion ne se renouvelle plus."))


def renewal_refusals(placement) -> list[str]:
    """The reasons `placement` may not be renewed, for a page that offers the renewal."""
    errors = Errors()
    check_renewable(placement, errors, renewed=renewal_of(placement) is not None)
    return errors.by_field.get("__all__", [])


def may_renew(placement) -> bool:
    return not renewal_refusals(placement)


def check_renewed_end(placement, planned_end: date | None, errors: Errors) -> None:
    """Once renewed, an immersion's first period is settled: its planned end stays."""
    renewal = renewal_of(placement)
    if renewal is not None and planned_end != placement.planned_end_on:
        errors.add(
            "planned_end_on",
            _(
                "Cette immersion a été renouvelée du %(start)s au %(end)s : la fin de sa première "
                "période (%(first)s) ne se modifie plus."
            )
            % {
                "start": long_day(renewal.starts_on),
                "end": long_day(renewal.ends_on),
                "first": long_day(placement.planned_end_on),
            },
        )


@transaction.atomic
def renew_immersion(placement, by, *, ends_on: date | None, reason: str) -> ImmersionRenewal:
    """Renews an immersion once: from the day after its planned end (`renewal_starts_on`) to
    `ends_on`, at most one month later de date à date, with the reason (the objectives not yet
    met). Two renewals at the same moment: the row lock makes the second one wait, then refuse."""
    placement = Placement.objects.select_for_update().select_related("enrolment__person").get(pk=placement.pk)
    errors = Errors()
    check_renewable(placement, errors, renewed=is_renewed(placement))
    reason = (reason or "").strip()
    if not reason:
        errors.add(
            "reason",
            _("Indiquez le motif du renouvellement : les objectifs de l'immersion pas encore atteints."),
        )
    starts_on, latest = renewal_starts_on(placement), renewal_latest_end(placement)
    if ends_on is None:
        errors.add("ends_on", _("Indiquez la fin du renouvellement."))
    elif starts_on is not None and ends_on < starts_on:
        errors.add(
            "ends_on",
            _(
                "Le renouvellement commence le %(start)s, le lendemain de la fin prévue de l'immersion : "
                "sa fin ne peut pas le précéder."
            )
            % {"start": long_day(starts_on)},
        )
    elif latest is not None and ends_on > latest:
        errors.add(
            "ends_on",
            _(
                "Un renouvellement dure au plus un mois, de date à date : commencé le %(start)s, il "
                "finit au plus tard le %(end)s."
            )
            % {"start": long_day(starts_on), "end": long_day(latest)},
        )
    errors.raise_any()
    try:
        with transaction.atomic():
            return ImmersionRenewal.objects.create(
                organisation_id=placement.organisation_id,
                placement=placement,
                starts_on=starts_on,
                ends_on=ends_on,
                reason=reason,
                created_by=by,
            )
    except IntegrityError:
        # Renewed at the same moment without the row lock (the one-to-one refuses a second one).
        if not ImmersionRenewal.objects.filter(placement_id=placement.pk).exists():
            raise
        raise ValidationError({"__all__": [already_renewed()]}) from None


# --- The renewal of a job ------------------------------------------------------------------------
# A fixed-term contract (a CDD, a temporary mission) renewed: a new planned end, later than the
# current one, the history kept in `JobRenewal`. It may be recorded after the planned end has
# passed: that is what the caseload's alert "fin prévue dépassée" asks for.


def may_renew_job(placement) -> bool:
    return (
        placement.kind == PlacementKind.EMPLOYMENT
        and placement.ended_on is None
        and placement.planned_end_on is not None
        and not placement.enrolment.person.is_anonymised
    )


@transaction.atomic
def renew_job(
    placement, by, *, new_end_on: date | None, decided_on: date | None, comment: str = ""
) -> JobRenewal:
    """Moves a running job's planned end later and keeps the end it replaces. A short CDD whose
    new end makes it 6 months or more (de date à date) becomes a CDD of 6 months or more: the
    kind of exit it supports follows its planned length (DGEFP)."""
    placement = Placement.objects.select_for_update().select_related("enrolment__person").get(pk=placement.pk)
    errors = Errors()
    check_ongoing(placement, errors)
    if not errors.by_field and not may_renew_job(placement):
        errors.add(None, _("Seul un emploi en cours avec une fin prévue se renouvelle."))
    check_dated(
        errors,
        "decided_on",
        decided_on,
        missing=_("Indiquez la date du renouvellement."),
        future=_("La date du renouvellement ne peut pas être dans le futur."),
        earliest=placement.started_on,
        too_early=_("Le renouvellement ne peut pas précéder le début de l'emploi (%(day)s)."),
    )
    current = placement.planned_end_on
    if new_end_on is None:
        errors.add("new_end_on", _("Indiquez la nouvelle fin prévue."))
    elif current is not None and new_end_on <= current:
        errors.add(
            "new_end_on",
            _("La nouvelle fin prévue doit suivre la fin prévue actuelle (%(day)s).")
            % {"day": long_day(current)},
        )
    errors.raise_any()
    renewal = JobRenewal.objects.create(
        organisation_id=placement.organisation_id,
        placement=placement,
        decided_on=decided_on,
        previous_end_on=current,
        new_end_on=new_end_on,
        comment=(comment or "").strip(),
        created_by=by,
    )
    placement.planned_end_on = new_end_on
    if placement.contract_type == ContractType.CDD_SHORT and new_end_on >= span_end(
        placement.started_on, months=DURABLE_MONTHS
    ):
        placement.contract_type = ContractType.CDD_LONG
    placement.save(update_fields=["planned_end_on", "contract_type", "updated_at"])
    return renewal


# --- Workplace adjustments -----------------------------------------------------------------------


@transaction.atomic
def add_adjustment(
    placement,
    by,
    *,
    kind,
    description: str,
    agreed_on: date,
    with_occupational_physician: bool = False,
    status=AdjustmentStatus.PLANNED,
) -> Adjustment:
    errors = Errors()
    check_ongoing(placement, errors)
    if kind not in AdjustmentKind.values:
        errors.add("kind", _("Choisissez le type d'aménagement."))
    if not (description or "").strip():
        errors.add("description", _("Décrivez l'aménagement convenu."))
    if status not in AdjustmentStatus.values:
        errors.add("status", _("Choisissez le statut de l'aménagement."))
    check_decision_day(placement, "agreed_on", agreed_on, errors)
    errors.raise_any()
    return Adjustment.objects.create(
        organisation_id=placement.organisation_id,
        placement=placement,
        kind=kind,
        description=description.strip(),
        with_occupational_physician=bool(with_occupational_physician),
        agreed_on=agreed_on,
        status=status,
        created_by=by,
    )


@transaction.atomic
def change_adjustment_status(adjustment, status, by) -> Adjustment:
    adjustment = Adjustment.objects.select_related("placement__enrolment__person").get(pk=adjustment.pk)
    errors = Errors()
    check_ongoing(adjustment.placement, errors)
    if status not in AdjustmentStatus.values:
        errors.add("status", _("Choisissez le statut de l'aménagement."))
    elif status == adjustment.status:
        errors.add("status", _("L'aménagement a déjà ce statut."))
    errors.raise_any()
    adjustment.status = status
    adjustment.save(update_fields=["status"])
    return adjustment


@transaction.atomic
def add_review(adjustment, by, *, reviewed_on: date, outcome, comment: str = "") -> AdjustmentReview:
    """A dated look at how an adjustment works: not before it was agreed, not in the future, and
    for a placement that ended, not after its end."""
    adjustment = Adjustment.objects.select_related("placement__enrolment__person").get(pk=adjustment.pk)
    placement = adjustment.placement
    errors = Errors()
    if placement.enrolment.person.is_anonymised:
        errors.add(None, ANONYMISED_RECORD)
    if outcome not in ReviewOutcome.values:
        errors.add("outcome", _("Choisissez le constat."))
    dated = check_dated(
        errors,
        "reviewed_on",
        reviewed_on,
        missing=_("Indiquez la date du point."),
        future=_("La date du point ne peut pas être dans le futur."),
        earliest=adjustment.agreed_on,
        too_early=_("Le point ne peut pas précéder la décision de l'aménagement (%(day)s)."),
    )
    if dated and placement.ended_on is not None and reviewed_on > placement.ended_on:
        errors.add(
            "reviewed_on",
            _("L'expérience s'est terminée le %(day)s : le point ne peut pas la suivre.")
            % {"day": long_day(placement.ended_on)},
        )
    errors.raise_any()
    return AdjustmentReview.objects.create(
        organisation_id=adjustment.organisation_id,
        adjustment=adjustment,
        reviewed_on=reviewed_on,
        outcome=outcome,
        comment=(comment or "").strip(),
        by=by,
    )
