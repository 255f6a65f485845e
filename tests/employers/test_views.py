"""The job development pages: lists with search, filters and pages, the forms' flows (a refused
value keeps what was typed and says why), and who sees what."""

import html
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from filrouge.audit.models import AuditEntry
from filrouge.employers.models import (
    Company,
    EmployerContact,
    EmployerContactKind,
    Opening,
    OpeningStatus,
    RelationshipStatus,
)
from filrouge.organisations.validators import synthetic_siret
from filrouge.pathways.domain import today
from filrouge.people.models import ContactKind
from tests.employers.factories import (
    CompanyContactFactory,
    CompanyFactory,
    EmployerContactFactory,
    OpeningFactory,
)
from tests.pathways.factories import enrol
from tests.profiles.factories import job_title

pytestmark = pytest.mark.django_db


def page_of(response) -> str:
    return html.unescape(response.content.decode())


def company_data(**fields):
    return {"name": "Fromagerie des Alpes", "relationship_status": RelationshipStatus.PROSPECT} | fields


def opening_data(**fields):
    return {
        "job_title": job_title().pk,
        "contract_type": "cdi",
        "hours_per_week": "24",
        "positions": "1",
    } | fields


# --- Companies ---------------------------------------------------------------------------------


def test_the_company_list_searches_by_name_city_and_siret(client, world, coach):
    CompanyFactory(organisation=world.org_a, name="Boulangerie Dupré", city="Valence")
    CompanyFactory(organisation=world.org_a, name="Garage Central", city="Romans", siret=synthetic_siret(77))
    url = reverse("employers:list")
    assert "Garage Central" not in page_of(client.get(url, {"q": "dupre"}))
    assert "Boulangerie Dupré" in page_of(client.get(url, {"q": "dupre"}))
    assert "Boulangerie Dupré" not in page_of(client.get(url, {"q": "romans"}))
    assert "Garage Central" in page_of(client.get(url, {"q": synthetic_siret(77)}))
    grouped = f"{synthetic_siret(77)[:9]} {synthetic_siret(77)[9:]}"
    page = page_of(client.get(url, {"q": grouped}))
    assert "Garage Central" in page and "Boulangerie Dupré" not in page
    assert "Aucune entreprise ne correspond" in page_of(client.get(url, {"q": "introuvable"}))


def test_the_company_list_filters_by_status_and_owner_and_hides_archived_ones(client, world, coach):
    CompanyFactory(
        organisation=world.org_a,
        name="Partenaire Un",
        relationship_status=RelationshipStatus.PARTNER,
        owner=coach,
    )
    CompanyFactory(organisation=world.org_a, name="Prospect Deux")
    archived = CompanyFactory(organisation=world.org_a, name="Ancienne Trois")
    archived.archived_at = archived.created_at
    archived.save()
    url = reverse("employers:list")
    page = page_of(client.get(url, {"status": RelationshipStatus.PARTNER}))
    assert "Partenaire Un" in page and "Prospect Deux" not in page
    page = page_of(client.get(url, {"owner": coach.pk}))
    assert "Partenaire Un" in page and "Prospect Deux" not in page
    assert "Ancienne Trois" not in page_of(client.get(url))
    assert "Ancienne Trois" in page_of(client.get(url, {"archived": "on"}))


def test_the_company_list_is_paged_with_a_constant_number_of_queries(client, world, coach):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("employers:list")).status_code == 200
        return len(captured)

    CompanyFactory.create_batch(2, organisation=world.org_a)
    few = queries()
    CompanyFactory.create_batch(25, organisation=world.org_a)
    assert queries() == few
    page = page_of(client.get(reverse("employers:list"), {"page": 2}))
    assert "Page 2 sur 2" in page


def test_an_empty_list_says_so(client, world, coach):
    assert "Aucune entreprise pour l'instant." in page_of(client.get(reverse("employers:list")))


