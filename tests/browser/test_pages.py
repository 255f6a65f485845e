"""The pages as a browser shows them: landing pages, accessibility (axe), keyboard, language,
small screens and the live search. Every demo account of the first organisation is used.

axe must find nothing "serious" or "critical" on any page; a finding is fixed in the templates
or the stylesheet, never by turning a rule off here.
"""

import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from filrouge.accounts.models import User
from filrouge.accounts.reauth import SESSION_REAUTH_AT
from filrouge.organisations.models import Membership, Role, Service
from filrouge.seed.demo import DEMO_PASSWORD, ORGANISATIONS

pytestmark = pytest.mark.browser

ORGANISATION = ORGANISATIONS[0]  # "Association Trait d'Union"
ACCOUNTS = ORGANISATION["accounts"]
MAIN_NAV = 'nav[aria-label="Navigation principale"]'
# Django ends labels with " :"; "Mot de passe oublié ?" is a link, not a label.
PASSWORD_LABEL = re.compile(r"^Mot de passe\b")

# Roles whose work is the people supported: they start from their services.
CASE_ROLES = {Role.COACH, Role.PSYCHOLOGIST, Role.SOCIAL_WORKER, Role.EDUCATOR, Role.HEAD_OF_SERVICE}


def email(local_part: str) -> str:
    return f"{local_part}@{ORGANISATION['domain']}"


def expected_home(roles: set[Role]) -> tuple[str, str]:
    """The path a user with these roles lands on after logging in, and that page's h1."""
    if roles & CASE_ROLES:
        return "/", "Ma file active"
    if Role.DIRECTOR in roles:
        return "/organisation/", "Tous les services de l'organisation"
    if Role.ORG_ADMIN in roles:
        return "/administration/comptes/", "Comptes de l'organisation"
    if Role.FUNDER_VIEWER in roles:
        return "/chiffres/", "Chiffres des services"
    if Role.DPO in roles:
        return "/journal-d-audit/", "Journal d'audit"
    raise AssertionError(f"no home page expected for the roles {roles}")


def roles_of(address: str) -> set[Role]:
    return {
        Role(role) for role in Membership.objects.filter(user__email=address).values_list("role", flat=True)
    }


# --- Helpers ---------------------------------------------------------------------------------------

AXE = Axe()
BLOCKING_IMPACTS = {"serious", "critical"}


def assert_accessible(page) -> None:
    """axe finds no serious or critical violation on the page as it is now."""
    results = AXE.run(page)
    violations = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {' > '.join(map(str, node['target']))}" for node in violation["nodes"])
    assert not violations, f"axe on {urlsplit(page.url).path}:\n" + "\n".join(lines)


def path_of(page) -> str:
    return urlsplit(page.url).path


def fill_login_form(page, address: str, password: str) -> None:
    page.get_by_label("Adresse e-mail").fill(address)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    page.get_by_role("button", name="Se connecter").click()


def log_in(page, live_server, address: str) -> None:
    """Through the real login form, as a person would."""
    page.goto(f"{live_server.url}/connexion/")
    with page.expect_navigation():
        fill_login_form(page, address, DEMO_PASSWORD)
    assert path_of(page) != "/connexion/", f"{address} could not log in"


def sign_in(page, live_server, address: str) -> None:
    """A session opened on the server side, its cookie given to the browser: for the tests that
    are about what comes after logging in (the login form itself is driven elsewhere)."""
    client = Client()
    client.force_login(User.objects.get(email=address))
    # As after the login form: the password was just given, so no re-authentication is asked.
    session = client.session
    session[SESSION_REAUTH_AT] = timezone.now().timestamp()
    session.save()
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def visit(page, live_server, path: str, status: int = 200):
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == status, f"{path} answered {response.status}"
    return response


def pk_of(address: str) -> int:
    return User.objects.get(email=address).pk


def first_service() -> Service:
    return Service.objects.get(organisation__siret=ORGANISATION["siret"], name=ORGANISATION["services"][0][0])


# --- a. Each account lands on the home page of its roles -------------------------------------------


# The demo is loaded once for all the cases of one test (each loading costs seconds): every case
# is still tried, from a browser with no cookie, and every failure is reported together.


def check_each(page, cases, check, name=str) -> None:
    failures = []
    for case in cases:
        page.context.clear_cookies()
        try:
            check(case)
        except AssertionError as failure:
            failures.append(f"{name(case)}: {failure}")
    assert not failures, "\n".join(failures)


def for_each_account(page, check) -> None:
    check_each(page, [email(a.local_part) for a in ACCOUNTS], check)


def test_each_demo_account_logs_in_and_lands_on_the_home_of_its_roles(page, live_server, demo):
    printed = {row["email"] for row in demo}

    def lands_home(address):
        assert address in printed
        roles = roles_of(address)
        path, heading = expected_home(roles)
        log_in(page, live_server, address)
        assert path_of(page) == path, f"{address} ({', '.join(sorted(roles))}) landed on {path_of(page)}"
        expect(page.locator("h1")).to_have_text(heading)

    for_each_account(page, lands_home)


# --- b. Every page of each account's navigation passes axe -----------------------------------------


def test_every_page_of_the_navigation_passes_axe(page, live_server, demo):
    def navigation_passes_axe(address):
        sign_in(page, live_server, address)
        visit(page, live_server, "/")
        links = page.locator(f"{MAIN_NAV} a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert links, "the main navigation is empty"
        for path in [*links, "/compte/", "/mot-de-passe/changer/"]:
            if path_of(page) != path:
                visit(page, live_server, path)
            assert path_of(page) == path
            assert_accessible(page)

    for_each_account(page, navigation_passes_axe)


# --- c. The administrator's other pages, the public pages, the error page --------------------------


def account_detail(page, live_server):
    visit(page, live_server, f"/administration/comptes/{pk_of(email('coach'))}/")
    expect(page.locator("h1")).to_have_text("Camille Roussel")


def invite_submitted_empty(page, live_server):
    visit(page, live_server, "/administration/comptes/inviter/")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".field--error").first).to_be_visible()


