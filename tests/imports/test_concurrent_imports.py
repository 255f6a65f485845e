"""Two imports of the same file into one organisation at the same moment create each company once
(PostgreSQL: real concurrent transactions)."""

import threading
from contextlib import suppress

import pytest
from django.db import connection

from filrouge.employers.models import Company
from filrouge.imports.kinds.companies import CompaniesImport
from filrouge.imports.models import ImportedKey, RunStatus
from tests.imports.companies import BAKERY, GARAGE, companies_csv, import_file, outcomes


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_at_once_create_each_company_once(world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer already; the row lock is PostgreSQL's concern")
    head = world.users["head_of_service"]
    content = companies_csv(BAKERY, GARAGE)

    # Each apply, once it has planned, waits a little for the other to have planned too: without
    # the organisation's lock both would plan two creations; with it, the second plans only once
    # the first has committed (and the first stops waiting after the timeout).
    planned = threading.Barrier(2)
    plan = CompaniesImport.plan

    def plan_then_wait(self, rows):
        result = plan(self, rows)
        with suppress(threading.BrokenBarrierError):
            planned.wait(timeout=3)
        return result

    monkeypatch.setattr(CompaniesImport, "plan", plan_then_wait)
    from tests.concurrency import at_once

    results = at_once(*(lambda: import_file(content, service=world.a1, user=head) for _ in range(2)))

    assert not any(isinstance(result, Exception) for result in results), results
    assert sorted(outcomes(report) for _run, report in results) == [
        [(2, "created"), (3, "created")],
        [(2, "unchanged"), (3, "unchanged")],
    ]
    assert {run.status for run, _report in results} == {RunStatus.APPLIED}
    assert Company.objects.filter(organisation=world.org_a).count() == 2
    assert ImportedKey.objects.count() == 2
