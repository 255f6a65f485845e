"""The rules of job development: companies (and the guard against recording one twice), the
people met there, the coaches' contact log and the companies' openings.

Every function raises ValidationError with a French message naming the field at fault, before
writing anything; callers run them in the request's transaction. An archived company stays
readable but takes no new opening, contact person or contact log entry until it is restored.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.employers.models import (
    ALWAYS_FACE_TO_FACE,
    NEVER_FACE_TO_FACE,
    OBLIGATION_RATE,
    Company,
    EmployerContact,
    EmployerContactKind,
    Opening,
    OpeningStatus,
    hours_validators,
)
from filrouge.organisations.validators import normalise_siret, validate_siret
from filrouge.pathways.domain import not_in_future
from filrouge.people.models import Contact, ContactKind

# --- Companies ---------------------------------------------------------------------------------


class DuplicateCompany(ValidationError):
    """The SIRET is already recorded in the organisation: `existing` is that company."""

    def __init__(self, existing: Company):
        self.existing = existing
        if existing.is_archived:
            message = _(
                "Cette entreprise est déjà enregistrée, sous le nom « %(name)s », et archivée : "
                "restaurez sa fiche plutôt que d'en créer une seconde."
            )
        else:
            message = _(
                "Cette entreprise est déjà enregistrée, sous le nom « %(name)s » : "
                "complétez sa fiche plutôt que d'en créer une seconde."
            )
        super().__init__({"siret": ValidationError(message % {"name": existing.name}, code="duplicate")})


def clean_siret(value: str) -> str:
    """The SIRET as stored (digits only), or an error naming the field when it cannot exist."""
    siret = normalise_siret(value or "")
    if siret:
        try:
            validate_siret(siret)
        except ValidationError as error:
            raise ValidationError({"siret": error.messages}) from None
    return siret


def find_duplicate(company: Company) -> Company | None:
    """Another company of the organisation with the same SIRET, archived ones included."""
    if not company.siret:
        return None
    return (
        Company.objects.filter(organisation_id=company.organisation_id, siret=company.siret)
        .exclude(pk=company.pk)
        .first()
    )


def save_company(company: Company, *, by) -> Company:
    """Creates or updates a company; its contact people follow a change of its name."""
    company.siret = clean_siret(company.siret)
    company.full_clean(exclude=["search_name", "created_by"], validate_constraints=False)
    duplicate = find_duplicate(company)
    if duplicate is not None:
        raise DuplicateCompany(duplicate)
    creating = company.pk is None
    if creating:
        company.created_by = by
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError:
        # Someone recorded the same SIRET a moment ago: point to their record.
        duplicate = find_duplicate(company)
        if duplicate is None:
            raise
        if creating:
            company.pk = None
        raise DuplicateCompany(duplicate) from None
    if not creating:
        for contact in Contact.objects.filter(company=company).exclude(partner_name=company.name):
            contact.partner_name = company.name
            contact.save(update_fields=["partner_name", "search_name"])
    return company


def check_active(company: Company) -> None:
    if company.is_archived:
        raise ValidationError(
            _("L'entreprise « %(name)s » est archivée : restaurez-la d'abord.") % {"name": company.name}
        )


def archive_company(company: Company, *, by) -> int:
    """Archives the company: hidden from the lists, read-only; its open openings are closed.
    Returns how many openings were closed."""
    check_active(company)
    company.archived_at = timezone.now()
    company.save(update_fields=["archived_at"])
    closed = 0
    for opening in company.openings.filter(status=OpeningStatus.OPEN):
        opening.status = OpeningStatus.CLOSED
        opening.save(update_fields=["status", "updated_at", "rome_code", "rome_family"])
        closed += 1
    return closed


def restore_company(company: Company, *, by) -> None:
    if not company.is_archived:
        raise ValidationError(_("Cette entreprise n'est pas archivée."))
    company.archived_at = None
    company.save(update_fields=["archived_at"])


def obligation_label(company: Company) -> str:
    """Whether the disability-employment obligation applies, as the company's page says it."""
    applies = company.obligation_applies
    if applies is None:
        return _("Effectif inconnu")
    if applies:
        return _("Oui (%(rate)s %%)") % {"rate": OBLIGATION_RATE}
    return _("Non (moins de 20 salariés)")


def save_company_contact(contact: Contact, company: Company) -> Contact:
    """A person met at the company (a manager, a future tutor): a partner of kind "employer"."""
    if contact.pk is None:
        check_active(company)
    elif contact.company_id != company.pk:
        raise ValidationError(_("Cet interlocuteur appartient à une autre entreprise."))
    contact.company = company
    contact.organisation_id = company.organisation_id
    contact.kind = ContactKind.EMPLOYER
    contact.partner_name = company.name
    contact.save()
    return contact


