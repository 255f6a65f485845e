"""The right of access answered whole, in the browser: the data protection officer of the first
demo organisation opens a request for someone with a writing kept for the psychologists, its
author reviews it with the keyboard, and every page passes axe and fits a phone.

People and writings are chosen in the database, never by a name written here.
"""

import pytest
from playwright.sync_api import expect

from filrouge.journal.models import Confidentiality, Note
from filrouge.pathways.domain import today
from filrouge.privacy.models import AccessRequest, WritingReview
from tests.browser.test_audit_pages import officer
from tests.browser.test_case_pages import Findings
from tests.browser.test_casework_pages import check_page
from tests.browser.test_pages import ORGANISATION, path_of, sign_in

pytestmark = pytest.mark.browser


def test_the_officers_and_the_reviewers_pages_pass_axe_and_fit_a_phone(page, live_server, demo):
    note = (
        Note.objects.filter(
            organisation__siret=ORGANISATION["siret"], confidentiality=Confidentiality.PROFESSION
        )
        .select_related("enrolment__person", "author")
        .order_by("pk")
        .first()
    )
    assert note is not None, "the demo has notes kept for the psychologists"
    person = note.enrolment.person
    findings = Findings(page)

    sign_in(page, live_server, officer())
    check_page(page, live_server, findings, "/droit-d-acces/", "the demo's requests")
    check_page(
        page, live_server, findings, f"/droit-d-acces/personnes/{person.pk}/ouvrir/", "opening a request"
    )
    page.get_by_label("Forme de la demande").fill("Courrier remis à l'accueil")
    page.get_by_label("Reçue le").fill(today().isoformat())
    page.get_by_role("button", name="Ouvrir la demande").press("Enter")
    opened = AccessRequest.objects.filter(person=person).latest("pk")  # the demo has its own
    assert path_of(page) == f"/droit-d-acces/{opened.pk}/"
    expect(page.get_by_text("À relire").first).to_be_visible()
    findings.check("a request waiting for its reviews")
    check_page(page, live_server, findings, "/droit-d-acces/", "the requests")
    check_page(page, live_server, findings, f"/droit-d-acces/{opened.pk}/prolonger/", "the extension")
    check_page(page, live_server, findings, f"/droit-d-acces/{opened.pk}/repondre/", "the answer refused")

    page.context.clear_cookies()
    sign_in(page, live_server, note.author.email)
    check_page(page, live_server, findings, "/droit-d-acces/relectures/", "the reviews to do")
    row = WritingReview.objects.get(request=opened, note=note)
    check_page(page, live_server, findings, f"/droit-d-acces/relectures/{row.pk}/", "a review")
    page.get_by_label("Communiqué tel quel").check()
    page.get_by_role("button", name="Enregistrer ma relecture").press("Enter")
    assert path_of(page) == "/droit-d-acces/relectures/"
    row.refresh_from_db()
    assert (row.decision, row.reviewed_by) == ("include", note.author)
    findings.assert_none()