def test_a_company_is_created_then_edited(client, world, coach):
    response = client.post(reverse("employers:create"), company_data(siret="  " + synthetic_siret(5) + " "))
    company = Company.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "employers:detail", args=[company.pk]
    )
    assert (company.organisation, company.created_by, company.siret) == (
        world.org_a,
        coach,
        synthetic_siret(5),
    )
    response = client.post(
        reverse("employers:edit", args=[company.pk]),
        company_data(name="Fromagerie Neuve", size_band="20_49", owner=coach.pk, naf_code="10.51c"),
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.name, company.owner, company.naf_code) == ("Fromagerie Neuve", coach, "10.51C")
    page = page_of(client.get(reverse("employers:detail", args=[company.pk])))
    assert "Oui (6 %)" in page and "Fromagerie Neuve" in page


def test_a_wrong_siret_keeps_the_input_and_says_why(client, world, coach):
    wrong = synthetic_siret(5)[:-1] + str((int(synthetic_siret(5)[-1]) + 1) % 10)
    response = client.post(reverse("employers:create"), company_data(siret=wrong))
    assert response.status_code == 200
    page = page_of(response)
    assert "sa clé de contrôle est fausse" in page and "Fromagerie des Alpes" in page
    assert not Company.objects.exists()


def test_a_second_coach_recording_the_same_company_is_sent_to_the_existing_one(client, world):
    first = CompanyFactory(organisation=world.org_a, name="Menuiserie Perrin", siret=synthetic_siret(9))
    client.force_login(world.users["other_service_coach"])
    response = client.post(reverse("employers:create"), company_data(siret=synthetic_siret(9)))
    assert response.status_code == 200
    page = page_of(response)
    assert "Menuiserie Perrin" in page
    assert f'href="{reverse("employers:detail", args=[first.pk])}"' in page
    assert Company.objects.count() == 1


def test_owners_are_the_case_staff_of_the_users_services(client, world, coach):
    form = client.get(reverse("employers:create")).context["form"]
    owners = set(form.fields["owner"].queryset)
    assert coach in owners and world.users["psychologist"] in owners
    assert not owners & {
        world.users["funder_viewer"],
        world.users["other_org_coach"],
        world.users["org_admin"],
    }
    assert form.initial["owner"] == coach


def test_archiving_asks_for_confirmation_and_restoring_brings_the_company_back(client, world, coach):
    company = CompanyFactory(organisation=world.org_a, name="Imprimerie Rey")
    url = reverse("employers:archive", args=[company.pk])
    assert "Archiver « Imprimerie Rey » ?" in page_of(client.get(url))
    company.refresh_from_db()
    assert not company.is_archived
    assert client.post(url).status_code == 302
    company.refresh_from_db()
    assert company.is_archived
    detail = page_of(client.get(reverse("employers:detail", args=[company.pk])))
    assert (
        "Entreprise archivée" in detail
        and reverse("employers:company_log_add", args=[company.pk]) not in detail
    )
    assert client.post(reverse("employers:restore", args=[company.pk])).status_code == 302
    company.refresh_from_db()
    assert not company.is_archived


