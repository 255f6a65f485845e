"""The two caseload alerts of support in and towards employment: no face-to-face contact in a job
for 30 days, and no employer contacted about the person in the 30 days after entry."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from filrouge.organisations.models import Role
from filrouge.pathways import domain as pathways
from filrouge.pathways.caseload import with_alerts
from filrouge.pathways.models import Enrolment, Phase
from filrouge.placements.models import EndReason, PlacementKind
from tests.accounts.factories import staff
from tests.employers.factories import CompanyFactory
from tests.followalong.factories import SupportContactFactory, employer_contact, phone_call
from tests.organisations.factories import ServiceFactory
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory

pytestmark = pytest.mark.django_db
TODAY = pathways.today()


@pytest.fixture
def service(db):
    return ServiceFactory()


@pytest.fixture
def coach(service):
    return staff(Role.COACH, service, full_name="Camille Coach")


def pathway(service, coach, phase, intake_days_ago=100):
    enrolment = enrol(service, coach, days_ago=intake_days_ago + 7, intake_after=7)
    if phase != Phase.INTAKE:
        pathways.change_phase(enrolment, phase, TODAY - timedelta(days=intake_days_ago - 1), coach)
    return enrolment


def in_a_job(service, coach, started_days_ago=60, **placement):
    enrolment = pathway(service, coach, Phase.IN_EMPLOYMENT)
    job = PlacementFactory(
        enrolment=enrolment, started_on=TODAY - timedelta(days=started_days_ago), **placement
    )
    return enrolment, job


def row(enrolment):
    return with_alerts(Enrolment.objects.filter(pk=enrolment.pk), TODAY).get()


def follow_along(enrolment) -> bool:
    return row(enrolment).alert_follow_along


def no_employer_contact(enrolment) -> bool:
    return row(enrolment).alert_no_employer_contact


def days_ago(days):
    return TODAY - timedelta(days=days)


# --- No face-to-face contact in the job for 30 days ----------------------------------------------


def test_a_job_of_two_months_without_face_to_face_contact_raises_the_alert(service, coach):
    enrolment, _ = in_a_job(service, coach)
    assert follow_along(enrolment) is True


def test_a_face_to_face_contact_ten_days_ago_clears_it(service, coach):
    enrolment, job = in_a_job(service, coach)
    SupportContactFactory(placement=job, by=coach, contacted_on=days_ago(10))
    assert follow_along(enrolment) is False


def test_a_phone_call_does_not_clear_it(service, coach):
    enrolment, job = in_a_job(service, coach)
    phone_call(placement=job, by=coach, contacted_on=days_ago(2))
    assert follow_along(enrolment) is True


def test_a_face_to_face_contact_counts_for_thirty_days(service, coach):
    enrolment, job = in_a_job(service, coach)
    contact = SupportContactFactory(placement=job, by=coach, contacted_on=days_ago(31))
    assert follow_along(enrolment) is True
    contact.contacted_on = days_ago(30)
    contact.save()
    assert follow_along(enrolment) is False


def test_a_job_that_began_ten_days_ago_does_not_alert_yet(service, coach):
    enrolment, _ = in_a_job(service, coach, started_days_ago=10)
    assert follow_along(enrolment) is False
    thirty, _ = in_a_job(service, coach, started_days_ago=30)
    assert follow_along(thirty) is False  # "more than 30 days"


def test_a_suspended_pathway_is_silent(service, coach):
    enrolment, _ = in_a_job(service, coach)
    pathways.suspend(enrolment, start=days_ago(5), end=None, reason="hospitalisation", by=coach)
    assert follow_along(enrolment) is False


def test_only_an_ongoing_job_is_followed(service, coach):
    ended, _ = in_a_job(service, coach, ended_on=days_ago(2), end_reason=EndReason.RESIGNATION)
    assert follow_along(ended) is False
    internship, _ = in_a_job(service, coach, kind=PlacementKind.INTERNSHIP, contract_type="")
    assert follow_along(internship) is False


def test_a_contact_about_an_ended_job_does_not_count_for_the_current_one(service, coach):
    enrolment, job = in_a_job(service, coach)
    old = PlacementFactory(
        enrolment=enrolment, started_on=days_ago(200), ended_on=days_ago(5), end_reason=EndReason.DISMISSAL
    )
    SupportContactFactory(placement=old, by=coach, contacted_on=days_ago(6))
    assert follow_along(enrolment) is True


# --- No employer contact since entry -------------------------------------------------------------


def test_forty_days_after_entry_with_no_employer_contact_raises_the_alert(service, coach):
    assert no_employer_contact(pathway(service, coach, Phase.JOB_SEARCH, intake_days_ago=40)) is True


def test_an_employer_contact_about_the_person_after_entry_clears_it(service, coach):
    enrolment = pathway(service, coach, Phase.JOB_SEARCH, intake_days_ago=40)
    company = CompanyFactory(organisation=service.organisation)
    employer_contact(enrolment.person, coach, company, days_ago=40)  # the entry day itself counts
    assert no_employer_contact(enrolment) is False


def test_an_employer_contact_before_entry_or_about_someone_else_does_not(service, coach):
    enrolment = pathway(service, coach, Phase.JOB_SEARCH, intake_days_ago=40)
    company = CompanyFactory(organisation=service.organisation)
    employer_contact(enrolment.person, coach, company, days_ago=41)
    employer_contact(pathway(service, coach, Phase.PLAN).person, coach, company, days_ago=3)
    assert no_employer_contact(enrolment) is True


def test_the_first_thirty_days_after_entry_do_not_alert(service, coach):
    assert no_employer_contact(pathway(service, coach, Phase.PROFILE, intake_days_ago=30)) is False
    assert no_employer_contact(pathway(service, coach, Phase.PROFILE, intake_days_ago=31)) is True


def test_no_employer_alert_in_employment_when_suspended_or_before_intake(service, coach):
    assert no_employer_contact(pathway(service, coach, Phase.IN_EMPLOYMENT, intake_days_ago=60)) is False
    suspended = pathway(service, coach, Phase.ACCESS, intake_days_ago=60)
    pathways.suspend(suspended, start=days_ago(5), end=None, reason="hospitalisation", by=coach)
    assert no_employer_contact(suspended) is False
    waiting = enrol(service, coach, days_ago=60, intake_after=None)
    assert no_employer_contact(waiting) is False


# --- On the caseload page ---------------------------------------------------------------------------


def test_the_caseload_shows_and_filters_both_alerts(client, service, coach):
    working, _ = in_a_job(service, coach)
    searching = pathway(service, coach, Phase.JOB_SEARCH, intake_days_ago=40)
    quiet = pathway(service, coach, Phase.JOB_SEARCH, intake_days_ago=10)
    client.force_login(coach)
    home = reverse("core:home")
    page = client.get(home).content.decode()
    tag = '<span class="tag tag--warning">'
    assert tag + "Pas de contact en face à face dans l'emploi depuis 30 jours</span>" in page
    assert tag + "Aucun contact employeur depuis l'entrée (plus de 30 jours)</span>" in page
    assert '<option value="follow_along">' in page and '<option value="employer_contact">' in page
    for alert, expected in (("follow_along", {working.pk}), ("employer_contact", {searching.pk})):
        rows = client.get(home, {"alert": alert}).context["page"].object_list
        assert {r.pk for r in rows} == expected, alert
    rows = client.get(home, {"alert": "any"}).context["page"].object_list
    assert {r.pk for r in rows} == {working.pk, searching.pk}
    assert quiet.pk not in {r.pk for r in rows}


def test_the_alerts_cost_no_query_per_person(client, service, coach):
    client.force_login(coach)
    in_a_job(service, coach)
    client.get(reverse("core:home"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:home"))
    company = CompanyFactory(organisation=service.organisation)
    for _ in range(6):
        _, job = in_a_job(service, coach)
        SupportContactFactory(placement=job, by=coach)
        employer_contact(pathway(service, coach, Phase.JOB_SEARCH, 40).person, coach, company, days_ago=3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("core:home"))
    assert len(response.context["page"].object_list) == 13
    assert len(many.captured_queries) == len(few.captured_queries)
