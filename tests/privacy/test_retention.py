from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from filrouge.audit.models import AuditEntry
from filrouge.core.dates import add_months
from filrouge.pathways import domain as pathways
from filrouge.pathways.domain import today
from filrouge.people.models import Person
from filrouge.privacy.domain import retention_due
from tests.organisations.factories import ServiceFactory
from tests.pathways.factories import enrol

pytestmark = pytest.mark.django_db


def exited(service, *, on, person=None):
    enrolment = enrol(service, person=person, days_ago=(today() - on).days + 400)
    pathways.record_exit(enrolment, on=on, outcome="moved", by=None)
    return enrolment.person


def five_years_ago():
    return add_months(today(), -60)


@pytest.fixture
def people(world):
    """One person just past the five years, one just within them, one still followed, and one
    whose other service keeps records ten years."""
    long_kept = ServiceFactory(organisation=world.org_a, name="A3", retention_years=10)
    past = exited(world.a1, on=five_years_ago() - timedelta(days=1))
    within = exited(world.a1, on=five_years_ago())
    ongoing = exited(world.a1, on=five_years_ago() - timedelta(days=400))
    enrol(world.a2, person=ongoing, days_ago=30)
    longest = exited(world.a1, on=five_years_ago() - timedelta(days=800))
    exited(long_kept, person=longest, on=five_years_ago() - timedelta(days=30))
    return {"past": past, "within": within, "ongoing": ongoing, "longest": longest}


def run(*args) -> str:
    out = StringIO()
    call_command("retention", "run", *args, stdout=out)
    return out.getvalue()


def test_only_the_records_past_the_longest_retention_period_are_due(people):
    assert retention_due() == [people["past"]]


def test_a_dry_run_counts_and_changes_nothing(people):
    assert run("--dry-run") == "1 record(s) past their retention period would be anonymised (dry run).\n"
    assert not Person.objects.filter(anonymised_at__isnull=False).exists()


def test_the_run_anonymises_the_records_due_and_is_idempotent(people):
    assert run() == "1 record(s) past their retention period anonymised.\n"
    anonymised = set(Person.objects.filter(anonymised_at__isnull=False))
    assert anonymised == {people["past"]}
    entry = AuditEntry.objects.get(kind="anonymise", person_id=people["past"].pk)
    assert (entry.actor, entry.actor_label, entry.detail) == (None, "retention", "retention")
    assert run() == "0 record(s) past their retention period anonymised.\n"


def test_a_shorter_retention_period_of_the_service_counts(world, people):
    world.a1.retention_years = 1
    world.a1.save()
    assert set(retention_due()) == {people["past"], people["within"]}


def service_data(service, **changes):
    return {"name": service.name, "programme_type": service.programme_type} | changes


def test_an_administrator_sets_the_retention_period_of_a_service(world, client):
    from django.urls import reverse

    client.force_login(world.users["org_admin"])
    url = reverse("organisations:admin_service_edit", args=[world.a1.pk])
    assert client.post(url, service_data(world.a1, retention_years="10")).status_code == 302
    world.a1.refresh_from_db()
    assert world.a1.retention_years == 10
    response = client.post(url, service_data(world.a1, retention_years="31"))
    assert "retention_years" in response.context["form"].errors
    client.post(url, service_data(world.a1))  # left empty: unchanged
    world.a1.refresh_from_db()
    assert world.a1.retention_years == 10
