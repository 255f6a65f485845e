"""The partner who referred the person becomes their "prescripteur", once."""

import pytest
from django.urls import reverse

from filrouge.people.models import ContactKind, PersonContact
from tests.pathways.factories import enrol
from tests.people.factories import ContactFactory

pytestmark = pytest.mark.django_db


def referrers(person):
    return list(
        PersonContact.objects.filter(person=person, relation=ContactKind.REFERRING_PARTNER).values_list(
            "contact", flat=True
        )
    )


def test_the_referrer_chosen_at_intake_becomes_the_prescripteur(world):
    contact = ContactFactory(organisation=world.org_a)
    enrolment = enrol(world.a1, referred_by=contact)
    assert referrers(enrolment.person) == [contact.pk]
    link = PersonContact.objects.get(person=enrolment.person, contact=contact)
    assert link.organisation == world.org_a


def test_the_same_referrer_again_is_linked_once(world):
    contact = ContactFactory(organisation=world.org_a)
    first = enrol(world.a1, referred_by=contact)
    enrol(world.a2, person=first.person, referred_by=contact)
    assert referrers(first.person) == [contact.pk]


def test_no_referrer_links_no_one(world):
    enrolment = enrol(world.a1)
    assert referrers(enrolment.person) == []


def test_a_referrer_chosen_later_on_the_pathway_becomes_the_prescripteur(client, world):
    contact = ContactFactory(organisation=world.org_a)
    enrolment = enrol(world.a1, coach=world.users["coach"])
    client.force_login(world.users["coach"])
    url = reverse("pathways:edit", args=[enrolment.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields if name != "team"}
    response = client.post(url, data | {"referred_by": contact.pk})
    assert response.status_code == 302
    assert referrers(enrolment.person) == [contact.pk]


def test_creating_a_person_with_a_referrer_links_the_prescripteur(client, world):
    client.force_login(world.users["coach"])
    data = {
        "person-first_name": "Anaïs",
        "person-birth_name": "Le Goff",
        "person-date_of_birth": "1991-05-17",
        "start-service": world.a1.pk,
        "start-referral_date": "2024-01-08",
        "start-referred_by": world.contact.pk,
        "start-primary_coach": world.users["coach"].pk,
        "entry-employment_status": "out_of_work",
        "entry-education_level": "4",
        "entry-rqth_status": "none",
        "entry-housing": "independent",
    }
    assert client.post(reverse("people:create"), data).status_code == 302
    person = world.org_a.people.get(birth_name="Le Goff")
    assert referrers(person) == [world.contact.pk]
