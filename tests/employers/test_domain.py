"""The rules of job development: a SIRET that exists and is recorded once in the organisation,
archived companies kept read-only, the contact log's coherence, openings within a legal week."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from filrouge.employers import domain
from filrouge.employers.models import (
    Company,
    EmployerContact,
    EmployerContactKind,
    Opening,
    OpeningStatus,
    SizeBand,
)
from filrouge.organisations.validators import synthetic_siret
from filrouge.pathways.domain import today
from filrouge.people.models import Contact, ContactKind
from filrouge.referentials.models import ContractType
from tests.employers.factories import (
    CompanyContactFactory,
    CompanyFactory,
    EmployerContactFactory,
    OpeningFactory,
)
from tests.pathways.factories import enrol
from tests.profiles.factories import job_title

pytestmark = pytest.mark.django_db
VALID_SIRET = synthetic_siret(4242)


def wrong_check_digit(siret: str) -> str:
    return siret[:-1] + str((int(siret[-1]) + 1) % 10)


def new_company(world, **fields) -> Company:
    return Company(organisation=world.org_a, **({"name": "Menuiserie Test"} | fields))


def record(world, company, **fields):
    arguments = {
        "company": company,
        "by": world.users["coach"],
        "kind": EmployerContactKind.PROSPECTING_VISIT,
        "face_to_face": True,
        "contacted_on": today(),
    }
    return domain.record_employer_contact(**(arguments | fields))


def an_opening(company, **fields) -> Opening:
    values = {
        "company": company,
        "job_title": job_title(),
        "contract_type": ContractType.CDI,
        "hours_per_week": 24,
    }
    return Opening(**(values | fields))


# --- Companies ---------------------------------------------------------------------------------


def test_a_siret_typed_with_spaces_is_stored_as_its_fourteen_digits(world):
    spaced = f"{VALID_SIRET[:3]} {VALID_SIRET[3:6]} {VALID_SIRET[6:9]} {VALID_SIRET[9:]}"
    company = domain.save_company(new_company(world, siret=spaced), by=world.users["coach"])
    assert company.siret == VALID_SIRET and company.created_by == world.users["coach"]


def test_a_siret_with_a_wrong_check_digit_is_refused_with_the_reason(world):
    with pytest.raises(ValidationError) as refused:
        domain.save_company(new_company(world, siret=wrong_check_digit(VALID_SIRET)), by=None)
    assert refused.value.message_dict["siret"] == [
        "Ce SIRET n'existe pas : sa clé de contrôle est fausse. Vérifiez les 14 chiffres."
    ]
    assert not Company.objects.exists()


def test_two_coaches_recording_the_same_siret_are_pointed_to_the_first_company(world):
    first = domain.save_company(new_company(world, siret=VALID_SIRET), by=world.users["coach"])
    with pytest.raises(domain.DuplicateCompany) as refused:
        domain.save_company(
            new_company(world, name="Autre nom", siret=VALID_SIRET), by=world.users["other_service_coach"]
        )
    assert refused.value.existing == first
    assert "Menuiserie Test" in refused.value.message_dict["siret"][0]
    assert Company.objects.count() == 1


def test_an_archived_company_still_guards_its_siret(world):
    first = domain.save_company(new_company(world, siret=VALID_SIRET), by=None)
    domain.archive_company(first, by=None)
    with pytest.raises(domain.DuplicateCompany) as refused:
        domain.save_company(new_company(world, siret=VALID_SIRET), by=None)
    assert refused.value.existing == first
    assert "archivée" in refused.value.message_dict["siret"][0]


def test_the_same_siret_in_another_organisation_is_another_company(world):
    domain.save_company(new_company(world, siret=VALID_SIRET), by=None)
    elsewhere = domain.save_company(Company(organisation=world.org_b, name="B", siret=VALID_SIRET), by=None)
    assert elsewhere.pk


def test_saving_a_company_again_is_not_a_duplicate_of_itself_and_renames_its_contact_people(world):
    company = domain.save_company(new_company(world, siret=VALID_SIRET), by=None)
    tutor = CompanyContactFactory(company=company)
    company.name = "Menuiserie Nouvelle"
    domain.save_company(company, by=None)
    tutor.refresh_from_db()
    assert tutor.partner_name == "Menuiserie Nouvelle"


def test_archiving_hides_the_company_closes_its_openings_and_restoring_brings_it_back(world):
    company = CompanyFactory(organisation=world.org_a)
    opened, filled = (
        OpeningFactory(company=company),
        OpeningFactory(company=company, status=OpeningStatus.FILLED),
    )
    assert domain.archive_company(company, by=None) == 1
    opened.refresh_from_db()
    filled.refresh_from_db()
    assert (opened.status, filled.status) == (OpeningStatus.CLOSED, OpeningStatus.FILLED)
    assert not Company.objects.active().filter(pk=company.pk).exists()
    with pytest.raises(ValidationError):
        domain.archive_company(company, by=None)
    domain.restore_company(company, by=None)
    assert Company.objects.active().filter(pk=company.pk).exists()
    with pytest.raises(ValidationError):
        domain.restore_company(company, by=None)


@pytest.mark.parametrize(
    ("band", "label"),
    [
        (SizeBand.FROM_20, "Oui (6 %)"),
        (SizeBand.FROM_1000, "Oui (6 %)"),
        (SizeBand.FROM_10, "Non (moins de 20 salariés)"),
        ("", "Effectif inconnu"),
    ],
)
def test_the_obligation_applies_from_twenty_employees(band, label):
    assert domain.obligation_label(Company(size_band=band)) == label


def test_a_contact_person_is_an_employer_partner_of_the_company(world):
    company = CompanyFactory(organisation=world.org_a, name="Garage Central")
    contact = domain.save_company_contact(Contact(full_name="Marc Tuteur"), company)
    assert (contact.kind, contact.company, contact.partner_name) == (
        ContactKind.EMPLOYER,
        company,
        "Garage Central",
    )
    assert contact.organisation == world.org_a


def test_an_archived_company_takes_no_new_contact_person(world):
    company = CompanyFactory(organisation=world.org_a)
    domain.archive_company(company, by=None)
    with pytest.raises(ValidationError, match="archivée"):
        domain.save_company_contact(Contact(full_name="Marc Tuteur"), company)


# --- The contact log ---------------------------------------------------------------------------


def test_a_contact_is_recorded_for_a_person_the_coach_follows(world):
    company = CompanyFactory(organisation=world.org_a)
    tutor = CompanyContactFactory(company=company)
    entry = record(world, company, person=world.person, company_contact=tutor, notes="Poste en boulangerie.")
    assert (entry.coach, entry.person, entry.organisation) == (
        world.users["coach"],
        world.person,
        world.org_a,
    )


@pytest.mark.parametrize(
    ("kind", "face_to_face", "reason"),
    [
        (EmployerContactKind.PHONE_CALL, True, "jamais en face à face"),
        (EmployerContactKind.FOLLOW_UP_VISIT, False, "toujours en face à face"),
        (EmployerContactKind.PROSPECTING_VISIT, False, "toujours en face à face"),
    ],
)
def test_a_phone_call_is_never_face_to_face_and_a_visit_always_is(world, kind, face_to_face, reason):
    with pytest.raises(ValidationError) as refused:
        record(world, CompanyFactory(organisation=world.org_a), kind=kind, face_to_face=face_to_face)
    assert reason in refused.value.message_dict["face_to_face"][0]
    assert not EmployerContact.objects.exists()


def test_a_contact_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        record(world, CompanyFactory(organisation=world.org_a), contacted_on=today() + timedelta(days=1))
    assert refused.value.message_dict["contacted_on"] == [
        "La date du contact ne peut pas être dans le futur."
    ]


def test_a_person_out_of_the_coachs_reach_is_refused(world):
    stranger = enrol(world.a2).person
    with pytest.raises(ValidationError) as refused:
        record(world, CompanyFactory(organisation=world.org_a), person=stranger)
    assert "n'accompagnez pas" in refused.value.message_dict["person"][0]


def test_the_contact_person_must_work_at_the_company(world):
    company = CompanyFactory(organisation=world.org_a)
    elsewhere = CompanyContactFactory(company=CompanyFactory(organisation=world.org_a))
    with pytest.raises(ValidationError) as refused:
        record(world, company, company_contact=elsewhere)
    assert "ne fait pas partie" in refused.value.message_dict["company_contact"][0]


def test_an_archived_company_takes_no_new_contact(world):
    company = CompanyFactory(organisation=world.org_a)
    domain.archive_company(company, by=None)
    with pytest.raises(ValidationError, match="archivée"):
        record(world, company)


def test_contacts_per_week_counts_all_and_face_to_face_in_each_iso_week_zero_included(world):
    coach = world.users["coach"]
    company = CompanyFactory(organisation=world.org_a)
    monday = date(2026, 3, 2)  # ISO week 10
    EmployerContactFactory(company=company, coach=coach, contacted_on=monday)
    EmployerContactFactory(
        company=company,
        coach=coach,
        contacted_on=monday + timedelta(days=6),
        kind=EmployerContactKind.PROSPECTING_VISIT,
        face_to_face=True,
    )
    EmployerContactFactory(company=company, coach=coach, contacted_on=monday + timedelta(days=14))
    EmployerContactFactory(company=company, contacted_on=monday)  # another coach's
    weeks = domain.contacts_per_week(coach, monday + timedelta(days=2), monday + timedelta(days=15))
    assert [(w.monday, w.number, w.all, w.face_to_face) for w in weeks] == [
        (monday, 10, 2, 1),
        (monday + timedelta(days=7), 11, 0, 0),
        (monday + timedelta(days=14), 12, 1, 0),
    ]


# --- Openings ----------------------------------------------------------------------------------


def test_an_opening_takes_the_rome_code_and_the_company_place_when_left_empty(world):
    company = CompanyFactory(
        organisation=world.org_a,
        postal_code="26100",
        city="Romans",
        latitude=Decimal("45.04"),
        longitude=Decimal("5.05"),
    )
    opening = domain.save_opening(an_opening(company), by=world.users["coach"])
    assert (opening.postal_code, opening.city) == ("26100", "Romans")
    assert (opening.latitude, opening.longitude) == (Decimal("45.04"), Decimal("5.05"))
    assert opening.rome_code == opening.job_title.occupation_id and opening.organisation == world.org_a
    assert opening.status == OpeningStatus.OPEN and opening.created_by == world.users["coach"]


def test_an_opening_keeps_its_own_place(world):
    company = CompanyFactory(organisation=world.org_a, city="Romans")
    opening = domain.save_opening(an_opening(company, postal_code="26000", city="Valence"), by=None)
    assert opening.city == "Valence"


@pytest.mark.parametrize("hours", [0, 49])
def test_hours_beyond_a_legal_week_are_refused(world, hours):
    with pytest.raises(ValidationError) as refused:
        domain.save_opening(
            an_opening(CompanyFactory(organisation=world.org_a), hours_per_week=hours), by=None
        )
    assert "hours_per_week" in refused.value.message_dict
    assert not Opening.objects.exists()


def test_an_opening_has_at_least_one_position(world):
    with pytest.raises(ValidationError) as refused:
        domain.save_opening(an_opening(CompanyFactory(organisation=world.org_a), positions=0), by=None)
    assert "positions" in refused.value.message_dict


def test_an_archived_company_refuses_a_new_opening(world):
    company = CompanyFactory(organisation=world.org_a)
    domain.archive_company(company, by=None)
    with pytest.raises(ValidationError, match="archivée"):
        domain.save_opening(an_opening(company), by=None)


def test_an_opening_changes_status_and_is_not_reopened_at_an_archived_company(world):
    company = CompanyFactory(organisation=world.org_a)
    opening = OpeningFactory(company=company)
    opening.status = OpeningStatus.FILLED
    domain.save_opening(opening, by=None)
    domain.archive_company(company, by=None)
    opening.refresh_from_db()
    assert opening.status == OpeningStatus.FILLED
    opening.status = OpeningStatus.OPEN
    with pytest.raises(ValidationError, match="archivée"):
        domain.save_opening(opening, by=None)


def test_the_recruiter_of_an_opening_works_at_its_company(world):
    company = CompanyFactory(organisation=world.org_a)
    elsewhere = CompanyContactFactory(company=CompanyFactory(organisation=world.org_a))
    with pytest.raises(ValidationError) as refused:
        domain.save_opening(an_opening(company, recruiter=elsewhere), by=None)
    assert "recruiter" in refused.value.message_dict
