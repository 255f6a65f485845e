"""The exit as one confirmed step: the outcome the jobs support is proposed, what is still open is
listed with one choice each, and everything is applied with the exit in one transaction."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from filrouge.audit.models import AuditEntry
from filrouge.journal.models import Attendance
from filrouge.pathways import closing, domain
from filrouge.pathways.models import ExitOutcome, Phase
from filrouge.placements.models import EndReason, ImmersionAssessment, Placement
from filrouge.plans.models import ActionStatus
from filrouge.referentials.models import ContractType
from filrouge.workshops.models import RegistrationStatus
from tests.journal.factories import MeetingFactory
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory, immersion
from tests.plans.factories import ActionFactory, ObjectiveFactory, PlanFactory
from tests.workshops.factories import RegistrationFactory, SessionFactory, at

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def planned_meeting(enrolment, days=3, **fields):
    return MeetingFactory(
        enrolment=enrolment,
        starts_at=timezone.now() + timedelta(days=days),
        attendance="",
        summary="",
        **fields,
    )


def full_session_with_waiting_list(enrolment):
    """A session of 1 place taken by `enrolment`, another person waiting."""
    session = SessionFactory(service=enrolment.service, capacity=1, starts_at=at(days=5))
    taken = RegistrationFactory(session=session, enrolment=enrolment)
    waiting = RegistrationFactory(
        session=session,
        enrolment=enrol(enrolment.service),
        status=RegistrationStatus.WAITING,
        registered_at=timezone.now() + timedelta(seconds=1),
    )
    return taken, waiting


def keys(items):
    return {item.key: item.default for item in items}


def test_the_outcome_proposed_is_the_one_the_jobs_support(world):
    enrolment = world.enrolment
    assert closing.proposed_outcome(enrolment, domain.today()) == ""
    PlacementFactory(
        enrolment=enrolment,
        contract_type=ContractType.CDD_SHORT,
        planned_end_on=domain.today() + timedelta(days=30),
    )
    assert closing.proposed_outcome(enrolment, domain.today()) == ExitOutcome.TRANSITION_EMPLOYMENT
    PlacementFactory(enrolment=enrolment)  # a CDI
    assert closing.proposed_outcome(enrolment, domain.today()) == ExitOutcome.DURABLE_EMPLOYMENT


def test_what_is_open_is_listed_with_a_sensible_default(world):
    enrolment, coach = world.enrolment, world.users["coach"]
    meeting = planned_meeting(enrolment)
    MeetingFactory(enrolment=enrolment)  # held two days ago: nothing to decide
    taken, _waiting = full_session_with_waiting_list(enrolment)
    job = PlacementFactory(enrolment=enrolment)
    running_immersion = immersion(
        enrolment,
        started_on=domain.today() - timedelta(days=3),
        planned_end_on=domain.today() + timedelta(days=10),
    )
    future_job = PlacementFactory(enrolment=enrolment, started_on=domain.today() + timedelta(days=10))
    future_immersion = immersion(
        enrolment,
        started_on=domain.today() + timedelta(days=4),
        planned_end_on=domain.today() + timedelta(days=8),
    )
    plan = PlanFactory(enrolment=enrolment)
    action = ActionFactory(objective=ObjectiveFactory(plan=plan), status=ActionStatus.IN_PROGRESS)
    ActionFactory(objective=ObjectiveFactory(plan=plan), status=ActionStatus.DONE)

    items = closing.open_items(enrolment, domain.today(), coach)

    assert keys(items) == {
        f"meeting-{meeting.pk}": closing.CANCEL,
        f"registration-{taken.pk}": closing.FREE,
        f"placement-{job.pk}": closing.KEEP,
        f"placement-{running_immersion.pk}": closing.END,
        f"placement-{future_immersion.pk}": closing.CANCEL,
        f"placement-{future_job.pk}": closing.KEEP,
        f"action-{action.pk}": closing.CANCEL,
    }


def test_a_restricted_meeting_is_not_listed_to_who_may_not_read_it(world):
    planned_meeting(world.enrolment, restricted=True)
    assert closing.open_items(world.enrolment, domain.today(), world.users["coach"]) == []
    assert len(closing.open_items(world.enrolment, domain.today(), world.users["psychologist"])) == 1


def test_confirming_applies_every_choice_with_the_exit(world):
    enrolment, coach = world.enrolment, world.users["coach"]
    meeting = planned_meeting(enrolment)
    kept_meeting = planned_meeting(enrolment, days=9)
    taken, waiting = full_session_with_waiting_list(enrolment)
    running_immersion = immersion(
        enrolment,
        started_on=domain.today() - timedelta(days=3),
        planned_end_on=domain.today() + timedelta(days=10),
    )
    future_immersion = immersion(
        enrolment,
        started_on=domain.today() + timedelta(days=4),
        planned_end_on=domain.today() + timedelta(days=8),
    )
    action = ActionFactory(objective=ObjectiveFactory(plan=PlanFactory(enrolment=enrolment)))

    closing.close(
        enrolment,
        on=domain.today(),
        outcome=ExitOutcome.MOVED,
        by=coach,
        choices={f"meeting-{kept_meeting.pk}": closing.KEEP},
    )

    enrolment.refresh_from_db()
    assert (enrolment.exit_date, enrolment.exit_outcome, enrolment.phase) == (
        domain.today(),
        "moved",
        Phase.EXIT,
    )
    meeting.refresh_from_db(), kept_meeting.refresh_from_db()
    assert (meeting.attendance, kept_meeting.attendance) == (Attendance.CANCELLED, "")
    taken.refresh_from_db(), waiting.refresh_from_db()
    assert (taken.status, waiting.status) == (RegistrationStatus.CANCELLED, RegistrationStatus.REGISTERED)
    running_immersion.refresh_from_db()
    assert running_immersion.ended_on == domain.today()
    assert running_immersion.end_reason == EndReason.OTHER
    assert running_immersion.assessment == ImmersionAssessment.PARTLY
    assert not Placement.objects.filter(pk=future_immersion.pk).exists()
    action.refresh_from_db()
    assert action.status == ActionStatus.CANCELLED
    # Each change is in the audit trail, as any other change.
    for model, pk in (
        ("journal.meeting", meeting.pk),
        ("workshops.registration", taken.pk),
        ("plans.planaction", action.pk),
    ):
        assert AuditEntry.objects.filter(object_type=model, object_id=pk).exists(), model


def test_a_refused_exit_changes_nothing(world):
    enrolment = world.enrolment
    meeting = planned_meeting(enrolment)
    taken, waiting = full_session_with_waiting_list(enrolment)
    with pytest.raises(Exception) as refusal:
        # No job supports an exit into durable employment.
        closing.close(
            enrolment,
            on=domain.today(),
            outcome=ExitOutcome.DURABLE_EMPLOYMENT,
            by=world.users["coach"],
            choices={},
        )
    assert "emploi durable" in str(refusal.value).lower()
    enrolment.refresh_from_db(), meeting.refresh_from_db(), taken.refresh_from_db(), waiting.refresh_from_db()
    assert enrolment.is_current
    assert meeting.attendance == ""
    assert (taken.status, waiting.status) == (RegistrationStatus.REGISTERED, RegistrationStatus.WAITING)


def test_an_unknown_choice_is_refused(world):
    meeting = planned_meeting(world.enrolment)
    with pytest.raises(Exception, match="Choix impossible"):
        closing.close(
            world.enrolment,
            on=domain.today(),
            outcome="moved",
            by=world.users["coach"],
            choices={f"meeting-{meeting.pk}": "end"},
        )
    world.enrolment.refresh_from_db()
    assert world.enrolment.is_current


def test_the_exit_page_proposes_the_outcome_and_lists_what_is_open(client, world):
    enrolment = world.enrolment
    PlacementFactory(enrolment=enrolment)
    full_session_with_waiting_list(enrolment)
    client.force_login(world.users["coach"])
    response = client.get(reverse("pathways:exit", args=[enrolment.pk]))
    page = text(response)
    assert response.context["form"]["outcome"].value() == ExitOutcome.DURABLE_EMPLOYMENT
    assert "« Emploi durable » (motif proposé)" in page
    assert "Places en atelier" in page and "place réservée" in page
    assert "Libérer la place" in page


def test_the_exit_page_frees_the_seat_and_the_next_person_gets_it(client, world):
    enrolment = world.enrolment
    taken, waiting = full_session_with_waiting_list(enrolment)
    client.force_login(world.users["coach"])
    data = {
        "exit_date": domain.today().isoformat(),
        "outcome": "moved",
        "reoriented_to": "",
        "comment": "",
        "shown_items": f"registration-{taken.pk}",
        f"item_registration-{taken.pk}": "free",
    }
    response = client.post(reverse("pathways:exit", args=[enrolment.pk]), data)
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.REGISTERED


def test_a_thing_left_without_a_choice_is_an_error_not_a_changed_list(client, world):
    enrolment = world.enrolment
    taken, _waiting = full_session_with_waiting_list(enrolment)
    client.force_login(world.users["coach"])
    data = {
        "exit_date": domain.today().isoformat(),
        "outcome": "moved",
        "shown_items": f"registration-{taken.pk}",
    }
    response = client.post(reverse("pathways:exit", args=[enrolment.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[f"item_registration-{taken.pk}"]
    assert "a changé pour cette date" not in text(response)
    enrolment.refresh_from_db()
    assert enrolment.is_current


def test_a_list_changed_since_the_page_was_shown_is_shown_again(client, world):
    enrolment = world.enrolment
    planned_meeting(enrolment)
    client.force_login(world.users["coach"])
    data = {"exit_date": domain.today().isoformat(), "outcome": "moved", "comment": "Déménage à Lille."}
    response = client.post(reverse("pathways:exit", args=[enrolment.pk]), data)
    assert response.status_code == 200
    assert "a changé pour cette date" in text(response)
    assert response.context["form"]["comment"].value() == "Déménage à Lille."  # the values typed are kept
    enrolment.refresh_from_db()
    assert enrolment.is_current


def test_a_bad_date_keeps_the_values_and_says_why(client, world):
    client.force_login(world.users["coach"])
    data = {"exit_date": "31/02/2026", "outcome": "moved", "comment": "Parti."}
    response = client.post(reverse("pathways:exit", args=[world.enrolment.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["exit_date"]
    world.enrolment.refresh_from_db()
    assert world.enrolment.is_current


def test_an_exit_page_of_another_service_is_not_found(client, world):
    client.force_login(world.users["other_service_coach"])
    assert client.get(reverse("pathways:exit", args=[world.enrolment.pk])).status_code == 404
