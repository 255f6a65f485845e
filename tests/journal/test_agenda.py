import html
from datetime import datetime, time, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from filrouge.journal import domain
from filrouge.journal.models import Attendance, CalendarFeed, MeetingKind
from filrouge.journal.views import FEED_SECRET_KEY
from filrouge.organisations.models import Membership, Role
from filrouge.pathways.domain import today
from tests.journal.factories import MeetingFactory, NoteFactory
from tests.pathways.factories import enrol
from tests.workshops.factories import SessionFactory, built_in

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def this_week_at(hour: int, offset_days: int = 0):
    """A moment of the current week (Monday + offset), local time."""
    monday = today() - timedelta(days=today().weekday())
    return datetime.combine(
        monday + timedelta(days=offset_days), time(hour), tzinfo=timezone.get_current_timezone()
    )


@pytest.fixture
def meetings(world):
    person = world.person
    person.first_name, person.birth_name = "Camille", "Durandal"
    person.save()
    held = MeetingFactory(
        enrolment=world.enrolment,
        starts_at=this_week_at(10, 1),
        kind=MeetingKind.PHONE,
        place="Bureau 3",
        summary="Parle de ses traitements.",
    )
    cancelled = MeetingFactory(
        enrolment=world.enrolment, starts_at=this_week_at(14, 3), attendance=Attendance.CANCELLED, place=""
    )
    NoteFactory(enrolment=world.enrolment, author=world.users["coach"], text="Note sur la santé.")
    return {"held": held, "cancelled": cancelled}


# --- The week page -----------------------------------------------------------------------------


def test_the_week_shows_the_coachs_meetings_by_day_with_full_name_kind_and_place(client, world, meetings):
    client.force_login(world.users["coach"])
    page = text(client.get(reverse("journal:agenda")))
    # Inside the app, the person is named in full; the summary never shows.
    assert "Entretien — Camille Durandal (téléphone)" in page and "Bureau 3" in page
    assert "traitements" not in page
    assert page.index("Entretien — Camille Durandal (téléphone)") < page.index("Annulé")
    assert "<s>" in page
    assert page.count('class="agenda-day') == 7


def test_another_week_is_chosen_by_its_iso_number_and_a_bad_one_falls_back(client, world, meetings):
    client.force_login(world.users["coach"])
    next_week = today() + timedelta(days=7)
    year, week, _ = next_week.isocalendar()
    page = text(client.get(reverse("journal:agenda"), {"semaine": f"{year}-W{week:02d}"}))
    assert "Camille" not in page and "Rien de prévu." in page
    assert "Camille" in text(client.get(reverse("journal:agenda"), {"semaine": "2026-W99"}))
    assert "Camille" in text(client.get(reverse("journal:agenda"), {"semaine": "n'importe quoi"}))


def test_a_head_of_service_views_a_coachs_agenda_of_their_service(client, world, meetings):
    client.force_login(world.users["head_of_service"])
    page = text(client.get(reverse("journal:agenda"), {"coach": world.users["coach"].pk}))
    assert "Camille" in page and world.users["coach"].full_name in page
    # A coach of another service is out of reach.
    other = world.users["other_service_coach"]
    assert client.get(reverse("journal:agenda"), {"coach": other.pk}).status_code == 404


def test_a_director_views_any_coachs_agenda_of_the_organisation(client, world, meetings):
    client.force_login(world.users["director"])
    assert client.get(reverse("journal:agenda"), {"coach": world.users["coach"].pk}).status_code == 200
    assert (
        client.get(reverse("journal:agenda"), {"coach": world.users["other_org_coach"].pk}).status_code == 404
    )


def test_a_coach_cannot_view_a_colleagues_agenda(client, world, meetings):
    client.force_login(world.users["psychologist"])
    assert client.get(reverse("journal:agenda"), {"coach": world.users["coach"].pk}).status_code == 404
    assert client.get(reverse("journal:agenda"), {"coach": "99999999999999999999999"}).status_code == 200


