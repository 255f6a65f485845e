"""The workshops tab of a person's record: registering from the record (a place, else the
waiting list), the person's sessions to come and past with attendance, and messages that agree
with the person."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse

from filrouge.people.models import Sex
from filrouge.workshops import domain
from filrouge.workshops.models import Attendance, Registration, RegistrationStatus, WorkshopSession
from tests.pathways.factories import enrol
from tests.workshops.factories import SessionFactory, at, built_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def coach_client(client, world):
    client.force_login(world.users["coach"])
    return client


def url(world) -> str:
    return reverse("workshops:person_workshops", args=[world.person.pk])


def test_the_record_has_a_workshops_tab(coach_client, world):
    page = text(coach_client.get(reverse("people:detail", args=[world.person.pk])))
    assert url(world) in page


def test_the_register_select_offers_sessions_to_come_of_the_persons_services_with_their_places(
    coach_client, world
):
    free = SessionFactory(service=world.a1, capacity=3)
    full = SessionFactory(service=world.a1, capacity=1, starts_at=at(9))
    domain.register(full, enrol(world.a1), None)
    SessionFactory(service=world.a2)  # a service that does not follow the person
    SessionFactory(service=world.a1, starts_at=at(-3))  # past
    SessionFactory(service=world.a1, starts_at=at(120))  # beyond three months
    cancelled = SessionFactory(service=world.a1)
    WorkshopSession.objects.filter(pk=cancelled.pk).update(cancelled_at=at(-1))
    response = coach_client.get(url(world))
    field = response.context["form"].fields["session"]
    assert list(field.queryset) == [free, full]
    labels = [label for _value, label in field.choices][1:]
    assert "3 places restantes" in labels[0]
    assert "complet : liste d'attente" in labels[1]


def test_registering_from_the_record_gives_a_place_then_the_waiting_list(coach_client, world):
    session = SessionFactory(service=world.a1, capacity=1)
    world.person.sex = Sex.FEMALE
    world.person.save()
    response = coach_client.post(url(world), {"session": session.pk}, follow=True)
    assert f"{world.person.full_name} est inscrite." in text(response)
    registration = Registration.objects.get()
    assert registration.status == RegistrationStatus.REGISTERED and registration.enrolment == world.enrolment
    assert response.context["upcoming"] == [registration]
    # Already registered: the session is no longer offered.
    assert session not in response.context["form"].fields["session"].queryset

    other = enrol(world.a1)
    other.person.sex = Sex.MALE
    other.person.save()
    other_url = reverse("workshops:person_workshops", args=[other.person.pk])
    response = coach_client.post(other_url, {"session": session.pk}, follow=True)
    assert "La séance est complète" in text(response) and "liste d'attente" in text(response)
    assert Registration.objects.get(enrolment=other).status == RegistrationStatus.WAITING
    assert "Liste d'attente" in text(response)


def test_a_bad_choice_is_refused_with_a_clear_message(coach_client, world):
    elsewhere = SessionFactory(service=world.a2)
    for value in (elsewhere.pk, "abc", "99999999999999999999"):
        response = coach_client.post(url(world), {"session": value})
        assert response.status_code == 200
        assert "Choisissez une séance à venir d'un service qui suit la personne." in text(response)
    assert not Registration.objects.exists()


def test_the_record_lists_sessions_to_come_and_past_with_attendance(coach_client, world):
    upcoming = SessionFactory(service=world.a1, type=built_in("interview"))
    domain.register(upcoming, world.enrolment, None)
    past = SessionFactory(service=world.a1, type=built_in("digital"))
    registration = domain.register(past, world.enrolment, None)
    WorkshopSession.objects.filter(pk=past.pk).update(starts_at=at(-2))
    past.refresh_from_db()
    domain.record_attendance(past, {registration: Attendance.PRESENT}, None)
    response = coach_client.get(url(world))
    assert [r.session for r in response.context["upcoming"]] == [upcoming]
    assert [r.session for r in response.context["past"]] == [past]
    page = text(response)
    assert "Préparer un entretien d'embauche" in page and "Présence" in page


def test_the_tab_is_a_404_outside_the_persons_services(client, world):
    session = SessionFactory(service=world.a1)
    domain.register(session, world.enrolment, None)
    client.force_login(world.users["other_service_coach"])
    assert client.get(url(world)).status_code == 404
    assert client.post(url(world), {"session": session.pk}).status_code == 404
    client.force_login(world.users["other_org_coach"])
    assert client.get(url(world)).status_code == 404


def test_a_coach_of_another_service_cannot_register_the_person_through_the_record(client, world):
    """The person is followed in A1 and A2: A2's coach registers them to A2's sessions only."""
    enrol(world.a2, person=world.person)
    mine, theirs = SessionFactory(service=world.a2), SessionFactory(service=world.a1)
    client.force_login(world.users["other_service_coach"])
    response = client.get(url(world))
    assert list(response.context["form"].fields["session"].queryset) == [mine]
    assert client.post(url(world), {"session": theirs.pk}).status_code == 200
    assert not Registration.objects.exists()
    # And the A1 registration is not shown to them.
    domain.register(theirs, world.enrolment, None)
    assert client.get(url(world)).context["upcoming"] == []


# --- Messages that agree with the person ---------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "registered", "unregistered"),
    [
        (Sex.FEMALE, "est inscrite.", "est désinscrite."),
        (Sex.MALE, "est inscrit.", "est désinscrit."),
        ("", "est inscrit·e.", "est désinscrit·e."),
        (Sex.OTHER, "est inscrit·e.", "est désinscrit·e."),
    ],
)
def test_messages_agree_with_the_recorded_sex_or_are_inclusive(world, sex, registered, unregistered):
    world.person.sex = sex
    assert domain.registered_message(world.person) == f"{world.person.full_name} {registered}"
    assert domain.unregistered_message(world.person) == f"{world.person.full_name} {unregistered}"


def test_the_session_page_messages_agree_with_the_person(coach_client, world):
    session = SessionFactory(service=world.a1, capacity=1, starts_at=at(3) + timedelta(hours=1))
    world.person.sex = Sex.MALE
    world.person.save()
    response = coach_client.post(
        reverse("workshops:register", args=[session.pk]), {"enrolment": world.enrolment.pk}, follow=True
    )
    assert f"{world.person.full_name} est inscrit." in text(response)
    waiting = enrol(world.a1)
    domain.register(session, waiting, None)
    registration = Registration.objects.get(enrolment=world.enrolment)
    response = coach_client.post(
        reverse("workshops:registration_cancel", args=[registration.pk]), follow=True
    )
    page = text(response)
    assert f"{world.person.full_name} est désinscrit." in page
    assert f"{waiting.person.full_name}, premier·e sur la liste d'attente, prend la place." in page
