"""Typed work is not lost, in the browser: the countdown before the session ends and "Rester
connecté"; typing keeps the session alive, idleness still ends it; what was typed comes back
after signing in again, encrypted meanwhile and readable by its account only; a form being sent
has its button disabled and is sent once. The session is made short here (seconds)."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect

from filrouge.accounts.sessions import SESSION_LAST_SEEN
from filrouge.journal.models import Note
from filrouge.pathways.models import Enrolment
from tests.browser.test_pages import (
    assert_accessible,
    email,
    fill_login_form,
    first_service,
    log_in,
    path_of,
    sign_in,
    visit,
)

pytestmark = pytest.mark.browser
DIALOG = "Votre session va se terminer"
SUBMIT = "main form[method=post] button[type=submit]"  # the note form's, not the header's
DRAFTS = "() => Object.entries(localStorage).filter(([name]) => name.startsWith('filrouge.draft.'))"


def coach_pathway() -> Enrolment:
    return (
        Enrolment.objects.filter(
            service=first_service(), exit_date__isnull=True, primary_coach__email=email("coach")
        )
        .order_by("pk")
        .first()
    )


def short_session(settings, idle: int, warning: int) -> None:
    settings.SESSION_IDLE_TIMEOUT = timedelta(seconds=idle)
    settings.SESSION_EXPIRY_WARNING = timedelta(seconds=warning)


def last_seen(page, live_server) -> float:
    cookie = next(c for c in page.context.cookies(live_server.url) if c["name"] == "sessionid")
    return Session.objects.get(session_key=cookie["value"]).get_decoded()[SESSION_LAST_SEEN]


def test_the_countdown_warns_before_the_end_and_staying_signed_in_restarts_it(
    page, live_server, demo, settings
):
    short_session(settings, idle=12, warning=9)
    sign_in(page, live_server, email("coach"))
    visit(page, live_server, "/compte/")
    loaded = timezone.now().timestamp()
    dialog = page.get_by_role("dialog", name=DIALOG)
    expect(dialog).to_be_visible(timeout=8_000)
    expect(dialog.get_by_text(re.compile(r"^\d+ s$"))).to_be_visible()
    stay = dialog.get_by_role("button", name="Rester connecté")
    expect(stay).to_be_focused()
    assert_accessible(page)
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert last_seen(page, live_server) > loaded  # the server's idle clock started again
    assert path_of(page) == "/compte/"


def test_a_note_typed_across_the_end_of_the_session_is_offered_back_after_signing_in_again(
    page, live_server, demo, settings
):
    short_session(settings, idle=8, warning=3)
    enrolment = coach_pathway()
    path = f"/parcours/{enrolment.pk}/notes/ajouter/"
    text = "Entretien long : la personne veut reprendre la menuiserie."
    log_in(page, live_server, email("coach"))
    visit(page, live_server, path)

    # Typing slowly for longer than the idle time keeps the session alive...
    page.locator("#id_text").press_sequentially(text[:12], delay=1_000, timeout=30_000)
    assert path_of(page) == path
    expect(page.get_by_role("dialog", name=DIALOG)).to_be_hidden()
    page.locator("#id_text").press_sequentially(text[12:])
    # ...and without typing it ends: the page goes to the login page, which says why.
    page.wait_for_url(re.compile(r"/connexion/\?next="), timeout=20_000)
    expect(page.get_by_text("Votre session a expiré")).to_be_visible()
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=30)  # the rest at its own pace

    # The draft is kept in this browser, encrypted.
    drafts = page.evaluate(DRAFTS)
    assert len(drafts) == 1
    assert "menuiserie" not in drafts[0][1]

    # Someone else on this computer is not offered it, and signing out keeps it for its owner.
    fill_login_form(page, email("chef"), "Filrouge-demo-2026")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    visit(page, live_server, path)
    page.wait_for_timeout(1_000)
    expect(page.get_by_role("button", name="Reprendre le brouillon")).to_have_count(0)
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r"/connexion/"))
    assert len(page.evaluate(DRAFTS)) == 1

    # Its owner, signed in again, gets it back.
    page.goto(f"{live_server.url}/connexion/?next={path}")
    with page.expect_navigation():
        fill_login_form(page, email("coach"), "Filrouge-demo-2026")
    assert path_of(page) == path
    restore = page.get_by_role("button", name="Reprendre le brouillon")
    expect(restore).to_be_visible()
    expect(page.get_by_text("Un brouillon non envoyé a été retrouvé dans ce navigateur.")).to_be_visible()
    assert_accessible(page)
    restore.click()
    expect(page.locator("#id_text")).to_have_value(text)
    expect(page.locator("#id_text")).to_be_focused()
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(rf"/personnes/{enrolment.person_id}/journal/"))
    written = Note.objects.filter(enrolment=enrolment, author__email=email("coach"))
    assert [note.text for note in written].count(text) == 1
    # Saved: the draft is gone.
    page.wait_for_function(f"() => ({DRAFTS})().length === 0")


def test_signing_out_on_purpose_clears_the_accounts_drafts(page, live_server, demo):
    enrolment = coach_pathway()
    sign_in(page, live_server, email("coach"))
    visit(page, live_server, f"/parcours/{enrolment.pk}/notes/ajouter/")
    page.locator("#id_text").fill("Un brouillon.")
    page.locator("#id_text").press("End")
    page.keyboard.type(" Suite.")
    page.wait_for_function(f"() => ({DRAFTS})().length === 1")
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r"/connexion/"))
    assert page.evaluate(DRAFTS) == []


# Watches the form's button: once it is disabled (the form on its way), notes it where the next
# page can read it, and tries to send the form again, as a second Enter or a script would.
WATCH_AND_RESEND = """(selector) => {
  const button = document.querySelector(selector);
  new MutationObserver(() => {
    if (!button.disabled || sessionStorage.getItem("disabled-while-sent")) return;
    sessionStorage.setItem("disabled-while-sent", "yes");
    button.form.requestSubmit();
  }).observe(button, { attributes: true });
}"""


def test_a_form_being_sent_has_its_button_disabled_and_is_sent_once(page, live_server, demo):
    enrolment = coach_pathway()
    path = f"/parcours/{enrolment.pk}/notes/ajouter/"
    before = Note.objects.filter(enrolment=enrolment).count()
    sign_in(page, live_server, email("coach"))
    visit(page, live_server, path)
    forms = page.locator('form[method="post"]')
    assert forms.count() == page.locator('form[method="post"] input[name="_submission"]').count() > 0

    sent = []
    page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
    page.locator("#id_text").fill("Une seule note, même envoyée deux fois.")
    page.evaluate(WATCH_AND_RESEND, SUBMIT)
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(rf"/personnes/{enrolment.person_id}/journal/"))
    assert page.evaluate("sessionStorage.getItem('disabled-while-sent')") == "yes"
    assert sent == [f"{live_server.url}{path}"]
    assert Note.objects.filter(enrolment=enrolment).count() == before + 1
