"""Case work in the browser, on the demo people of the first organisation: the caseload, the
person record and its timeline, every pathway form, the partners, a person created from start
to finish, the duplicate guard, the head of service's caseloads and small screens.

Every page, and every form once submitted empty, must pass axe (nothing serious or critical).
The people used are chosen in the database, never by a name written here: the demo draws them.
"""

import re
from datetime import date

import pytest
from django.db.models import Count, Q
from playwright.sync_api import expect

from filrouge.accounts.models import User
from filrouge.core.text import fold
from filrouge.organisations.models import Membership, Role, Service
from filrouge.pathways import caseload, domain
from filrouge.pathways.models import EmploymentStatus, Enrolment, Housing, PhaseChange, Suspension
from filrouge.people.models import Person
from tests.browser.test_pages import (
    ORGANISATION,
    assert_accessible,
    email,
    first_service,
    path_of,
    sign_in,
    visit,
)

pytestmark = pytest.mark.browser

CASELOAD_ROWS = "#caseload tbody tr"
ALERT_TAG = ".tag--warning"
COACH_CHOICE = re.compile(r"job coach référent", re.IGNORECASE)  # the reassignment's one field


# --- Helpers ---------------------------------------------------------------------------------------


def user(local_part: str) -> User:
    return User.objects.get(email=email(local_part))


def service_named(index: int) -> Service:
    return Service.objects.get(
        organisation__siret=ORGANISATION["siret"], name=ORGANISATION["services"][index][0]
    )


def caseload_of(coach: User):
    """The current pathways the coach follows, with their alerts, as the caseload counts them."""
    mine = Enrolment.objects.current().filter(Q(primary_coach=coach) | Q(team=coach)).distinct()
    return caseload.with_alerts(mine, domain.today())


def longest_history() -> Enrolment:
    """The current pathway of the coach's service that moved between phases the most."""
    enrolments = Enrolment.objects.current().filter(service=first_service())
    return enrolments.annotate(changes=Count("phase_changes")).order_by("-changes", "pk").first()


def ongoing_suspension() -> Suspension | None:
    """A suspension still running in the coach's service (someone in hospital), if the demo has one."""
    return (
        Suspension.objects.ongoing_on(domain.today())
        .filter(enrolment__service=first_service(), enrolment__exit_date__isnull=True)
        .order_by("pk")
        .first()
    )


def mark_page(page) -> None:
    """A flag that a full reload would wipe out."""
    page.evaluate("() => { window.notReloaded = true; }")


def assert_not_reloaded(page) -> None:
    assert page.evaluate("() => window.notReloaded === true"), "the page was reloaded"


CLEAR_FORM = """form => {
    for (const field of form.elements) {
        if (["hidden", "submit", "button", "reset"].includes(field.type)) continue;
        if (field.type === "checkbox" || field.type === "radio") field.checked = false;
        else if (field.tagName === "SELECT") {
            if ([...field.options].some(option => option.value === "")) field.value = "";
        } else field.value = "";
    }
}"""


def submit_empty(page, button: str) -> None:
    """Empties every field of the form holding `button` (initial values too), then sends it."""
    submit = page.locator("main form").get_by_role("button", name=button, exact=True)
    submit.evaluate(f"button => ({CLEAR_FORM})(button.form)")
    with page.expect_navigation():
        submit.click()
    expect(page.locator(".error-summary").first).to_be_visible()
    expect(page.locator(".field--error").first).to_be_visible()


class Findings:
    """axe on many pages in one test: every finding is reported at the end, not just the first."""

    def __init__(self, page):
        self.page = page
        self.found: list[str] = []

    def check(self, what: str) -> None:
        try:
            assert_accessible(self.page)
        except AssertionError as error:
            self.found.append(f"{what}: {error}")

    def assert_none(self) -> None:
        assert not self.found, "\n\n".join(self.found)


def has_no_horizontal_scroll(page) -> None:
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth})"
    )
    assert widths["scroll"] <= widths["client"] + 1, f"horizontal scrolling on {path_of(page)}: {widths}"


# --- 1. The caseload -------------------------------------------------------------------------------


