"""The companies import end to end (read, map, plan, write), without the pages."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied

from filrouge import policy
from filrouge.audit.models import AuditEntry
from filrouge.employers import domain
from filrouge.employers.models import Company, CompanyKind
from filrouge.imports.blank_files import template_csv
from filrouge.imports.models import ImportedKey, ImportRun, ImportSource, KeyKind, RunStatus
from filrouge.organisations.models import Role
from filrouge.people.models import Contact
from tests.accounts.factories import staff
from tests.employers.factories import CompanyContactFactory, CompanyFactory
from tests.imports.companies import (
    BAKERY,
    GARAGE,
    SIRET_1,
    SIRET_2,
    companies_csv,
    import_file,
    outcomes,
    row,
)
from tests.imports.hostile import xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(world):
    return world.users["head_of_service"]


def written(org) -> dict[str, int]:
    """What an import may write, counted."""
    return {
        "companies": Company.objects.filter(organisation=org).count(),
        "contacts": Contact.objects.filter(organisation=org, company__isnull=False).count(),
        "keys": ImportedKey.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_companies_are_created_with_their_contacts_and_keys(world, head):
    content = companies_csv(
        BAKERY[:-2] + ["Sam Leroy", "sam.leroy@example.org"],
        BAKERY[:-2] + ["Lou Petit", ""],
        GARAGE,
    )
    run, report = import_file(content, service=world.a1, user=head)

    assert not report.refused
    assert outcomes(report) == [(2, "created"), (3, "created"), (4, "created")]
    assert run.status == RunStatus.APPLIED and run.counts == {
        "companies": {"created": 3, "updated": 0, "unchanged": 0, "refused": 0, "skipped": 0}
    }
    bakery = Company.objects.get(siret=SIRET_1)
    assert (bakery.organisation, bakery.name, bakery.naf_code, bakery.size_band, bakery.kind) == (
        world.org_a,
        "Boulangerie du Pont",
        "10.71C",
        "10_19",
        CompanyKind.ORDINARY,
    )
    assert bakery.created_by == head
    assert sorted(bakery.contacts.values_list("full_name", "partner_name")) == [
        ("Lou Petit", "Boulangerie du Pont"),
        ("Sam Leroy", "Boulangerie du Pont"),
    ]
    assert Company.objects.get(siret=SIRET_2).kind == CompanyKind.ADAPTED
    keys = ImportedKey.objects.order_by("external_id")
    assert [(k.service, k.kind, k.external_id, k.company.siret, k.run_id) for k in keys] == [
        (world.a1, KeyKind.COMPANY, "E-1", SIRET_1, run.pk),
        (world.a1, KeyKind.COMPANY, "E-2", SIRET_2, run.pk),
    ]
    source = ImportSource.objects.get(run=run)
    assert source.checksum == hashlib.sha256(content).hexdigest() and source.header[2] == "Raison sociale"


def test_the_same_file_again_changes_nothing_and_writes_only_the_summary(world, head):
    content = companies_csv(BAKERY[:-2] + ["Sam Leroy", "sam.leroy@example.org"], GARAGE)
    import_file(content, service=world.a1, user=head)
    before = written(world.org_a)

    run, report = import_file(content, service=world.a1, user=head)

    assert outcomes(report) == [(2, "unchanged"), (3, "unchanged")]
    assert written(world.org_a) == before | {"audit": before["audit"] + 1}
    assert AuditEntry.objects.order_by("-pk").first().object_type == "imports.importrun"


def test_a_company_is_found_again_by_siret_without_its_id_and_only_what_changed_is_written(world, head):
    company = CompanyFactory(organisation=world.org_a, siret=SIRET_1, name="Ancien nom", naf_code="10.71C")
    tutor = CompanyContactFactory(company=company, full_name="Sam Leroy", email="sam.leroy@example.org")
    content = companies_csv(
        row("", SIRET_1.replace("", " ").strip(), "Boulangerie du Pont", "", contact="Sam Leroy")
    )

    run, report = import_file(content, service=world.a1, user=head)

    assert outcomes(report) == [(2, "updated")]
    assert report.results[0].fields == ["name"]
    company.refresh_from_db()
    tutor.refresh_from_db()
    assert (company.name, company.naf_code) == (
        "Boulangerie du Pont",
        "10.71C",
    )  # a blank cell clears nothing
    assert tutor.partner_name == "Boulangerie du Pont"  # save_company renames its people
    assert Company.objects.filter(organisation=world.org_a).count() == 1
    assert Contact.objects.filter(company=company).count() == 1  # the same person, matched by name


def test_without_siret_a_company_is_found_by_its_name_and_postal_code(world, head):
    company = CompanyFactory(
        organisation=world.org_a, siret="", name="Épicerie Solidaire", postal_code="26000"
    )
    content = companies_csv(row(name="EPICERIE  solidaire", postal_code="26000", size="3"))

    run, report = import_file(content, service=world.a1, user=head)

    assert outcomes(report) == [(2, "updated")] and report.results[0].fields == ["size_band"]
    assert list(Company.objects.filter(organisation=world.org_a)) == [company]
    company.refresh_from_db()
    assert (company.name, company.size_band) == ("Épicerie Solidaire", "1_9")  # the stored spelling kept


def test_two_companies_of_that_name_there_refuse_the_row(world, head):
    for _i in range(2):
        CompanyFactory(organisation=world.org_a, siret="", name="Épicerie Solidaire", postal_code="26000")
    run, report = import_file(companies_csv(row(name="Épicerie Solidaire")), service=world.a1, user=head)
    assert report.refused
    assert report.results[0].messages == [
        (
            "Raison sociale",
            "Plusieurs entreprises portent ce nom à ce code postal : ajoutez le SIRET pour dire laquelle.",
        )
    ]


def test_one_bad_row_writes_nothing_and_every_cell_error_is_reported(world, head):
    before = written(world.org_a)
    content = companies_csv(
        BAKERY,
        GARAGE,
        row("E-3", "123", "Menuiserie Vidal", "ABC", postal_code="75A01", contact_email="pas-une-adresse"),
    )

    run, report = import_file(content, service=world.a1, user=head)

    assert report.refused and outcomes(report) == [(2, "created"), (3, "created"), (4, "refused")]
    # Row 4 as the spreadsheet shows it (the header is row 1); each column by the user's header.
    assert [header for header, _message in report.results[2].messages] == [
        "SIRET",
        "Code NAF",
        "Code postal",
        "E-mail du contact",
        "Nom du contact",  # a contact without a name
    ]
    assert "ABC" in dict(report.results[2].messages)["Code NAF"]
    assert written(world.org_a) == before  # the good rows neither
    assert run.status == RunStatus.REFUSED
    assert {(line["row"], line["column"]) for line in run.report if line["outcome"] == "refused"} == {
        (4, "SIRET"),
        (4, "Code NAF"),
        (4, "Code postal"),
        (4, "E-mail du contact"),
        (4, "Nom du contact"),
    }


def test_a_bad_postal_code_and_a_missing_name_are_each_reported(world, head):
    run, report = import_file(
        companies_csv(row("E-9", name="", postal_code="123"), BAKERY), service=world.a1, user=head
    )
    assert [h for h, _m in report.results[0].messages] == ["Raison sociale", "Code postal"]
    assert Company.objects.filter(organisation=world.org_a).count() == 0


def test_the_template_help_and_example_rows_are_skipped(world, head):
    data = ";".join(["E-1", SIRET_1, "Boulangerie du Pont"] + [""] * 13) + "\r\n"
    content = template_csv("companies") + data.encode()

    run, report = import_file(content, service=world.a1, user=head)

    assert report.skipped == [2, 3]
    assert outcomes(report) == [(4, "created")]
    assert list(Company.objects.filter(organisation=world.org_a).values_list("name", flat=True)) == [
        "Boulangerie du Pont"
    ]
    assert not Company.objects.filter(name="Boulangerie Exemple").exists()


def test_a_windows_1252_csv_is_read_with_its_accents(world, head):
    content = companies_csv(
        row("E-1", SIRET_1, "Société Générale d'Émeraude", city="Crest"), encoding="cp1252"
    )
    run, report = import_file(content, service=world.a1, user=head)
    assert outcomes(report) == [(2, "created")]
    assert Company.objects.get(siret=SIRET_1).name == "Société Générale d'Émeraude"


def test_an_xlsx_with_number_cells_is_read(world, head):
    content = xlsx_bytes(
        {
            "Entreprises": [
                ["Raison sociale", "SIRET", "Code postal", "Effectif", "Créée le"],
                ["Boulangerie du Pont", int(SIRET_1), 1000, 12, datetime.date(2020, 1, 2)],
            ]
        }
    )
    run, report = import_file(content, service=world.a1, user=head, name="entreprises.xlsx")
    assert outcomes(report) == [(2, "created")]
    company = Company.objects.get(organisation=world.org_a)
    assert (company.siret, company.postal_code, company.size_band) == (SIRET_1, "01000", "10_19")
    assert ImportSource.objects.get(run=run).sheet == "Entreprises"


def test_an_owner_of_another_organisation_is_refused_like_an_unknown_address(world, head):
    outsider = world.users["other_org_coach"].email
    content = companies_csv(
        row(name="Boulangerie du Pont", owner=outsider),
        row(name="Garage des Alpes", owner="personne@nulle.example"),
        row(name="Menuiserie Vidal", owner=world.users["coach"].email.upper()),
    )
    run, report = import_file(content, service=world.a1, user=head, dry_run=True)
    first, second, third = report.results
    assert first.messages == [
        ("Chargé·e de la relation", f"Aucun membre de l'équipe n'a l'adresse « {outsider} ».")
    ]
    assert second.messages == [
        ("Chargé·e de la relation", "Aucun membre de l'équipe n'a l'adresse « personne@nulle.example ».")
    ]
    assert third.outcome == "created" and not third.messages


def test_an_owner_is_recorded(world, head):
    import_file(
        companies_csv(row(name="Boulangerie du Pont", owner=world.users["coach"].email)),
        service=world.a1,
        user=head,
    )
    assert Company.objects.get(organisation=world.org_a).owner == world.users["coach"]


def test_an_archived_company_is_unchanged_when_identical_and_refused_otherwise(world, head):
    company = CompanyFactory(
        organisation=world.org_a, siret=SIRET_1, name="Boulangerie du Pont", naf_code="10.71C"
    )
    domain.archive_company(company, by=head)
    same = row("", SIRET_1, "Boulangerie du Pont", "10.71C")
    run, report = import_file(companies_csv(same), service=world.a1, user=head)
    assert outcomes(report) == [(2, "unchanged")] and run.status == RunStatus.APPLIED

    changed = row("", SIRET_1, "Boulangerie du Pont", "10.71D")
    run, report = import_file(companies_csv(changed), service=world.a1, user=head)
    assert report.results[0].messages == [
        (None, "L'entreprise « Boulangerie du Pont » est archivée : restaurez-la d'abord.")
    ]
    company.refresh_from_db()
    assert company.naf_code == "10.71C" and company.is_archived


def test_the_dry_run_writes_nothing(world, head):
    before = written(world.org_a)
    run, report = import_file(companies_csv(BAKERY, GARAGE), service=world.a1, user=head, dry_run=True)
    assert outcomes(report) == [(2, "created"), (3, "created")]
    assert written(world.org_a) == before
    assert run.status == RunStatus.CHECKED and run.applied_at is None


def test_the_import_has_one_summary_entry_and_the_companies_their_own(world, head):
    content = companies_csv(BAKERY, GARAGE)
    run, report = import_file(content, service=world.a1, user=head)
    summary = AuditEntry.objects.get(object_type="imports.importrun")
    assert (summary.kind, summary.actor, summary.organisation_id) == ("create", head, world.org_a.pk)
    assert summary.detail == (
        f"entr sha256={hashlib.sha256(content).hexdigest()} crees=2 modifies=0 inchanges=0 refuses=0 run={run.pk}"
    )
    creations = AuditEntry.objects.filter(object_type="employers.company", kind="create")
    assert creations.count() == 2 and {entry.actor for entry in creations} == {head}


def test_two_rows_describing_one_company_differently_are_refused(world, head):
    content = companies_csv(
        BAKERY[:-2] + ["Sam Leroy", ""], row("E-1", SIRET_1, "Boulangerie du Pont", "10.71D")
    )
    run, report = import_file(content, service=world.a1, user=head)
    assert report.results[1].messages == [
        ("Code NAF", "Les lignes 2 et 3 décrivent différemment la même entreprise.")
    ]
    assert not Company.objects.filter(organisation=world.org_a).exists()


def test_an_id_and_a_siret_naming_two_companies_are_refused(world, head):
    import_file(companies_csv(BAKERY, GARAGE), service=world.a1, user=head)
    run, report = import_file(
        companies_csv(row("E-1", SIRET_2, "Boulangerie du Pont")), service=world.a1, user=head
    )
    assert report.results[0].messages == [
        (
            "SIRET",
            "L'identifiant « E-1 » désigne l'entreprise « Boulangerie du Pont », mais le SIRET désigne « Garage des Alpes ».",
        )
    ]


def test_external_ids_are_the_service_s_own(world, head):
    """A2's "E-1" is not A1's: without SIRET it is another company; A1's key still finds its own."""
    head_a2 = staff(Role.HEAD_OF_SERVICE, world.a2, email="head@a2.example")
    import_file(companies_csv(row("E-1", SIRET_1, "Boulangerie du Pont")), service=world.a1, user=head)
    run, report = import_file(
        companies_csv(row("E-1", "", "Garage des Alpes")), service=world.a2, user=head_a2
    )
    assert outcomes(report) == [(2, "created")]
    assert Company.objects.filter(organisation=world.org_a).count() == 2

    run, report = import_file(
        companies_csv(row("E-1", "", "Boulangerie du Pont", size="12")), service=world.a1, user=head
    )
    assert outcomes(report) == [(2, "updated")]
    assert Company.objects.get(siret=SIRET_1).size_band == "10_19"
    assert set(ImportedKey.objects.values_list("service", "external_id", "company__name")) == {
        (world.a1.pk, "E-1", "Boulangerie du Pont"),
        (world.a2.pk, "E-1", "Garage des Alpes"),
    }


