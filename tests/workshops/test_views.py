import html
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from filrouge.core.agenda import entries
from filrouge.workshops import domain
from filrouge.workshops.models import (
    Attendance,
    Registration,
    RegistrationStatus,
    WorkshopSession,
    WorkshopType,
)
from tests.pathways.factories import enrol
from tests.workshops.factories import MONDAY, SessionFactory, WorkshopTypeFactory, at, built_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def coach_client(client, world):
    client.force_login(world.users["coach"])
    return client


def started(session):
    WorkshopSession.objects.filter(pk=session.pk).update(starts_at=at(-1))
    session.refresh_from_db()
    return session


# --- The list --------------------------------------------------------------------------------------


def test_the_list_shows_upcoming_sessions_of_the_users_services_with_places_and_waiting(coach_client, world):
    session = SessionFactory(service=world.a1, capacity=1, type=built_in("interview"))
    domain.register(session, world.enrolment, None)
    domain.register(session, enrol(world.a1), None)
    SessionFactory(service=world.a2, type=built_in("music"))  # another service: not shown
    SessionFactory(service=world.a1, starts_at=at(-10), type=built_in("drawing"))  # past
    response = coach_client.get(reverse("workshops:list"))
    rows = list(response.context["page"].object_list)
    assert rows == [session]
    assert (rows[0].places_left, rows[0].waiting) == (0, 1)
    assert "Préparer un entretien d'embauche" in text(response)
    past = coach_client.get(reverse("workshops:list"), {"period": "past"}).context["page"].object_list
    assert [s.type.code for s in past] == ["drawing"]


def test_the_list_filters_by_service_and_type(client, world):
    client.force_login(world.users["director"])
    cv = SessionFactory(service=world.a1, type=built_in("cv"))
    music = SessionFactory(service=world.a2, type=built_in("music"))
    url = reverse("workshops:list")
    assert list(client.get(url).context["page"].object_list) == [cv, music]
    assert list(client.get(url, {"service": world.a2.pk}).context["page"].object_list) == [music]
    assert list(client.get(url, {"type": built_in("cv").pk}).context["page"].object_list) == [cv]
    assert client.get(url, {"service": "pirate", "page": "x"}).status_code == 200


def test_the_list_shows_an_empty_state(coach_client):
    assert "Aucune séance à venir pour le moment." in text(coach_client.get(reverse("workshops:list")))


def test_the_list_costs_the_same_queries_with_more_sessions(
    coach_client, world, django_assert_max_num_queries
):
    url = reverse("workshops:list")
    SessionFactory(service=world.a1)
    coach_client.get(url)
    with CaptureQueriesContext(connection) as few:
        coach_client.get(url)
    for days in range(1, 20):
        session = SessionFactory(service=world.a1, starts_at=at(days), facilitator=world.users["coach"])
        domain.register(session, world.enrolment, None)
    with CaptureQueriesContext(connection) as many:
        coach_client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    with django_assert_max_num_queries(18):
        coach_client.get(url, {"period": "past"})


def test_the_navigation_and_the_service_page_lead_to_workshops(coach_client, world):
    page = text(coach_client.get(reverse("core:service_detail", args=[world.a1.pk])))
    assert f'href="{reverse("workshops:list")}"' in page  # the navigation
    assert f"{reverse('workshops:list')}?service={world.a1.pk}" in page and "Ateliers du service" in page


def test_the_service_page_offers_no_workshops_to_its_administrator(client, world):
    client.force_login(world.users["org_admin"])
    assert "Ateliers du service" not in text(client.get(reverse("core:service_detail", args=[world.a1.pk])))


# --- The session's page -------------------------------------------------------------------------------


def test_the_session_page_costs_the_same_queries_with_more_people(
    coach_client, world, django_assert_max_num_queries
):
    session = SessionFactory(service=world.a1, capacity=3)
    url = reverse("workshops:session_detail", args=[session.pk])
    domain.register(session, world.enrolment, None)
    enrol(world.a1)  # someone to choose from
    coach_client.get(url)
    with CaptureQueriesContext(connection) as few:
        coach_client.get(url)
    for _ in range(6):
        domain.register(session, enrol(world.a1), None)
    for _ in range(3):
        enrol(world.a1)  # more people to choose from
    with CaptureQueriesContext(connection) as many:
        response = coach_client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    with django_assert_max_num_queries(16):
        coach_client.get(url)
    assert len(response.context["registered"]) == 3 and len(response.context["waiting"]) == 4


