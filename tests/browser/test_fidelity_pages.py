"""The IPS fidelity review in the browser, on the demo's first service: the list of its reviews,
a review being scored (also sent with an unjustified override), a final review, the comparison
and the improvement plan. Every page must pass axe (nothing serious or critical) and fit a
375 px screen."""

from datetime import date

import pytest
from playwright.sync_api import expect

from filrouge.fidelity import domain
from filrouge.fidelity.models import ImprovementAction
from tests.browser.test_case_pages import Findings, user
from tests.browser.test_casework_pages import check_page
from tests.browser.test_pages import first_service, sign_in, visit
from tests.fidelity.factories import final_review, make_review

pytestmark = pytest.mark.browser


def test_the_fidelity_pages_pass_axe_and_fit_a_phone(page, live_server, demo):
    service = first_service()
    head = user("chef")
    before = final_review(service, head, reviewed_on=date(2025, 1, 31), scores={"organisation_3": 2})
    after = final_review(service, head, reviewed_on=date(2026, 1, 31), scores={"organisation_3": 4})
    draft = make_review(service, head)
    domain.save_action(
        ImprovementAction(
            review=after, item_code="organisation_3", what="Réunion mensuelle avec Cap emploi", who="Cheffe"
        )
    )

    findings = Findings(page)
    sign_in(page, live_server, head.email)
    pages = [
        ("/fidelite/", "the services' reviews"),
        (f"/services/{service.pk}/fidelite/", "a service's reviews"),
        (f"/services/{service.pk}/fidelite/nouvelle/", "new review"),
        (f"/fidelite/revues/{draft.pk}/", "a review being scored"),
        (f"/fidelite/revues/{draft.pk}/notation/staffing/", "scoring the staffing items"),
        (f"/fidelite/revues/{draft.pk}/notation/services/", "scoring the services items"),
        (f"/fidelite/revues/{draft.pk}/finaliser/", "finalise confirmation"),
        (f"/fidelite/revues/{draft.pk}/abandonner/", "abandon confirmation"),
        (f"/fidelite/revues/{draft.pk}/recalculer/", "recalculate confirmation"),
        (f"/fidelite/revues/{after.pk}/", "a final review"),
        (f"/services/{service.pk}/fidelite/comparer/?revues={before.pk}&revues={after.pk}", "comparison"),
        (f"/fidelite/revues/{after.pk}/plan/", "improvement plan"),
        (f"/fidelite/revues/{after.pk}/plan/ajouter/", "improvement action form"),
    ]
    for path, what in pages:
        check_page(page, live_server, findings, path, what)

    # An override without a justification, with the keyboard: refused, the notes typed are kept.
    visit(page, live_server, f"/fidelite/revues/{draft.pk}/notation/staffing/")
    suggested = draft.items.get(code="staffing_1").suggested_score
    other = 1 if suggested != 1 else 2
    page.locator(f"#id_staffing_1-score input[value='{other}']").focus()
    page.keyboard.press("Space")
    page.locator("#id_staffing_2-notes").fill("Missions sociales résiduelles.")
    page.get_by_role("button", name="Enregistrer et revenir à la revue").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_staffing_2-notes")).to_have_value("Missions sociales résiduelles.")
    findings.check("scoring with errors")
    findings.assert_none()
