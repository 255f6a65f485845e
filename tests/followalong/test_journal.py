"""Follow-along contacts in the person's journal: one history with the meetings and notes, in
order of date, within the policy's reach of support contacts."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from filrouge.pathways.domain import today
from tests.followalong.factories import SupportContactFactory, phone_call
from tests.journal.factories import MeetingFactory, NoteFactory
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def journal(client, world, **query):
    return client.get(reverse("journal:person_journal", args=[world.person.pk]), query)


@pytest.fixture
def history(world):
    coach = world.users["coach"]
    placement = PlacementFactory(enrolment=world.enrolment)
    meeting = MeetingFactory(enrolment=world.enrolment, starts_at=timezone.now() - timedelta(days=20))
    contact = SupportContactFactory(
        placement=placement, by=coach, contacted_on=today() - timedelta(days=10), notes="Horaires du matin."
    )
    note = NoteFactory(enrolment=world.enrolment, author=coach, written_on=today() - timedelta(days=5))
    call = phone_call(placement=placement, by=coach, contacted_on=today() - timedelta(days=15), notes="")
    return {"meeting": meeting, "contact": contact, "note": note, "call": call}


def test_the_journal_merges_follow_along_contacts_with_meetings_and_notes_by_date(client, world, history):
    client.force_login(world.users["coach"])
    response = journal(client, world)
    items = list(response.context["page"].object_list)
    assert items == [history["note"], history["contact"], history["call"], history["meeting"]]
    page = text(response)
    assert "Suivi dans l'emploi : Rencontre en face à face" in page and "Horaires du matin." in page
    assert reverse("followalong:list", args=[history["contact"].placement_id]) in page


def test_the_journal_shows_only_follow_along_or_searches_it(client, world, history):
    client.force_login(world.users["coach"])
    only = list(journal(client, world, type="support").context["page"].object_list)
    assert only == [history["contact"], history["call"]]
    found = list(journal(client, world, q="HORAIRES").context["page"].object_list)
    assert found == [history["contact"]]
    assert list(journal(client, world, type="notes").context["page"].object_list) == [history["note"]]


def test_contacts_of_a_pathway_out_of_reach_stay_out_of_the_journal(client, world):
    """The person followed in A1 and A2: A1's coach does not see A2's follow-along."""
    other = enrol(world.a2, person=world.person, coach=world.users["other_service_coach"])
    placement = PlacementFactory(enrolment=other)
    SupportContactFactory(placement=placement, by=world.users["other_service_coach"], notes="Côté A2.")
    client.force_login(world.users["coach"])
    response = journal(client, world)
    assert list(response.context["page"].object_list) == []
    assert "Côté A2." not in text(response)
    client.force_login(world.users["other_service_coach"])
    assert "Côté A2." in text(journal(client, world))


def test_a_coach_of_another_organisation_gets_a_404(client, world, history):
    client.force_login(world.users["other_org_coach"])
    assert journal(client, world).status_code == 404