def test_a_contact_person_is_added_and_edited_from_the_company(client, world, coach):
    company = CompanyFactory(organisation=world.org_a)
    response = client.post(
        reverse("employers:contact_add", args=[company.pk]),
        {"full_name": "Sophie Tutrice", "job_title": "Cheffe d'équipe", "phone": "06 12 34 56 78"},
    )
    assert response.status_code == 302
    contact = company.contacts.get()
    assert (contact.kind, contact.partner_name, contact.phone) == (
        ContactKind.EMPLOYER,
        company.name,
        "+33612345678",
    )
    response = client.post(
        reverse("employers:contact_edit", args=[contact.pk]), {"full_name": "Sophie Martin"}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.full_name == "Sophie Martin"
    assert "Sophie Martin" in page_of(client.get(reverse("employers:detail", args=[company.pk])))


def test_a_bad_phone_number_keeps_the_form(client, world, coach):
    company = CompanyFactory(organisation=world.org_a)
    response = client.post(
        reverse("employers:contact_add", args=[company.pk]), {"full_name": "X", "phone": "12"}
    )
    assert response.status_code == 200 and not company.contacts.exists()


# --- The contact log ---------------------------------------------------------------------------


def test_a_contact_is_noted_from_the_company_page(client, world, coach):
    company = CompanyFactory(organisation=world.org_a)
    tutor = CompanyContactFactory(company=company)
    response = client.post(
        reverse("employers:company_log_add", args=[company.pk]),
        {
            "kind": EmployerContactKind.CANDIDATE_PRESENTATION,
            "face_to_face": "on",
            "contacted_on": today().isoformat(),
            "company_contact": tutor.pk,
            "person": world.person.pk,
            "notes": "Présentation de la candidature.",
        },
    )
    assert response.status_code == 302
    entry = EmployerContact.objects.get()
    assert (entry.company, entry.coach, entry.person, entry.company_contact) == (
        company,
        coach,
        world.person,
        tutor,
    )
    change = AuditEntry.objects.filter(object_type="employers.employercontact").latest("pk")
    assert change.person_id == world.person.pk


def test_a_phone_call_noted_face_to_face_keeps_the_input_and_says_why(client, world, coach):
    company = CompanyFactory(organisation=world.org_a)
    response = client.post(
        reverse("employers:company_log_add", args=[company.pk]),
        {
            "kind": EmployerContactKind.PHONE_CALL,
            "face_to_face": "on",
            "contacted_on": today().isoformat(),
            "notes": "Appel du matin",
        },
    )
    assert response.status_code == 200
    page = page_of(response)
    assert "jamais en face à face" in page and "Appel du matin" in page
    assert not EmployerContact.objects.exists()


def test_a_contact_noted_from_a_person_preselects_them_and_chooses_the_company(client, world, coach):
    company = CompanyFactory(organisation=world.org_a)
    url = reverse("employers:log_add")
    form = client.get(url, {"personne": world.person.pk, "entreprise": company.pk}).context["form"]
    assert form.initial["person"] == world.person and form.initial["company"] == company
    response = client.post(
        url,
        {
            "company": company.pk,
            "kind": EmployerContactKind.PHONE_CALL,
            "contacted_on": today().isoformat(),
            "person": world.person.pk,
        },
    )
    assert response.status_code == 302
    assert EmployerContact.objects.get().person == world.person


def test_archived_companies_are_not_offered_for_a_new_contact_or_opening(client, world, coach):
    kept = CompanyFactory(organisation=world.org_a)
    archived = CompanyFactory(organisation=world.org_a)
    archived.archived_at = archived.created_at
    archived.save()
    for url in (reverse("employers:log_add"), reverse("employers:opening_add")):
        offered = set(client.get(url).context["form"].fields["company"].queryset)
        assert kept in offered and archived not in offered


def test_a_person_the_user_does_not_follow_cannot_be_chosen(client, world, coach):
    stranger = enrol(world.a2).person
    company = CompanyFactory(organisation=world.org_a)
    form = client.get(reverse("employers:log_add"), {"personne": stranger.pk}).context["form"]
    assert form.initial["person"] is None
    response = client.post(
        reverse("employers:company_log_add", args=[company.pk]),
        {"kind": EmployerContactKind.PHONE_CALL, "contacted_on": today().isoformat(), "person": stranger.pk},
    )
    assert response.status_code == 200 and not EmployerContact.objects.exists()


def test_the_log_filters_by_coach_kind_and_period_and_sums_up_my_weeks(client, world, coach):
    company = CompanyFactory(organisation=world.org_a, name="Société Alpha")
    EmployerContactFactory(company=company, coach=coach, notes="Appel récent")
    EmployerContactFactory(
        company=company,
        coach=coach,
        kind=EmployerContactKind.PROSPECTING_VISIT,
        face_to_face=True,
        notes="Visite récente",
    )
    EmployerContactFactory(company=company, coach=world.users["psychologist"], notes="Appel du collègue")
    EmployerContactFactory(
        company=company, coach=coach, contacted_on=today() - timedelta(days=100), notes="Appel ancien"
    )
    url = reverse("employers:log")
    response = client.get(url)
    weeks = response.context["weeks"]
    assert len(weeks) == 8 and (weeks[-1].all, weeks[-1].face_to_face) == (2, 1)
    page = page_of(client.get(url, {"coach": coach.pk}))
    assert "Appel récent" in page and "Appel du collègue" not in page
    page = page_of(client.get(url, {"kind": EmployerContactKind.PROSPECTING_VISIT}))
    assert "Visite récente" in page and "Appel récent" not in page
    page = page_of(client.get(url, {"start": (today() - timedelta(days=7)).isoformat()}))
    assert "Appel récent" in page and "Appel ancien" not in page
    assert client.get(url, {"start": today().isoformat(), "end": "2000-01-01"}).status_code == 200


def test_the_log_lists_with_a_constant_number_of_queries(client, world, coach):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("employers:log")).status_code == 200
        return len(captured)

    company = CompanyFactory(organisation=world.org_a)
    EmployerContactFactory(company=company, coach=coach, person=world.person)
    few = queries()
    for _ in range(5):
        tutor = CompanyContactFactory(company=CompanyFactory(organisation=world.org_a))
        EmployerContactFactory(company=tutor.company, coach=coach, person=world.person, company_contact=tutor)
    assert queries() == few


