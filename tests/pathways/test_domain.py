from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from filrouge.core.dates import add_months
from filrouge.organisations.models import ProgrammeType, Role
from filrouge.pathways import domain
from filrouge.pathways.models import Enrolment, EntrySituation, ExitOutcome, Phase, PhaseChange
from tests.accounts.factories import staff
from tests.organisations.factories import ServiceFactory
from tests.pathways.factories import ENTRY, enrol

pytestmark = pytest.mark.django_db
TODAY = domain.today()


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


@pytest.fixture
def coach(db):
    return staff(Role.COACH, ServiceFactory())


@pytest.mark.parametrize(
    ("programme", "expected"),
    [
        (ProgrammeType.MINIMUM_INCOME, date(2027, 3, 1)),  # twelve months de date à date
        (ProgrammeType.ACTIV_PROJET, date(2026, 4, 26)),
        (ProgrammeType.SUPPORTED_EMPLOYMENT, None),
    ],
)
def test_the_planned_end_follows_the_programme(programme, expected):
    assert domain.planned_end(programme, date(2026, 3, 2)) == expected


def test_enrolling_records_referral_and_intake_and_freezes_the_entry_situation(coach):
    service = coach.memberships.get().service
    enrolment = enrol(service, coach)
    assert enrolment.phase == Phase.INTAKE
    assert [c.phase for c in enrolment.phase_changes.order_by("changed_on")] == [Phase.REFERRAL, Phase.INTAKE]
    assert enrolment.last_contact_on == enrolment.intake_date
    situation = enrolment.entry_situation
    situation.housing = "homeless"
    with pytest.raises(ValueError, match="snapshot"):
        situation.save()
    assert EntrySituation.objects.get(pk=situation.pk).housing == ENTRY["housing"]


def test_a_second_current_pathway_in_the_same_service_is_refused(coach):
    service = coach.memberships.get().service
    first = enrol(service, coach)
    with pytest.raises(ValidationError, match="déjà un parcours en cours"):
        enrol(service, coach, person=first.person)


def test_the_coach_must_be_a_coach_of_the_service(coach):
    other = staff(Role.COACH, ServiceFactory(organisation=coach.organisation))
    with pytest.raises(ValidationError) as excinfo:
        enrol(coach.memberships.get().service, other)
    assert "primary_coach" in errors_of(excinfo)


def test_intake_before_referral_and_referral_in_the_future_are_refused(coach):
    service = coach.memberships.get().service
    with pytest.raises(ValidationError) as excinfo:
        enrol(service, coach, intake_after=-3)
    assert "ne peut pas précéder" in errors_of(excinfo)["intake_date"][0]
    with pytest.raises(ValidationError) as excinfo:
        enrol(service, coach, days_ago=-2)
    assert "futur" in errors_of(excinfo)["referral_date"][0]
    assert not Enrolment.objects.exists()


def test_phases_move_forward_and_back_and_the_history_keeps_every_step(coach):
    enrolment = enrol(coach.memberships.get().service, coach, days_ago=200)
    steps = [(Phase.PROFILE, 150), (Phase.JOB_SEARCH, 100), (Phase.IN_EMPLOYMENT, 60), (Phase.JOB_SEARCH, 10)]
    for phase, days_ago in steps:
        domain.change_phase(enrolment, phase, TODAY - timedelta(days_ago), coach, "")
    history = list(enrolment.phase_changes.order_by("changed_on").values_list("phase", flat=True))
    assert history == [
        Phase.REFERRAL,
        Phase.INTAKE,
        Phase.PROFILE,
        Phase.JOB_SEARCH,
        Phase.IN_EMPLOYMENT,
        Phase.JOB_SEARCH,
    ]
    assert enrolment.phase == Phase.JOB_SEARCH


@pytest.mark.parametrize(
    ("on", "message"),
    [(TODAY + timedelta(days=1), "futur"), (TODAY - timedelta(days=400), "ne peut pas précéder")],
)
def test_phase_changes_in_the_future_or_before_the_last_one_are_refused(coach, on, message):
    enrolment = enrol(coach.memberships.get().service, coach)
    with pytest.raises(ValidationError) as excinfo:
        domain.change_phase(enrolment, Phase.PROFILE, on, coach)
    assert message in errors_of(excinfo)["changed_on"][0]
    assert enrolment.phase_changes.count() == 2


def test_exit_needs_its_own_action_and_a_reorientation_names_the_service(coach):
    enrolment = enrol(coach.memberships.get().service, coach)
    with pytest.raises(ValidationError):
        domain.change_phase(enrolment, Phase.EXIT, TODAY, coach)
    with pytest.raises(ValidationError) as excinfo:
        domain.record_exit(enrolment, on=TODAY, outcome=ExitOutcome.REORIENTATION_ESAT, by=coach)
    assert "reoriented_to" in errors_of(excinfo)
    domain.record_exit(
        enrolment,
        on=TODAY,
        outcome=ExitOutcome.REORIENTATION_ESAT,
        by=coach,
        reoriented_to="ESAT Les Ateliers",
    )
    enrolment.refresh_from_db()
    assert (enrolment.phase, enrolment.exit_outcome, enrolment.reoriented_to) == (
        Phase.EXIT,
        ExitOutcome.REORIENTATION_ESAT,
        "ESAT Les Ateliers",
    )


