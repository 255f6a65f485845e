"""The lists a head of service exports as CSV: the pathways with their phase, the placements, the
employer contacts log; and the transfer exports, in the columns of the import's templates.

Each list reads only the rows of the services it is given (the caller scopes them with
`policy.scoped_services(user, Action.EXPORT_LISTS)`), through the policy's `scoped_*` functions,
in a fixed number of queries whatever the number of rows. The employer contacts' notes are
private, encrypted writing read on the person's timeline only: they are never exported.

The transfer exports (`TRANSFER_KINDS`) write a service's caseload, the organisation's companies
and the placements in the columns of `imports.columns`, headers and values as the import reads
them back, so that a file exported here maps and imports by itself into another organisation
(docs/design/imports-plan.md, 7.3). Their headers are the columns' own labels; each exported
column has its value in `PEOPLE_VALUES`, `COMPANY_VALUES` or `PLACEMENT_VALUES`, and the
columns left out are named with the reason (`LEFT_OUT`). Our own ids are the external ids.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge import policy
from filrouge.core.phones import format_phone
from filrouge.imports import columns
from filrouge.organisations.models import Membership
from filrouge.pathways.models import Enrolment, PhaseChange, Suspension
from filrouge.people.models import Contact, ContactKind

EXPORT = policy.Action.EXPORT_LISTS


@dataclass(frozen=True)
class ListKind:
    key: str  # in the URL and the file name
    label: str
    description: str
    per_service: bool = True  # False: the organisation's directory, whatever the service chosen


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
PEOPLE_TRANSFER = ListKind(
    "personnes-pour-import",
    gettext_lazy("Personnes et parcours (pour un import)"),
    gettext_lazy(
        "Les colonnes du modèle d'import : identité, coordonnées, parcours, situation à l'entrée (dont "
        "RQTH et AAH) et prescripteur, sans le motif d'orientation ni le numéro MDPH. Il vous sera "
        "demandé de confirmer votre identité."
    ),
)
COMPANIES = ListKind(
    "entreprises",
    gettext_lazy("Entreprises"),
    gettext_lazy(
        "Tout le répertoire des entreprises de l'organisation, quel que soit le service choisi : une "
        "ligne par personne rencontrée, dans les colonnes du modèle d'import."
    ),
    per_service=False,
)
PLACEMENTS_TRANSFER = ListKind(
    "experiences-pour-import",
    gettext_lazy("Expériences (pour un import)"),
    gettext_lazy(
        "Les emplois, stages et immersions dans les colonnes du modèle d'import, avec le SIRET de "
        "l'entreprise et le code ROME du poste."
    ),
)
TRANSFER_KINDS = (PEOPLE_TRANSFER, COMPANIES, PLACEMENTS_TRANSFER)
BY_KEY = {kind.key: kind for kind in KINDS + TRANSFER_KINDS}


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


# --- The transfer exports, in the import's columns --------------------------------------------

# The columns of the templates that the exports leave empty, and why: free text about a person
# is the most sensitive writing and no figure reads it; the MDPH file number is a health record's.
LEFT_OUT = {
    columns.PEOPLE: frozenset({"referral_reason", "exit_comment", "mdph_file"}),
    columns.COMPANIES: frozenset(),
    columns.PLACEMENTS: frozenset({"end_comment"}),
}


def oui_non(value: bool) -> str:
    # As `imports.values.parse_boolean` reads it, whatever the page's language.
    return "oui" if value else "non"


def grouped_siret(siret: str) -> str:
    """ "732 829 320 00074": a spreadsheet keeps it as text (as a number it would drop the leading
    zeros and show 7,3E+13); the import reads the spaces away."""
    if len(siret) == 14 and siret.isdigit():
        return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    return siret


def email_of(user) -> str:
    # The staff member's e-mail: the key the import looks the account up by.
    return user.email if user is not None else ""


def entry_of(enrolment):
    try:
        return enrolment.entry_situation
    except ObjectDoesNotExist:
        return None


def from_entry(read: Callable[[Any], Any]) -> Callable[[Enrolment], Any]:
    """A value of the situation at entry (an old pathway may have none: the cell stays empty)."""

    def value(enrolment):
        entry = entry_of(enrolment)
        return read(entry) if entry is not None else None

    return value


def from_referrer(read: Callable[[Contact], Any]) -> Callable[[Enrolment], Any]:
    def value(enrolment):
        return read(enrolment.referred_by) if enrolment.referred_by is not None else None

    return value


# One row per pathway; the person's id is the row's external id (a person followed in two
# services has a row in each, with the same id: each service imports its own file).
PEOPLE_VALUES: dict[str, Callable[[Enrolment], Any]] = {
    "external_id": lambda e: e.person_id,
    "pathway_external_id": lambda e: e.pk,
    "birth_name": lambda e: e.person.birth_name,
    "usual_name": lambda e: e.person.usual_name,
    "first_name": lambda e: e.person.first_name,
    "date_of_birth": lambda e: e.person.date_of_birth,
    "sex": lambda e: e.person.get_sex_display(),
    "phone": lambda e: format_phone(e.person.phone),
    "email": lambda e: e.person.email,
    "address": lambda e: e.person.address,
    "postal_code": lambda e: e.person.postal_code,
    "city": lambda e: e.person.city,
    "preferred_channel": lambda e: e.person.get_preferred_channel_display(),
    "referral_date": lambda e: e.referral_date,
    "intake_date": lambda e: e.intake_date,
    "lead_coach": lambda e: email_of(e.primary_coach),
    "phase": lambda e: e.get_phase_display(),
    "phase_since": lambda e: e.phase_since,  # annotated: the latest phase change's date
    "planned_end_date": lambda e: e.planned_end_date,
    "exit_date": lambda e: e.exit_date,
    "exit_outcome": lambda e: e.get_exit_outcome_display(),
    "reoriented_to": lambda e: e.reoriented_to,
    "suspensions": lambda e: suspensions_cell(e.suspensions.all()),
    "homonym_confirmed": lambda e: "",  # the import's decision, not a fact of the record
    "employment_status": from_entry(lambda s: s.get_employment_status_display()),
    "out_of_work_since": from_entry(lambda s: s.out_of_work_since),
    "education_level": from_entry(lambda s: s.get_education_level_display()),
    "receives_rsa": from_entry(lambda s: oui_non(s.receives_rsa)),
    "receives_aah": from_entry(lambda s: oui_non(s.receives_aah)),
    "receives_unemployment_benefit": from_entry(lambda s: oui_non(s.receives_unemployment_benefit)),
    "rqth_status": from_entry(lambda s: s.get_rqth_status_display()),
    "rqth_requested_on": from_entry(lambda s: s.rqth_requested_on),
    "rqth_granted_on": from_entry(lambda s: s.rqth_granted_on),
    "housing": from_entry(lambda s: s.get_housing_display()),
    # The one referent of the row: who referred the person to this service, their "prescripteur".
    "referent_kind": from_referrer(lambda c: ContactKind.REFERRING_PARTNER.label),
    "referent_partner_name": from_referrer(lambda c: c.partner_name),
    "referent_full_name": from_referrer(lambda c: c.full_name),
    "referent_job_title": from_referrer(lambda c: c.job_title),
    "referent_phone": from_referrer(lambda c: format_phone(c.phone)),
    "referent_email": from_referrer(lambda c: c.email),
}

# One row per person met at the company, the company's columns repeated (a company without
# anyone met: one row); `contact` is None on that row.
COMPANY_VALUES: dict[str, Callable[[Any, Contact | None], Any]] = {
    "external_id": lambda company, contact: company.pk,
    "siret": lambda company, contact: grouped_siret(company.siret),
    "name": lambda company, contact: company.name,
    "naf_code": lambda company, contact: company.naf_code,
    "size_band": lambda company, contact: company.get_size_band_display(),
    "kind": lambda company, contact: company.get_kind_display(),
    "address": lambda company, contact: company.address,
    "postal_code": lambda company, contact: company.postal_code,
    "city": lambda company, contact: company.city,
    "relationship_status": lambda company, contact: company.get_relationship_status_display(),
    "owner": lambda company, contact: email_of(company.owner),
    "notes": lambda company, contact: company.notes,
    "contact_full_name": lambda company, contact: contact.full_name if contact else "",
    "contact_job_title": lambda company, contact: contact.job_title if contact else "",
    "contact_phone": lambda company, contact: format_phone(contact.phone) if contact else "",
    "contact_email": lambda company, contact: contact.email if contact else "",
}

PLACEMENT_VALUES: dict[str, Callable[[Any], Any]] = {
    "external_id": lambda p: p.pk,
    "pathway_external_id": lambda p: p.enrolment_id,  # the people export's pathway id
    "person_external_id": lambda p: p.enrolment.person_id,  # the people export's external id
    "last_name": lambda p: p.enrolment.person.last_name,
    "first_name": lambda p: p.enrolment.person.first_name,
    "date_of_birth": lambda p: p.enrolment.person.date_of_birth,
    "referral_date": lambda p: p.enrolment.referral_date,
    "company_external_id": lambda p: p.company_id,  # the companies export's external id
    "company_siret": lambda p: grouped_siret(p.company.siret),
    "company_name": lambda p: p.company.name,
    "kind": lambda p: p.get_kind_display(),
    "contract_type": lambda p: p.get_contract_type_display(),
    "ogr_code": lambda p: p.job_title_id,
    "job_title": lambda p: p.job_title.label,
    "rome_code": lambda p: p.job_title.occupation_id,
    "started_on": lambda p: p.started_on,
    "planned_end_on": lambda p: p.planned_end_on,
    "ended_on": lambda p: p.ended_on,
    "end_reason": lambda p: p.get_end_reason_display(),
    "hours_per_week": lambda p: p.hours_per_week,
    "objective": lambda p: p.get_objective_display(),
    "assessment": lambda p: p.get_assessment_display(),
    "led_to_job": lambda p: "" if p.led_to_job is None else oui_non(p.led_to_job),
}


def exported_columns(kind: str) -> list[columns.Column]:
    """The import's columns of `kind` that the transfer export writes, in the templates' order."""
    return [column for column in columns.kind_of(kind).columns if column.key not in LEFT_OUT[kind]]


def transfer_headers(kind: str) -> list[str]:
    # Always the French labels: the import recognises them whatever the importer's language.
    with translation.override("fr"):
        return [str(column.label) for column in exported_columns(kind)]


def suspensions_cell(suspensions) -> str:
    """ "03/02/2026-17/02/2026 Hospitalisation; 01/06/2026- Autre", as the import reads it (the
    comments, free text, are left out)."""
    return "; ".join(
        f"{s.start_date:%d/%m/%Y}-{s.end_date:%d/%m/%Y} {s.get_reason_display()}"
        if s.end_date
        else f"{s.start_date:%d/%m/%Y}- {s.get_reason_display()}"
        for s in suspensions
    )


def people_transfer(user, services) -> Table:
    """One row per pathway of the services, in the people template's columns."""
    latest_change = PhaseChange.objects.filter(enrolment=OuterRef("pk")).order_by(
        "-changed_on", "-recorded_at", "-pk"
    )
    enrolments = (
        policy.scoped_enrolments(user, EXPORT)
        .filter(service__in=services)
        .select_related("person", "primary_coach", "referred_by", "entry_situation")
        .annotate(phase_since=Subquery(latest_change.values("changed_on")[:1]))
        .prefetch_related(
            Prefetch("suspensions", queryset=Suspension.objects.defer("comment").order_by("start_date", "pk"))
        )
        # The encrypted free texts are left out: not even read, so never decrypted.
        .defer("referral_reason", "exit_comment", "entry_situation__mdph_file")
        .order_by("service__name", "person__sort_name", "pk")
    )
    return transfer_table(
        PEOPLE_TRANSFER, columns.PEOPLE, PEOPLE_VALUES, enrolments.iterator(chunk_size=2000)
    )


