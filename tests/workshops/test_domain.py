from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from filrouge.pathways import domain as pathways
from filrouge.workshops import domain
from filrouge.workshops.models import (
    Attendance,
    Registration,
    RegistrationStatus,
    WorkshopSession,
    WorkshopType,
)
from tests.pathways.factories import enrol
from tests.workshops.factories import (
    MONDAY,
    RegistrationFactory,
    SessionFactory,
    WorkshopTypeFactory,
    at,
    built_in,
    next_weekday,
)

pytestmark = pytest.mark.django_db
TODAY = pathways.today()


def last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def next_clock_change() -> date:
    """The next Sunday the clocks change in Europe (March or October), over a week away."""
    changes = (last_sunday(year, month) for year in (TODAY.year, TODAY.year + 1) for month in (3, 10))
    return next(day for day in sorted(changes) if day - timedelta(days=7) > TODAY)


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def series(world, **overrides):
    arguments = {
        "service": world.a1,
        "type": built_in("digital"),
        "weekdays": [1, 3],
        "first_date": MONDAY,
        "last_date": MONDAY + timedelta(days=18),  # the Friday of the third week
        "start_time": time(14, 0),
        "duration_minutes": 90,
        "capacity": 6,
        "place": "Médiathèque",
        "facilitator": world.users["educator"],
        "by": world.users["coach"],
    }
    return domain.create_series(**(arguments | overrides))


# --- Built-in types -----------------------------------------------------------------------------


def test_the_built_in_types_are_loaded_with_the_esat_ones_apart(db):
    codes = dict(WorkshopType.objects.filter(code__isnull=False).values_list("code", "for_esat"))
    assert len(codes) == 12
    assert not codes["cv"] and not codes["find_immersion"]
    assert codes["music"] and codes["outings"]
    assert built_in("interview").name == "Préparer un entretien d'embauche"


def test_a_service_sees_the_built_in_types_and_its_own_active_ones(world):
    own = WorkshopTypeFactory(service=world.a1, name="Cuisine")
    archived = WorkshopTypeFactory(service=world.a1, name="Jardin")
    domain.archive_type(archived)
    other = WorkshopTypeFactory(service=world.a2, name="Théâtre")
    offered = set(WorkshopType.objects.for_service(world.a1))
    assert own in offered and built_in("cv") in offered
    assert archived not in offered and other not in offered
    with pytest.raises(ValidationError):
        domain.archive_type(built_in("cv"))


def test_a_type_of_another_service_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        domain.create_session(
            service=world.a1,
            type=WorkshopTypeFactory(service=world.a2),
            starts_at=at(3),
            duration_minutes=60,
            capacity=5,
            by=None,
        )
    assert "type d'atelier de ce service" in messages(refused.value)


def test_the_facilitator_must_be_of_the_service_team(world):
    with pytest.raises(ValidationError) as refused:
        series(world, facilitator=world.users["other_service_coach"])
    assert "équipe de ce service" in messages(refused.value)
    with pytest.raises(ValidationError):
        series(world, facilitator=world.users["funder_viewer"])


# --- Series -------------------------------------------------------------------------------------


def test_tuesdays_and_thursdays_over_three_weeks_make_six_sessions(world):
    sessions = series(world)
    days = [timezone.localtime(s.starts_at).date() for s in sessions]
    assert days == [MONDAY + timedelta(days=offset) for offset in (1, 3, 8, 10, 15, 17)]
    assert {timezone.localtime(s.starts_at).time() for s in sessions} == {time(14, 0)}
    stored = WorkshopSession.objects.filter(series__isnull=False)
    assert stored.count() == 6
    assert {(s.capacity, s.place, s.facilitator, s.service) for s in stored} == {
        (6, "Médiathèque", world.users["educator"], world.a1)
    }


def test_a_series_keeps_local_time_across_a_change_of_clock_time(world):
    change = next_clock_change()
    week = timedelta(days=7)
    sessions = series(world, weekdays=[6], first_date=change - week, last_date=change + week)
    assert [timezone.localtime(s.starts_at).hour for s in sessions] == [14, 14, 14]
    offsets = {timezone.localtime(s.starts_at).utcoffset() for s in sessions}
    assert len(offsets) == 2  # the clocks did change in between


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"last_date": MONDAY - timedelta(days=3)}, "last_date", "ne peut pas précéder"),
        ({"last_date": MONDAY + timedelta(days=371)}, "last_date", "au plus 366 jours"),
        (
            {"weekdays": [0, 1, 2, 3, 4, 5], "last_date": MONDAY + timedelta(days=300)},
            "last_date",
            "séances : 200 au plus",
        ),
        ({"weekdays": []}, "weekdays", "au moins un jour"),
        ({"weekdays": [9]}, "weekdays", "au moins un jour"),
        ({"weekdays": [5], "last_date": MONDAY + timedelta(days=2)}, "weekdays", "Aucun des jours"),
        # Within a year of today, either way, as meetings.
        (
            {"first_date": TODAY - timedelta(days=400), "last_date": TODAY - timedelta(days=390)},
            "first_date",
            "à plus d'un an d'aujourd'hui",
        ),
        (
            {"first_date": TODAY + timedelta(days=300), "last_date": TODAY + timedelta(days=400)},
            "last_date",
            "à plus d'un an d'aujourd'hui",
        ),
    ],
)
def test_a_series_out_of_bounds_is_refused_and_creates_nothing(world, overrides, field, message):
    with pytest.raises(ValidationError) as refused:
        series(world, **overrides)
    assert message in " ".join(refused.value.message_dict[field])
    assert not WorkshopSession.objects.exists()


