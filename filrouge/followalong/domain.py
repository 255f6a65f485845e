"""The rules of support after hiring: recording a contact with the person at work, the tutor or
the manager, and the monthly face-to-face contact expected while the person is in a job."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from filrouge.followalong.models import Party, SupportContact, SupportKind, SupportPlace
from filrouge.pathways.caseload import EMPLOYMENT_CONTACT_DAYS
from filrouge.pathways.domain import not_before, not_in_future, today
from filrouge.people.models import ANONYMISED_RECORD
from filrouge.placements.models import PlacementKind

# After a placement ends, its follow-up may still be written down for this long (a last call to
# the tutor, the person met the week after): later, it is no longer support in this job.
AFTER_END_DAYS = 30
EDITABLE_FIELDS = ("party", "kind", "place", "contacted_on", "notes")


def check_support_contact(placement, *, party, kind, place, contacted_on) -> str:
    """Refuses a contact the rules do not allow (a `ValidationError` by field); returns the place
    to record: a contact at a distance is always "remote", whatever was chosen."""
    if placement.pk is None or placement.kind not in PlacementKind.values:
        raise ValidationError(
            _("Ce contact doit se rattacher à un emploi, un stage ou une immersion enregistré.")
        )
    if placement.enrolment.person.is_anonymised:
        raise ValidationError(ANONYMISED_RECORD)
    errors = {}
    if party not in Party.values:
        errors["party"] = _("Choisissez avec qui le contact a eu lieu.")
    if kind not in SupportKind.values:
        errors["kind"] = _("Choisissez le type de contact.")
    elif kind == SupportKind.FACE_TO_FACE and place not in set(SupportPlace.values) - {SupportPlace.REMOTE}:
        errors["place"] = _(
            "Une rencontre en face à face a lieu quelque part : choisissez le lieu (pas « À distance »)."
        )
    if errors:
        raise ValidationError(errors)
    not_in_future("contacted_on", contacted_on, _("La date du contact"))
    not_before(
        "contacted_on",
        contacted_on,
        placement.started_on,
        _("La date du contact"),
        _("le début de l'expérience"),
    )
    if placement.ended_on is not None and contacted_on > placement.ended_on + timedelta(days=AFTER_END_DAYS):
        raise ValidationError(
            {
                "contacted_on": _(
                    "Cette expérience a pris fin le %(end)s : un contact de suivi peut être noté jusqu'à "
                    "%(days)s jours après, pas au-delà."
                )
                % {"end": date_format(placement.ended_on, "SHORT_DATE_FORMAT"), "days": AFTER_END_DAYS}
            }
        )
    return place if kind == SupportKind.FACE_TO_FACE else SupportPlace.REMOTE


def record_support_contact(placement, by, *, party, kind, place="", contacted_on, notes="") -> SupportContact:
    """A contact of the coach (`by`) about `placement`: with the person, the tutor or the manager."""
    place = check_support_contact(placement, party=party, kind=kind, place=place, contacted_on=contacted_on)
    return SupportContact.objects.create(
        organisation_id=placement.organisation_id,
        placement=placement,
        party=party,
        kind=kind,
        place=place,
        contacted_on=contacted_on,
        notes=notes,
        by=by,
    )


def update_support_contact(contact: SupportContact, **fields) -> SupportContact:
    """Corrects a contact (its author's), under the same rules as recording it."""
    values = {name: fields.get(name, getattr(contact, name)) for name in EDITABLE_FIELDS}
    values["place"] = check_support_contact(
        contact.placement,
        party=values["party"],
        kind=values["kind"],
        place=values["place"],
        contacted_on=values["contacted_on"],
    )
    for name, value in values.items():
        setattr(contact, name, value)
    contact.save(update_fields=list(EDITABLE_FIELDS))
    return contact


def last_face_to_face(placement) -> SupportContact | None:
    """The latest face-to-face contact about `placement`, or None."""
    return (
        placement.support_contacts.filter(kind=SupportKind.FACE_TO_FACE)
        .order_by("-contacted_on", "-pk")
        .first()
    )


@dataclass(frozen=True)
class MonthlyContact:
    """Where a job stands against "at least one face-to-face contact a month in employment"."""

    last_on: date | None  # the latest face-to-face contact
    next_due_on: date  # the next one is expected on or before this day
    overdue: bool


def monthly_contact(
    placement, on: date | None = None, last: SupportContact | None = None
) -> MonthlyContact | None:
    """For a job ongoing on `on` (today by default): the last face-to-face contact and when the next
    is due (30 days after it, or after the start when there is none yet). Overdue is the caseload's
    alert for this job (`caseload.alert_follow_along`). None for other placements or a job that ended."""
    on = on or today()
    if placement.kind != PlacementKind.EMPLOYMENT or not placement.is_ongoing(on):
        return None
    last = last if last is not None else last_face_to_face(placement)
    last_on = last.contacted_on if last else None
    due = next_face_to_face_due(placement.started_on, last_on)
    return MonthlyContact(last_on=last_on, next_due_on=due, overdue=due < on)


def next_face_to_face_due(started_on: date, last_on: date | None) -> date:
    """30 days after the latest face-to-face contact, or after the job's start when there is none."""
    reference = max(started_on, last_on) if last_on else started_on
    return reference + timedelta(days=EMPLOYMENT_CONTACT_DAYS)


def jobs_due_for_contact(placements, on: date, by: date):
    """The jobs of `placements` ongoing on `on` whose next face-to-face contact
    (`monthly_contact`) is due on or before `by`, in one query; each with `last_face_to_face_on`."""
    cutoff = by - timedelta(days=EMPLOYMENT_CONTACT_DAYS)
    face_to_face = SupportContact.objects.filter(placement=OuterRef("pk"), kind=SupportKind.FACE_TO_FACE)
    return (
        placements.filter(kind=PlacementKind.EMPLOYMENT)
        .ongoing_on(on)
        .filter(started_on__lte=cutoff)
        .exclude(Exists(face_to_face.filter(contacted_on__gt=cutoff)))
        .annotate(
            last_face_to_face_on=Subquery(face_to_face.order_by("-contacted_on").values("contacted_on")[:1])
        )
    )