def test_the_persons_timeline_shows_their_employer_contacts(client, world, coach):
    company = CompanyFactory(organisation=world.org_a, name="Société Bêta")
    EmployerContactFactory(company=company, coach=coach, person=world.person, notes="Entretien prévu")
    page = page_of(
        client.get(reverse("people:timeline", args=[world.person.pk]), {"type": "employer_contacts"})
    )
    assert "Société Bêta" in page and "Entretien prévu" in page


# --- Openings ----------------------------------------------------------------------------------


def test_an_opening_is_created_from_the_company_then_its_status_changes(client, world, coach):
    company = CompanyFactory(organisation=world.org_a, postal_code="26100", city="Romans")
    response = client.post(reverse("employers:company_opening_add", args=[company.pk]), opening_data())
    opening = Opening.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "employers:opening_detail", args=[opening.pk]
    )
    assert (opening.company, opening.city, opening.status) == (company, "Romans", OpeningStatus.OPEN)
    response = client.post(
        reverse("employers:opening_edit", args=[opening.pk]), opening_data(status="filled", city="Valence")
    )
    assert response.status_code == 302
    opening.refresh_from_db()
    assert (opening.status, opening.city) == (OpeningStatus.FILLED, "Valence")


def test_an_opening_is_created_choosing_the_company(client, world, coach):
    company = CompanyFactory(organisation=world.org_a)
    form = client.get(reverse("employers:opening_add"), {"entreprise": company.pk}).context["form"]
    assert form.initial["company"] == company
    response = client.post(reverse("employers:opening_add"), opening_data(company=company.pk))
    assert response.status_code == 302 and Opening.objects.get().company == company


def test_49_hours_a_week_keeps_the_input_and_says_why(client, world, coach):
    company = CompanyFactory(organisation=world.org_a)
    response = client.post(
        reverse("employers:company_opening_add", args=[company.pk]),
        opening_data(hours_per_week="49", city="Die"),
    )
    assert response.status_code == 200
    page = page_of(response)
    assert "Au plus 48 heures par semaine" in page and 'value="Die"' in page
    assert not Opening.objects.exists()


