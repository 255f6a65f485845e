"""Which messages an appointment owes, and when (issue 19): computed from the appointments' state
at the moment given, so that running again owes nothing more."""

from datetime import UTC, datetime, timedelta

import pytest

from filrouge.notifications import texts
from filrouge.notifications.models import MessageKind, MessageStatus, OutboundMessage
from filrouge.notifications.owed import owed, reminder_moment, sms_due
from filrouge.workshops.models import RegistrationStatus
from tests.notifications.appointments import (
    OTHERS,
    PLACE,
    REUNION,
    SUMMARY,
    cancel,
    choose,
    kinds,
    meeting,
    paris,
    setting,
)
from tests.workshops.factories import RegistrationFactory, SessionFactory, WorkshopTypeFactory

# Tuesday 8 December 2026, 10:30 in Paris; its reminder moment is Sunday 6 December, 9:00.
START = paris(2026, 12, 8, 10, 30)
MOMENT = paris(2026, 12, 6, 9, 0)
BOOKED = paris(2026, 12, 1, 15, 0)
BOTH = [("confirmation", "email"), ("confirmation", "sms")]


@pytest.fixture
def booked(db):
    s = setting()
    choose(s.person, "both")
    s.meeting = meeting(s.enrolment, START)
    return s


def test_the_moment_is_two_days_before_at_nine_in_the_services_zone():
    assert reminder_moment(START, paris(2026, 1, 1).tzinfo) == MOMENT
    reunion = datetime(2026, 12, 8, 10, 30, tzinfo=REUNION)
    assert reminder_moment(reunion, REUNION) == datetime(2026, 12, 6, 9, tzinfo=REUNION)


def test_quiet_hours_move_an_sms_to_eight_oclock():
    zone = START.tzinfo
    assert sms_due(paris(2026, 12, 3, 21, 0), zone) == paris(2026, 12, 4, 8, 0)
    assert sms_due(paris(2026, 12, 3, 20, 0), zone) == paris(2026, 12, 4, 8, 0)
    assert sms_due(paris(2026, 12, 4, 7, 59), zone) == paris(2026, 12, 4, 8, 0)
    assert sms_due(paris(2026, 12, 4, 8, 0), zone) == paris(2026, 12, 4, 8, 0)
    assert sms_due(paris(2026, 12, 4, 19, 59), zone) == paris(2026, 12, 4, 19, 59)


@pytest.mark.django_db
def test_a_booking_owes_a_confirmation_on_each_chosen_channel_once(booked):
    assert owed(BOOKED).written == 2
    assert kinds() == BOTH
    sms = OutboundMessage.objects.get(channel="sms")
    assert sms.recipient == "+33612345678" and sms.due_at == BOOKED and sms.starts_at == START
    assert owed(BOOKED).written == 0
    assert owed(BOOKED + timedelta(hours=1)).written == 0
    assert OutboundMessage.objects.count() == 2


@pytest.mark.django_db
def test_the_reminder_is_owed_at_exactly_the_moment_not_a_minute_before(booked):
    owed(BOOKED)
    assert owed(MOMENT - timedelta(minutes=1)).written == 0
    assert owed(MOMENT).written == 2
    assert kinds(kind="reminder") == [("reminder", "email"), ("reminder", "sms")]
    assert {m.due_at for m in OutboundMessage.objects.filter(kind="reminder")} == {MOMENT}
    assert owed(MOMENT + timedelta(hours=3)).written == 0


@pytest.mark.django_db
def test_booked_after_the_moment_gets_one_message_at_once_the_reminder(booked):
    at = paris(2026, 12, 6, 14, 0)
    assert owed(at).written == 2
    assert kinds() == [("reminder", "email"), ("reminder", "sms")]
    assert owed(at + timedelta(hours=1)).written == 0
    assert owed(paris(2026, 12, 7, 9, 0)).written == 0


