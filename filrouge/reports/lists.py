"""The lists a head of service exports as CSV: the pathways with their phase, the placements, the
employer contacts log.

Each list reads only the rows of the services it is given (the caller scopes them with
`policy.scoped_services(user, Action.EXPORT_LISTS)`), through the policy's `scoped_*` functions,
in a fixed number of queries whatever the number of rows. The employer contacts' notes are
private, encrypted writing read on the person's timeline only: they are never exported.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge import policy
from filrouge.organisations.models import Membership
from filrouge.pathways.models import Enrolment

EXPORT = policy.Action.EXPORT_LISTS


@dataclass(frozen=True)
class ListKind:
    key: str  # in the URL and the file name
    label: str
    description: str


PEOPLE = ListKind(
    "personnes",
    gettext_lazy("Personnes accompagnées"),
    gettext_lazy("Un parcours par ligne : service, job coach, étape actuelle, dates d'entrée et de sortie."),
)
PLACEMENTS = ListKind(
    "experiences",
    gettext_lazy("Immersions, stages et emplois"),
    gettext_lazy("Type, entreprise, poste, contrat, dates, heures par semaine, emploi durable."),
)
EMPLOYER_CONTACTS = ListKind(
    "contacts-employeurs",
    gettext_lazy("Contacts employeurs"),
    gettext_lazy("Date, entreprise, type de contact, face à face, job coach (sans les notes)."),
)
KINDS = (PEOPLE, PLACEMENTS, EMPLOYER_CONTACTS)
BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass(frozen=True)
class Table:
    """A list ready to be written: its column headers and its rows (text, numbers, dates)."""

    kind: ListKind
    headers: list[str]
    rows: list[list]


def yes_no(value: bool) -> str:
    return _("Oui") if value else _("Non")


def people(user, services) -> Table:
    """One row per pathway of the services: who, where, led by whom, at which phase, since when."""
    enrolments = (
        policy.scoped_enrolments(user, EXPORT)
        .filter(service__in=services)
        .select_related("person", "service", "primary_coach")
        .order_by("service__name", "person__sort_name", "pk")
    )
    headers = [
        _("N° de parcours"),
        _("Nom"),
        _("Prénom"),
        _("Service"),
        _("Job coach référent·e"),
        _("Étape actuelle"),
        _("Date d'orientation"),
        _("Date d'entrée"),
        _("Date de sortie"),
        _("Motif de sortie"),
    ]
    rows = [
        [
            enrolment.pk,
            enrolment.person.last_name,
            enrolment.person.first_name,
            enrolment.service.name,
            coach_name(enrolment.primary_coach),
            enrolment.get_phase_display(),
            enrolment.referral_date,
            enrolment.entry_date,
            enrolment.exit_date,
            enrolment.get_exit_outcome_display(),
        ]
        for enrolment in enrolments.iterator(chunk_size=2000)
    ]
    return Table(PEOPLE, headers, rows)


def placements(user, services) -> Table:
    """One row per immersion, internship or job of the services' pathways."""
    queryset = (
        policy.scoped_placements(user, EXPORT)
        .filter(enrolment__service__in=services)
        .select_related("enrolment__person", "enrolment__service", "company", "job_title")
        .order_by("enrolment__service__name", "-started_on", "pk")
    )
    headers = [
        _("N° de parcours"),
        _("Nom"),
        _("Prénom"),
        _("Service"),
        _("Type d'expérience"),
        _("Entreprise"),
        _("Poste"),
        _("Type de contrat"),
        _("Début"),
        _("Fin prévue"),
        _("Fin"),
        _("Motif de fin"),
        _("Heures par semaine"),
        _("Emploi durable"),
    ]
    rows = [
        [
            placement.enrolment_id,
            placement.enrolment.person.last_name,
            placement.enrolment.person.first_name,
            placement.enrolment.service.name,
            placement.get_kind_display(),
            placement.company.name,
            placement.job_title.label,
            placement.get_contract_type_display(),
            placement.started_on,
            placement.planned_end_on,
            placement.ended_on,
            placement.get_end_reason_display(),
            placement.hours_per_week,
            yes_no(placement.is_durable),
        ]
        for placement in queryset.iterator(chunk_size=2000)
    ]
    return Table(PLACEMENTS, headers, rows)


def employer_contacts(user, services) -> Table:
    """The employer contacts of the services: logged by one of their staff, or about a person they
    support. The notes stay out (private writing)."""
    of_services = Q(
        Exists(
            Membership.objects.active().filter(
                user=OuterRef("coach"), service__in=services, role__in=policy.CASE_ROLES
            )
        )
    ) | Q(Exists(Enrolment.objects.filter(person=OuterRef("person"), service__in=services)))
    queryset = (
        policy.scoped_employer_contacts(user, EXPORT)
        .filter(of_services)
        .select_related("company", "coach")
        .order_by("-contacted_on", "-pk")
    )
    headers = [_("Date"), _("Entreprise"), _("Type de contact"), _("En face à face"), _("Job coach")]
    rows = [
        [
            contact.contacted_on,
            contact.company.name,
            contact.get_kind_display(),
            yes_no(contact.face_to_face),
            coach_name(contact.coach),
        ]
        # The notes column is not even read: it would be decrypted for nothing.
        for contact in queryset.only(
            "contacted_on", "kind", "face_to_face", "company__name", "coach__full_name", "coach__email"
        ).iterator(chunk_size=2000)
    ]
    return Table(EMPLOYER_CONTACTS, headers, rows)


def coach_name(user) -> str:
    return (user.full_name or user.email) if user is not None else ""


BUILDERS = {PEOPLE.key: people, PLACEMENTS.key: placements, EMPLOYER_CONTACTS.key: employer_contacts}


def build(key: str, user, services) -> Table:
    return BUILDERS[key](user, services)