def test_the_caseload_lists_the_people_followed_and_filters_them_live(page, live_server, demo):
    coach = user("coach")
    followed = caseload_of(coach)
    with_alert = followed.filter(caseload.ALERT_FILTERS["any"])
    assert 0 < with_alert.count() < followed.count(), (
        "the demo should give some people of the caseload an alert"
    )

    sign_in(page, live_server, coach.email)
    visit(page, live_server, "/")
    expect(page.locator("h1")).to_have_text("Ma file active")
    rows = page.locator(CASELOAD_ROWS)
    expect(rows).to_have_count(min(followed.count(), 25))
    expect(page.locator(f"#caseload {ALERT_TAG}").first).to_be_visible()
    assert_accessible(page)

    # "Alertes" = "Avec une alerte": htmx swaps the rows and pushes the URL, no reload.
    mark_page(page)
    live_requests = []
    page.on(
        "request", lambda request: request.headers.get("hx-request") and live_requests.append(request.url)
    )
    # The language switch is a select too, outside the filters: choosing in it leaves the list alone.
    page.locator("#language-select").select_option("en")
    page.get_by_label("Alertes").select_option(label="Avec une alerte")
    expect(page).to_have_url(re.compile(r"/\?(.*&)?alert=any(&|$)"))
    expect(rows).to_have_count(with_alert.count())
    expect(rows.filter(has_not=page.locator(ALERT_TAG))).to_have_count(0)
    assert_not_reloaded(page)
    assert len(live_requests) == 1, f"one live request expected, for the filter: {live_requests}"
    page.locator("#language-select").select_option("fr")
    assert_accessible(page)

    # The name search ignores accents: the folded first name finds the accented one.
    accented = next(
        enrolment.person
        for enrolment in followed.select_related("person").order_by("person__first_name", "pk")
        if fold(enrolment.person.first_name) != enrolment.person.first_name.lower()
    )
    typed = fold(accented.first_name)
    matching = followed.filter(person__search_name__contains=typed).count()
    page.get_by_label("Alertes").select_option(label="Toutes les personnes")
    expect(rows).to_have_count(min(followed.count(), 25))
    page.get_by_label("Rechercher un nom").press_sequentially(typed, delay=30)
    expect(page).to_have_url(re.compile(rf"/\?(.*&)?q={re.escape(typed)}(&|$)"))
    expect(rows).to_have_count(matching)
    expect(rows.filter(has_text=accented.full_name)).to_have_count(1)
    assert_not_reloaded(page)


# --- 2. The people, the record, the timeline and every form ----------------------------------------