def test_an_archived_company_takes_no_new_opening_on_its_page(client, world, coach):
    company = CompanyFactory(organisation=world.org_a)
    company.archived_at = company.created_at
    company.save()
    response = client.post(reverse("employers:company_opening_add", args=[company.pk]), opening_data())
    assert response.status_code == 200 and "archivée" in page_of(response)
    assert not Opening.objects.exists()


def test_the_opening_list_searches_by_job_title_and_filters_by_status_and_contract(client, world, coach):
    company = CompanyFactory(organisation=world.org_a)
    OpeningFactory(company=company, job_title=job_title(), description="")
    other = OpeningFactory(company=company, contract_type="temporary", status=OpeningStatus.CLOSED)
    other.job_title = job_title("Vendeur / Vendeuse en boulangerie-pâtisserie")
    other.save()
    url = reverse("employers:openings")
    page = page_of(client.get(url, {"q": "vendeuse"}))
    assert "Vendeur / Vendeuse en boulangerie" in page and "Boulanger / Boulangère" not in page
    page = page_of(client.get(url, {"status": "open"}))
    assert "Boulanger / Boulangère" in page and "Vendeur / Vendeuse" not in page
    page = page_of(client.get(url, {"contract_type": "temporary"}))
    assert "Vendeur / Vendeuse" in page and "Boulanger / Boulangère" not in page
    assert "Aucune offre d'emploi pour l'instant." in page_of(client.get(url, {"q": "astronaute"}))


def test_the_opening_page_shows_the_matching_panel(client, world, coach):
    opening = OpeningFactory(company=CompanyFactory(organisation=world.org_a))
    response = client.get(reverse("employers:opening_detail", args=[opening.pk]))
    assert response.status_code == 200
    assert "matching/_opening_panel.html" in [t.name for t in response.templates]


# --- Who sees what -----------------------------------------------------------------------------


def test_another_organisation_never_sees_the_companies(client, world):
    company = CompanyFactory(organisation=world.org_a, name="Entreprise de A")
    opening = OpeningFactory(company=company)
    client.force_login(world.users["other_org_coach"])
    assert "Entreprise de A" not in page_of(client.get(reverse("employers:list")))
    assert client.get(reverse("employers:detail", args=[company.pk])).status_code == 404
    assert client.get(reverse("employers:opening_detail", args=[opening.pk])).status_code == 404
    assert not client.get(reverse("employers:openings")).context["page"].object_list


def test_a_log_entry_about_a_person_stays_with_those_who_reach_them(client, world):
    company = CompanyFactory(organisation=world.org_a, name="Entreprise Partagée")
    EmployerContactFactory(
        company=company, coach=world.users["coach"], person=world.person, notes="Candidature de la personne"
    )
    EmployerContactFactory(company=company, coach=world.users["coach"], notes="Pour personne")
    client.force_login(world.users["other_service_coach"])
    page = page_of(client.get(reverse("employers:detail", args=[company.pk])))
    assert "Entreprise Partagée" in page and "Pour personne" in page
    assert "Candidature de la personne" not in page and world.person.full_name not in page
    page = page_of(client.get(reverse("employers:log")))
    assert "Pour personne" in page and "Candidature de la personne" not in page
    client.force_login(world.users["coach"])
    page = page_of(client.get(reverse("employers:detail", args=[company.pk])))
    # The coach sees the entry and whom it was for; its notes are read on the person's timeline,
    # where the reading is recorded.
    assert world.person.full_name in page and "Candidature de la personne" not in page
    assert reverse("people:timeline", args=[world.person.pk]) in page


def test_case_workers_get_the_job_development_links(client, world, coach):
    page = page_of(client.get(reverse("employers:list")))
    for name, label in (
        ("employers:list", "Employeurs"),
        ("employers:openings", "Offres d'emploi"),
        ("employers:log", "Contacts employeurs"),
    ):
        assert f'href="{reverse(name)}"' in page and label in page
    client.force_login(world.users["funder_viewer"])
    assert reverse("employers:list") not in page_of(client.get(reverse("outcomes:dashboard")))