@pytest.mark.django_db
def test_moved_before_the_moment_a_change_then_the_reminder_of_the_new_start(booked):
    owed(BOOKED)
    OutboundMessage.objects.update(status=MessageStatus.SENT)
    new_start = paris(2026, 12, 10, 14, 0)
    booked.meeting.starts_at = new_start
    booked.meeting.save()
    owed(paris(2026, 12, 2, 10, 0))
    assert kinds(kind="change") == [("change", "email"), ("change", "sms")]
    assert owed(paris(2026, 12, 2, 11, 0)).written == 0
    # The old start's moment owes nothing any more; the new one's does.
    assert owed(MOMENT).written == 0
    assert owed(paris(2026, 12, 8, 9, 0)).written == 2
    assert kinds(kind="reminder") == [("reminder", "email"), ("reminder", "sms")]
    assert OutboundMessage.objects.get(kind="reminder", channel="sms").starts_at == new_start


@pytest.mark.django_db
def test_moved_after_the_moment_the_change_notice_stands_for_the_reminder(booked):
    owed(BOOKED)
    owed(MOMENT)
    OutboundMessage.objects.update(status=MessageStatus.SENT)
    booked.meeting.starts_at = paris(2026, 12, 8, 16, 0)
    booked.meeting.save()
    owed(paris(2026, 12, 6, 12, 0))
    assert kinds(kind="change") == [("change", "email"), ("change", "sms")]
    assert owed(paris(2026, 12, 7, 9, 0)).written == 0
    assert OutboundMessage.objects.count() == 6


@pytest.mark.django_db
def test_a_pending_message_of_a_moved_appointment_is_set_aside(booked):
    owed(paris(2026, 12, 1, 21, 0))  # the SMS waits for 8:00, the email is due now
    booked.meeting.starts_at = paris(2026, 12, 9, 10, 0)
    booked.meeting.save()
    outcome = owed(paris(2026, 12, 1, 22, 0))
    old_sms = OutboundMessage.objects.get(kind="confirmation", channel="sms", starts_at=START)
    assert old_sms.status == MessageStatus.SKIPPED and outcome.set_aside == 2
    # The email (pending too, same state) was set aside as well and the new start is confirmed
    # on both: the SMS as a confirmation, since no SMS went out.
    assert sorted(
        (m.kind, m.channel, m.status)
        for m in OutboundMessage.objects.filter(starts_at=booked.meeting.starts_at)
    ) == [
        ("confirmation", "email", "pending"),
        ("confirmation", "sms", "pending"),
    ]


@pytest.mark.django_db
def test_a_cancelled_appointment_that_was_announced_gets_one_cancellation(booked):
    owed(BOOKED)
    OutboundMessage.objects.update(status=MessageStatus.SENT)
    cancel(booked.meeting)
    assert owed(paris(2026, 12, 2, 10, 0)).written == 2
    assert kinds(kind="cancellation") == [("cancellation", "email"), ("cancellation", "sms")]
    assert owed(paris(2026, 12, 2, 11, 0)).written == 0
    assert owed(MOMENT).written == 0


@pytest.mark.django_db
def test_a_cancelled_appointment_never_announced_owes_nothing_and_its_waiting_sms_is_set_aside(booked):
    owed(paris(2026, 12, 1, 21, 0))
    OutboundMessage.objects.filter(channel="email").update(status=MessageStatus.SENT)
    cancel(booked.meeting)
    owed(paris(2026, 12, 1, 22, 0))
    assert OutboundMessage.objects.get(channel="sms", kind="confirmation").status == MessageStatus.SKIPPED
    # The email went: its cancellation is owed; the SMS never went: nothing by SMS.
    assert kinds(kind="cancellation") == [("cancellation", "email")]


@pytest.mark.django_db
def test_a_cancelled_appointment_booked_again_is_confirmed_again(booked):
    owed(BOOKED)
    OutboundMessage.objects.update(status=MessageStatus.SENT)
    cancel(booked.meeting)
    owed(paris(2026, 12, 2, 10, 0))
    OutboundMessage.objects.update(status=MessageStatus.SENT)
    booked.meeting.attendance = ""
    booked.meeting.save()
    owed(paris(2026, 12, 2, 11, 0))
    assert [k for k, c in kinds(channel="sms")] == ["cancellation", "confirmation", "confirmation"]