def test_the_people_pages_and_forms_pass_axe(page, live_server, demo):
    enrolment = longest_history()
    person = enrolment.person
    findings = Findings(page)
    sign_in(page, live_server, email("coach"))

    visit(page, live_server, "/personnes/")
    expect(page.locator("h1")).to_have_text("Personnes accompagnées")
    expect(page.locator("tbody tr").filter(has_text=person.full_name)).to_have_count(1)
    findings.check("people, current")
    page.get_by_label("Parcours", exact=True).select_option(label="Terminés")
    page.locator("main form").get_by_role("button", name="Rechercher").click()
    expect(page).to_have_url(re.compile(r"statut=exited"))
    expect(page.locator("tbody tr").first).to_be_visible()
    findings.check("people, exited")

    visit(page, live_server, f"/personnes/{person.pk}/")
    expect(page.locator("h1")).to_have_text(person.full_name)
    expect(page.locator(f"#enrolment-{enrolment.pk}")).to_contain_text(enrolment.get_phase_display())
    findings.check("person record")

    page.get_by_role("navigation", name=f"Dossier de {person.full_name}").get_by_role(
        "link", name="Chronologie"
    ).click()
    expect(page.locator("h1")).to_have_text(f"{person.full_name} — Chronologie")
    items = page.locator(".timeline__item")
    expect(items.first).to_be_visible()
    findings.check("timeline")
    expect(page.locator(".filters input[type=checkbox]:checked")).to_have_count(0)  # all kinds shown
    page.get_by_label("Étapes du parcours").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Filtrer").click()
    assert "type=phase" in page.url
    expect(page.locator(".timeline__item:not(.timeline__item--phase)")).to_have_count(0)
    visible_changes = PhaseChange.objects.filter(enrolment__person=person, enrolment__service=first_service())
    expect(items).to_have_count(min(visible_changes.count(), 20))
    expect(page.get_by_label("Étapes du parcours")).to_be_checked()
    findings.check("timeline, phases only")

    forms = [
        (f"/personnes/{person.pk}/modifier/", "Enregistrer", "identity"),
        (f"/parcours/{enrolment.pk}/etape/", "Enregistrer l'étape", "phase"),
        (f"/parcours/{enrolment.pk}/sortie/", "Confirmer la sortie", "exit"),
        (f"/parcours/{enrolment.pk}/suspension/", "Enregistrer la suspension", "suspension"),
        (f"/personnes/{person.pk}/partenaires/ajouter/", "Ajouter", "partner link"),
        ("/partenaires/nouveau/", "Enregistrer", "new partner"),
        ("/personnes/nouvelle/", "Créer le dossier", "new person"),
        (f"/personnes/{person.pk}/inscrire/", "Ouvrir le parcours", "new pathway"),
    ]
    suspension = ongoing_suspension()
    if suspension is not None:
        suspension_end = f"/parcours/{suspension.enrolment_id}/suspension/{suspension.pk}/fin/"
        forms.append((suspension_end, "Terminer la suspension", "end of a suspension"))
    for path, button, what in forms:
        visit(page, live_server, path)
        findings.check(what)
        submit_empty(page, button)
        findings.check(f"{what}, submitted empty")

    # Every field of the pathway form is optional: a date in the future shows its errors.
    visit(page, live_server, f"/parcours/{enrolment.pk}/modifier/")
    expect(page.locator("h1")).to_have_text("Modifier le parcours")
    findings.check("pathway")
    page.get_by_label("Dernier contact").fill(date(domain.today().year + 1, 1, 1).isoformat())
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Enregistrer").click()
    expect(page.locator(".field--error")).to_contain_text("ne peut pas être dans le futur")
    findings.check("pathway, with an error")

    visit(page, live_server, "/partenaires/")
    expect(page.locator("h1")).to_have_text("Partenaires")
    expect(page.locator("tbody tr").first).to_be_visible()
    findings.check("partners")

    findings.assert_none()


# --- 3. A new person, from the form to the timeline ------------------------------------------------


