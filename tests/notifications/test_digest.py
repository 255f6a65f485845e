"""The staff's daily digest: at 7:30 on working days in the user's time zone, once, counts and
first names and links only."""

import threading
from contextlib import suppress
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, connections
from django.utils import timezone
from django.utils.module_loading import import_string

from filrouge.background.errors import TaskFailure
from filrouge.background.schedule import SCHEDULE
from filrouge.core.workdays import is_working_day
from filrouge.notifications import digest
from filrouge.notifications.models import DigestSent
from filrouge.organisations.models import Role, TimeZone
from filrouge.pathways.domain import today
from filrouge.plans.models import ActionPlan, ActionStatus
from tests.accounts.factories import staff
from tests.organisations.factories import ServiceFactory
from tests.pathways.factories import enrol
from tests.people.factories import PersonFactory
from tests.placements.factories import immersion
from tests.plans.factories import ActionFactory, ObjectiveFactory, PlanFactory

PARIS = ZoneInfo("Europe/Paris")
# A Monday in winter (Paris is UTC+1): 7:30 in Paris is 6:30 UTC; in Réunion (UTC+4) 3:30 UTC.
MONDAY = date(2026, 12, 7)


def at(day: date, hour: int, minute: int, zone=PARIS) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def next_working_day(after: date) -> date:
    day = after + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


@pytest.fixture
def coach(world):
    user = world.users["coach"]
    user.daily_digest = True
    user.save(update_fields=["daily_digest"])
    return user


@pytest.fixture
def pathway(coach, world):
    """A pathway the coach leads (the world's own is suspended: it raises nothing)."""
    return enrol(world.a1, coach=coach)


def opted_in(service, **fields):
    return staff(Role.COACH, service, daily_digest=True, **fields)


def late_action(enrolment, due: date, label="Appeler le CMP au sujet du traitement"):
    plan = ActionPlan.objects.filter(enrolment=enrolment).first() or PlanFactory(enrolment=enrolment)
    return ActionFactory(
        objective=ObjectiveFactory(plan=plan), custom_label=label, due_date=due, status=ActionStatus.PLANNED
    )


def recipients() -> list[str]:
    return [message.to[0] for message in mail.outbox]


# --- When -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_task_is_the_schedules_and_takes_no_argument():
    (periodic,) = [p for p in SCHEDULE if p.name == "staff_digests"]
    assert import_string(periodic.task) is digest.send_staff_digests


@pytest.mark.django_db
def test_the_task_sends_what_is_due_now(coach, pathway, monkeypatch):
    late_action(pathway, MONDAY - timedelta(days=1))
    monkeypatch.setattr(timezone, "now", lambda: at(MONDAY, 7, 40))
    result = digest.send_staff_digests.enqueue()
    assert result.return_value == 1
    assert recipients() == [coach.email]


@pytest.mark.django_db
def test_sent_from_730_on_a_working_day_once(coach, world, pathway):
    late_action(pathway, MONDAY - timedelta(days=2))
    assert digest.send_digests(at(MONDAY, 7, 29)) == 0
    assert mail.outbox == []
    assert digest.send_digests(at(MONDAY, 7, 30)) == 1
    assert recipients() == [coach.email]
    row = DigestSent.objects.get(user=coach)
    assert row.day == MONDAY and row.sent_at is not None and row.organisation == world.org_a
    # The next runs of the day (every 15 minutes) send nothing again.
    assert digest.send_digests(at(MONDAY, 7, 45)) == 0
    assert digest.send_digests(at(MONDAY, 18, 0)) == 0
    assert len(mail.outbox) == 1
    # The next working day has its own.
    assert digest.send_digests(at(MONDAY + timedelta(days=1), 7, 30)) == 1
    assert len(mail.outbox) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 5),  # Saturday
        date(2026, 12, 6),  # Sunday
        date(2026, 12, 25),  # Christmas, a Friday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 6),  # Ascension
        date(2027, 5, 17),  # Whit Monday
    ],
)
def test_nothing_on_a_day_off(coach, world, pathway, day):
    late_action(pathway, day - timedelta(days=10))
    assert digest.send_digests(at(day, 9, 0)) == 0
    assert mail.outbox == []
    assert not DigestSent.objects.exists()