@pytest.mark.django_db
def test_quiet_hours_the_sms_waits_for_eight_while_the_email_goes_at_once(booked):
    at = paris(2026, 12, 3, 21, 0)
    owed(at)
    assert OutboundMessage.objects.get(channel="sms").due_at == paris(2026, 12, 4, 8, 0)
    assert OutboundMessage.objects.get(channel="email").due_at == at


@pytest.mark.django_db
def test_a_confirmation_held_back_by_the_quiet_hours_until_the_reminders_day_stands_for_it(booked):
    owed(paris(2026, 12, 5, 22, 0))  # SMS due Sunday 8:00, the moment's day
    assert owed(MOMENT).written == 1  # the email's reminder only: it went on Saturday
    assert kinds(kind="reminder") == [("reminder", "email")]


@pytest.mark.django_db
def test_reunion_the_moment_and_the_texts_are_in_the_services_time():
    s = setting(time_zone="Indian/Reunion")
    choose(s.person, "sms")
    start = datetime(2026, 12, 8, 10, 30, tzinfo=REUNION)  # 07:30 in Paris
    meeting(s.enrolment, start)
    # 9:00 in Réunion is 6:00 in Paris, 5:00 UTC.
    assert owed(datetime(2026, 12, 1, 10, 0, tzinfo=UTC)).written == 1  # the confirmation
    assert owed(datetime(2026, 12, 6, 4, 59, tzinfo=UTC)).written == 0
    assert owed(datetime(2026, 12, 6, 5, 0, tzinfo=UTC)).written == 1
    reminder = OutboundMessage.objects.get(kind="reminder")
    assert "mardi 8 décembre à 10 h 30" in reminder.body


@pytest.mark.django_db
def test_reunion_quiet_hours_are_the_services_own():
    s = setting(time_zone="Indian/Reunion")
    choose(s.person, "sms")
    meeting(s.enrolment, datetime(2026, 12, 20, 10, 0, tzinfo=REUNION))
    owed(datetime(2026, 12, 3, 17, 0, tzinfo=UTC))  # 21:00 in Réunion, 18:00 in Paris
    assert OutboundMessage.objects.get().due_at == datetime(2026, 12, 4, 8, 0, tzinfo=REUNION)


@pytest.mark.django_db
@pytest.mark.parametrize("choice", [None, "none"])
def test_no_choice_or_none_chosen_owes_nothing(choice):
    s = setting()
    if choice:
        choose(s.person, choice)
    meeting(s.enrolment, START)
    assert owed(BOOKED).written == 0 and OutboundMessage.objects.count() == 0


@pytest.mark.django_db
def test_the_latest_choice_counts_and_a_withdrawn_channel_sets_its_waiting_message_aside():
    s = setting()
    choose(s.person, "both", at=paris(2026, 11, 1, 10, 0))
    meeting(s.enrolment, START)
    owed(paris(2026, 12, 1, 21, 0))
    choose(s.person, "email", at=paris(2026, 12, 1, 21, 30))
    owed(paris(2026, 12, 1, 22, 0))
    assert OutboundMessage.objects.get(channel="sms").status == MessageStatus.SKIPPED
    assert owed(MOMENT).written == 1 and kinds(kind="reminder") == [("reminder", "email")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "channels, expected",
    [("sms", [("confirmation", "sms")]), ("email", [("confirmation", "email")]), ("both", BOTH)],
)
def test_sms_email_or_both(channels, expected):
    s = setting()
    choose(s.person, channels)
    meeting(s.enrolment, START)
    owed(BOOKED)
    assert kinds() == expected


@pytest.mark.django_db
def test_past_far_or_cancelled_meetings_owe_nothing():
    s = setting()
    choose(s.person, "both")
    meeting(s.enrolment, BOOKED - timedelta(days=1))
    meeting(s.enrolment, BOOKED + timedelta(days=120))
    cancel(meeting(s.enrolment, START))
    assert owed(BOOKED).written == 0