def test_an_exit_before_entry_is_refused_and_changes_nothing(coach):
    enrolment = enrol(coach.memberships.get().service, coach, days_ago=30)
    with pytest.raises(ValidationError) as excinfo:
        domain.record_exit(enrolment, on=TODAY - timedelta(days=31), outcome=ExitOutcome.MOVED, by=coach)
    assert "exit_date" in errors_of(excinfo)
    enrolment.refresh_from_db()
    assert enrolment.exit_date is None and enrolment.phase == Phase.INTAKE


def test_an_exited_person_is_re_enrolled_in_a_new_pathway_and_the_old_one_is_kept(coach):
    service = coach.memberships.get().service
    first = enrol(service, coach, days_ago=300)
    domain.record_exit(first, on=TODAY - timedelta(days=100), outcome=ExitOutcome.HEALTH, by=coach)
    second = enrol(service, coach, person=first.person, days_ago=20)
    assert set(first.person.enrolments.all()) == {first, second}
    assert second.is_current and not Enrolment.objects.get(pk=first.pk).is_current


def test_exiting_closes_an_open_suspension(coach):
    enrolment = enrol(coach.memberships.get().service, coach, days_ago=90)
    suspension = domain.suspend(
        enrolment, start=TODAY - timedelta(days=20), end=None, reason="hospitalisation", by=coach
    )
    domain.record_exit(enrolment, on=TODAY - timedelta(days=5), outcome=ExitOutcome.HEALTH, by=coach)
    suspension.refresh_from_db()
    assert suspension.end_date == TODAY - timedelta(days=5)


def test_suspensions_cannot_overlap_nor_end_before_they_start(coach):
    enrolment = enrol(coach.memberships.get().service, coach, days_ago=120)
    domain.suspend(
        enrolment, start=TODAY - timedelta(days=60), end=TODAY - timedelta(days=40), reason="health", by=coach
    )
    with pytest.raises(ValidationError, match="chevauche"):
        domain.suspend(enrolment, start=TODAY - timedelta(days=45), end=None, reason="health", by=coach)
    with pytest.raises(ValidationError) as excinfo:
        domain.suspend(
            enrolment,
            start=TODAY - timedelta(days=10),
            end=TODAY - timedelta(days=12),
            reason="health",
            by=coach,
        )
    assert "end_date" in errors_of(excinfo)


def test_durations_leave_suspensions_out(coach):
    enrolment = enrol(coach.memberships.get().service, coach, days_ago=100, intake_after=0)
    domain.suspend(
        enrolment,
        start=TODAY - timedelta(days=50),
        end=TODAY - timedelta(days=41),
        reason="hospitalisation",
        by=coach,
    )
    enrolment = Enrolment.objects.prefetch_related("suspensions").get(pk=enrolment.pk)
    assert enrolment.duration_days(TODAY) == 101 - 10


def test_renewal_moves_the_planned_end_and_is_recorded(db):
    service = ServiceFactory(programme_type=ProgrammeType.MINIMUM_INCOME)
    coach = staff(Role.COACH, service)
    enrolment = enrol(service, coach, days_ago=340, intake_after=0)
    end = enrolment.planned_end_date
    with pytest.raises(ValidationError) as excinfo:
        domain.renew(enrolment, decided_on=TODAY, renewed=True, new_end_date=end, by=coach)
    assert "new_end_date" in errors_of(excinfo)
    domain.renew(enrolment, decided_on=TODAY, renewed=True, new_end_date=add_months(end, 12), by=coach)
    enrolment.refresh_from_db()
    assert enrolment.planned_end_date == add_months(end, 12)
    assert enrolment.renewals.get().previous_end_date == end


def test_a_programme_without_limit_has_nothing_to_renew(coach):
    enrolment = enrol(coach.memberships.get().service, coach)
    with pytest.raises(ValidationError, match="pas de durée limitée"):
        domain.renew(enrolment, decided_on=TODAY, renewed=False, new_end_date=None, by=coach)


@pytest.mark.parametrize("years", [3, 130, 14])
def test_implausible_birth_dates_are_refused(years):
    with pytest.raises(ValidationError) as excinfo:
        domain.check_birth_date(TODAY.replace(year=TODAY.year - years) - timedelta(days=1))
    assert "vérifiez-la" in errors_of(excinfo)["date_of_birth"][0]


def test_phase_changes_are_attributed(coach):
    enrolment = enrol(coach.memberships.get().service, coach)
    change = domain.change_phase(enrolment, Phase.PROFILE, TODAY, coach, "Premier entretien de profil")
    assert PhaseChange.objects.get(pk=change.pk).recorded_by == coach


def test_an_exit_before_the_last_suspension_began_is_refused_with_a_message(coach):
    enrolment = enrol(coach.memberships.get().service, coach, days_ago=90)
    domain.suspend(enrolment, start=TODAY - timedelta(days=10), end=None, reason="health", by=coach)
    with pytest.raises(ValidationError) as excinfo:
        domain.record_exit(enrolment, on=TODAY - timedelta(days=20), outcome=ExitOutcome.MOVED, by=coach)
    assert "dernière suspension" in errors_of(excinfo)["exit_date"][0]


def test_a_later_intake_starts_the_programme_clock(db):
    service = ServiceFactory(programme_type=ProgrammeType.ACTIV_PROJET)
    coach = staff(Role.COACH, service)
    enrolment = enrol(service, coach, days_ago=30, intake_after=None)
    assert enrolment.planned_end_date == domain.planned_end(
        service.programme_type, TODAY - timedelta(days=30)
    )
    domain.change_phase(enrolment, Phase.INTAKE, TODAY - timedelta(days=10), coach)
    assert enrolment.planned_end_date == domain.planned_end(
        service.programme_type, TODAY - timedelta(days=10)
    )