def test_the_attendance_form_costs_the_same_queries_with_more_people(coach_client, world):
    session = SessionFactory(service=world.a1, capacity=10)
    url = reverse("workshops:session_detail", args=[session.pk])
    domain.register(session, world.enrolment, None)
    started(session)
    coach_client.get(url)
    with CaptureQueriesContext(connection) as few:
        coach_client.get(url)
    WorkshopSession.objects.filter(pk=session.pk).update(starts_at=at(3))
    for _ in range(5):
        domain.register(session, enrol(world.a1), None)
    started(session)
    with CaptureQueriesContext(connection) as many:
        response = coach_client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(response.context["attendance_form"].fields) == 6


def test_registering_through_the_page_then_the_waiting_list(coach_client, world):
    session = SessionFactory(service=world.a1, capacity=1)
    other = enrol(world.a1)
    url = reverse("workshops:register", args=[session.pk])
    response = coach_client.post(url, {"enrolment": world.enrolment.pk}, follow=True)
    assert f"{world.person.full_name} est inscrit·e." in text(response)  # no sex recorded
    response = coach_client.post(url, {"enrolment": other.pk}, follow=True)
    assert "liste d'attente" in text(response)
    assert [r.enrolment for r in response.context["waiting"]] == [other]


def test_the_register_select_offers_only_current_pathways_of_the_service_not_yet_registered(
    coach_client, world
):
    session = SessionFactory(service=world.a1)
    domain.register(session, world.enrolment, None)
    free = enrol(world.a1)
    elsewhere = enrol(world.a2)
    response = coach_client.get(reverse("workshops:session_detail", args=[session.pk]))
    offered = list(response.context["register_form"].fields["enrolment"].queryset)
    assert offered == [free]
    refused = coach_client.post(reverse("workshops:register", args=[session.pk]), {"enrolment": elsewhere.pk})
    assert refused.status_code == 200
    assert "Choisissez une personne accompagnée par ce service." in text(refused)
    assert not Registration.objects.filter(enrolment=elsewhere).exists()