def test_agenda_rule_in_the_policy(world):
    from filrouge import policy

    coach, head = world.users["coach"], world.users["head_of_service"]
    assert policy.may_view_agenda_of(coach, coach)
    assert policy.may_view_agenda_of(head, coach)
    assert not policy.may_view_agenda_of(coach, head)
    assert not policy.may_view_agenda_of(head, world.users["other_service_coach"])
    assert policy.may_view_agenda_of(world.users["director"], world.users["other_service_coach"])


def test_meetings_the_user_attends_show_in_their_agenda(client, world, meetings):
    meetings["held"].staff.add(world.users["social_worker"])
    client.force_login(world.users["social_worker"])
    page = text(client.get(reverse("journal:agenda")))
    assert "Entretien — Camille Durandal (téléphone)" in page
    assert "Entretien — Camille Durandal (individuel au bureau)" not in page


def test_the_navigation_offers_the_agenda_to_case_roles(client, world):
    client.force_login(world.users["coach"])
    assert f'href="{reverse("journal:agenda")}"' in text(client.get(reverse("people:list")))


# --- The calendar feed -------------------------------------------------------------------------


def feed_url(client) -> str:
    """Creates the address through the page and reads it once, as the user would."""
    response = client.post(reverse("journal:calendar_feed"), {"action": "create"})
    assert response["Location"] == reverse("journal:calendar_feed")
    page = text(client.get(reverse("journal:calendar_feed")))
    secret = next(part for part in page.split('"') if part.endswith(".ics"))
    assert "Copiez-la maintenant" in page
    assert "Copiez-la maintenant" not in text(client.get(reverse("journal:calendar_feed")))  # shown once
    return secret


def test_the_feed_gives_the_agenda_as_icalendar_without_personal_details(client, world, meetings):
    client.force_login(world.users["coach"])
    url = feed_url(client)
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and "filrouge" in str(calendar["PRODID"])
    assert calendar["X-WR-CALNAME"]
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    held = events[f"meeting-{meetings['held'].pk}@filrouge"]
    assert str(held["SUMMARY"]) == "Entretien — Camille (téléphone)"
    assert str(held["LOCATION"]) == "Bureau 3"
    assert held.decoded("DTSTART") == meetings["held"].starts_at
    assert held.decoded("DTEND") == meetings["held"].starts_at + timedelta(minutes=60)
    assert "DTSTAMP" in held and "URL" not in held and "DESCRIPTION" not in held
    assert str(held["STATUS"]) == "CONFIRMED"
    assert str(events[f"meeting-{meetings['cancelled'].pk}@filrouge"]["STATUS"]) == "CANCELLED"
    body = response.content.decode()
    for private in ("Durandal", "traitements", "santé", "Compte rendu"):
        assert private not in body


def test_only_the_hash_of_the_secret_is_kept(world):
    secret = domain.create_feed(world.users["coach"])
    feed = CalendarFeed.objects.get()
    assert secret not in feed.token_hash and feed.token_hash == domain.token_hash(secret)


def test_a_revoked_or_replaced_address_no_longer_answers(client, world, meetings):
    coach = world.users["coach"]
    first = domain.create_feed(coach)
    second = domain.create_feed(coach)  # regenerating revokes the first
    assert client.get(reverse("journal:ics", args=[first])).status_code == 404
    assert client.get(reverse("journal:ics", args=[second])).status_code == 200
    client.force_login(coach)
    confirm = client.post(reverse("journal:calendar_feed"), {"action": "revoke"})
    assert confirm.status_code == 200 and "cessera de fonctionner" in text(confirm)
    assert client.get(reverse("journal:ics", args=[second])).status_code == 200  # not yet confirmed
    client.post(reverse("journal:calendar_feed"), {"action": "revoke", "confirm": "1"})
    client.logout()
    assert client.get(reverse("journal:ics", args=[second])).status_code == 404
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).count() == 0


def test_an_unknown_address_or_an_inactive_accounts_is_not_found(client, world):
    assert client.get(reverse("journal:ics", args=["pas-un-secret"])).status_code == 404
    coach = world.users["coach"]
    secret = domain.create_feed(coach)
    coach.is_active = False
    coach.save()
    assert client.get(reverse("journal:ics", args=[secret])).status_code == 404


