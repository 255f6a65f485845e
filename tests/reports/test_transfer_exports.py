"""The transfer exports (docs/design/imports-plan.md, 7.3): the people with their pathways, the
companies and the placements in the columns of the import's templates.

The round trip is the point: every header of each file is guessed by `columns.guess_mapping` as its
own column, and every cell, read back by that column's parser, gives the value stored. Then who
may export them (heads of service and directors), the re-authentication the people's file needs
(it holds RQTH and AAH), the audit entry, and the cells that look like formulas."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from filrouge.accounts.reauth import SESSION_REAUTH_AT
from filrouge.audit.models import AuditEntry, Kind
from filrouge.employers.models import CompanyKind, RelationshipStatus, SizeBand
from filrouge.imports import columns
from filrouge.organisations.validators import synthetic_siret
from filrouge.pathways import domain
from filrouge.pathways.domain import today
from filrouge.pathways.models import EducationLevel, EmploymentStatus, ExitOutcome, Housing, RqthStatus
from filrouge.people.models import ContactChannel, ContactKind, Sex
from filrouge.placements.models import EndReason, ImmersionObjective, PlacementKind
from filrouge.referentials.models import ContractType
from tests.employers.factories import CompanyContactFactory, CompanyFactory
from tests.pathways.factories import enrol
from tests.people.factories import ContactFactory, PersonFactory
from tests.placements.factories import PlacementFactory, immersion

PEOPLE, COMPANIES, PLACEMENTS = (
    "reports:export_people_transfer",
    "reports:export_companies",
    "reports:export_placements_transfer",
)
KIND_OF = {PEOPLE: columns.PEOPLE, COMPANIES: columns.COMPANIES, PLACEMENTS: columns.PLACEMENTS}
# What the exports leave out, on purpose (free text about a person, a health record's number).
LEFT_OUT = {
    columns.PEOPLE: {"referral_reason", "exit_comment", "mdph_file"},
    columns.COMPANIES: set(),
    columns.PLACEMENTS: {"end_comment"},
}
SECRETS = ("Motif très confidentiel", "MDPH-7781-SECRET", "Commentaire de sortie confidentiel")


def confirmed(client, user):
    """Signed in and re-authenticated a moment ago, as after `accounts:reauthenticate`."""
    client.force_login(user)
    session = client.session
    session[SESSION_REAUTH_AT] = timezone.now().timestamp()
    session.save()
    return client


def download(client, name, **query):
    response = client.get(reverse(name), query)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return response


def table_of(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def read_back(response, kind: str) -> list[dict]:
    """The file as the import reads it: the guessed mapping, then each cell through its column's
    parser (a cell that does not parse fails the test with the column's message)."""
    headers, *rows = table_of(response)
    spec = columns.kind_of(kind)
    with translation.override("fr"):
        expected_headers = [str(column.label) for column in spec.columns if column.key not in LEFT_OUT[kind]]
        labels = {str(column.label): column.key for column in spec.columns}
    assert headers == expected_headers
    mapping = columns.guess_mapping(headers, kind)
    assert mapping == {position: labels[header] for position, header in enumerate(headers)}
    assert columns.missing_required(mapping, kind) == []
    parsed = []
    for row in rows:
        assert len(row) == len(headers)
        result = columns.parse_row(mapping, row, kind)
        assert result.errors == {}, (row, result.errors)
        parsed.append(result.values)
    return parsed


# --- Demo-like data --------------------------------------------------------------------------


@pytest.fixture
def caseload(world):
    """A1's caseload as a service keeps it: a person with every column filled, exited; the
    world's person (few columns); a pathway of A2 and one of organisation B, never in A1's file."""
    coach = world.users["coach"]
    referrer = ContactFactory(
        organisation=world.org_a,
        full_name="Alex Durand",
        partner_name="France Travail Valence",
        job_title="Conseiller emploi",
        phone="+32 470 12 34 56",
        email="alex.durand@example.org",
    )
    person = PersonFactory(
        organisation=world.org_a,
        first_name="Camille",
        birth_name="Martin",
        usual_name="Exemple-Martin",
        sex=Sex.FEMALE,
        phone="06 39 98 12 34",
        email="camille.martin@example.org",
        address="-12 rue des Lilas",  # a text a spreadsheet would take for a formula
        postal_code="01000",  # a leading zero a spreadsheet drops
        city="Bourg-en-Bresse",
        preferred_channel=ContactChannel.SMS,
    )
    referral = today() - timedelta(days=200)
    full = domain.enrol(
        person,
        world.a1,
        by=coach,
        referral_date=referral,
        intake_date=referral + timedelta(days=9),
        primary_coach=coach,
        referral_reason=SECRETS[0],
        referred_by=referrer,
        entry={
            "employment_status": EmploymentStatus.OUT_OF_WORK,
            "out_of_work_since": referral - timedelta(days=400),
            "education_level": EducationLevel.INFRA_3,
            "receives_rsa": True,
            "receives_aah": True,
            "receives_unemployment_benefit": False,
            "rqth_status": RqthStatus.GRANTED,
            "rqth_requested_on": referral - timedelta(days=300),
            "rqth_granted_on": referral - timedelta(days=100),
            "mdph_file": SECRETS[1],
            "housing": Housing.SUPPORTED,
        },
    )
    domain.record_exit(
        full,
        on=today() - timedelta(days=5),
        outcome=ExitOutcome.REORIENTATION_ESAT,
        by=coach,
        comment=SECRETS[2],
        reoriented_to="ESAT des Collines",
    )
    full.refresh_from_db()
    elsewhere = enrol(world.a2, person=PersonFactory(organisation=world.org_a, birth_name="Autreservice"))
    outsider = enrol(world.b1, person=PersonFactory(organisation=world.org_b, birth_name="Autreorganisation"))
    return {"full": full, "elsewhere": elsewhere, "outsider": outsider}


@pytest.fixture
def directory(world):
    """The organisation's companies: one with everything and two people met there, one with
    nothing but a name that looks like a formula; and a company of organisation B."""
    bakery = CompanyFactory(
        organisation=world.org_a,
        name="Boulangerie des Collines",
        siret=synthetic_siret(7),  # starts with zeros
        naf_code="10.71C",
        size_band=SizeBand.FROM_20,
        kind=CompanyKind.ADAPTED,
        address="3 place du Marché",
        postal_code="26000",
        city="Valence",
        relationship_status=RelationshipStatus.PARTNER,
        owner=world.users["head_of_service"],
        notes="Entrée par la cour ;\nsonner deux fois",
    )
    CompanyContactFactory(
        company=bakery,
        full_name="Sam Leroy",
        job_title="Gérant",
        phone="0692 12 34 56",
        email="sam@example.org",
    )
    CompanyContactFactory(company=bakery, full_name="Alix Petit", job_title="", phone="", email="")
    formula = CompanyFactory(
        organisation=world.org_a, name="=SOMME(A1:A9)", siret="", postal_code="", city=""
    )
    other = CompanyFactory(organisation=world.org_b, name="Entreprise de l'autre organisation")
    return {"bakery": bakery, "formula": formula, "other": other}


@pytest.fixture
def experiences(world, caseload, directory):
    start = today() - timedelta(days=120)
    job = PlacementFactory(
        enrolment=world.enrolment,
        company=directory["bakery"],
        contract_type=ContractType.CDI,
        started_on=start,
    )
    cdd = PlacementFactory(
        enrolment=caseload["full"],
        company=directory["formula"],
        contract_type=ContractType.CDD_LONG,
        started_on=start,
        planned_end_on=start + timedelta(days=200),
        ended_on=start + timedelta(days=90),
        end_reason=EndReason.END_OF_TRIAL,
        hours_per_week=28,
    )
    visit = immersion(world.enrolment, company=directory["bakery"], objective=ImmersionObjective.CONFIRM)
    PlacementFactory(enrolment=caseload["elsewhere"])  # A2's
    PlacementFactory(enrolment=caseload["outsider"])  # organisation B's
    return {"job": job, "cdd": cdd, "visit": visit}


# --- What the import must read back ----------------------------------------------------------


def stored_pathway(enrolment) -> dict:
    person, entry, referrer = enrolment.person, enrolment.entry_situation, enrolment.referred_by
    return {
        "external_id": str(person.pk),
        "pathway_external_id": str(enrolment.pk),
        "birth_name": person.birth_name,
        "usual_name": person.usual_name,
        "first_name": person.first_name,
        "date_of_birth": person.date_of_birth,
        "sex": person.sex,
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
        "postal_code": person.postal_code,
        "city": person.city,
        "preferred_channel": person.preferred_channel,
        "referral_date": enrolment.referral_date,
        "intake_date": enrolment.intake_date,
        "lead_coach": enrolment.primary_coach.email.lower() if enrolment.primary_coach else "",
        "phase": enrolment.phase,
        "phase_since": enrolment.phase_changes.order_by("-changed_on", "-recorded_at", "-pk")[0].changed_on,
        "planned_end_date": enrolment.planned_end_date,
        "exit_date": enrolment.exit_date,
        "exit_outcome": enrolment.exit_outcome,
        "reoriented_to": enrolment.reoriented_to,
        "suspensions": tuple(
            (s.start_date, s.end_date, s.reason) for s in enrolment.suspensions.order_by("start_date")
        ),
        "homonym_confirmed": False,  # blank: the import's own decision
        "employment_status": entry.employment_status,
        "out_of_work_since": entry.out_of_work_since,
        "education_level": entry.education_level,
        "receives_rsa": entry.receives_rsa,
        "receives_aah": entry.receives_aah,
        "receives_unemployment_benefit": entry.receives_unemployment_benefit,
        "rqth_status": entry.rqth_status,
        "rqth_requested_on": entry.rqth_requested_on,
        "rqth_granted_on": entry.rqth_granted_on,
        "housing": entry.housing,
        "referent_kind": ContactKind.REFERRING_PARTNER.value if referrer else "",
        "referent_partner_name": referrer.partner_name if referrer else "",
        "referent_full_name": referrer.full_name if referrer else "",
        "referent_job_title": referrer.job_title if referrer else "",
        "referent_phone": referrer.phone if referrer else "",
        "referent_email": referrer.email if referrer else "",
    }


def stored_company(company, contact) -> dict:
    return {
        "external_id": str(company.pk),
        "siret": company.siret,
        "name": company.name,
        "naf_code": company.naf_code,
        "size_band": company.size_band,
        "kind": company.kind,
        "address": company.address,
        "postal_code": company.postal_code,
        "city": company.city,
        "relationship_status": company.relationship_status,
        "owner": company.owner.email.lower() if company.owner else "",
        "notes": company.notes,
        "contact_full_name": contact.full_name if contact else "",
        "contact_job_title": contact.job_title if contact else "",
        "contact_phone": contact.phone if contact else "",
        "contact_email": contact.email if contact else "",
    }


def stored_placement(placement) -> dict:
    person = placement.enrolment.person
    return {
        "external_id": str(placement.pk),
        "pathway_external_id": str(placement.enrolment_id),
        "person_external_id": str(person.pk),
        "last_name": person.last_name,
        "first_name": person.first_name,
        "date_of_birth": person.date_of_birth,
        "referral_date": placement.enrolment.referral_date,
        "company_external_id": str(placement.company_id),
        "company_siret": placement.company.siret,
        "company_name": placement.company.name,
        "kind": placement.kind,
        "contract_type": placement.contract_type,
        "ogr_code": placement.job_title_id,
        "job_title": placement.job_title.label,
        "rome_code": placement.job_title.occupation_id,
        "started_on": placement.started_on,
        "planned_end_on": placement.planned_end_on,
        "ended_on": placement.ended_on,
        "end_reason": placement.end_reason,
        "hours_per_week": placement.hours_per_week,
        "objective": placement.objective,
        "assessment": placement.assessment,
        "led_to_job": placement.led_to_job,
    }


def test_the_people_file_reads_back_as_the_pathways_stored(client, world, caseload):
    full = caseload["full"]
    response = download(confirmed(client, world.users["head_of_service"]), PEOPLE, service=world.a1.pk)
    rows = read_back(response, columns.PEOPLE)
    by_id = {row["external_id"]: row for row in rows}
    assert set(by_id) == {str(full.person_id), str(world.person.pk)}
    assert by_id[str(full.person_id)] == stored_pathway(full)
    assert by_id[str(world.person.pk)] == stored_pathway(world.enrolment)
    # The values the import must not lose: a leading zero, French words, the referrer.
    assert by_id[str(full.person_id)]["postal_code"] == "01000"
    assert by_id[str(full.person_id)]["exit_outcome"] == ExitOutcome.REORIENTATION_ESAT
    assert by_id[str(full.person_id)]["receives_aah"] is True
    assert by_id[str(full.person_id)]["referent_phone"] == "+32470123456"


def test_the_people_file_writes_what_a_french_spreadsheet_shows(client, world, caseload):
    response = download(confirmed(client, world.users["head_of_service"]), PEOPLE, service=world.a1.pk)
    headers, *rows = table_of(response)
    row = dict(zip(headers, next(r for r in rows if r[0] == str(caseload["full"].person_id)), strict=True))
    assert row["Date de naissance"] == f"{caseload['full'].person.date_of_birth:%d/%m/%Y}"
    assert row["Téléphone"] == "06 39 98 12 34"
    assert row["Sexe"] == "Femme"
    assert row["AAH"] == "oui" and row["Allocation chômage (ARE)"] == "non"
    assert row["RQTH"] == "Obtenue"
    assert row["Motif de sortie"] == "Réorientation vers un ESAT"
    assert row["Job coach référent·e"] == world.users["coach"].email
    assert row["Adresse"] == "'-12 rue des Lilas"  # neutralised; the import removes the apostrophe


def test_the_people_file_leaves_out_free_text_and_the_mdph_number(client, world, caseload):
    response = download(confirmed(client, world.users["head_of_service"]), PEOPLE)
    text = response.content.decode("utf-8")
    headers = table_of(response)[0]
    for secret in SECRETS:
        assert secret not in text
    assert "Motif de l'orientation" not in headers and "Numéro de dossier MDPH" not in headers


def test_the_companies_file_reads_back_one_row_per_person_met(client, world, directory):
    client.force_login(world.users["head_of_service"])
    rows = read_back(download(client, COMPANIES), columns.COMPANIES)
    bakery, formula = directory["bakery"], directory["formula"]
    sam, alix = bakery.contacts.get(full_name="Sam Leroy"), bakery.contacts.get(full_name="Alix Petit")
    # By name: "=" sorts before letters; the people met, by name too.
    assert rows == [
        stored_company(formula, None),
        stored_company(bakery, alix),
        stored_company(bakery, sam),
    ]
    assert rows[1]["siret"].startswith("0000") and rows[2]["contact_phone"] == "+262692123456"
    assert rows[0]["name"] == "=SOMME(A1:A9)"


def test_the_companies_file_writes_the_siret_as_text_and_neutralises_formulas(client, world, directory):
    client.force_login(world.users["head_of_service"])
    headers, *rows = table_of(download(client, COMPANIES))
    formula, *cells = [dict(zip(headers, row, strict=True)) for row in rows]
    siret = directory["bakery"].siret
    assert cells[0]["SIRET"] == f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    assert cells[0]["Effectif"] == "20 à 49 salariés"
    assert cells[0]["Notes sur l'entreprise"] == "Entrée par la cour ;\nsonner deux fois"
    assert formula["Raison sociale"] == "'=SOMME(A1:A9)"
    assert formula["Nom du contact"] == ""


def test_the_placements_file_reads_back_as_the_placements_stored(client, world, experiences):
    client.force_login(world.users["head_of_service"])
    rows = read_back(download(client, PLACEMENTS, service=world.a1.pk), columns.PLACEMENTS)
    assert sorted(rows, key=lambda row: int(row["external_id"])) == [
        stored_placement(placement) for placement in sorted(experiences.values(), key=lambda p: p.pk)
    ]
    by_kind = {row["kind"]: row for row in rows}
    assert by_kind[PlacementKind.IMMERSION]["objective"] == ImmersionObjective.CONFIRM
    assert {row["contract_type"] for row in rows} == {ContractType.CDI, ContractType.CDD_LONG, ""}


def test_the_placements_file_names_the_person_by_the_people_files_id(client, world, caseload, experiences):
    confirmed(client, world.users["head_of_service"])
    people_ids = {row["external_id"] for row in read_back(download(client, PEOPLE), columns.PEOPLE)}
    placements = read_back(download(client, PLACEMENTS), columns.PLACEMENTS)
    assert {row["person_external_id"] for row in placements} == people_ids


# --- Who may export them ---------------------------------------------------------------------


@pytest.mark.parametrize("subject", ["coach", "funder_viewer", "org_admin", "dpo", "other_service_coach"])
@pytest.mark.parametrize("name", [PEOPLE, COMPANIES, PLACEMENTS])
def test_who_may_not_export_is_refused_even_re_authenticated(client, world, subject, name):
    response = confirmed(client, world.users[subject]).get(reverse(name))
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(kind=Kind.EXPORT).exists()


def test_a_coach_is_refused_before_being_asked_to_confirm(client, world):
    client.force_login(world.users["coach"])
    assert client.get(reverse(PEOPLE)).status_code == 403


@pytest.mark.parametrize("name", [PEOPLE, PLACEMENTS])
def test_another_service_is_not_found(client, world, name):
    client = confirmed(client, world.users["head_of_service"])
    assert client.get(reverse(name), {"service": world.a2.pk}).status_code == 404
    assert client.get(reverse(name), {"service": world.b1.pk}).status_code == 404


def test_the_head_of_service_exports_their_service_only(client, world, caseload, directory, experiences):
    confirmed(client, world.users["head_of_service"])
    people = download(client, PEOPLE).content.decode("utf-8")
    placements = download(client, PLACEMENTS).content.decode("utf-8")
    companies = download(client, COMPANIES).content.decode("utf-8")
    for text in (people, placements):
        assert "Autreservice" not in text and "Autreorganisation" not in text
    assert "Martin" in people and len(read_back(download(client, PLACEMENTS), columns.PLACEMENTS)) == 3
    assert "Entreprise de l'autre organisation" not in companies


def test_a_director_exports_every_service_and_the_same_directory(
    client, world, caseload, directory, experiences
):
    confirmed(client, world.users["director"])
    people = read_back(download(client, PEOPLE), columns.PEOPLE)
    assert {row["external_id"] for row in people} == {
        str(world.person.pk),
        str(caseload["full"].person_id),
        str(caseload["elsewhere"].person_id),
    }
    assert len(read_back(download(client, PLACEMENTS), columns.PLACEMENTS)) == 4
    text = download(client, COMPANIES).content.decode("utf-8")
    assert "Boulangerie des Collines" in text and "Entreprise de l'autre organisation" not in text
    # The directory is the organisation's: the service chosen does not narrow it.
    assert download(client, COMPANIES, service=world.a2.pk).content == download(client, COMPANIES).content


def test_the_people_file_asks_to_confirm_ones_identity_first(client, world, caseload):
    client.force_login(world.users["head_of_service"])
    response = client.get(reverse(PEOPLE), {"service": world.a1.pk})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert "personnes-pour-import.csv%3Fservice%3D" in response["Location"]  # back to the same file
    assert not AuditEntry.objects.filter(kind=Kind.EXPORT).exists()
    # The other two hold no health data: no confirmation.
    assert client.get(reverse(COMPANIES)).status_code == 200
    assert client.get(reverse(PLACEMENTS)).status_code == 200


# --- The audit trail -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "scope"),
    [(PEOPLE, "service-{a1}"), (PLACEMENTS, "service-{a1}"), (COMPANIES, "organisation")],
)
def test_every_transfer_export_writes_one_audit_entry_without_names(client, world, experiences, name, scope):
    head = world.users["head_of_service"]
    response = download(confirmed(client, head), name, service=world.a1.pk)
    rows = table_of(response)[1:]
    entry = AuditEntry.objects.get(kind=Kind.EXPORT)
    assert entry.actor_id == head.pk
    assert entry.organisation_id == world.org_a.pk
    assert entry.person_id is None
    assert entry.detail == f"{name} {scope.format(a1=world.a1.pk)} lignes={len(rows)}"
    if name == COMPANIES:
        assert (entry.object_type, entry.object_id) == ("", None)
    else:
        assert (entry.object_type, entry.object_id) == ("organisations.service", world.a1.pk)
    assert world.person.birth_name not in entry.detail
    assert scope.split("-")[0] in response["Content-Disposition"]