def test_recording_attendance_through_the_page_shows_in_the_timeline(coach_client, world):
    session = SessionFactory(service=world.a1, type=built_in("cv"))
    registration = domain.register(session, world.enrolment, None)
    started(session)
    response = coach_client.post(
        reverse("workshops:attendance", args=[session.pk]), {f"r{registration.pk}": Attendance.PRESENT}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.attendance == Attendance.PRESENT
    timeline = coach_client.get(reverse("people:timeline", args=[world.person.pk]), {"type": "workshop"})
    events = timeline.context["page"].object_list
    assert [(e.kind, e.title, e.on) for e in events] == [
        ("workshop", "Atelier Rédiger son CV : présent·e", timezone.localdate(session.starts_at))
    ]


def test_the_timeline_leaves_out_attendance_of_pathways_the_user_does_not_see(client, world):
    session = SessionFactory(service=world.a2)
    other_pathway = enrol(world.a2, person=world.person)
    registration = domain.register(session, other_pathway, None)
    started(session)
    domain.record_attendance(session, {registration: Attendance.ABSENT}, None)
    client.force_login(world.users["coach"])
    events = client.get(reverse("people:timeline", args=[world.person.pk])).context["page"].object_list
    assert "workshop" not in {e.kind for e in events}
    client.force_login(world.users["director"])
    events = client.get(reverse("people:timeline", args=[world.person.pk])).context["page"].object_list
    assert "Atelier Rédiger son CV : absent·e" in [e.title for e in events]


def test_attendance_of_a_future_session_is_refused_on_the_page(coach_client, world):
    session = SessionFactory(service=world.a1)
    registration = domain.register(session, world.enrolment, None)
    response = coach_client.post(
        reverse("workshops:attendance", args=[session.pk]), {f"r{registration.pk}": Attendance.PRESENT}
    )
    assert response.status_code == 200
    assert "pas encore commencé" in text(response)
    registration.refresh_from_db()
    assert registration.attendance == ""


def test_cancelling_a_registration_confirms_then_promotes_the_first_waiting(coach_client, world):
    session = SessionFactory(service=world.a1, capacity=1)
    first = domain.register(session, world.enrolment, None)
    waiting = domain.register(session, enrol(world.a1), None)
    url = reverse("workshops:registration_cancel", args=[first.pk])
    assert "Sa place ira à la première personne" in text(coach_client.get(url))
    response = coach_client.post(url, follow=True)
    assert "prend la place" in text(response)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.REGISTERED


# --- Programming ------------------------------------------------------------------------------------


def test_creating_a_session(coach_client, world):
    data = {
        "type": built_in("digital").pk,
        "starts_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT14:00"),
        "duration_minutes": 90,
        "place": "Salle 2",
        "facilitator": world.users["educator"].pk,
        "capacity": 6,
    }
    response = coach_client.post(reverse("workshops:session_create", args=[world.a1.pk]), data)
    session = WorkshopSession.objects.get()
    assert response["Location"] == reverse("workshops:session_detail", args=[session.pk])
    assert (session.service, session.organisation, session.created_by) == (
        world.a1,
        world.org_a,
        world.users["coach"],
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("capacity", "0", "supérieure ou égale à 1"),
        ("capacity", "101", "inférieure ou égale à 100"),
        ("duration_minutes", "10", "supérieure ou égale à 15"),
        ("facilitator", "other_service_coach", "Sélectionnez un choix valide"),
    ],
)
def test_a_bad_session_is_refused_with_a_message(coach_client, world, field, value, message):
    data = {
        "type": built_in("digital").pk,
        "starts_at": f"{MONDAY.isoformat()}T14:00",
        "duration_minutes": 90,
        "capacity": 6,
    }
    data[field] = world.users[value].pk if value in world.users else value
    response = coach_client.post(reverse("workshops:session_create", args=[world.a1.pk]), data)
    assert response.status_code == 200
    assert message in text(response)
    assert not WorkshopSession.objects.exists()


def test_creating_a_series_with_weekday_checkboxes(coach_client, world):
    data = {
        "type": built_in("reading").pk,
        "weekdays": ["1", "3"],
        "first_date": MONDAY.isoformat(),
        "last_date": (MONDAY + timedelta(days=18)).isoformat(),
        "start_time": "10:00",
        "duration_minutes": 60,
        "capacity": 5,
    }
    url = reverse("workshops:series_create", args=[world.a1.pk])
    page = text(coach_client.get(url))
    assert "<fieldset" in page and "Mardi" in page
    response = coach_client.post(url, data, follow=True)
    assert "6 séances" in text(response)
    assert WorkshopSession.objects.filter(series__weekdays=[1, 3]).count() == 6
    refused = coach_client.post(url, data | {"last_date": (MONDAY - timedelta(days=3)).isoformat()})
    assert "ne peut pas précéder" in text(refused)
    assert WorkshopSession.objects.count() == 6


def test_editing_a_session_raises_places_and_promotes(coach_client, world):
    session = SessionFactory(service=world.a1, capacity=1)
    domain.register(session, world.enrolment, None)
    waiting = domain.register(session, enrol(world.a1), None)
    url = reverse("workshops:session_edit", args=[session.pk])
    data = {
        "starts_at": timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 120,
        "place": "Grande salle",
        "capacity": 2,
    }
    response = coach_client.post(url, data, follow=True)
    assert "quitte la liste d'attente" in text(response)
    waiting.refresh_from_db()
    session.refresh_from_db()
    assert (waiting.status, session.place, session.capacity) == (
        RegistrationStatus.REGISTERED,
        "Grande salle",
        2,
    )
    refused = coach_client.post(url, data | {"capacity": 1, "place": "Petite salle"})
    assert "2 personnes sont déjà inscrites" in text(refused)
    session.refresh_from_db()
    assert (session.place, session.capacity) == ("Grande salle", 2)  # nothing half-written


