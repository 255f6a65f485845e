from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from filrouge.organisations.models import ProgrammeType, Role
from filrouge.pathways import domain
from filrouge.pathways.caseload import coach_loads, target_for, with_alerts
from filrouge.pathways.models import Enrolment, Phase
from tests.accounts.factories import staff
from tests.organisations.factories import ServiceFactory
from tests.pathways.factories import enrol
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db
TODAY = domain.today()


@pytest.fixture
def service(db):
    return ServiceFactory(programme_type=ProgrammeType.MINIMUM_INCOME)


@pytest.fixture
def coach(service):
    return staff(Role.COACH, service, full_name="Camille Coach")


def at_phase(service, coach, phase, last_contact_days_ago, days_ago=300, **person):
    enrolment = enrol(
        service, coach, days_ago=days_ago, person=PersonFactory(organisation=service.organisation, **person)
    )
    if phase != Phase.INTAKE:
        domain.change_phase(enrolment, phase, TODAY - timedelta(days=days_ago - 20), coach)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        last_contact_on=TODAY - timedelta(days=last_contact_days_ago)
    )
    return enrolment


def alerts(enrolment):
    row = with_alerts(Enrolment.objects.filter(pk=enrolment.pk), TODAY).get()
    return {
        name
        for name in ("alert_profile_contact", "alert_employment_contact", "alert_end_soon")
        if getattr(row, name)
    }


def test_no_contact_for_seven_days_in_the_profile_phase_raises_an_alert(service, coach):
    assert alerts(at_phase(service, coach, Phase.PROFILE, 8, days_ago=100)) == {"alert_profile_contact"}
    assert alerts(at_phase(service, coach, Phase.PROFILE, 7, days_ago=100)) == set()
    assert alerts(at_phase(service, coach, Phase.JOB_SEARCH, 20, days_ago=100)) == set()


def test_no_contact_for_thirty_days_in_employment_raises_an_alert(service, coach):
    assert alerts(at_phase(service, coach, Phase.IN_EMPLOYMENT, 31, days_ago=100)) == {
        "alert_employment_contact"
    }
    assert alerts(at_phase(service, coach, Phase.IN_EMPLOYMENT, 29, days_ago=100)) == set()


def test_a_programme_ending_within_thirty_days_raises_an_alert(service, coach):
    # Referred 345 days ago, intake a week later: the 12 months end in about 27 days.
    assert "alert_end_soon" in alerts(at_phase(service, coach, Phase.JOB_SEARCH, 1, days_ago=345))
    assert "alert_end_soon" not in alerts(at_phase(service, coach, Phase.JOB_SEARCH, 1, days_ago=100))


def test_a_suspended_pathway_raises_no_contact_alert(service, coach):
    enrolment = at_phase(service, coach, Phase.PROFILE, 20, days_ago=100)
    domain.suspend(enrolment, start=TODAY - timedelta(days=15), end=None, reason="hospitalisation", by=coach)
    assert alerts(enrolment) == set()


def test_caseload_size_against_the_target_follows_the_time_share(service, coach):
    for _ in range(3):
        enrol(service, coach)
    membership = coach.memberships.get()
    membership.time_share = 50
    membership.save()
    assert coach_loads(service) == [{"user": coach, "load": 3, "target": 10}]
    assert target_for(100) == 20


def test_the_caseload_page_lists_the_coach_people_with_alerts(client, service, coach):
    late = at_phase(service, coach, Phase.PROFILE, 10, days_ago=100, first_name="Hélène", birth_name="Dupré")
    at_phase(service, coach, Phase.JOB_SEARCH, 2, days_ago=100, first_name="Jérôme", birth_name="Martin")
    other_coach = staff(Role.COACH, service)
    enrol(service, other_coach)  # not in this coach's caseload
    client.force_login(coach)
    response = client.get(reverse("core:home"))
    rows = list(response.context["page"].object_list)
    assert {row.person.first_name for row in rows} == {"Hélène", "Jérôme"}
    response = client.get(reverse("core:home"), {"alert": "contact"})
    assert [row.pk for row in response.context["page"].object_list] == [late.pk]
    assert "aucun contact depuis plus de 7 jours" in response.content.decode()


def test_the_name_search_ignores_accents_and_case(client, service, coach):
    at_phase(service, coach, Phase.PROFILE, 1, first_name="Hélène", birth_name="Dupré")
    at_phase(service, coach, Phase.PROFILE, 1, first_name="Jérôme", birth_name="Martin")
    client.force_login(coach)
    for query in ("helene", "HÉLÈNE", "dupre"):
        rows = client.get(reverse("core:home"), {"q": query}).context["page"].object_list
        assert [row.person.first_name for row in rows] == ["Hélène"], query


def test_the_caseload_can_be_filtered_by_phase_and_sorted(client, service, coach):
    at_phase(service, coach, Phase.PROFILE, 3, birth_name="Bernard")
    at_phase(service, coach, Phase.JOB_SEARCH, 12, birth_name="Anselme")
    client.force_login(coach)
    rows = client.get(reverse("core:home"), {"phase": Phase.PROFILE}).context["page"].object_list
    assert [row.person.birth_name for row in rows] == ["Bernard"]
    rows = client.get(reverse("core:home"), {"sort": "contact"}).context["page"].object_list
    assert [row.person.birth_name for row in rows] == ["Anselme", "Bernard"]  # the oldest contact first


