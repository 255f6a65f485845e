"""A past placement brought in by an import: `start_placement(..., history=True)`
(docs/design/imports-plan.md §3.2). The page never passes it."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from filrouge.employers.models import Company
from filrouge.pathways import domain as pathways
from filrouge.pathways.models import ExitOutcome, Phase, PhaseChange
from filrouge.people.models import ANONYMISED_RECORD, Person
from filrouge.placements import domain
from filrouge.placements.models import EndReason, ImmersionAssessment, ImmersionObjective, PlacementKind
from filrouge.referentials.models import ContractType
from tests.employers.factories import CompanyFactory
from tests.pathways.factories import enrol
from tests.profiles.factories import job_title

pytestmark = pytest.mark.django_db

today = pathways.today


@pytest.fixture(autouse=True)
def in_french():
    with translation.override("fr"):
        yield


@pytest.fixture
def exited(world):
    """A pathway referred 200 days ago, exited 10 days ago (the person moved away)."""
    enrolment = enrol(world.a1, coach=world.users["coach"], days_ago=200)
    pathways.record_exit(enrolment, on=today() - timedelta(days=10), outcome=ExitOutcome.MOVED, by=None)
    return enrolment


def job(enrolment, started_days_ago: int) -> dict:
    return {
        "kind": PlacementKind.EMPLOYMENT,
        "company": CompanyFactory(organisation=enrolment.organisation),
        "job_title": job_title(),
        "contract_type": ContractType.CDI,
        "started_on": today() - timedelta(days=started_days_ago),
        "hours_per_week": 24,
    }


@pytest.mark.parametrize("started_days_ago", [100, 10])
def test_a_past_job_of_an_exited_pathway_is_recorded_when_it_began_by_the_exit(
    world, exited, started_days_ago
):
    changes = PhaseChange.objects.filter(enrolment=exited).count()
    placement = domain.start_placement(exited, None, history=True, **job(exited, started_days_ago))
    assert placement.enrolment == exited and placement.started_on == today() - timedelta(
        days=started_days_ago
    )
    exited.refresh_from_db()
    assert exited.phase == Phase.EXIT
    assert PhaseChange.objects.filter(enrolment=exited).count() == changes


def test_a_job_beginning_after_the_exit_is_refused(world, exited):
    with pytest.raises(ValidationError) as refused:
        domain.start_placement(exited, None, history=True, **job(exited, 9))
    exit_day = domain.long_day(today() - timedelta(days=10))
    assert refused.value.message_dict == {
        "started_on": [f"Cette expérience commence après la sortie du parcours (le {exit_day})."]
    }
    assert not exited.placements.exists()


def test_without_history_an_exited_pathway_takes_no_placement(world, exited):
    with pytest.raises(ValidationError) as refused:
        domain.start_placement(exited, None, **job(exited, 100))
    assert refused.value.messages == ["Ce parcours est terminé : on n'y ajoute plus d'expérience en emploi."]


def test_history_never_moves_the_phase_even_when_asked(world):
    enrolment = world.enrolment
    phase = enrolment.phase
    placement = domain.start_placement(
        enrolment, None, move_to_employment=True, history=True, **job(enrolment, 5)
    )
    enrolment.refresh_from_db()
    assert placement.pk and enrolment.phase == phase != Phase.IN_EMPLOYMENT


def test_history_still_refuses_an_anonymised_record(world, exited):
    Person.objects.filter(pk=exited.person_id).update(anonymised_at=timezone.now())
    exited.person.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        domain.start_placement(exited, None, history=True, **job(exited, 100))
    assert refused.value.messages == [ANONYMISED_RECORD]


def test_a_past_immersion_of_an_exited_pathway_ends_without_moving_the_phase(world, exited):
    start = today() - timedelta(days=40)
    immersion = domain.start_placement(
        exited,
        None,
        history=True,
        kind=PlacementKind.IMMERSION,
        company=CompanyFactory(organisation=exited.organisation),
        job_title=job_title(),
        started_on=start,
        planned_end_on=start + timedelta(days=14),
        hours_per_week=35,
        objective=ImmersionObjective.DISCOVER,
    )
    domain.end_placement(
        immersion,
        None,
        ended_on=start + timedelta(days=14),
        reason=EndReason.END_OF_TERM,
        assessment=ImmersionAssessment.COMPLETED,
        led_to_job=False,
        next_phase=domain.KEEP_PHASE,
    )
    immersion.refresh_from_db()
    assert immersion.ended_on == start + timedelta(days=14) and immersion.led_to_job is False
    assert Company.objects.filter(pk=immersion.company_id).exists()


def test_the_end_rules_read_an_unsaved_placement(world):
    """`check_end`: what the import's dry run asks of an immersion not saved yet."""
    errors = domain.Errors()
    unsaved = domain.Placement(kind=PlacementKind.IMMERSION, started_on=today() - timedelta(days=5))
    domain.check_end(
        unsaved, errors, ended_on=today() - timedelta(days=6), reason="", assessment="", led_to_job=None
    )
    assert set(errors.by_field) == {"ended_on", "reason", "assessment", "led_to_job"}