def test_a_whole_year_of_one_weekday_is_accepted(world):
    first = next_weekday(2, after_days=-6)  # the last Wednesday, today at the latest
    sessions = series(world, weekdays=[2], first_date=first, last_date=first + timedelta(days=365))
    assert len(sessions) == 53


# --- Places and the waiting list ----------------------------------------------------------------


@pytest.fixture
def session(world):
    return SessionFactory(service=world.a1, capacity=2)


@pytest.fixture
def three(world):
    return [world.enrolment, enrol(world.a1), enrol(world.a1)]


def test_the_third_person_on_a_two_place_session_waits(session, three, world):
    statuses = [domain.register(session, e, world.users["coach"]).status for e in three]
    assert statuses == [
        RegistrationStatus.REGISTERED,
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITING,
    ]


def test_cancelling_a_place_gives_it_to_the_first_waiting(session, three, world):
    first, _, _ = [domain.register(session, e, None) for e in three]
    fourth = domain.register(session, enrol(world.a1), None)
    promoted = domain.cancel_registration(first, world.users["coach"])
    assert promoted.enrolment == three[2]
    statuses = dict(Registration.objects.values_list("enrolment", "status"))
    assert statuses[three[0].pk] == RegistrationStatus.CANCELLED
    assert statuses[three[2].pk] == RegistrationStatus.REGISTERED
    assert statuses[fourth.enrolment_id] == RegistrationStatus.WAITING


def test_leaving_the_waiting_list_promotes_nobody(session, three, world):
    registrations = [domain.register(session, e, None) for e in three]
    assert domain.cancel_registration(registrations[2], None) is None
    assert domain.registered_count(session) == 2


def test_raising_the_capacity_promotes_from_the_waiting_list_in_order(session, three, world):
    for enrolment in three:
        domain.register(session, enrolment, None)
    later = domain.register(session, enrol(world.a1), None)
    promoted = domain.change_capacity(session, 3)
    assert [r.enrolment for r in promoted] == [three[2]]
    later.refresh_from_db()
    assert later.status == RegistrationStatus.WAITING


def test_lowering_the_capacity_below_the_registered_count_is_refused(session, three, world):
    for enrolment in three[:2]:
        domain.register(session, enrolment, None)
    with pytest.raises(ValidationError) as refused:
        domain.change_capacity(session, 1)
    assert "2 personnes sont déjà inscrites" in messages(refused.value)
    session.refresh_from_db()
    assert session.capacity == 2


def test_a_registration_cancelled_then_renewed_goes_back_in_line(session, three, world):
    first = domain.register(session, three[0], None)
    domain.register(session, three[1], None)
    domain.cancel_registration(first, None)
    domain.register(session, three[2], None)
    again = domain.register(session, three[0], None)
    assert again.pk == first.pk
    assert again.status == RegistrationStatus.WAITING


# --- Who may register -----------------------------------------------------------------------------


def test_a_pathway_of_another_service_is_refused(session, world):
    with pytest.raises(ValidationError) as refused:
        domain.register(session, enrol(world.a2), None)
    assert "n'est pas accompagnée par le service" in messages(refused.value)


def test_an_exited_pathway_is_refused(session, world):
    pathways.end_suspension(world.suspension, TODAY)
    pathways.record_exit(world.enrolment, on=TODAY, outcome="training", by=None)
    with pytest.raises(ValidationError) as refused:
        domain.register(session, world.enrolment, None)
    assert "parcours est terminé" in messages(refused.value)
    assert not Registration.objects.exists()


def test_registering_twice_is_refused_with_a_clear_message(session, world):
    domain.register(session, world.enrolment, None)
    with pytest.raises(ValidationError) as refused:
        domain.register(session, world.enrolment, None)
    assert f"{world.person.full_name} est déjà inscrit·e à cette séance" in messages(refused.value)
    assert Registration.objects.count() == 1


def test_a_cancelled_or_past_session_takes_no_registration(session, world):
    past = SessionFactory(service=world.a1, starts_at=at(-2))
    with pytest.raises(ValidationError) as refused:
        domain.register(past, world.enrolment, None)
    assert "déjà eu lieu" in messages(refused.value)
    domain.cancel_session(session, "Salle indisponible", world.users["coach"])
    with pytest.raises(ValidationError) as refused:
        domain.register(session, world.enrolment, None)
    assert "annulée" in messages(refused.value)


