"""The CSV lists of the head of service: only the rows of the services where the user may export,
French headers, no employer contact notes, and one audit entry per export (no names in it)."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from filrouge.audit.models import AuditEntry, Kind
from filrouge.employers.models import EmployerContactKind
from filrouge.organisations.models import Role
from filrouge.pathways import domain
from filrouge.pathways.domain import today
from filrouge.pathways.models import ExitOutcome
from filrouge.placements.models import PlacementKind
from filrouge.referentials.models import ContractType
from tests.accounts.factories import staff
from tests.employers.factories import CompanyFactory, EmployerContactFactory
from tests.pathways.factories import enrol
from tests.people.factories import PersonFactory
from tests.placements.factories import PlacementFactory, immersion

PEOPLE, PLACEMENTS, CONTACTS = (
    "reports:export_people",
    "reports:export_placements",
    "reports:export_employer_contacts",
)


def rows_of(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def export(client, user, name, **query):
    client.force_login(user)
    return client.get(reverse(name), query)


@pytest.fixture
def a2_pathway(world):
    person = PersonFactory(organisation=world.org_a, first_name="Noé", birth_name="Autreservice")
    return enrol(world.a2, coach=world.users["other_service_coach"], person=person)


def test_the_people_list_holds_the_pathways_of_the_head_of_services_service_only(client, world, a2_pathway):
    rows = rows_of(export(client, world.users["head_of_service"], PEOPLE))
    assert [row["N° de parcours"] for row in rows] == [str(world.enrolment.pk)]
    row = rows[0]
    assert row["Nom"] == world.person.last_name
    assert row["Prénom"] == world.person.first_name
    assert row["Service"] == "A1"
    assert row["Job coach référent·e"] == world.users["coach"].full_name
    assert row["Étape actuelle"] == world.enrolment.get_phase_display()
    assert row["Date d'orientation"] == f"{world.enrolment.referral_date:%d/%m/%Y}"
    assert row["Date d'entrée"] == f"{world.enrolment.entry_date:%d/%m/%Y}"
    assert row["Date de sortie"] == row["Motif de sortie"] == ""


def test_an_exited_pathway_shows_its_exit(client, world):
    domain.record_exit(world.enrolment, on=today(), outcome=ExitOutcome.TRAINING, by=None)
    row = rows_of(export(client, world.users["head_of_service"], PEOPLE))[0]
    assert row["Date de sortie"] == f"{today():%d/%m/%Y}"
    assert row["Motif de sortie"] == "Formation"


def test_a_director_exports_every_service_or_the_one_chosen(client, world, a2_pathway):
    director = world.users["director"]
    everyone = {row["N° de parcours"] for row in rows_of(export(client, director, PEOPLE))}
    assert everyone == {str(world.enrolment.pk), str(a2_pathway.pk)}
    only_a2 = rows_of(export(client, director, PEOPLE, service=world.a2.pk))
    assert [row["N° de parcours"] for row in only_a2] == [str(a2_pathway.pk)]


@pytest.mark.parametrize("service", ["a2", "b1", "abc", "99999999", "9" * 30, "-1"])
def test_a_service_outside_the_users_exports_is_not_found(client, world, service):
    chosen = getattr(world, service).pk if service in ("a2", "b1") else service
    assert export(client, world.users["head_of_service"], PEOPLE, service=chosen).status_code == 404


@pytest.mark.parametrize(
    "subject", ["coach", "psychologist", "funder_viewer", "org_admin", "other_service_coach"]
)
@pytest.mark.parametrize("name", [PEOPLE, PLACEMENTS, CONTACTS])
def test_who_may_not_export_is_refused_and_nothing_is_recorded_as_an_export(client, world, subject, name):
    assert export(client, world.users[subject], name).status_code == 403
    assert not AuditEntry.objects.filter(kind=Kind.EXPORT).exists()


def test_a_head_of_service_in_another_service_exports_only_there(client, world, a2_pathway):
    head_a2 = staff(Role.HEAD_OF_SERVICE, world.a2, email="head@a2.example")
    rows = rows_of(export(client, head_a2, PEOPLE))
    assert [row["N° de parcours"] for row in rows] == [str(a2_pathway.pk)]


def test_the_placements_list(client, world, a2_pathway):
    company = CompanyFactory(organisation=world.org_a, name="Fromagerie Test")
    start = today() - timedelta(days=40)
    job = PlacementFactory(
        enrolment=world.enrolment,
        company=company,
        contract_type=ContractType.CDI,
        started_on=start,
        hours_per_week=24,
    )
    short = PlacementFactory(
        enrolment=world.enrolment,
        contract_type=ContractType.CDD_SHORT,
        started_on=start,
        planned_end_on=start + timedelta(days=60),
        hours_per_week=12,
    )
    visit = immersion(world.enrolment)
    PlacementFactory(enrolment=a2_pathway)  # another service's: not in A1's list

    rows = rows_of(export(client, world.users["head_of_service"], PLACEMENTS))
    assert len(rows) == 3
    by_kind = {(row["Type d'expérience"], row["Type de contrat"]): row for row in rows}
    row = by_kind[("Emploi", "CDI")]
    assert row["N° de parcours"] == str(world.enrolment.pk)
    assert row["Nom"] == world.person.last_name
    assert row["Entreprise"] == "Fromagerie Test"
    assert row["Poste"] == job.job_title.label
    assert row["Début"] == f"{start:%d/%m/%Y}"
    assert row["Fin prévue"] == row["Fin"] == ""
    assert row["Heures par semaine"] == "24"
    assert row["Emploi durable"] == "Oui"
    assert by_kind[("Emploi", "CDD de moins de 6 mois")]["Emploi durable"] == "Non"
    assert by_kind[("Emploi", "CDD de moins de 6 mois")]["Fin prévue"] == f"{short.planned_end_on:%d/%m/%Y}"
    immersion_row = by_kind[("Immersion (PMSMP)", "")]
    assert immersion_row["Emploi durable"] == "Non"
    assert immersion_row["Heures par semaine"] == str(visit.hours_per_week)
    assert visit.kind == PlacementKind.IMMERSION


def test_the_employer_contacts_list_has_no_notes_and_only_the_services_contacts(client, world, a2_pathway):
    coach = world.users["coach"]
    company = CompanyFactory(organisation=world.org_a, name="Menuiserie Test")
    mine = EmployerContactFactory(
        company=company,
        coach=coach,
        kind=EmployerContactKind.PROSPECTING_VISIT,
        face_to_face=True,
        contacted_on=today() - timedelta(days=3),
        notes="Note privée très confidentielle",
    )
    # About a person of A1, logged by A2's coach: a contact of A1's pathway.
    about_a1 = EmployerContactFactory(
        company=company, coach=world.users["other_service_coach"], person=world.person, contacted_on=today()
    )
    EmployerContactFactory(company=company, coach=world.users["other_service_coach"])  # A2's alone
    EmployerContactFactory(
        company=company, coach=world.users["other_service_coach"], person=a2_pathway.person
    )
    EmployerContactFactory(
        company=CompanyFactory(organisation=world.org_b), coach=world.users["other_org_coach"]
    )

    response = export(client, world.users["head_of_service"], CONTACTS)
    rows = rows_of(response)
    assert "Note privée" not in response.content.decode("utf-8")
    assert list(rows[0]) == ["Date", "Entreprise", "Type de contact", "En face à face", "Job coach"]
    assert [row["Date"] for row in rows] == [
        f"{about_a1.contacted_on:%d/%m/%Y}",
        f"{mine.contacted_on:%d/%m/%Y}",
    ]
    assert rows[1] == {
        "Date": f"{mine.contacted_on:%d/%m/%Y}",
        "Entreprise": "Menuiserie Test",
        "Type de contact": "Visite de prospection",
        "En face à face": "Oui",
        "Job coach": coach.full_name,
    }
    assert rows[0]["En face à face"] == "Non"


def test_a_company_name_that_looks_like_a_formula_is_neutralised(client, world):
    company = CompanyFactory(organisation=world.org_a, name='=HYPERLINK("http://x.example")')
    EmployerContactFactory(company=company, coach=world.users["coach"])
    rows = rows_of(export(client, world.users["head_of_service"], CONTACTS))
    assert rows[0]["Entreprise"] == '\'=HYPERLINK("http://x.example")'


@pytest.mark.parametrize(
    ("name", "kind"), [(PEOPLE, "personnes"), (PLACEMENTS, "experiences"), (CONTACTS, "contacts-employeurs")]
)
def test_every_export_writes_one_audit_entry_with_the_list_and_its_row_count(client, world, name, kind):
    PlacementFactory(enrolment=world.enrolment)
    EmployerContactFactory(company=CompanyFactory(organisation=world.org_a), coach=world.users["coach"])
    head = world.users["head_of_service"]
    rows = rows_of(export(client, head, name, service=world.a1.pk))

    entry = AuditEntry.objects.get(kind=Kind.EXPORT)
    assert entry.actor_id == head.pk
    assert entry.organisation_id == world.org_a.pk
    assert entry.person_id is None
    assert entry.object_type == "organisations.service"
    assert entry.object_id == world.a1.pk
    assert entry.detail == f"{name} service-{world.a1.pk} lignes={len(rows)}"
    assert world.person.last_name not in entry.detail
    assert kind in export(client, head, name)["Content-Disposition"]


def test_the_export_is_recorded_even_when_every_service_is_exported(client, world):
    rows_of(export(client, world.users["director"], PEOPLE))
    entry = AuditEntry.objects.get(kind=Kind.EXPORT)
    assert entry.detail == f"{PEOPLE} tous-services lignes=1"
    assert entry.object_id is None


def test_the_lists_take_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for _number in range(5):
        pathway = enrol(world.a1, coach=world.users["coach"])
        PlacementFactory(enrolment=pathway)
        EmployerContactFactory(company=CompanyFactory(organisation=world.org_a), coach=world.users["coach"])
    client.force_login(world.users["head_of_service"])
    for name in (PEOPLE, PLACEMENTS, CONTACTS):
        with django_assert_max_num_queries(25):
            assert client.get(reverse(name)).status_code == 200