def test_the_transfer_exports_take_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for number in range(5):
        pathway = enrol(
            world.a1, coach=world.users["coach"], referred_by=ContactFactory(organisation=world.org_a)
        )
        company = CompanyFactory(organisation=world.org_a, owner=world.users["coach"])
        CompanyContactFactory(company=company)
        CompanyContactFactory(company=company)
        PlacementFactory(enrolment=pathway, company=company, hours_per_week=20 + number)
    confirmed(client, world.users["head_of_service"])
    for name in (PEOPLE, COMPANIES, PLACEMENTS):
        with django_assert_max_num_queries(25):
            download(client, name)


# --- The page ----------------------------------------------------------------------------------


def test_the_page_offers_the_three_transfer_exports_to_whoever_may_export(client, world):
    client.force_login(world.users["head_of_service"])
    html = client.get(reverse("reports:index")).content.decode()
    for name in (PEOPLE, COMPANIES, PLACEMENTS):
        assert f'formaction="{reverse(name)}"' in html
    for label in ("Personnes et parcours (pour un import)", "Entreprises", "Expériences (pour un import)"):
        assert f"Exporter : {label}</button>" in html
    client.force_login(world.users["coach"])
    html = client.get(reverse("reports:index")).content.decode()
    assert reverse(COMPANIES) not in html and reverse(PEOPLE) not in html