@pytest.mark.django_db
def test_a_reunion_staff_member_gets_it_at_reunions_730(world):
    reunion = ServiceFactory(organisation=world.org_a, name="Saint-Denis", time_zone=TimeZone.REUNION)
    islander = opted_in(reunion)
    late_action(enrol(reunion, coach=islander), MONDAY - timedelta(days=1))
    mainland = opted_in(world.a1)
    late_action(enrol(world.a1, coach=mainland), MONDAY - timedelta(days=1))

    reunion_730 = at(MONDAY, 7, 30, ZoneInfo("Indian/Reunion"))  # 4:30 in Paris
    assert digest.send_digests(reunion_730 - timedelta(minutes=1)) == 0
    assert digest.send_digests(reunion_730) == 1
    assert recipients() == [islander.email]
    assert digest.send_digests(at(MONDAY, 7, 30)) == 1
    assert recipients() == [islander.email, mainland.email]


def test_a_reunion_day_is_reunions_own():
    # Sunday 22:00 in Paris is already Monday 1:00 in Réunion; Monday 7:30 there is 4:30 in Paris.
    sunday_night = at(date(2026, 12, 6), 22, 0)
    assert digest.digest_day(sunday_night, "Indian/Reunion") is None  # 1:00, before 7:30
    assert digest.digest_day(at(MONDAY, 4, 30), "Indian/Reunion") == MONDAY
    assert digest.digest_day(at(MONDAY, 4, 30), "Europe/Paris") is None


@pytest.mark.django_db
def test_the_time_zone_is_the_users_most_common_service_one_or_paris(world):
    reunion = ServiceFactory(organisation=world.org_a, time_zone=TimeZone.REUNION)
    reunion2 = ServiceFactory(organisation=world.org_a, time_zone=TimeZone.REUNION)
    both = staff(Role.COACH, world.a1)
    from filrouge.organisations.models import Membership

    Membership.objects.create(user=both, role=Role.COACH, service=reunion)
    Membership.objects.create(user=both, role=Role.EDUCATOR, service=reunion2)
    tie = staff(Role.COACH, world.a1)
    Membership.objects.create(user=tie, role=Role.COACH, service=reunion)
    director = world.users["director"]  # organisation-wide: no service
    zones = digest.zones_of([both.pk, tie.pk, director.pk])
    assert zones[both.pk] == "Indian/Reunion"
    assert zones[tie.pk] == "Europe/Paris"  # a tie: the oldest role's
    assert director.pk not in zones  # Paris by default


# --- Who ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_whoever_did_not_opt_in_gets_nothing(world):
    late_action(
        enrol(world.a1, coach=world.users["coach"]), MONDAY - timedelta(days=1)
    )  # the coach has something due
    assert digest.send_digests(at(MONDAY, 8, 0)) == 0
    assert mail.outbox == []
    assert not DigestSent.objects.exists()


@pytest.mark.django_db
def test_a_deactivated_account_gets_nothing(coach, world, pathway):
    late_action(pathway, MONDAY - timedelta(days=1))
    coach.is_active = False
    coach.save(update_fields=["is_active"])
    assert digest.send_digests(at(MONDAY, 8, 0)) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_day_claimed_by_another_worker_is_skipped(coach, world, pathway):
    late_action(pathway, MONDAY - timedelta(days=1))
    DigestSent.objects.create(organisation=world.org_a, user=coach, day=MONDAY)  # in progress elsewhere
    assert digest.send_digests(at(MONDAY, 8, 0)) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_claim_is_refused_once_the_row_is_there(coach):
    assert digest.claim(coach, MONDAY) is not None
    assert digest.claim(coach, MONDAY) is None
    assert DigestSent.objects.filter(user=coach).count() == 1


# --- What -----------------------------------------------------------------------------------------


@pytest.fixture
def busy(coach, world):
    """The coach's Monday: two actions late or due, one due later in the week, an immersion ending
    in 3 days, for people with recognisable last names and support content."""
    day = next_working_day(today())
    person = PersonFactory(organisation=world.org_a, first_name="Maëlle", birth_name="Zwingelstein")
    late_action(enrol(world.a1, coach=coach, person=person), day - timedelta(days=3))
    other = enrol(
        world.a1,
        coach=coach,
        person=PersonFactory(organisation=world.org_a, first_name="Jérôme", birth_name="Quenneville"),
    )
    late_action(other, day, label="Dossier MDPH à compléter")
    late_action(other, day + timedelta(days=4), label="Plus tard dans la semaine")
    immersion(other, started_on=day - timedelta(days=10), planned_end_on=day + timedelta(days=3))
    return day