@pytest.mark.django_db
def test_texts_say_the_date_time_place_coach_and_phone_and_nothing_of_the_support(booked):
    owed(BOOKED)
    sms = OutboundMessage.objects.get(channel="sms")
    email = OutboundMessage.objects.get(channel="email")
    for text in (sms.body, email.body, email.subject):
        for secret in (SUMMARY, "traitement", OTHERS, "domicile", "Visite", booked.person.first_name):
            assert secret not in text
    for text in (sms.body, email.body):
        assert "mardi 8 décembre à 10 h 30" in text
        assert PLACE in text and "Julie" in text and "Martin" not in text
        assert "04 75 12 34 56" in text and "pas venir" in text
    assert len(sms.body) <= 160 and texts.is_gsm7(sms.body), sms.body
    assert email.subject == "Votre rendez-vous du mardi 8 décembre"


@pytest.mark.django_db
def test_every_french_and_english_sms_fits_one_gsm7_part_in_the_common_case():
    facts = texts.Facts(START, START.tzinfo, PLACE, "Julie", "+33475123456", "Emploi Valence")
    for language in ("fr", "en"):
        for kind in MessageKind.values:
            _, body = texts.render(kind, "sms", language, facts)
            assert len(body) <= 160 and texts.is_gsm7(body), (language, kind, len(body), body)
    august = texts.Facts(paris(2027, 8, 3, 9, 0), START.tzinfo, "", "", "", "Emploi Valence")
    _, body = texts.render("reminder", "sms", "fr", august)
    assert "mardi 3 aout à 9 h" in body and "service Emploi Valence" in body and texts.is_gsm7(body)
    assert "prévenez le service" in body


@pytest.mark.django_db
def test_english_texts_for_a_person_who_reads_english():
    s = setting()
    choose(s.person, "both", language="en")
    meeting(s.enrolment, START)
    owed(BOOKED)
    sms = OutboundMessage.objects.get(channel="sms")
    email = OutboundMessage.objects.get(channel="email")
    assert sms.language == "en"
    assert "Tuesday 8 December at 10:30" in sms.body and "If you cannot come, call 04 75 12 34 56" in sms.body
    assert email.subject == "Your appointment on Tuesday 8 December"


@pytest.mark.django_db
def test_without_a_service_phone_the_coachs_professional_phone_is_given():
    s = setting(service_phone="")
    choose(s.person, "sms")
    meeting(s.enrolment, START)
    owed(BOOKED)
    assert "04 75 99 88 77" in OutboundMessage.objects.get().body


@pytest.mark.django_db
def test_a_workshop_registration_is_reminded_without_the_workshops_theme():
    s = setting()
    choose(s.person, "sms")
    theme = WorkshopTypeFactory(service=s.service, name="Gestion du stress")
    session = SessionFactory(
        service=s.service, type=theme, starts_at=START, place="Salle Jean Moulin", facilitator=s.coach
    )
    registration = RegistrationFactory(session=session, enrolment=s.enrolment)
    owed(BOOKED)
    confirmation = OutboundMessage.objects.get()
    assert confirmation.registration == registration and confirmation.meeting is None
    assert "Salle Jean Moulin" in confirmation.body and "Julie" in confirmation.body
    assert "stress" not in confirmation.body.lower()
    OutboundMessage.objects.update(status=MessageStatus.SENT)
    registration.status = RegistrationStatus.CANCELLED
    registration.save()
    owed(paris(2026, 12, 2, 10, 0))
    assert kinds(kind="cancellation") == [("cancellation", "sms")]


@pytest.mark.django_db
def test_a_cancelled_session_sends_its_cancellation():
    s = setting()
    choose(s.person, "email")
    session = SessionFactory(service=s.service, starts_at=START)
    RegistrationFactory(session=session, enrolment=s.enrolment)
    owed(BOOKED)
    OutboundMessage.objects.update(status=MessageStatus.SENT)
    session.cancelled_at = BOOKED
    session.save()
    owed(paris(2026, 12, 2, 10, 0))
    assert kinds(kind="cancellation") == [("cancellation", "email")]
