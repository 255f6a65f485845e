"""The person's reminder choices in the browser, on the demo of the first organisation: the block
on the record, the page with its history and messages, the form sent with a landline for SMS
(refused, with the error summary), then right (confirmed), and a choice the person made herself
(only shown). Every page must pass axe (nothing serious or critical) and fit a 375 px screen."""

import pytest
from playwright.sync_api import expect

from filrouge.notifications.models import ReminderPreference
from filrouge.pathways.models import Enrolment
from tests.browser.test_case_pages import Findings, user
from tests.browser.test_casework_pages import check_page
from tests.browser.test_pages import first_service, sign_in, visit

pytestmark = pytest.mark.browser


def person_of_the_coach(coach):
    """A person the coach leads in the first service whose choice the staff may change."""
    for enrolment in Enrolment.objects.filter(service=first_service(), primary_coach=coach).order_by("pk"):
        current = (
            ReminderPreference.objects.filter(person=enrolment.person).order_by("-recorded_at", "-pk").first()
        )
        if current is None or not current.by_person:
            return enrolment.person
    raise AssertionError("the demo gives the coach people to follow")


def test_the_reminder_pages_pass_axe_fit_a_phone_and_refuse_a_landline_for_sms(page, live_server, demo):
    coach = user("coach")
    person = person_of_the_coach(coach)
    findings = Findings(page)
    sign_in(page, live_server, coach.email)
    for path, what in [
        (f"/personnes/{person.pk}/", "record with its reminders block"),
        (f"/personnes/{person.pk}/rappels/", "reminders page"),
        (f"/personnes/{person.pk}/rappels/choisir/", "reminder choice form"),
    ]:
        check_page(page, live_server, findings, path, what)

    # SMS to a landline: refused, the error summary names the field, what was typed is kept.
    visit(page, live_server, f"/personnes/{person.pk}/rappels/choisir/")
    page.get_by_label("Par SMS", exact=True).check()
    page.get_by_label("Numéro de portable pour les SMS").fill("04 65 71 12 34")
    page.locator("main form").get_by_role("button", name="Enregistrer le choix").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".error-summary")).to_contain_text("n'est pas un numéro de portable")
    expect(page.get_by_label("Numéro de portable pour les SMS")).to_have_value("04 65 71 12 34")
    findings.check("reminder choice form with errors")

    # Right this time: confirmed, and the page says the new choice.
    page.get_by_label("Numéro de portable pour les SMS").fill("06 39 98 55 44")
    page.locator("main form").get_by_role("button", name="Enregistrer le choix").click()
    expect(page.locator("main")).to_contain_text("SMS au 06 39 98 55 44")
    assert page.url.endswith(f"/personnes/{person.pk}/rappels/")
    findings.check("reminders page after a new choice")

    # The history opens from the keyboard.
    summary = page.locator("main details summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("main details table")).to_be_visible()

    # A choice the person made herself: the staff only see it.
    own = ReminderPreference.objects.filter(
        by_person=True, person__organisation=first_service().organisation
    ).first()
    assert own is not None, "the demo has a choice made by the person herself"
    sign_in(page, live_server, user("direction").email)
    check_page(page, live_server, findings, f"/personnes/{own.person_id}/rappels/choisir/", "locked choice")
    expect(page.locator("main")).to_contain_text("seule la personne peut le changer")
    expect(page.locator("main form input[name=channels]")).to_have_count(0)
    findings.assert_none()