def test_moving_a_session_already_attended_to_a_date_to_come_is_refused_on_the_page(coach_client, world):
    session = started(SessionFactory(service=world.a1))
    Registration.objects.create(
        organisation=world.org_a,
        session=session,
        enrolment=world.enrolment,
        status=RegistrationStatus.REGISTERED,
        registered_at=timezone.now(),
        attendance=Attendance.PRESENT,
    )
    data = {
        "starts_at": (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT14:00"),
        "duration_minutes": 120,
        "place": "Grande salle",
        "capacity": 8,
    }
    refused = coach_client.post(reverse("workshops:session_edit", args=[session.pk]), data)
    assert refused.status_code == 200
    assert "Les présences de cette séance sont déjà notées" in text(refused)
    session.refresh_from_db()
    assert (session.starts_at, session.place) == (at(-1), "Salle Jean Moulin")  # nothing half-written


def test_cancelling_a_session_asks_for_a_reason(coach_client, world):
    session = SessionFactory(service=world.a1)
    url = reverse("workshops:session_cancel", args=[session.pk])
    assert coach_client.post(url, {"reason": ""}).status_code == 200
    response = coach_client.post(url, {"reason": "Salle inondée"}, follow=True)
    assert "Séance annulée" in text(response) and "Salle inondée" in text(response)
    assert coach_client.get(reverse("workshops:session_edit", args=[session.pk])).status_code == 404


# --- Types ------------------------------------------------------------------------------------------


def test_a_service_adds_archives_and_restores_its_own_types(coach_client, world):
    url = reverse("workshops:types", args=[world.a1.pk])
    coach_client.post(url, {"name": "Cuisine", "for_esat": "on"})
    cuisine = WorkshopType.objects.get(name="Cuisine")
    assert (cuisine.service, cuisine.organisation, cuisine.for_esat, cuisine.code) == (
        world.a1,
        world.org_a,
        True,
        None,
    )
    assert "déjà ce nom" in text(coach_client.post(url, {"name": "cuisine"}))
    coach_client.post(reverse("workshops:type_archive", args=[world.a1.pk, cuisine.pk]))
    cuisine.refresh_from_db()
    assert cuisine.is_archived
    assert cuisine not in WorkshopType.objects.for_service(world.a1)
    coach_client.post(reverse("workshops:type_restore", args=[world.a1.pk, cuisine.pk]))
    cuisine.refresh_from_db()
    assert not cuisine.is_archived


def test_built_in_types_and_other_services_types_cannot_be_archived(coach_client, world):
    assert (
        coach_client.post(
            reverse("workshops:type_archive", args=[world.a1.pk, built_in("cv").pk])
        ).status_code
        == 404
    )
    other = WorkshopTypeFactory(service=world.a2)
    assert (
        coach_client.post(reverse("workshops:type_archive", args=[world.a1.pk, other.pk])).status_code == 404
    )
    assert WorkshopType.objects.filter(archived_at__isnull=False).count() == 0


# --- The agenda ---------------------------------------------------------------------------------------


def test_the_agenda_lists_only_the_sessions_the_user_facilitates(world):
    educator = world.users["educator"]
    mine = SessionFactory(service=world.a1, facilitator=educator, starts_at=at(2), type=built_in("music"))
    cancelled = SessionFactory(service=world.a1, facilitator=educator, starts_at=at(3))
    domain.register(mine, world.enrolment, None)
    domain.cancel_session(cancelled, "Grève", None)
    SessionFactory(service=world.a1, facilitator=world.users["coach"], starts_at=at(2))
    SessionFactory(service=world.a1, facilitator=educator, starts_at=at(30))  # outside the range
    found = [e for e in entries(educator, at(0, 0), at(7, 0)) if e.uid.startswith("workshop-")]
    assert [(e.uid, e.title, e.place, e.cancelled) for e in found] == [
        (f"workshop-{mine.pk}@filrouge", "Atelier — Musique", "Salle Jean Moulin", False),
        (f"workshop-{cancelled.pk}@filrouge", "Atelier — Rédiger son CV", "Salle Jean Moulin", True),
    ]
    assert found[0].url == reverse("workshops:session_detail", args=[mine.pk])
    assert found[0].ends_at - found[0].starts_at == timedelta(minutes=120)
    assert world.person.first_name not in found[0].title