def companies(user, services=None) -> Table:
    """The organisation's companies (the directory its case workers see, archived ones too: a
    placement may name one), one row per person met there."""
    queryset = (
        policy.scoped_companies(user)
        .select_related("owner")
        .prefetch_related(Prefetch("contacts", queryset=Contact.objects.order_by("full_name", "pk")))
        .order_by("name", "pk")
    )
    keys = [column.key for column in exported_columns(columns.COMPANIES)]
    rows = []
    with translation.override("fr"):
        for company in queryset.iterator(chunk_size=2000):
            for contact in list(company.contacts.all()) or [None]:
                rows.append([COMPANY_VALUES[key](company, contact) for key in keys])
    return Table(COMPANIES, transfer_headers(columns.COMPANIES), rows)


def placements_transfer(user, services) -> Table:
    """One row per immersion, internship or job of the services' pathways, in the placements
    template's columns."""
    queryset = (
        policy.scoped_placements(user, EXPORT)
        .filter(enrolment__service__in=services)
        .select_related("enrolment__person", "company", "job_title")
        .defer("end_comment")
        .order_by("enrolment__service__name", "-started_on", "pk")
    )
    return transfer_table(
        PLACEMENTS_TRANSFER, columns.PLACEMENTS, PLACEMENT_VALUES, queryset.iterator(chunk_size=2000)
    )


def transfer_table(exported, kind, values, records) -> Table:
    """A transfer list: the import template's columns of `kind`, one row per record, the values
    written in French as the import reads them back."""
    keys = [column.key for column in exported_columns(kind)]
    with translation.override("fr"):
        rows = [[values[key](record) for key in keys] for record in records]
    return Table(exported, transfer_headers(kind), rows)


BUILDERS = {
    PEOPLE.key: people,
    PLACEMENTS.key: placements,
    EMPLOYER_CONTACTS.key: employer_contacts,
    PEOPLE_TRANSFER.key: people_transfer,
    COMPANIES.key: companies,
    PLACEMENTS_TRANSFER.key: placements_transfer,
}


def build(key: str, user, services) -> Table:
    return BUILDERS[key](user, services)