@pytest.mark.django_db
def test_the_digest_counts_and_links_without_last_names_or_support_content(busy, coach):
    assert digest.send_digests(at(busy, 7, 30)) == 1
    (message,) = mail.outbox
    body = message.body
    assert "2 actions du plan en retard ou à faire aujourd'hui (dont 1 en retard) : Jérôme, Maëlle" in body
    assert "1 immersion, stage ou contrat se termine dans les 7 jours : Jérôme" in body
    assert f"{settings.BASE_URL}/#worklist-today" in body
    assert f"{settings.BASE_URL}/#worklist" in body
    assert f"{settings.BASE_URL}/?alert=any#caseload" in body
    assert f"{settings.BASE_URL}/compte/" in body  # where to opt out
    for secret in ("Zwingelstein", "Quenneville", "CMP", "traitement", "MDPH", "Plus tard"):
        assert secret not in body
        assert secret not in message.subject
    assert "filrouge : votre résumé du" in message.subject
    assert message.to == [coach.email]


@pytest.mark.django_db
def test_the_caseload_alerts_are_counted_by_person(busy, coach, world):
    # Both pathways have a late action: the caseload's "overdue actions" alert, once per person.
    content = digest.build(coach, busy)
    assert content.alerts.count == 2
    assert content.alerts.first_names == ["Jérôme", "Maëlle"]


@pytest.mark.django_db
def test_only_the_users_own_caseload_counts(busy, world):
    colleague = opted_in(world.a1)
    content = digest.build(colleague, busy)
    assert content.is_empty


@pytest.mark.django_db
def test_an_empty_digest_is_not_sent_nor_later_in_the_day(coach, world):
    day = next_working_day(today())
    assert digest.send_digests(at(day, 7, 30)) == 0
    assert mail.outbox == []
    row = DigestSent.objects.get(user=coach, day=day)
    assert row.sent_at is None  # dealt with, not sent
    # Something falls due later in the day: the home page shows it, no second email.
    late_action(enrol(world.a1, coach=coach, days_ago=1, intake_after=None), day)
    assert not digest.build(coach, day).is_empty
    assert digest.send_digests(at(day, 10, 0)) == 0
    assert mail.outbox == []


# --- Failures -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_refused_send_fails_the_task_and_is_tried_again_once(coach, world, pathway, monkeypatch, caplog):
    late_action(pathway, MONDAY - timedelta(days=1))
    other = opted_in(world.a1)
    late_action(enrol(world.a1, coach=other), MONDAY - timedelta(days=1))
    real_send = digest.send_mail

    def refuse_for_coach(subject, body, sender, to):
        if to == [coach.email]:
            raise ConnectionRefusedError(f"550 mailbox {coach.email} unavailable")
        return real_send(subject, body, sender, to)

    monkeypatch.setattr(digest, "send_mail", refuse_for_coach)
    with pytest.raises(TaskFailure) as raised:
        digest.send_digests(at(MONDAY, 7, 30))
    assert raised.value.retry is True
    assert coach.email not in str(raised.value)
    assert coach.email not in caplog.text
    assert recipients() == [other.email]  # the others are sent all the same
    assert not DigestSent.objects.filter(user=coach).exists()  # not sent: free for the next run

    monkeypatch.setattr(digest, "send_mail", real_send)
    assert digest.send_digests(at(MONDAY, 7, 45)) == 1
    assert recipients() == [other.email, coach.email]
    assert digest.send_digests(at(MONDAY, 8, 0)) == 0
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_worker_stopped_after_sending_does_not_send_again(coach, world, pathway):
    # The row is there with no sent_at: sent or not, we cannot know; never twice.
    late_action(pathway, MONDAY - timedelta(days=1))
    DigestSent.objects.create(organisation=world.org_a, user=coach, day=MONDAY, sent_at=None)
    assert digest.send_digests(at(MONDAY, 9, 0)) == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_moment_send_it_once(coach, world, pathway, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer already; the unique row is PostgreSQL's concern")
    late_action(pathway, MONDAY - timedelta(days=1))
    # Both workers read that nothing was sent yet, then claim the day together.
    both_read = threading.Barrier(2)
    real_claim = digest.claim

    def claim_together(user, day):
        with suppress(threading.BrokenBarrierError):
            both_read.wait(timeout=5)
        return real_claim(user, day)

    monkeypatch.setattr(digest, "claim", claim_together)
    results, errors = [None, None], []

    def run(index):
        try:
            results[index] = digest.send_digests(at(MONDAY, 7, 30))
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(results) == [0, 1]
    assert recipients() == [coach.email]
    assert DigestSent.objects.filter(user=coach, day=MONDAY, sent_at__isnull=False).count() == 1