def test_a_new_person_is_created_moved_to_profile_and_seen_in_the_timeline(page, live_server, demo):
    coach = user("coach")
    sign_in(page, live_server, coach.email)
    visit(page, live_server, "/")
    page.get_by_role("link", name="Nouvelle personne").click()
    assert path_of(page) == "/personnes/nouvelle/"

    # Names with the keyboard, field after field; the rest with the mouse.
    page.locator("#id_person-first_name").click()
    page.keyboard.type("Éloïse")
    page.keyboard.press("Tab")
    expect(page.locator("#id_person-birth_name")).to_be_focused()
    page.keyboard.type("Valdrôme")
    page.keyboard.press("Tab")
    expect(page.locator("#id_person-usual_name")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#id_person-date_of_birth")).to_be_focused()
    page.locator("#id_person-date_of_birth").fill("1991-04-17")
    page.locator("#id_person-phone").fill("06 39 98 00 17")
    page.locator("#id_person-city").fill("Valence")

    expect(page.locator("#id_start-service")).to_have_value(str(first_service().pk))  # their only service
    page.locator("#id_start-service").select_option(label=first_service().name)
    page.locator("#id_start-referral_date").fill(domain.today().isoformat())
    page.locator("#id_start-primary_coach").select_option(label=coach.full_name)
    page.locator("#id_entry-employment_status").select_option(EmploymentStatus.OUT_OF_WORK.value)
    page.locator("#id_entry-education_level").select_option(index=2)
    page.locator("#id_entry-receives_aah").check()
    page.locator("#id_entry-housing").select_option(Housing.INDEPENDENT.value)
    with page.expect_navigation():
        page.get_by_role("button", name="Créer le dossier").click()

    person = Person.objects.get(birth_name="Valdrôme")
    assert path_of(page) == f"/personnes/{person.pk}/"
    expect(page.locator("h1")).to_have_text("Éloïse Valdrôme")
    expect(page.locator(".messages")).to_contain_text("Le dossier de Éloïse Valdrôme est créé.")
    enrolment = person.enrolments.get()
    assert enrolment.primary_coach == coach
    expect(page.locator(f"#enrolment-{enrolment.pk}")).to_contain_text("Orientation")
    assert_accessible(page)

    page.get_by_role("link", name="Changer d'étape").click()
    assert path_of(page) == f"/parcours/{enrolment.pk}/etape/"
    page.get_by_label("Nouvelle étape").select_option(label="Profil professionnel")
    page.get_by_label("Commentaire").fill("Premier entretien de profil fixé.")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer l'étape").click()
    assert path_of(page) == f"/personnes/{person.pk}/"
    expect(page.locator(".messages")).to_contain_text("L'étape du parcours est enregistrée.")
    expect(page.locator(f"#enrolment-{enrolment.pk}")).to_contain_text("Profil professionnel")

    page.get_by_role("link", name="Chronologie").click()
    latest = page.locator(".timeline__item").first
    expect(latest).to_contain_text("Étape : Profil professionnel")
    expect(latest).to_contain_text("Premier entretien de profil fixé.")
    expect(latest).to_contain_text(f"Enregistré par {coach.full_name}")
    expect(page.locator(".timeline__item").last).to_contain_text(f"Orientation vers {first_service().name}")

    # On the caseload, now in the profile phase.
    visit(page, live_server, "/")
    expect(page.locator(CASELOAD_ROWS).filter(has_text="Éloïse Valdrôme")).to_contain_text(
        "Profil professionnel"
    )


# --- 4. The duplicate guard ------------------------------------------------------------------------


def test_the_same_names_and_birth_date_are_flagged_with_a_link_to_the_record(page, live_server, demo):
    existing = longest_history().person
    sign_in(page, live_server, email("coach"))
    visit(page, live_server, "/personnes/nouvelle/")

    page.locator("#id_person-first_name").fill(existing.first_name)
    page.locator("#id_person-birth_name").fill(existing.birth_name)
    page.locator("#id_person-date_of_birth").fill(existing.date_of_birth.isoformat())
    page.locator("#id_entry-employment_status").select_option(EmploymentStatus.NEVER_WORKED.value)
    page.locator("#id_entry-education_level").select_option(index=1)
    page.locator("#id_entry-housing").select_option(Housing.FAMILY.value)
    with page.expect_navigation():
        page.get_by_role("button", name="Créer le dossier").click()

    assert path_of(page) == "/personnes/nouvelle/"
    warning = page.locator(".error-summary")
    expect(warning).to_contain_text("existe déjà dans l'organisation")
    expect(warning.get_by_role("link", name=existing.full_name)).to_have_attribute(
        "href", f"/personnes/{existing.pk}/"
    )
    confirm = page.get_by_label("Je confirme qu'il s'agit d'une autre personne")
    expect(confirm).not_to_be_checked()
    expect(page.locator("#id_person-birth_name")).to_have_value(existing.birth_name)
    assert_accessible(page)
    same = Person.objects.filter(birth_name=existing.birth_name, first_name=existing.first_name)
    assert same.count() == 1

    # Confirmed: a homonym born the same day gets their own record.
    confirm.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Créer le dossier").click()
    assert same.count() == 2
    assert path_of(page) == f"/personnes/{same.exclude(pk=existing.pk).get().pk}/"


# --- 5. The head of service ------------------------------------------------------------------------


def test_the_head_of_service_reassigns_a_person_and_records_a_renewal(page, live_server, demo):
    """The head of the job coaching service is also a coach of the RSA one, a programme limited in
    time: there, they record renewals."""
    service = first_service()
    coach, other = user("coach"), user("coach.rsa")
    # A second coach, half time, so that there is someone to hand a person over to.
    Membership.objects.create(
        organisation=service.organisation, user=other, service=service, role=Role.COACH, time_share=50
    )
    before = Enrolment.objects.current().filter(service=service, primary_coach=coach).count()
    enrolment = longest_history()
    assert enrolment.primary_coach == coach and not enrolment.team.filter(pk=coach.pk).exists()
    followed = caseload_of(coach).count()
    findings = Findings(page)
    sign_in(page, live_server, email("chef"))

    visit(page, live_server, f"/services/{service.pk}/")
    page.get_by_role("link", name="Files actives des job coachs").click()
    assert path_of(page) == f"/services/{service.pk}/files-actives/"
    loads = page.locator("table").first.locator("tbody tr")
    coach_cells = loads.filter(has_text=coach.full_name).locator("td")
    other_cells = loads.filter(has_text=other.full_name).locator("td")
    expect(coach_cells.nth(0)).to_have_text(re.compile(rf"^{before}\b"))  # a tag may follow
    expect(coach_cells.nth(1)).to_have_text(str(caseload.target_for(100)))
    expect(other_cells.nth(0)).to_have_text("0")
    expect(other_cells.nth(1)).to_have_text(str(caseload.target_for(50)))
    findings.check("service caseloads")

    page.get_by_role("link", name=f"Réassigner {enrolment.person.full_name}").click()
    assert path_of(page) == f"/parcours/{enrolment.pk}/reassigner/"
    expect(page.get_by_label(COACH_CHOICE)).to_have_value(str(coach.pk))
    findings.check("reassign")
    submit_empty(page, "Réassigner")
    findings.check("reassign, submitted empty")

    page.get_by_label(COACH_CHOICE).select_option(label=other.full_name)
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Réassigner").click()
    assert path_of(page) == f"/services/{service.pk}/files-actives/"
    expect(page.locator(".messages")).to_contain_text(
        f"{enrolment.person.full_name} est maintenant suivi·e par {other.full_name}."
    )
    expect(coach_cells.nth(0)).to_have_text(re.compile(rf"^{before - 1}\b"))
    expect(other_cells.nth(0)).to_have_text("1")
    page.get_by_role("link", name=f"Voir sa file active : {other.full_name}").click()
    rows = page.locator("table").nth(1).locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(enrolment.person.full_name)
    findings.check("one coach's caseload")

    # The renewal of a minimum-income pathway he follows.
    renewable = (
        Enrolment.objects.current()
        .filter(service=service_named(1), primary_coach=user("chef"), planned_end_date__isnull=False)
        .order_by("planned_end_date", "pk")
        .first()
    )
    assert renewable is not None, "the demo should give the head of service RSA pathways to follow"
    visit(page, live_server, f"/personnes/{renewable.person_id}/")
    card = page.locator(f"section[aria-labelledby='enrolment-{renewable.pk}']")
    expect(card).to_contain_text(renewable.planned_end_date.strftime("%d/%m/%Y"))
    findings.check("RSA person record")
    card.get_by_role("link", name="Renouvellement").click()
    assert path_of(page) == f"/parcours/{renewable.pk}/renouvellement/"
    expect(page.locator("h1")).to_have_text("Décision de renouvellement")
    findings.check("renewal")
    submit_empty(page, "Enregistrer la décision")
    findings.check("renewal, submitted empty")
    findings.assert_none()

    # The person has left the first coach's own caseload.
    page.context.clear_cookies()
    sign_in(page, live_server, coach.email)
    visit(page, live_server, "/")
    expect(page.locator("#caseload-status")).to_have_text(f"{followed - 1} personnes")
    expect(page.locator(CASELOAD_ROWS).filter(has_text=enrolment.person.full_name)).to_have_count(0)


# --- 6. A phone screen -----------------------------------------------------------------------------


def test_the_caseload_and_the_record_fit_a_phone_screen(page, live_server, demo):
    page.set_viewport_size({"width": 375, "height": 740})
    person = longest_history().person
    sign_in(page, live_server, email("coach"))

    for path in ["/", f"/personnes/{person.pk}/"]:
        visit(page, live_server, path)
        has_no_horizontal_scroll(page)
        assert_accessible(page)
