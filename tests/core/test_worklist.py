"""The work list of the home page: each source, who sees what, and its cost in queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from filrouge.consents.models import Consent, ConsentStatus
from filrouge.core.dates import span_end
from filrouge.core.worklist import work_list
from filrouge.journal.models import Attendance
from filrouge.pathways import domain
from filrouge.pathways.models import ExitOutcome
from filrouge.placements.models import ImmersionRenewal
from filrouge.plans.models import ActionPlan, ActionStatus
from tests.accounts.factories import staff
from tests.consents.factories import give, partner
from tests.followalong.factories import SupportContactFactory, phone_call
from tests.journal.factories import MeetingFactory
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory, immersion
from tests.plans.factories import ActionFactory, ObjectiveFactory, PlanFactory

pytestmark = pytest.mark.django_db


def today():
    return domain.today()


def lines(worklist, section=None):
    """Every line of the list (or of one section: "today", "week")."""
    sections = [section] if section else ["today", "week"]
    return [line for group in worklist.groups for name in sections for line in getattr(group, name)]


def kinds(worklist, section=None):
    return sorted(line.kind for line in lines(worklist, section))


def pathway(world, coach="coach", **overrides):
    """A current pathway of A1 led by `coach`, not suspended (the world's own is)."""
    return enrol(world.a1, coach=world.users[coach], **overrides)


def a_day_ago():
    return timezone.now() - timedelta(days=1)


def action(enrolment, **fields):
    plan = ActionPlan.objects.filter(enrolment=enrolment).first() or PlanFactory(enrolment=enrolment)
    objective = ObjectiveFactory(plan=plan)
    return ActionFactory(objective=objective, **fields)


# --- Meetings ----------------------------------------------------------------------------------


def test_a_past_meeting_without_attendance_is_due_today_with_its_one_click_buttons(world):
    enrolment = pathway(world)
    meeting = MeetingFactory(enrolment=enrolment, starts_at=a_day_ago(), attendance="", summary="")

    [line] = lines(work_list(world.users["coach"]), "today")

    assert line.kind == "attendance"
    assert line.meeting == meeting
    assert line.person_name == enrolment.person.full_name
    assert line.overdue is True
    assert "Présence à noter" in line.what


def test_an_attended_meeting_without_summary_asks_for_the_summary(world):
    enrolment = pathway(world)
    meeting = MeetingFactory(enrolment=enrolment, starts_at=a_day_ago(), summary="")

    [line] = lines(work_list(world.users["coach"]))

    assert line.kind == "summary"
    assert line.action_url == reverse("journal:meeting_edit", args=[meeting.pk])
    assert line.meeting is None


def test_a_meeting_written_up_missed_cancelled_or_over_a_year_old_gives_no_line(world):
    enrolment = pathway(world)
    MeetingFactory(enrolment=enrolment, starts_at=a_day_ago())
    MeetingFactory(enrolment=enrolment, starts_at=a_day_ago(), attendance=Attendance.ABSENT, summary="")
    MeetingFactory(enrolment=enrolment, starts_at=a_day_ago(), attendance=Attendance.CANCELLED, summary="")
    # Beyond a year, a meeting can no longer be changed (journal.domain.FARTHEST): no reminder.
    MeetingFactory(enrolment=enrolment, starts_at=timezone.now() - timedelta(days=400), attendance="")

    assert lines(work_list(world.users["coach"])) == []


def test_an_appointment_later_today_is_listed_today(world):
    starts_at = timezone.now() + timedelta(minutes=5)
    if timezone.localdate(starts_at) != today():
        pytest.skip("too close to midnight for an appointment later today")
    enrolment = pathway(world)
    meeting = MeetingFactory(enrolment=enrolment, starts_at=starts_at, attendance="", summary="")
    MeetingFactory(enrolment=enrolment, starts_at=timezone.now() + timedelta(days=3), attendance="")

    [line] = lines(work_list(world.users["coach"]))

    assert (line.kind, line.at, line.overdue) == ("appointment", meeting.starts_at, False)
    assert line.action_url == reverse("journal:meeting_detail", args=[meeting.pk])


def test_a_meeting_the_user_attends_on_someone_elses_pathway_is_theirs_too(world):
    psychologist = world.users["psychologist"]
    meeting = MeetingFactory(enrolment=pathway(world), starts_at=a_day_ago(), attendance="")
    meeting.staff.add(psychologist)

    assert [line.meeting for line in lines(work_list(psychologist))] == [meeting]


# --- Plan actions ------------------------------------------------------------------------------


def test_actions_late_or_due_within_the_week_follow_the_plans_rule(world):
    enrolment = pathway(world)
    late = action(enrolment, due_date=today() - timedelta(days=2))
    soon = action(enrolment, due_date=today() + timedelta(days=7), status=ActionStatus.IN_PROGRESS)
    action(enrolment, due_date=today() + timedelta(days=8))
    action(enrolment, due_date=today() - timedelta(days=2), status=ActionStatus.DONE)
    action(enrolment, due_date=today() - timedelta(days=2), status=ActionStatus.ON_HOLD)

    worklist = work_list(world.users["coach"])

    [overdue] = lines(worklist, "today")
    [due] = lines(worklist, "week")
    assert (overdue.action_url, overdue.overdue) == (reverse("plans:action_edit", args=[late.pk]), True)
    assert (due.action_url, due.overdue) == (reverse("plans:action_edit", args=[soon.pk]), False)


def test_a_suspended_pathway_gives_no_line_about_its_plan(world):
    action(world.enrolment, due_date=today() - timedelta(days=2))  # the world's pathway is suspended

    assert lines(work_list(world.users["coach"])) == []


# --- Placements --------------------------------------------------------------------------------


def test_immersions_and_contracts_starting_or_ending_within_the_week(world):
    enrolment = pathway(world)
    starting = immersion(
        enrolment, started_on=today() + timedelta(days=2), planned_end_on=today() + timedelta(days=20)
    )
    ending = PlacementFactory(
        enrolment=enrolment, contract_type="cdd_short", planned_end_on=today() + timedelta(days=5)
    )
    PlacementFactory(enrolment=enrolment, planned_end_on=today() + timedelta(days=30))

    worklist = work_list(world.users["coach"])

    by_kind = {line.kind: line for line in lines(worklist, "week")}
    assert set(by_kind) == {"placement_start", "placement_end"}
    assert by_kind["placement_start"].action_url == reverse("placements:detail", args=[starting.pk])
    assert by_kind["placement_end"].action_url == reverse("placements:end", args=[ending.pk])
    assert by_kind["placement_end"].due_on == ending.planned_end_on


def test_a_renewed_immersion_ends_with_its_renewal(world):
    enrolment = pathway(world)
    renewed = immersion(
        enrolment, started_on=today() - timedelta(days=25), planned_end_on=today() + timedelta(days=2)
    )
    ImmersionRenewal.objects.create(
        organisation=renewed.organisation,
        placement=renewed,
        starts_on=today() + timedelta(days=3),
        ends_on=today() + timedelta(days=20),
        reason="Objectifs à consolider.",
    )

    assert lines(work_list(world.users["coach"])) == []


def test_a_job_past_its_planned_end_asks_to_confirm_the_end_or_the_renewal(world):
    enrolment = pathway(world)
    job = PlacementFactory(
        enrolment=enrolment, contract_type="cdd_short", planned_end_on=today() - timedelta(days=3)
    )

    [line] = lines(work_list(world.users["coach"]), "today")

    assert (line.kind, line.overdue, line.due_on) == ("past_planned_end", True, job.planned_end_on)
    assert line.action_url == reverse("placements:detail", args=[job.pk])
    assert "confirmer la fin ou le renouvellement" in line.what


# --- Follow-along ------------------------------------------------------------------------------


def test_the_monthly_face_to_face_contact_is_listed_when_due_or_late(world):
    coach = world.users["coach"]
    due_soon = PlacementFactory(enrolment=pathway(world))  # started 60 days ago
    SupportContactFactory(placement=due_soon, by=coach, contacted_on=today() - timedelta(days=25))
    late = PlacementFactory(enrolment=pathway(world))
    phone_call(placement=late, by=coach, contacted_on=today() - timedelta(days=2))  # a call is no visit
    seen = PlacementFactory(enrolment=pathway(world))
    SupportContactFactory(placement=seen, by=coach, contacted_on=today() - timedelta(days=3))

    worklist = work_list(coach)

    [overdue] = lines(worklist, "today")
    [week] = lines(worklist, "week")
    assert (overdue.kind, overdue.due_on) == ("follow_along", late.started_on + timedelta(days=30))
    assert overdue.action_url == reverse("followalong:add", args=[late.pk])
    assert (week.kind, week.due_on) == ("follow_along", today() + timedelta(days=5))


# --- Consents ----------------------------------------------------------------------------------


def test_a_consent_reaching_the_end_of_its_year_is_to_renew(world):
    coach = world.users["coach"]
    ended = pathway(world).person
    ending = pathway(world).person
    recent = pathway(world).person
    withdrawn = pathway(world).person
    old = give(ended, coach, recipient=partner(ended), days_ago=400)
    soon = give(ending, coach, purpose="funder", days_ago=362)
    give(recent, coach, purpose="funder", days_ago=100)
    contact = partner(withdrawn)
    give(withdrawn, coach, recipient=contact, days_ago=400)
    give(withdrawn, coach, recipient=contact, days_ago=10, status=ConsentStatus.WITHDRAWN)

    worklist = work_list(coach)

    [late] = lines(worklist, "today")
    [week] = lines(worklist, "week")
    assert (late.person_id, late.overdue, late.due_on) == (
        ended.pk,
        True,
        span_end(old.decided_on, months=12),
    )
    assert late.action_url == (
        reverse("consents:record", args=[ended.pk]) + f"?objet=plan_partner&destinataire={old.recipient_id}"
    )
    assert (week.person_id, week.due_on) == (ending.pk, soon.review_on)
    assert week.coach_id == coach.pk


def test_a_consent_asked_again_is_no_longer_to_renew(world):
    coach = world.users["coach"]
    person = pathway(world).person
    give(person, coach, purpose="funder", days_ago=400)
    give(person, coach, purpose="funder", days_ago=1)

    assert lines(work_list(coach)) == []


@pytest.mark.parametrize(
    "decided_on", [date(2024, 2, 29), date(2024, 1, 31), date(2024, 3, 1), date(2023, 12, 31)]
)
def test_the_database_and_python_agree_on_a_consents_year(world, decided_on):
    consent = give(pathway(world).person, world.users["coach"], purpose="funder", decided_on=decided_on)
    due = Consent.objects.filter(pk=consent.pk)

    assert due.to_review_by(consent.review_on).exists()
    assert not due.to_review_by(consent.review_on - timedelta(days=1)).exists()


# --- Who sees what -----------------------------------------------------------------------------


def everything_due(enrolment, coach):
    """One line of each source on `enrolment`."""
    MeetingFactory(enrolment=enrolment, starts_at=a_day_ago(), attendance="", summary="")
    MeetingFactory(enrolment=enrolment, starts_at=a_day_ago(), summary="")
    action(enrolment, due_date=today() - timedelta(days=1))
    immersion(enrolment, started_on=today() + timedelta(days=1), planned_end_on=today() + timedelta(days=20))
    PlacementFactory(enrolment=enrolment)  # no face-to-face contact since it began 60 days ago
    PlacementFactory(
        enrolment=enrolment, contract_type="cdd_short", planned_end_on=today() - timedelta(days=1)
    )
    give(enrolment.person, coach, purpose="funder", days_ago=400)


ALL_KINDS = sorted(
    ["attendance", "summary", "action", "placement_start", "follow_along", "past_planned_end", "consent"]
)


def test_every_source_feeds_the_list(world):
    everything_due(pathway(world), world.users["coach"])

    assert kinds(work_list(world.users["coach"])) == ALL_KINDS


def test_another_coachs_people_are_not_in_my_list(world):
    colleague = staff("coach", world.a1, email="collegue@a.example")
    everything_due(enrol(world.a1, coach=colleague), colleague)

    assert lines(work_list(world.users["coach"])) == []
    assert kinds(work_list(colleague)) == ALL_KINDS


def test_a_coach_of_another_service_or_organisation_sees_nothing(world):
    everything_due(pathway(world), world.users["coach"])

    assert lines(work_list(world.users["other_service_coach"])) == []
    assert lines(work_list(world.users["other_org_coach"])) == []


def test_a_pathway_that_has_ended_gives_no_line(world):
    coach = world.users["coach"]
    enrolment = pathway(world)
    everything_due(enrolment, coach)
    domain.record_exit(enrolment, on=today(), outcome=ExitOutcome.MOVED, by=coach)

    assert lines(work_list(coach)) == []


def test_a_team_member_sees_the_pathways_they_work_on(world):
    enrolment = pathway(world)
    everything_due(enrolment, world.users["coach"])
    educator = world.users["educator"]
    assert lines(work_list(educator)) == []

    enrolment.team.add(educator)

    assert kinds(work_list(educator)) == ALL_KINDS


def test_a_psychologist_sees_her_professions_meetings_and_the_coach_does_not(world):
    psychologist = world.users["psychologist"]
    enrolment = pathway(world)
    enrolment.team.add(psychologist)
    MeetingFactory(
        enrolment=enrolment, starts_at=a_day_ago(), attendance="", restricted=True, created_by=psychologist
    )

    assert kinds(work_list(psychologist)) == ["attendance"]
    assert lines(work_list(world.users["coach"])) == []
    assert lines(work_list(world.users["head_of_service"])) == []


def test_the_head_of_service_sees_the_service_grouped_by_lead_coach(world):
    head = world.users["head_of_service"]
    colleague = staff("coach", world.a1, email="collegue@a.example")
    everything_due(pathway(world), world.users["coach"])
    everything_due(enrol(world.a1, coach=colleague), colleague)
    everything_due(
        enrol(world.a2, coach=world.users["other_service_coach"]), world.users["other_service_coach"]
    )

    worklist = work_list(head)

    assert worklist.by_coach is True
    assert [group.coach_name for group in worklist.groups] == sorted(
        [world.users["coach"].full_name, colleague.full_name]
    )
    for group in worklist.groups:
        assert sorted(line.kind for line in group.today + group.week) == ALL_KINDS
    assert {pk for pk, _name in worklist.coaches} == {world.users["coach"].pk, colleague.pk}

    narrowed = work_list(head, coach=colleague.pk)
    assert [group.coach_name for group in narrowed.groups] == [colleague.full_name]
    assert narrowed.coach == colleague.pk
    # A coach outside the service is no filter: the whole service is shown.
    assert work_list(head, coach=world.users["other_service_coach"].pk).coach is None


def test_pathways_without_a_lead_coach_are_grouped_apart_for_the_head(world):
    head = world.users["head_of_service"]
    enrolment = enrol(world.a1, coach=None)
    action(enrolment, due_date=today() - timedelta(days=1))

    [group] = work_list(head).groups
    assert group.coach_name == "Sans job coach référent·e"
    assert [group.coach_name for group in work_list(head, coach=0).groups] == [group.coach_name]


def test_the_list_costs_the_same_queries_whatever_its_length(world):
    coach = world.users["coach"]
    everything_due(pathway(world), coach)
    coach = type(coach).objects.get(pk=coach.pk)  # grants read afresh, as in a request
    with CaptureQueriesContext(connection) as few:
        assert len(lines(work_list(coach))) == len(ALL_KINDS)
    for _ in range(3):
        everything_due(pathway(world), coach)
    coach = type(coach).objects.get(pk=coach.pk)
    with CaptureQueriesContext(connection) as many:
        assert len(lines(work_list(coach))) == 4 * len(ALL_KINDS)
    assert len(many) == len(few)
    assert len(few) <= 8


# --- The home page and the one-click attendance ------------------------------------------------


def test_the_coachs_home_shows_the_work_list_above_the_caseload(client, world):
    coach = world.users["coach"]
    enrolment = pathway(world)
    meeting = MeetingFactory(enrolment=enrolment, starts_at=a_day_ago(), attendance="", summary="")
    client.force_login(coach)

    html = client.get(reverse("core:home")).content.decode()

    assert html.index('id="worklist"') < html.index('id="caseload"')
    assert "Aujourd'hui" in html and "Cette semaine" in html
    assert reverse("core:record_attendance", args=[meeting.pk]) in html
    assert enrolment.person.full_name in html
    assert "Rien d'autre prévu dans les sept prochains jours." in html


def test_an_empty_work_list_says_so(client, world):
    client.force_login(world.users["coach"])

    html = client.get(reverse("core:home")).content.decode()

    assert "Rien à faire aujourd'hui" in html


def test_the_caseload_filters_redraw_the_caseload_only(client, world):
    client.force_login(world.users["coach"])

    html = client.get(reverse("core:home"), {"q": "x"}, headers={"HX-Request": "true"}).content.decode()

    assert 'id="worklist"' not in html


def test_the_head_of_service_filters_the_list_by_coach(client, world):
    colleague = staff("coach", world.a1, email="collegue@a.example")
    action(pathway(world), due_date=today() - timedelta(days=1))
    late = action(enrol(world.a1, coach=colleague), due_date=today() - timedelta(days=1))
    client.force_login(world.users["head_of_service"])

    html = client.get(reverse("core:home"), {"coach": colleague.pk}).content.decode()

    assert "À faire dans le service" in html
    assert reverse("plans:action_edit", args=[late.pk]) in html
    assert html.count("plans/actions/") == 1
    assert client.get(reverse("core:home"), {"coach": "n'importe quoi"}).status_code == 200


def attendance_post(client, meeting, attendance="present", version=None):
    url = reverse("core:record_attendance", args=[meeting.pk])
    return client.post(url, {"attendance": attendance, "version": version or meeting.version})


def test_attendance_is_recorded_in_one_click_and_back_to_the_list(client, world):
    enrolment = pathway(world)
    meeting = MeetingFactory(enrolment=enrolment, starts_at=a_day_ago(), attendance="", summary="")
    client.force_login(world.users["coach"])

    response = attendance_post(client, meeting)

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home") + "#worklist"
    meeting.refresh_from_db()
    assert meeting.attendance == Attendance.PRESENT
    # Present without a summary: the list now asks for the summary.
    assert kinds(work_list(world.users["coach"])) == ["summary"]
    page = client.get(response["Location"]).content.decode()
    assert "présence notée" in page


def test_attendance_refused_values_and_stale_versions_change_nothing(client, world):
    enrolment = pathway(world)
    meeting = MeetingFactory(enrolment=enrolment, starts_at=a_day_ago(), attendance="", summary="")
    client.force_login(world.users["coach"])

    attendance_post(client, meeting, attendance="cancelled")
    attendance_post(client, meeting, version=meeting.version + 5)
    page = client.get(reverse("core:home")).content.decode()

    meeting.refresh_from_db()
    assert meeting.attendance == ""
    assert "Choisissez si la personne était présente, absente ou excusée." in page
    assert "a été modifié entre-temps" in page


def test_attendance_of_a_meeting_to_come_or_already_recorded_is_refused(client, world):
    enrolment = pathway(world)
    coming = MeetingFactory(enrolment=enrolment, starts_at=timezone.now() + timedelta(days=1), attendance="")
    recorded = MeetingFactory(enrolment=enrolment, starts_at=a_day_ago(), attendance=Attendance.ABSENT)
    client.force_login(world.users["coach"])

    attendance_post(client, coming)
    attendance_post(client, recorded)

    coming.refresh_from_db()
    recorded.refresh_from_db()
    assert (coming.attendance, recorded.attendance) == ("", Attendance.ABSENT)


@pytest.mark.parametrize("who", ["other_service_coach", "other_org_coach", "funder_viewer"])
def test_attendance_outside_ones_reach_is_not_found(client, world, who):
    meeting = MeetingFactory(enrolment=pathway(world), starts_at=a_day_ago(), attendance="")
    client.force_login(world.users[who])

    assert attendance_post(client, meeting).status_code == 404
    meeting.refresh_from_db()
    assert meeting.attendance == ""


def test_a_meeting_kept_for_psychologists_is_not_found_for_the_coach(client, world):
    meeting = MeetingFactory(
        enrolment=pathway(world), starts_at=a_day_ago(), attendance="", restricted=True, created_by=None
    )
    client.force_login(world.users["coach"])

    assert attendance_post(client, meeting).status_code == 404


def test_attendance_is_only_posted(client, world):
    meeting = MeetingFactory(enrolment=pathway(world), starts_at=a_day_ago(), attendance="")
    client.force_login(world.users["coach"])

    assert client.get(reverse("core:record_attendance", args=[meeting.pk])).status_code == 405