def deactivate_confirmation(page, live_server):
    visit(page, live_server, f"/administration/comptes/{pk_of(email('coach'))}/desactiver/")
    expect(page.get_by_role("button", name="Désactiver le compte")).to_be_visible()


def service_edit(page, live_server):
    visit(page, live_server, f"/administration/services/{first_service().pk}/modifier/")
    expect(page.get_by_label(re.compile(r"^Nom\b"))).to_have_value(first_service().name)


def service_archive_confirmation(page, live_server):
    visit(page, live_server, f"/administration/services/{first_service().pk}/archiver/")
    expect(page.get_by_role("button", name="Archiver le service")).to_be_visible()


def organisation_with_invalid_siret(page, live_server):
    visit(page, live_server, "/administration/organisation/")
    page.get_by_label("SIRET").fill("123 456 789 00000")
    page.locator("section[aria-labelledby='organisation-title']").get_by_role(
        "button", name="Enregistrer"
    ).click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".field--error")).to_have_count(1)


def not_found(page, live_server):
    visit(page, live_server, "/services/999999/", status=404)
    expect(page.locator("h1")).to_have_text("Page introuvable")


ADMIN_PAGES = [
    account_detail,
    invite_submitted_empty,
    deactivate_confirmation,
    service_edit,
    service_archive_confirmation,
    organisation_with_invalid_siret,
    not_found,
]


def test_administration_pages_pass_axe(page, live_server, demo):
    def passes_axe(show):
        sign_in(page, live_server, email("admin"))
        show(page, live_server)
        assert_accessible(page)

    check_each(page, ADMIN_PAGES, passes_axe, name=lambda show: show.__name__)


def login_page(page, live_server):
    visit(page, live_server, "/connexion/")


def login_failed(page, live_server):
    visit(page, live_server, "/connexion/")
    fill_login_form(page, email("coach"), "pas-le-bon-mot-de-passe")
    expect(page.locator(".error-summary")).to_contain_text("Adresse e-mail ou mot de passe incorrect.")
    assert path_of(page) == "/connexion/"


def password_reset(page, live_server):
    visit(page, live_server, "/mot-de-passe/oubli/")


def test_public_pages_pass_axe(page, live_server, demo):
    def passes_axe(show):
        show(page, live_server)
        assert_accessible(page)

    check_each(page, [login_page, login_failed, password_reset], passes_axe, name=lambda show: show.__name__)


# --- d. Keyboard -----------------------------------------------------------------------------------


def test_the_skip_link_is_the_first_tab_stop_and_leads_to_the_content(page, live_server):
    visit(page, live_server, "/connexion/")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()

    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()


def test_the_login_form_works_with_the_keyboard_alone(page, live_server, demo):
    visit(page, live_server, "/connexion/")
    address = page.get_by_label("Adresse e-mail")
    for _ in range(10):
        if address.evaluate("field => field === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(address).to_be_focused()

    page.keyboard.type(email("coach"))
    page.keyboard.press("Tab")
    expect(page.get_by_label(PASSWORD_LABEL)).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert path_of(page) == "/"
    expect(page.locator("h1")).to_have_text("Ma file active")


# --- e. Language -----------------------------------------------------------------------------------


def choose_language(page, code: str) -> None:
    switch = page.locator("form.language-switch")
    switch.locator("select#language-select").select_option(code)
    with page.expect_navigation():
        switch.get_by_role("button").click()


def test_the_language_switch_sets_the_language_of_the_page(page, live_server, demo):
    sign_in(page, live_server, email("coach"))
    visit(page, live_server, "/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fr")

    choose_language(page, "en")
    expect(html).to_have_attribute("lang", "en")
    assert path_of(page) == "/", "the switch brings back to the page it was used on"
    visit(page, live_server, "/compte/")
    expect(html).to_have_attribute("lang", "en")

    choose_language(page, "fr")
    expect(html).to_have_attribute("lang", "fr")
    assert path_of(page) == "/compte/"


# --- f. Small screens ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local_part", "path"),
    [("coach", "/"), ("admin", "/administration/comptes/")],
    ids=["coach home", "admin accounts"],
)
def test_pages_fit_a_phone_screen(page, live_server, demo, local_part, path):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, live_server, email(local_part))
    visit(page, live_server, path)

    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"] + 1, f"horizontal scrolling on {path}: {widths}"
    assert_accessible(page)


# --- g. Live search of the accounts ---------------------------------------------------------------


def test_the_live_search_narrows_the_accounts_without_reloading(page, live_server, demo):
    sign_in(page, live_server, email("admin"))
    visit(page, live_server, "/administration/comptes/")
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(len(ACCOUNTS))
    expect(rows.filter(has_text="Paul Fontaine")).to_have_count(1)
    page.evaluate("() => { window.notReloaded = true; }")

    page.locator("#id_q").press_sequentially("Rous", delay=40)

    expect(page).to_have_url(re.compile(r"/administration/comptes/\?(.*&)?q=Rous(&|$)"))
    expect(rows.filter(has_text="Paul Fontaine")).to_have_count(0)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Camille Roussel")
    assert page.evaluate("() => window.notReloaded === true"), "the page was reloaded"