@pytest.mark.parametrize(
    ("subject", "service", "allowed"),
    [
        ("head_of_service", "a1", True),
        ("director", "a1", True),
        ("director", "b1", False),
        ("coach", "a1", False),
        ("psychologist", "a1", False),
        ("funder_viewer", "a1", False),
        ("org_admin", "a1", False),
        ("dpo", "a1", False),
        ("head_of_service", "a2", False),
        ("other_org_admin", "b1", False),
    ],
)
def test_who_may_import(world, subject, service, allowed):
    user, service = world.users[subject], getattr(world, service)
    assert policy.can(user, policy.Action.IMPORT_CASES, service) is allowed
    if allowed:
        run, report = import_file(companies_csv(BAKERY), service=service, user=user)
        assert not report.refused
        assert list(policy.scoped_import_runs(user)) == [run]
    else:
        with pytest.raises(PermissionDenied):
            import_file(companies_csv(BAKERY), service=service, user=user)
        assert not ImportRun.objects.exists()
        assert not Company.objects.exists()


def test_runs_are_their_requester_s_alone(world, head):
    run, _report = import_file(companies_csv(BAKERY), service=world.a1, user=head, dry_run=True)
    assert list(policy.scoped_import_runs(head)) == [run]
    for other in ("director", "coach", "org_admin", "other_org_coach"):
        assert not policy.scoped_import_runs(world.users[other]).exists()
