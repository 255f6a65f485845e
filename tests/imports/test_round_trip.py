"""The done-when of the import (issue 21, docs/design/imports-plan.md §7.4): the demo's own transfer
exports of people, companies and jobs, imported into an empty organisation, give the same figures
on that organisation's report.

Four figures read what these three files do not carry (meetings, follow-along contacts and the
employer-contacts log) and are left out of the comparison, each with its reason (`EXCLUDED`).
Accounts are global (an e-mail is one account), so the new organisation's staff are copies of the
demo's with a prefixed e-mail, the same names, roles and time shares, and the exported e-mails are
rewritten to theirs: the one step a service moving between two organisations takes by hand.
"""

import csv
import io

import pytest
from django.db import transaction
from django.utils import timezone, translation

from filrouge.accounts.models import User
from filrouge.imports import runs
from filrouge.organisations.models import Membership, Organisation, Role, Service
from filrouge.organisations.validators import synthetic_siret
from filrouge.outcomes import measures
from filrouge.outcomes.periods import quarter, year
from filrouge.reports import activity, csv_files, lists
from filrouge.seed.demo import ORGANISATIONS, seed_demo

COPY = "copie."

# The cells these three files cannot reproduce, and why: (table key, row label or None for every
# row, column header or None for every figure).
ACTIVE = "meetings and follow-along contacts (what makes a pathway active) are not imported"
LOG = "the employer-contacts log is not imported"
EXCLUDED = {
    ("activite", "Dont actifs (un contact dans les 4 semaines)", None): ACTIVE,
    ("activite", "Part des parcours en cours qui sont actifs", None): ACTIVE,
    ("contacts", "Contacts employeurs", None): LOG,
    ("contacts", "Dont en face à face", None): LOG,
    ("contacts", "Contacts par job coach et par semaine", None): LOG,
    ("contacts", "Contacts en face à face par job coach et par semaine", None): LOG,
    ("delais", "Premier contact employeur", None): LOG,
    ("delais", "Premier contact employeur en face à face", None): LOG,
    ("job-coachs", None, "Contacts employeurs"): LOG,
    ("job-coachs", None, "Dont en face à face"): LOG,
    ("job-coachs", None, "Par semaine"): LOG,
    ("job-coachs", None, "En face à face par semaine"): LOG,
}


@pytest.fixture(scope="module")
def moved(django_db_setup, django_db_blocker):
    """The demo, and a copy of its first organisation's caseload brought in by the import; rolled
    back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        source = Organisation.objects.get(siret=ORGANISATIONS[0]["siret"])
        target, importer = empty_copy(source)
        runs_ = [move(service, target, importer) for service in source.services.order_by("pk")]
        yield source, target, importer, runs_
        transaction.set_rollback(True)


def empty_copy(source: Organisation):
    """A new organisation with the source's services and staff (copied accounts), and a director
    who imports."""
    target = Organisation.objects.create(
        name=f"Copie de {source.name}",
        siret=synthetic_siret(9901),
        address=source.address,
        postal_code=source.postal_code,
        city=source.city,
    )
    services = {}
    for service in source.services.order_by("pk"):
        services[service.pk] = Service.objects.create(
            organisation=target,
            name=service.name,
            programme_type=service.programme_type,
            postal_code=service.postal_code,
            city=service.city,
        )
    users = {}
    for membership in Membership.objects.filter(organisation=source).select_related("user").order_by("pk"):
        old = membership.user
        if old.pk not in users:
            users[old.pk] = User.objects.create_user(
                email=COPY + old.email, password=None, full_name=old.full_name, organisation=target
            )
        Membership.objects.create(
            organisation=target,
            user=users[old.pk],
            role=membership.role,
            service=services.get(membership.service_id) if membership.service_id else None,
            time_share=membership.time_share,
            employment_services_share=membership.employment_services_share,
        )
    importer = User.objects.create_user(
        email="importe@copie.example", password=None, full_name="Importe Copie", organisation=target
    )
    Membership.objects.create(user=importer, role=Role.DIRECTOR, organisation=target)
    return target, importer


def exported(key: str, user, services) -> bytes:
    """A transfer export as the reports page writes it (French, UTF-8 with BOM, ;), with the
    source organisation's e-mails rewritten to the copied accounts'."""
    with translation.override("fr"):
        table = lists.build(key, user, services)
        content = csv_files.write(table.headers, table.rows)
    emails = set(User.objects.values_list("email", flat=True))
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    rows = [
        [COPY + cell if cell in emails and not cell.startswith(COPY) else cell for cell in row]
        for row in rows
    ]
    return csv_files.write(rows[0], rows[1:])


def move(service: Service, target: Organisation, importer):
    """The three transfer exports of `service`, by its head of service (or the director), imported as one run into
    the copy's service of the same name: checked, then applied."""
    exporter = (
        Membership.objects.filter(service=service, role=Role.HEAD_OF_SERVICE).first()
        or Membership.objects.filter(organisation=service.organisation, role=Role.DIRECTOR).first()
    ).user
    files = {
        "companies": exported(lists.COMPANIES.key, exporter, [service]),
        "people": exported(lists.PEOPLE_TRANSFER.key, exporter, [service]),
        "placements": exported(lists.PLACEMENTS_TRANSFER.key, exporter, [service]),
    }
    copy = target.services.get(name=service.name)

    def run(dry_run):
        sources = [runs.Source(kind, io.BytesIO(content), f"{kind}.csv") for kind, content in files.items()]
        return runs.run_import(sources, service=copy, user=importer, dry_run=dry_run)

    checked = run(True)[1]
    applied = run(False)[1]
    again = run(False)[1]
    return service, copy, checked, applied, again