# --- The employer contacts log -----------------------------------------------------------------


def check_face_to_face(kind: str, face_to_face: bool) -> None:
    if kind in NEVER_FACE_TO_FACE and face_to_face:
        raise ValidationError(
            {"face_to_face": _("Un appel téléphonique ne se fait jamais en face à face : décochez la case.")}
        )
    if kind in ALWAYS_FACE_TO_FACE and not face_to_face:
        raise ValidationError(
            {"face_to_face": _("Une visite se fait toujours en face à face : cochez la case.")}
        )


def check_company_contact(company: Company, company_contact: Contact | None, field: str) -> None:
    if company_contact is not None and company_contact.company_id != company.pk:
        raise ValidationError(
            {
                field: _("%(name)s ne fait pas partie de l'entreprise « %(company)s ».")
                % {"name": company_contact.full_name, "company": company.name}
            }
        )


def record_employer_contact(
    *,
    company: Company,
    by,
    kind: str,
    face_to_face: bool,
    contacted_on: date,
    person=None,
    company_contact: Contact | None = None,
    notes: str = "",
) -> EmployerContact:
    """One contact of the coach `by` with an employer, about a person they follow or about none."""
    check_active(company)
    if kind not in EmployerContactKind.values:
        raise ValidationError({"kind": _("Ce type de contact n'existe pas.")})
    not_in_future("contacted_on", contacted_on, _("La date du contact"))
    check_face_to_face(kind, face_to_face)
    if (
        person is not None
        and not policy.scoped_people(by, policy.Action.EDIT_CASES).filter(pk=person.pk).exists()
    ):
        raise ValidationError(
            {
                "person": _(
                    "Vous n'accompagnez pas cette personne : ce contact ne peut pas être noté pour elle."
                )
            }
        )
    check_company_contact(company, company_contact, "company_contact")
    return EmployerContact.objects.create(
        organisation_id=company.organisation_id,
        company=company,
        coach=by,
        kind=kind,
        face_to_face=face_to_face,
        contacted_on=contacted_on,
        person=person,
        company_contact=company_contact,
        notes=notes,
    )


@dataclass(frozen=True)
class Week:
    monday: date
    year: int
    number: int
    all: int
    face_to_face: int


def contacts_per_week(coach, start: date, end: date) -> list[Week]:
    """The coach's employer contacts in each ISO week from the one of `start` to the one of
    `end`, all of them and those met face to face; weeks without any count zero."""
    first = start - timedelta(days=start.weekday())
    last = end - timedelta(days=end.weekday())
    counts: dict[date, list[int]] = {}
    rows = EmployerContact.objects.filter(
        coach=coach, contacted_on__gte=first, contacted_on__lte=last + timedelta(days=6)
    ).values_list("contacted_on", "face_to_face")
    for day, face_to_face in rows:
        monday = day - timedelta(days=day.weekday())
        total = counts.setdefault(monday, [0, 0])
        total[0] += 1
        total[1] += int(face_to_face)
    weeks = []
    monday = first
    while monday <= last:
        year, number, _weekday = monday.isocalendar()
        all_, met = counts.get(monday, [0, 0])
        weeks.append(Week(monday, year, number, all_, met))
        monday += timedelta(days=7)
    return weeks


# --- Openings ----------------------------------------------------------------------------------


def check_hours(hours) -> None:
    errors = []
    for validator in hours_validators():
        try:
            validator(hours)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"hours_per_week": errors})


def save_opening(opening: Opening, *, by) -> Opening:
    """Creates or updates an opening. Its place defaults to the company's when left empty."""
    company = opening.company
    if opening.pk is None or opening.status == OpeningStatus.OPEN:
        check_active(company)
    check_hours(opening.hours_per_week)
    if opening.positions is None or opening.positions < 1:
        raise ValidationError({"positions": _("Une offre compte au moins un poste.")})
    if opening.status not in OpeningStatus.values:
        raise ValidationError({"status": _("Ce statut n'existe pas.")})
    check_company_contact(company, opening.recruiter, "recruiter")
    if not opening.postal_code and not opening.city:
        opening.postal_code, opening.city = company.postal_code, company.city
    # At the company's commune, the opening takes the company's point; elsewhere it is placed at
    # its own commune when saved.
    at_company = (opening.postal_code, opening.city) == (company.postal_code, company.city)
    if at_company and opening.latitude is None and opening.longitude is None:
        opening.latitude, opening.longitude = company.latitude, company.longitude
    if (opening.latitude is None) != (opening.longitude is None):
        raise ValidationError({"longitude": _("Indiquez la latitude et la longitude, ou aucune des deux.")})
    opening.organisation_id = company.organisation_id
    if opening.pk is None:
        opening.created_by = by
    opening.save()
    return opening