def test_people_with_no_appointment_or_no_planned_end_sort_last(client, service, coach):
    booked = at_phase(service, coach, Phase.PROFILE, 3, birth_name="Zola")
    at_phase(service, coach, Phase.PROFILE, 3, birth_name="Abel")
    Enrolment.objects.filter(pk=booked.pk).update(next_appointment_at=timezone.now() + timedelta(days=2))
    Enrolment.objects.exclude(pk=booked.pk).update(planned_end_date=None)
    Enrolment.objects.filter(pk=booked.pk).update(planned_end_date=domain.today() + timedelta(days=30))
    client.force_login(coach)
    for sort in ("appointment", "end"):
        rows = client.get(reverse("core:home"), {"sort": sort}).context["page"].object_list
        assert [row.person.birth_name for row in rows] == ["Zola", "Abel"], sort


def test_bad_filter_values_are_ignored_not_errors(client, service, coach):
    client.force_login(coach)
    for params in ({"alert": "pirate"}, {"sort": "password"}, {"phase": "x" * 300}, {"page": "abc"}):
        assert client.get(reverse("core:home"), params).status_code == 200


def test_the_caseload_costs_the_same_queries_for_few_or_many_people(
    client, service, coach, django_assert_num_queries
):
    client.force_login(coach)
    enrol(service, coach)
    client.get(reverse("core:home"))  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:home"))
    for _ in range(15):
        at_phase(service, coach, Phase.IN_EMPLOYMENT, 40, days_ago=100)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("core:home"))
    assert len(response.context["page"].object_list) == 16
    assert len(many.captured_queries) == len(few.captured_queries)


def test_next_appointments_are_shown(client, service, coach):
    enrolment = enrol(service, coach)
    when = timezone.make_aware(datetime.combine(TODAY + timedelta(days=2), time(14, 30)))
    Enrolment.objects.filter(pk=enrolment.pk).update(next_appointment_at=when)
    client.force_login(coach)
    assert "14:30" in client.get(reverse("core:home")).content.decode()


def test_the_head_of_service_sees_every_coach_and_reassigns(client, service, coach):
    head = staff(Role.HEAD_OF_SERVICE, service)
    other = staff(Role.COACH, service, full_name="Zoé Autre")
    enrolment = enrol(service, coach)
    client.force_login(head)
    page = client.get(reverse("pathways:service_caseloads", args=[service.pk]))
    assert [load["user"] for load in page.context["loads"]] == [coach, other]
    response = client.post(reverse("pathways:reassign", args=[enrolment.pk]), {"primary_coach": other.pk})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.primary_coach == other


def test_reassigning_to_someone_who_is_not_a_coach_of_the_service_is_refused(client, service, coach):
    head = staff(Role.HEAD_OF_SERVICE, service)
    enrolment = enrol(service, coach)
    outsider = staff(Role.COACH, ServiceFactory(organisation=service.organisation))
    client.force_login(head)
    response = client.post(reverse("pathways:reassign", args=[enrolment.pk]), {"primary_coach": outsider.pk})
    assert response.status_code == 200 and "primary_coach" in response.context["form"].errors
    enrolment.refresh_from_db()
    assert enrolment.primary_coach == coach


def test_a_pathway_edited_twice_at_once_shows_the_conflict_with_readable_values(client, service, coach):
    enrolment = enrol(service, coach)
    url = reverse("pathways:edit", args=[enrolment.pk])
    client.force_login(coach)
    base = {"version": enrolment.version, "referral_reason": "", "referred_by": "", "last_contact_on": ""}
    when = (TODAY + timedelta(days=3)).isoformat() + "T10:00"
    assert client.post(url, base | {"next_appointment_at": when}).status_code == 302
    response = client.post(
        url, base | {"next_appointment_at": (TODAY + timedelta(days=4)).isoformat() + "T11:00"}
    )
    assert response.status_code == 200
    rows = response.context["form"].conflict
    assert len(rows) == 1 and rows[0]["saved"].endswith("10:00") and rows[0]["yours"].endswith("11:00")


def test_a_programme_without_an_end_is_never_ending_soon(coach):
    unlimited = ServiceFactory(
        organisation=coach.organisation, programme_type=ProgrammeType.SUPPORTED_EMPLOYMENT
    )
    coach2 = staff(Role.COACH, unlimited)
    enrolment = enrol(unlimited, coach2)
    assert with_alerts(Enrolment.objects.filter(pk=enrolment.pk), TODAY).filter(alert_end_soon=False).exists()


def test_an_htmx_history_restore_gets_the_whole_page(client, service, coach):
    client.force_login(coach)
    fragment = client.get(reverse("core:home"), headers={"HX-Request": "true"})
    restore = client.get(
        reverse("core:home"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" not in fragment.content.decode()
    assert "<html" in restore.content.decode()
