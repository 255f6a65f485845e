"""The coach's day in the browser: the work list of the home page, on the demo of the first
organisation. The person is chosen in the database, never by a name written here."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from filrouge.journal.models import Attendance, Meeting
from filrouge.pathways.models import Enrolment
from tests.browser.test_case_pages import has_no_horizontal_scroll, user
from tests.browser.test_pages import assert_accessible, first_service, sign_in, visit
from tests.journal.factories import MeetingFactory

pytestmark = pytest.mark.browser


def a_meeting_without_attendance(coach) -> Meeting:
    """Yesterday's meeting with a person the coach leads, nobody said whether they came."""
    enrolment = (
        Enrolment.objects.current()
        .filter(service=first_service(), primary_coach=coach, suspensions__isnull=True)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    assert enrolment is not None, "the demo coach leads current pathways"
    return MeetingFactory(
        enrolment=enrolment, starts_at=timezone.now() - timedelta(days=1), attendance="", summary=""
    )


def test_a_coach_records_a_missed_attendance_from_the_work_list_in_one_click(page, live_server, demo):
    coach = user("coach")
    meeting = a_meeting_without_attendance(coach)
    person = meeting.enrolment.person
    sign_in(page, live_server, coach.email)

    visit(page, live_server, "/")
    worklist = page.locator("#worklist")
    expect(worklist.get_by_role("heading", name="À faire", exact=True)).to_be_visible()
    expect(worklist.get_by_role("heading", name="Aujourd'hui")).to_be_visible()
    line = worklist.locator("li").filter(
        has=page.locator(f"form[action$='/entretiens/{meeting.pk}/presence/']")
    )
    expect(line).to_contain_text(person.full_name)
    expect(line).to_contain_text("Présence à noter")
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    has_no_horizontal_scroll(page)
    expect(line.get_by_role("button", name=f"Présent·e : {person.full_name}")).to_be_visible()

    with page.expect_navigation():
        line.get_by_role("button", name=f"Présent·e : {person.full_name}").click()

    expect(page.get_by_text("présence notée")).to_be_visible()
    meeting.refresh_from_db()
    assert meeting.attendance == Attendance.PRESENT
    # Attended, not written up yet: the same line now offers to write the summary.
    summary = page.locator("#worklist li").filter(
        has=page.locator(f"a[href='/entretiens/{meeting.pk}/modifier/']")
    )
    expect(summary).to_contain_text("Compte rendu à écrire")
    assert_accessible(page)


def test_the_head_of_service_sees_the_services_work_list_by_coach(page, live_server, demo):
    coach = user("coach")
    meeting = a_meeting_without_attendance(coach)
    sign_in(page, live_server, user("chef").email)

    visit(page, live_server, "/")
    worklist = page.locator("#worklist")
    expect(worklist.get_by_role("heading", name="À faire dans le service")).to_be_visible()
    expect(worklist.get_by_role("heading", name=coach.full_name).first).to_be_visible()
    expect(worklist.locator(f"form[action$='/entretiens/{meeting.pk}/presence/']")).to_have_count(1)

    worklist.get_by_label("Job coach référent·e").select_option(label=coach.full_name)
    with page.expect_navigation():
        worklist.get_by_role("button", name="Afficher").click()
    headings = page.locator("#worklist h4")
    expect(headings.first).to_contain_text(coach.full_name)
    assert all(coach.full_name in text for text in headings.all_inner_texts())
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    has_no_horizontal_scroll(page)