def test_cancelling_a_session_needs_a_reason_and_a_session_to_come(session, world):
    with pytest.raises(ValidationError):
        domain.cancel_session(session, "  ", None)
    with pytest.raises(ValidationError):
        domain.cancel_session(SessionFactory(service=world.a1, starts_at=at(-1)), "Trop tard", None)
    domain.cancel_session(session, "Animatrice absente", None)
    session.refresh_from_db()
    assert session.is_cancelled and session.cancel_reason == "Animatrice absente"
    with pytest.raises(ValidationError):
        domain.cancel_session(session, "Encore", None)


# --- Attendance ---------------------------------------------------------------------------------


def test_attendance_of_a_session_not_yet_started_is_refused(session, world):
    registration = domain.register(session, world.enrolment, None)
    with pytest.raises(ValidationError) as refused:
        domain.record_attendance(session, {registration: Attendance.PRESENT}, world.users["coach"])
    assert "pas encore commencé" in messages(refused.value)
    registration.refresh_from_db()
    assert registration.attendance == ""


def test_attendance_is_recorded_for_registered_people_only(world):
    session = SessionFactory(service=world.a1, starts_at=at(7), capacity=1)
    present = domain.register(session, world.enrolment, None)
    waiting = domain.register(session, enrol(world.a1), None)
    WorkshopSession.objects.filter(pk=session.pk).update(starts_at=at(-1))
    session.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        domain.record_attendance(session, {present: Attendance.PRESENT, waiting: Attendance.ABSENT}, None)
    assert "n'a pas de place" in messages(refused.value)
    coach = world.users["coach"]
    assert domain.record_attendance(session, {present: Attendance.EXCUSED}, coach) == 1
    present.refresh_from_db()
    assert (present.attendance, present.recorded_by) == (Attendance.EXCUSED, coach)


def test_a_registration_can_no_longer_be_cancelled_once_the_session_started(world):
    session = SessionFactory(service=world.a1, starts_at=at(3))
    registration = domain.register(session, world.enrolment, None)
    WorkshopSession.objects.filter(pk=session.pk).update(starts_at=at(-1))
    with pytest.raises(ValidationError) as refused:
        domain.cancel_registration(registration, None)
    assert "enregistrez plutôt la présence" in messages(refused.value)


def test_a_facilitator_outside_case_roles_is_not_offered(world):
    with pytest.raises(ValidationError):
        domain.create_session(
            service=world.a1,
            type=built_in(),
            starts_at=at(3),
            duration_minutes=60,
            capacity=5,
            by=None,
            facilitator=world.users["funder_viewer"],
        )


# --- Dates ----------------------------------------------------------------------------------------


def new_session(world, starts_at):
    return domain.create_session(
        service=world.a1, type=built_in(), starts_at=starts_at, duration_minutes=60, capacity=5, by=None
    )


def update(session, **changes):
    """`update_session` with the session's current values, but for `changes`."""
    current = {
        "starts_at": session.starts_at,
        "duration_minutes": session.duration_minutes,
        "place": session.place,
        "facilitator": session.facilitator,
        "capacity": session.capacity,
    }
    return domain.update_session(session, **(current | changes))


@pytest.mark.parametrize("days", [400, -400])
def test_a_session_more_than_a_year_away_is_refused_like_a_meeting(world, days):
    with pytest.raises(ValidationError) as refused:
        new_session(world, at(days))
    assert refused.value.message_dict["starts_at"] == [
        "Cette date est à plus d'un an d'aujourd'hui : vérifiez-la."
    ]
    assert not WorkshopSession.objects.exists()
    assert new_session(world, at(360 if days > 0 else -360)).pk


def test_moving_a_session_more_than_a_year_away_is_refused(world):
    session = SessionFactory(service=world.a1, starts_at=at(7))
    with pytest.raises(ValidationError) as refused:
        update(session, starts_at=at(400), place="Ailleurs")
    assert "à plus d'un an d'aujourd'hui" in " ".join(refused.value.message_dict["starts_at"])
    session.refresh_from_db()
    assert (session.starts_at, session.place) == (at(7), "Salle Jean Moulin")


def test_an_old_session_keeps_its_other_details_editable(world):
    old = SessionFactory(service=world.a1, starts_at=at(-400))
    update(old, place="Salle B")
    old.refresh_from_db()
    assert old.place == "Salle B"


def test_a_session_whose_attendance_is_recorded_cannot_move_to_a_date_to_come(world):
    session = SessionFactory(service=world.a1, starts_at=at(-1))
    registration = RegistrationFactory(session=session, enrolment=world.enrolment)
    domain.record_attendance(session, {registration: Attendance.PRESENT}, None)
    with pytest.raises(ValidationError) as refused:
        update(session, starts_at=at(3))
    assert "Les présences de cette séance sont déjà notées" in " ".join(
        refused.value.message_dict["starts_at"]
    )
    session.refresh_from_db()
    assert session.starts_at == at(-1)
    update(session, starts_at=at(-2))  # put right to another past day: allowed
    session.refresh_from_db()
    assert session.starts_at == at(-2)


def test_a_session_with_no_attendance_recorded_may_move_ahead(world):
    session = SessionFactory(service=world.a1, starts_at=at(-1))
    RegistrationFactory(session=session, enrolment=world.enrolment)  # registered, no mark yet
    update(session, starts_at=at(3))
    session.refresh_from_db()
    assert session.starts_at == at(3)
