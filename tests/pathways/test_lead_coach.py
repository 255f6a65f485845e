"""The lead coach: the coach who records a person leads the pathway by default; a coach may take
a pathway that has none; the head of service sees those that have none."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse

from filrouge import policy
from filrouge.organisations.models import Role
from filrouge.pathways import domain
from filrouge.pathways.models import LeadCoachChange
from filrouge.people.models import Person
from filrouge.people.timeline import timeline
from tests.accounts.factories import staff
from tests.pathways.factories import enrol

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_the_coach_recording_a_person_is_proposed_as_lead_coach(client, world):
    client.force_login(world.users["coach"])
    start = client.get(reverse("people:create")).context["start"]
    assert start["primary_coach"].value() == world.users["coach"].pk
    page = text(client.get(reverse("people:create")))
    assert "Vous serez son job coach référent·e" in page


@pytest.mark.parametrize("role", ["psychologist", "head_of_service", "director"])
def test_who_is_not_a_coach_of_the_service_is_not_proposed(client, world, role):
    client.force_login(world.users[role])
    start = client.get(reverse("people:create")).context["start"]
    assert start["primary_coach"].value() is None


def test_the_coach_may_leave_the_pathway_without_lead_coach(client, world):
    client.force_login(world.users["coach"])
    data = {
        "person-first_name": "jean-pierre",
        "person-birth_name": "de la FONTAINE",
        "person-date_of_birth": "1979-09-30",
        "start-service": world.a1.pk,
        "start-referral_date": domain.today().isoformat(),
        "start-primary_coach": "",
        "entry-employment_status": "out_of_work",
        "entry-education_level": "4",
        "entry-rqth_status": "none",
        "entry-housing": "independent",
    }
    assert client.post(reverse("people:create"), data).status_code == 302
    person = Person.objects.get(birth_name="de la FONTAINE")  # the surname as typed
    assert person.first_name == "Jean-Pierre"
    assert person.enrolments.get().primary_coach is None


def test_a_coach_of_the_service_takes_a_pathway_without_lead_coach(client, world):
    enrolment = enrol(world.a1)
    coach = world.users["coach"]
    client.force_login(coach)
    response = client.post(reverse("pathways:take_lead", args=[enrolment.pk]))
    assert response["Location"] == reverse("people:detail", args=[enrolment.person_id])
    enrolment.refresh_from_db()
    assert enrolment.primary_coach == coach
    change = LeadCoachChange.objects.get(enrolment=enrolment)
    assert (change.coach, change.previous_coach, change.taken, change.recorded_by) == (
        coach,
        None,
        True,
        coach,
    )
    events = timeline(enrolment.person, [enrolment], coach, ["lead_coach"])
    assert [event.title for event in events] == [
        f"{coach.full_name} prend en charge le parcours comme job coach référent·e"
    ]


@pytest.mark.parametrize(
    "subject", ["psychologist", "social_worker", "head_of_service", "director", "other_service_coach"]
)
def test_only_a_coach_of_the_service_may_take_a_pathway(client, world, subject):
    enrolment = enrol(world.a1)
    client.force_login(world.users[subject])
    assert client.post(reverse("pathways:take_lead", args=[enrolment.pk])).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.primary_coach is None
    assert not policy.may_take_lead(world.users[subject], enrolment)


def test_a_pathway_already_led_or_ended_cannot_be_taken(client, world):
    led = enrol(world.a1, coach=world.users["coach"])
    ended = enrol(world.a1, intake_after=None)
    domain.record_exit(ended, on=domain.today(), outcome="moved", by=None)
    colleague = staff(Role.COACH, world.a1, email="collegue@a.example")
    client.force_login(colleague)
    for enrolment in (led, ended):
        assert client.post(reverse("pathways:take_lead", args=[enrolment.pk])).status_code == 404
    assert client.get(reverse("pathways:take_lead", args=[led.pk])).status_code == 405
    led.refresh_from_db()
    assert led.primary_coach == world.users["coach"]


def test_two_coaches_taking_the_same_pathway_make_one_lead_coach(world):
    enrolment = enrol(world.a1)
    colleague = staff(Role.COACH, world.a1, email="collegue@a.example")
    domain.take_lead(enrolment, world.users["coach"])
    stale = type(enrolment).objects.get(pk=enrolment.pk)
    stale.primary_coach = None  # read before the first one took it
    with pytest.raises(Exception, match="déjà un job coach"):
        domain.take_lead(stale, colleague)
    assert LeadCoachChange.objects.filter(enrolment=enrolment).count() == 1


def test_the_record_offers_to_take_a_pathway_without_lead_coach(client, world):
    enrolment = enrol(world.a1)
    client.force_login(world.users["coach"])
    page = text(client.get(reverse("people:detail", args=[enrolment.person_id])))
    assert reverse("pathways:take_lead", args=[enrolment.pk]) in page
    client.force_login(world.users["psychologist"])
    page = text(client.get(reverse("people:detail", args=[enrolment.person_id])))
    assert "sans job coach référent·e" in page
    assert reverse("pathways:take_lead", args=[enrolment.pk]) not in page


def test_the_coach_caseload_lists_the_pathways_without_lead_coach_of_her_services(client, world):
    mine = enrol(world.a1)
    elsewhere = enrol(world.a2)
    client.force_login(world.users["coach"])
    response = client.get(reverse("core:home"))
    page = text(response)
    assert "1 parcours sans job coach référent·e" in page
    assert reverse("pathways:take_lead", args=[mine.pk]) in page
    assert reverse("pathways:take_lead", args=[elsewhere.pk]) not in page


def test_the_head_of_service_sees_and_filters_the_pathways_without_lead_coach(client, world):
    leaderless = [enrol(world.a1), enrol(world.a1)]
    enrol(world.a2)  # another service's: not counted
    client.force_login(world.users["head_of_service"])
    url = reverse("pathways:service_caseloads", args=[world.a1.pk])
    page = text(client.get(url))
    assert "2 parcours en cours sont sans job coach référent·e." in page
    assert "Sans job coach référent (2)" in page
    listed = client.get(url, {"coach": "none"}).context["page"].object_list
    assert {e.pk for e in listed} == {e.pk for e in leaderless}


def test_the_head_of_service_page_has_no_alert_when_every_pathway_is_led(client, world):
    client.force_login(world.users["head_of_service"])
    page = text(client.get(reverse("pathways:service_caseloads", args=[world.a1.pk])))
    assert "sans job coach référent·e." not in page


def test_a_reassignment_is_in_the_history(client, world):
    colleague = staff(Role.COACH, world.a1, email="collegue@a.example")
    client.force_login(world.users["head_of_service"])
    response = client.post(
        reverse("pathways:reassign", args=[world.enrolment.pk]), {"primary_coach": colleague.pk}
    )
    assert response.status_code == 302
    change = LeadCoachChange.objects.get(enrolment=world.enrolment)
    assert (change.coach, change.previous_coach, change.taken) == (colleague, world.users["coach"], False)
    assert change.recorded_by == world.users["head_of_service"]


def test_reassigning_to_the_same_coach_records_nothing(world):
    assert domain.reassign(world.enrolment, world.users["coach"], world.users["head_of_service"]) is None
    assert not LeadCoachChange.objects.exists()


def test_the_referral_date_does_not_matter_to_who_may_take(world):
    old = enrol(world.a1, days_ago=400)
    assert policy.may_take_lead(world.users["coach"], old)
    assert old.referral_date < domain.today() - timedelta(days=300)
