"""Matching people and openings, and the proposals a coach makes.

`suggestions_for` scores the open openings of the families of the person's targets, read as
plain rows by one query on the indexed copied columns (organisation, status, `rome_family`), then
fetches the kept ones whole (job title, company) with a second: building thousands of model
instances for openings that are not shown costs far more than the scoring. A job title belongs to
one occupation code, itself in one family, so filtering on the families keeps every opening of the
same title or code too. `candidates_for` reads the targets of the opening's family held by people
with a current pathway in the user's services (one query), then their pathways (a second).
Both score with `ranking`; the query count does not depend on the number of rows.

`propose` and `answer` raise ValidationError with French messages naming the field at fault.
"""

from collections import namedtuple
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.core.geo import coordinates_of
from filrouge.employers.models import Opening, OpeningStatus
from filrouge.matching import ranking
from filrouge.matching.models import Answer, Proposal
from filrouge.pathways.domain import not_before, not_in_future
from filrouge.pathways.models import Enrolment
from filrouge.profiles.models import Profile, TargetJob
from filrouge.referentials.models import JobTitle

SUGGESTIONS = 30
CANDIDATES = 50


def targets_of(person) -> list[ranking.Target]:
    rows = TargetJob.objects.filter(profile__person=person).select_related("job_title").order_by("position")
    return [ranking.Target.of(t) for t in rows]


def open_openings(user, organisation_id: int):
    return policy.scoped_openings(
        user, queryset=Opening.objects.filter(organisation_id=organisation_id, status=OpeningStatus.OPEN)
    )


# What scoring reads of an opening: fetched as plain rows, since a person's families may hold
# thousands of openings; only the openings kept are then fetched whole.
SCORED_FIELDS = ("pk", "job_title_id", "rome_code", "rome_family", "hours_per_week", "contract_type")
# Coordinates as plain numbers: no Decimal built for each of thousands of rows.
SCORED_PLACE = {"lat_number": Cast("latitude", FloatField()), "lon_number": Cast("longitude", FloatField())}
ScoredOpening = namedtuple("ScoredOpening", [*SCORED_FIELDS, "latitude", "longitude"])


def suggestions_for(person, user, limit: int | None = SUGGESTIONS, targets=None) -> list[ranking.Fit]:
    """The open openings of the person's organisation that the user may see, best fit first
    (the `limit` best), each with its job title and company."""
    targets = targets_of(person) if targets is None else targets
    if not targets:
        return []
    families = sorted({t.rome_family for t in targets})
    rows = (
        open_openings(user, person.organisation_id)
        .filter(rome_family__in=families)
        .annotate(**SCORED_PLACE)
        .order_by()
        .values_list(*SCORED_FIELDS, *SCORED_PLACE)
    )
    home = coordinates_of(person)
    scored = (ranking.best_fit(targets, ScoredOpening._make(row), home) for row in rows)
    fits = ranking.rank(scored, limit)
    openings = Opening.objects.select_related("job_title", "company").defer("description", "company__notes")
    whole = openings.in_bulk([f.opening.pk for f in fits])
    for f in fits:
        f.opening = whole[f.opening.pk]
    return fits


@dataclass
class Candidate:
    """A person for an opening: their best fit, and the pathways through which they may be proposed."""

    person: object
    fit: ranking.Fit
    enrolments: list = field(default_factory=list)


def family_job_titles(family: str):
    return JobTitle.objects.filter(occupation__code__startswith=family).values("pk")


def candidates_for(opening, user, limit: int | None = CANDIDATES) -> list[Candidate]:
    """The people with a current pathway in the user's services whose target jobs are of the
    opening's family, best fit first."""
    enrolments = policy.scoped_enrolments(
        user,
        queryset=Enrolment.objects.current().filter(organisation_id=opening.organisation_id),
    )
    # The profiles as a set of ids (the planner then checks the family's targets against it,
    # rather than joining each target to its profile and person first).
    profiles = Profile.objects.filter(person__in=enrolments.values("person")).values("pk")
    rows = (
        TargetJob.objects.filter(job_title__in=family_job_titles(opening.rome_family), profile__in=profiles)
        .select_related("job_title", "profile__person")
        .order_by("profile__person_id", "position")
    )
    people, targets = {}, {}
    for row in rows:
        person = row.profile.person
        people[person.pk] = person
        targets.setdefault(person.pk, []).append(ranking.Target.of(row))
    candidates = []
    for pk, person in people.items():
        best = ranking.best_fit(targets[pk], opening, coordinates_of(person))
        if best is not None:
            candidates.append(Candidate(person, best))
    candidates.sort(key=lambda c: (c.fit.key[:3], c.person.sort_name, c.person.pk))
    if limit is not None:
        candidates = candidates[:limit]
    by_person = {c.person.pk: c for c in candidates}
    for enrolment in enrolments.filter(person__in=list(by_person)).select_related("service").order_by("pk"):
        by_person[enrolment.person_id].enrolments.append(enrolment)
    return candidates


# --- Proposals ---------------------------------------------------------------------------------


def check_proposable(enrolment: Enrolment, opening: Opening) -> None:
    if opening.organisation_id != enrolment.organisation_id:
        raise ValidationError({"opening": _("Cette offre n'est pas une offre de votre organisation.")})
    if opening.status != OpeningStatus.OPEN:
        raise ValidationError(
            {
                "opening": _(
                    "Cette offre est « %(status)s » : seule une offre ouverte peut recevoir une candidature."
                )
                % {"status": opening.get_status_display().lower()}
            }
        )
    if not enrolment.is_current:
        raise ValidationError(
            {
                "enrolment": _(
                    "Ce parcours est terminé : la personne ne peut plus être proposée à travers lui."
                )
            }
        )


def already_proposed(enrolment: Enrolment, opening: Opening) -> ValidationError | None:
    earlier = Proposal.objects.filter(enrolment=enrolment, opening=opening).first()
    if earlier is None:
        return None
    return ValidationError(
        {
            "opening": _("La personne a déjà été proposée pour cette offre le %(day)s.")
            % {"day": date_format(earlier.proposed_on, "j F Y")}
        }
    )


def propose(enrolment: Enrolment, opening: Opening, by, on: date, comment: str = "") -> Proposal:
    """Records that the person was proposed to the opening, through this pathway."""
    check_proposable(enrolment, opening)
    not_in_future("proposed_on", on, _("La date de la proposition"))
    not_before("proposed_on", on, enrolment.referral_date, _("La date de la proposition"), _("l'orientation"))
    refused = already_proposed(enrolment, opening)
    if refused:
        raise refused
    try:
        with transaction.atomic():
            return Proposal.objects.create(
                organisation_id=enrolment.organisation_id,
                enrolment=enrolment,
                opening=opening,
                proposed_on=on,
                proposed_by=by,
                comment=comment,
            )
    except IntegrityError:  # proposed at the same moment by someone else
        raise already_proposed(enrolment, opening) from None


def answer(proposal: Proposal, answer: str, on: date, comment: str = "", by=None) -> Proposal:
    """Records the answer to a proposal (the employer's or the person's)."""
    if answer not in Answer.values or answer == Answer.PENDING:
        raise ValidationError({"answer": _("Choisissez la réponse obtenue.")})
    not_in_future("answered_on", on, _("La date de la réponse"))
    not_before("answered_on", on, proposal.proposed_on, _("La date de la réponse"), _("la proposition"))
    proposal.answer, proposal.answered_on, proposal.comment = answer, on, comment
    proposal.save(update_fields=["answer", "answered_on", "comment"])
    return proposal