def test_regenerating_asks_for_confirmation_first(client, world):
    client.force_login(world.users["coach"])
    client.post(reverse("journal:calendar_feed"), {"action": "create"})
    client.get(reverse("journal:calendar_feed"))
    first = CalendarFeed.objects.get()
    response = client.post(reverse("journal:calendar_feed"), {"action": "create"})
    assert "Régénérer l'adresse d'abonnement ?" in text(response)
    assert CalendarFeed.objects.get() == first
    client.post(reverse("journal:calendar_feed"), {"action": "create", "confirm": "1"})
    assert CalendarFeed.objects.filter(revoked_at__isnull=True).exclude(pk=first.pk).count() == 1
    assert FEED_SECRET_KEY in client.session


def test_the_feed_follows_the_accounts_current_reach(client, world, meetings):
    coach = world.users["coach"]
    secret = domain.create_feed(coach)
    coach.memberships.all().delete()
    calendar = icalendar.Calendar.from_ical(client.get(reverse("journal:ics", args=[secret])).content)
    assert list(calendar.walk("VEVENT")) == []


# --- What a reader of someone else's week sees ---------------------------------------------------


def test_a_head_of_service_sees_only_their_services_part_of_a_coach_working_in_two(client, world, meetings):
    coach = world.users["coach"]
    Membership.objects.create(user=coach, service=world.a2, role=Role.COACH)
    elsewhere = enrol(world.a2, coach=coach)
    elsewhere.person.first_name = "Dominique"
    elsewhere.person.save()
    MeetingFactory(enrolment=elsewhere, starts_at=this_week_at(9, 2), kind=MeetingKind.VIDEO)
    here, there = built_in("digital"), built_in("cv")
    SessionFactory(service=world.a1, facilitator=coach, type=here, starts_at=this_week_at(16, 2))
    SessionFactory(service=world.a2, facilitator=coach, type=there, starts_at=this_week_at(16, 4))

    client.force_login(world.users["head_of_service"])
    page = text(client.get(reverse("journal:agenda"), {"coach": coach.pk}))
    assert "Entretien — Camille Durandal (téléphone)" in page and f"Atelier — {here.name}" in page
    assert "Dominique" not in page and there.name not in page

    client.force_login(coach)  # the coach's own week holds both services
    own = text(client.get(reverse("journal:agenda")))
    assert f"Entretien — {elsewhere.person.full_name} (visio)" in own and f"Atelier — {there.name}" in own


@pytest.mark.parametrize("reader", ["head_of_service", "director"])
def test_reading_a_psychologists_week_leaves_out_their_restricted_meetings(client, world, meetings, reader):
    psychologist = world.users["psychologist"]
    kept = MeetingFactory(
        enrolment=world.enrolment,
        restricted=True,
        created_by=psychologist,
        starts_at=this_week_at(11, 2),
        kind=MeetingKind.HOME_VISIT,
    )
    kept.staff.add(psychologist)
    meetings["held"].staff.add(psychologist)  # a team meeting they attend

    client.force_login(world.users[reader])
    page = text(client.get(reverse("journal:agenda"), {"coach": psychologist.pk}))
    assert "Entretien — Camille Durandal (téléphone)" in page
    assert "visite à domicile" not in page
    assert reverse("journal:meeting_detail", args=[kept.pk]) not in page

    client.force_login(psychologist)
    assert "Entretien — Camille Durandal (visite à domicile)" in text(client.get(reverse("journal:agenda")))


def test_the_feed_of_a_coach_working_in_two_services_holds_both(client, world, meetings):
    coach = world.users["coach"]
    Membership.objects.create(user=coach, service=world.a2, role=Role.COACH)
    elsewhere = enrol(world.a2, coach=coach)
    MeetingFactory(enrolment=elsewhere, starts_at=this_week_at(9, 2))
    calendar = icalendar.Calendar.from_ical(
        client.get(reverse("journal:ics", args=[domain.create_feed(coach)])).content
    )
    assert len(list(calendar.walk("VEVENT"))) == 3  # both meetings of A1, the one of A2
