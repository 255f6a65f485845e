"""The kind of employer (ordinary, adapted company, ESAT, the SIAE kinds): chosen in the company
form, shown on its page and in the list, filtered on; and the contract types of a civil-service
tenure and a business creation offered wherever a contract is chosen."""

import pytest
from django.urls import reverse

from filrouge.employers.models import Company, CompanyKind, RelationshipStatus
from filrouge.referentials.models import ContractType
from tests.employers.factories import CompanyFactory
from tests.employers.test_views import page_of

pytestmark = pytest.mark.django_db


def company_data(**fields):
    return {"name": "Jardins de Cocagne", "relationship_status": RelationshipStatus.PARTNER} | fields


def test_the_form_offers_every_kind_an_ordinary_employer_first(client, coach):
    page = page_of(client.get(reverse("employers:create")))
    assert "Type d'employeur" in page
    assert '<option value="ordinary" selected>Employeur ordinaire</option>' in page
    for kind in CompanyKind:
        assert f'<option value="{kind.value}"' in page and str(kind.label) in page


def test_the_kind_is_saved_shown_and_changed_through_the_form(client, world, coach):
    response = client.post(reverse("employers:create"), company_data(kind=CompanyKind.ACI))
    company = Company.objects.get()
    assert response.status_code == 302 and company.kind == CompanyKind.ACI
    detail = page_of(client.get(reverse("employers:detail", args=[company.pk])))
    assert "Type d'employeur" in detail and "Atelier et chantier d'insertion (ACI, SIAE)" in detail
    edit_url = reverse("employers:edit", args=[company.pk])
    assert 'value="aci" selected' in page_of(client.get(edit_url))

    assert client.post(edit_url, company_data(kind=CompanyKind.ADAPTED)).status_code == 302
    company.refresh_from_db()
    assert company.kind == CompanyKind.ADAPTED
    # A form sent without the kind (an older page, a script) leaves it as it is.
    assert client.post(edit_url, company_data(name="Jardins de Cocagne Drôme")).status_code == 302
    company.refresh_from_db()
    assert (company.name, company.kind) == ("Jardins de Cocagne Drôme", CompanyKind.ADAPTED)


def test_a_new_company_sent_without_a_kind_is_an_ordinary_employer(client, coach):
    assert client.post(reverse("employers:create"), company_data()).status_code == 302
    assert Company.objects.get().kind == CompanyKind.ORDINARY


@pytest.mark.parametrize("value", ["siae", "ACI", "entreprise adaptée"])
def test_a_kind_outside_the_list_is_refused_and_the_input_kept(client, coach, value):
    response = client.post(reverse("employers:create"), company_data(kind=value, city="Crest"))
    page = page_of(response)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in page
    assert "Jardins de Cocagne" in page and "Crest" in page
    assert not Company.objects.exists()


def test_the_list_shows_the_kind_and_filters_on_it(client, world, coach):
    CompanyFactory(organisation=world.org_a, name="Boulangerie du Parc")
    CompanyFactory(organisation=world.org_a, name="Jardins de Cocagne", kind=CompanyKind.ACI)
    CompanyFactory(organisation=world.org_a, name="Garonne Services", kind=CompanyKind.ADAPTED)
    url = reverse("employers:list")
    page = page_of(client.get(url))
    assert "Atelier et chantier d'insertion (ACI, SIAE)" in page and "Entreprise adaptée (EA)" in page
    assert "Employeur ordinaire</span>" not in page  # said only of the other kinds
    filtered = page_of(client.get(url, {"kind": CompanyKind.ACI}))
    assert "Jardins de Cocagne" in filtered
    assert "Boulangerie du Parc" not in filtered and "Garonne Services" not in filtered
    ordinary = page_of(client.get(url, {"kind": CompanyKind.ORDINARY}))
    assert "Boulangerie du Parc" in ordinary and "Jardins de Cocagne" not in ordinary
    assert "Aucune entreprise ne correspond" in page_of(client.get(url, {"kind": CompanyKind.ESAT}))


def test_the_new_contract_types_are_offered_for_openings_and_jobs(client, world, coach):
    opening_form = page_of(client.get(reverse("employers:opening_add")))
    openings = page_of(client.get(reverse("employers:openings")))
    job_form = page_of(client.get(reverse("placements:create", args=[world.enrolment.pk, "emploi"])))
    for page in (opening_form, openings, job_form):
        for contract in (ContractType.TENURE, ContractType.BUSINESS_CREATION):
            assert f'<option value="{contract.value}">{contract.label}</option>' in page