def refusals(report) -> list:
    return [
        (r.kind, result.number, result.messages)
        for r in report.reports
        for result in r.results
        if result.refused
    ] + report.problems


def excluded(table_key: str, row_label: str, column: str) -> bool:
    return any(
        key == table_key and label in (None, row_label) and header in (None, column)
        for key, label, header in EXCLUDED
    )


def figures(services, period) -> activity.Report:
    with translation.override("fr"):
        return activity.build(
            measures.summary(measures.Scope.of(services, period)),
            period=period,
            scope_label="",
            services=[],
            hide=False,
        )


def differences(one: activity.Report, other: activity.Report) -> list[str]:
    found = []
    assert [t.key for t in one.tables] == [t.key for t in other.tables]
    for table, copied in zip(one.tables, other.tables, strict=True):
        assert len(table.rows) == len(copied.rows), table.key
        for row, copied_row in zip(table.rows, copied.rows, strict=True):
            name = row[0].text
            for index, (cell, copied_cell) in enumerate(zip(row, copied_row, strict=True)):
                if excluded(table.key, name, table.columns[index]):
                    continue
                if cell.value != copied_cell.value:
                    found.append(
                        f"{table.key} / {name} / {table.columns[index]}: {cell.text} ≠ {copied_cell.text}"
                    )
    return found


def periods() -> list:
    today = timezone.localdate()
    return [year(today.year), year(today.year - 1), quarter(today.year, (today.month - 1) // 3 + 1)]


@pytest.mark.django_db
class TestTheDemoMovesByItsOwnExports:
    def test_every_row_is_accepted_then_written(self, moved):
        for service, _copy, checked, applied, _again in moved[3]:
            assert refusals(checked) == [], service.name
            assert refusals(applied) == [], service.name
            assert sum(counts["created"] for counts in applied.counts.values()) > 0

    def test_importing_the_same_files_again_changes_nothing(self, moved):
        for service, _copy, _checked, _applied, again in moved[3]:
            assert refusals(again) == [], service.name
            for kind, counts in again.counts.items():
                assert counts["created"] == counts["updated"] == 0, (service.name, kind, counts)

    def test_each_service_has_the_same_figures(self, moved):
        for service, copy, *_ in moved[3]:
            for period in periods():
                found = differences(figures([service], period), figures([copy], period))
                assert found == [], (
                    service.name,
                    period.key,
                )

    def test_the_organisation_has_the_same_figures(self, moved):
        source, target, *_ = moved
        for period in periods():
            one = figures(source.services.order_by("pk"), period)
            other = figures(target.services.order_by("pk"), period)
            assert differences(one, other) == [], period.key

    def test_the_exclusions_name_rows_that_exist(self, moved):
        """An exclusion naming a table or a row that no longer exists would silently compare less."""
        source, *_ = moved
        report = figures(source.services.order_by("pk"), periods()[0])
        rows = {(table.key, row[0].text) for table in report.tables for row in table.rows}
        columns = {(table.key, column) for table in report.tables for column in table.columns}
        assert {(key, label) for key, label, _header in EXCLUDED if label} <= rows
        assert {(key, header) for key, _label, header in EXCLUDED if header} <= columns
