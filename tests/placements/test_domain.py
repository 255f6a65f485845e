from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from filrouge.employers.models import Company, CompanyKind
from filrouge.pathways import domain as pathways
from filrouge.pathways.models import Phase
from filrouge.people.models import ANONYMISED_RECORD, ContactKind, Person, PersonContact
from filrouge.placements import domain
from filrouge.placements.models import (
    DURABLE,
    TRANSITIONAL,
    AdjustmentKind,
    AdjustmentStatus,
    EmployerDisclosure,
    EndReason,
    ImmersionAssessment,
    ImmersionObjective,
    Placement,
    PlacementKind,
    ReviewOutcome,
)
from filrouge.referentials.models import ContractType
from tests.documents.factories import attachment
from tests.employers.factories import CompanyFactory
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory, immersion, tutor_at
from tests.profiles.factories import job_title

pytestmark = pytest.mark.django_db

today = pathways.today


@pytest.fixture(autouse=True)
def in_french():
    with translation.override("fr"):
        yield


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "uploads"


def details(enrolment, **fields) -> dict:
    """A valid job: a CDI of 24 hours a week, begun 10 days ago, in a company of the organisation."""
    return {
        "kind": PlacementKind.EMPLOYMENT,
        "company": CompanyFactory(organisation=enrolment.organisation),
        "job_title": job_title(),
        "contract_type": ContractType.CDI,
        "started_on": today() - timedelta(days=10),
        "hours_per_week": 24,
    } | fields


def start(enrolment, by=None, **fields) -> Placement:
    return domain.start_placement(enrolment, by, **details(enrolment, **fields))


def refusal(enrolment, **fields) -> dict:
    with pytest.raises(ValidationError) as caught:
        start(enrolment, **fields)
    return caught.value.message_dict


def an_immersion(enrolment, start_on, end_on, **fields) -> dict:
    return {
        "kind": PlacementKind.IMMERSION,
        "contract_type": "",
        "objective": ImmersionObjective.DISCOVER,
        "started_on": start_on,
        "planned_end_on": end_on,
    } | fields


# --- Bad input ---------------------------------------------------------------------------------


def test_an_immersion_of_40_days_is_refused_with_the_latest_end_it_may_have(world):
    enrolment = enrol(world.a1, days_ago=800)
    start_on = date(today().year - 1, 3, 3)
    errors = refusal(enrolment, **an_immersion(enrolment, start_on, start_on + timedelta(days=40)))
    assert errors["planned_end_on"] == [
        "Une immersion dure au plus un mois, de date à date : commencée le 3 mars, elle finit au plus "
        "tard le 2 avril. Si ses objectifs ne sont pas atteints, elle peut être renouvelée une fois."
    ]
    # One day more than a month, de date à date, is refused too.
    assert "planned_end_on" in refusal(
        enrolment, **an_immersion(enrolment, start_on, date(start_on.year, 4, 3))
    )
    assert not Placement.objects.exists()


def test_an_immersion_of_exactly_one_month_is_accepted(world):
    enrolment = enrol(world.a1, days_ago=800)
    start_on = date(today().year - 1, 3, 3)
    placement = start(enrolment, **an_immersion(enrolment, start_on, date(start_on.year, 4, 2)))
    assert placement.kind == PlacementKind.IMMERSION and placement.contract_type == ""
    assert not placement.is_durable


def test_an_end_before_the_start_is_refused(world):
    errors = refusal(
        world.enrolment,
        contract_type=ContractType.CDD_SHORT,
        started_on=today() - timedelta(days=5),
        planned_end_on=today() - timedelta(days=6),
    )
    assert "La fin prévue ne peut pas précéder le début" in errors["planned_end_on"][0]


@pytest.mark.parametrize("hours", [0, 49])
def test_hours_per_week_outside_1_to_48_are_refused(world, hours):
    errors = refusal(world.enrolment, hours_per_week=hours)
    expected = "Au plus 48 heures" if hours else "Au moins 1 heure"
    assert expected in errors["hours_per_week"][0]


def test_every_mistake_is_reported_at_once_by_field(world):
    other_company = CompanyFactory(organisation=world.org_a)
    errors = refusal(
        world.enrolment,
        contract_type="",
        hours_per_week=60,
        tutor=tutor_at(other_company),
        started_on=world.enrolment.referral_date - timedelta(days=1),
    )
    assert set(errors) == {"contract_type", "hours_per_week", "tutor", "started_on"}
    assert "Un emploi demande son type de contrat." in errors["contract_type"]
    assert "n'est pas un contact de" in errors["tutor"][0]


def first_of_this_month() -> date:
    return today().replace(day=1)  # after the world's pathway began (60 days ago)


def end_of_month(first: date, later: int) -> date:
    """The last day of the month `later` months after `first` (a 1st): where 6 months from the 1st
    end, de date à date, for later=5."""
    month = first.month - 1 + later + 1
    return date(first.year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


@pytest.mark.parametrize(
    ("contract", "later", "shift", "message"),
    [
        # From the 1st of a month, six months de date à date end on the last day of the 6th month.
        (ContractType.CDD_SHORT, 5, 0, "Ce CDD dure 6 mois ou plus de date à date"),
        (ContractType.CDD_SHORT, 6, 0, "choisissez « CDD de 6 mois ou plus »"),
        (ContractType.CDD_LONG, 5, -1, "choisissez « CDD de moins de 6 mois »"),
    ],
)
def test_a_cdd_whose_dates_contradict_its_type_says_which_to_choose(world, contract, later, shift, message):
    first = first_of_this_month()
    end = end_of_month(first, later) + timedelta(days=shift)
    errors = refusal(world.enrolment, contract_type=contract, started_on=first, planned_end_on=end)
    assert message in errors["contract_type"][0]


@pytest.mark.parametrize(("contract", "shift"), [(ContractType.CDD_SHORT, -1), (ContractType.CDD_LONG, 0)])
def test_a_cdd_matching_its_type_de_date_a_date_is_accepted(world, contract, shift):
    first = first_of_this_month()
    end = end_of_month(first, 5) + timedelta(days=shift)
    placement = start(world.enrolment, contract_type=contract, started_on=first, planned_end_on=end)
    assert placement.is_durable is (contract == ContractType.CDD_LONG)


@pytest.mark.parametrize("contract", [ContractType.CDI, ContractType.TENURE, ContractType.BUSINESS_CREATION])
def test_a_contract_without_end_refuses_a_planned_end_and_a_cdd_needs_one(world, contract):
    errors = refusal(world.enrolment, contract_type=contract, planned_end_on=today())
    assert "n'a pas de fin prévue" in errors["planned_end_on"][0]
    errors = refusal(world.enrolment, contract_type=ContractType.CDD_LONG)
    assert errors["planned_end_on"] == ["Indiquez la fin prévue du CDD."]


def test_the_company_must_be_the_organisations_and_not_archived(world):
    errors = refusal(world.enrolment, company=CompanyFactory(organisation=world.org_b))
    assert "pas dans le répertoire de l'organisation" in errors["company"][0]
    archived = CompanyFactory(organisation=world.org_a, archived_at=timezone.now())
    assert "archivée" in refusal(world.enrolment, company=archived)["company"][0]


def test_the_tutor_must_be_a_contact_of_that_company(world):
    company = CompanyFactory(organisation=world.org_a)
    errors = refusal(
        world.enrolment, company=company, tutor=tutor_at(CompanyFactory(organisation=world.org_a))
    )
    assert "choisissez un contact de cette entreprise" in errors["tutor"][0]
    placement = start(world.enrolment, company=company, tutor=tutor_at(company))
    # The tutor becomes one of the person's partners, so that their consents can name them.
    assert PersonContact.objects.filter(
        person=world.person, contact=placement.tutor, relation=ContactKind.EMPLOYER
    ).exists()


def test_the_agreement_must_be_in_the_persons_documents(world):
    someone_else = enrol(world.a1).person
    start_on = today() - timedelta(days=5)
    fields = an_immersion(world.enrolment, start_on, start_on + timedelta(days=10))
    errors = refusal(world.enrolment, **fields, agreement=attachment(someone_else, kind="agreement"))
    assert errors["agreement"] == ["Ce document n'est pas dans le dossier de la personne."]
    mine = attachment(world.person, kind="agreement")
    assert start(world.enrolment, **fields, agreement=mine).agreement == mine


def test_an_immersion_needs_its_objective(world):
    start_on = today() - timedelta(days=5)
    errors = refusal(world.enrolment, **an_immersion(world.enrolment, start_on, start_on, objective=""))
    assert errors["objective"] == ["Choisissez l'objectif de l'immersion."]


def test_no_placement_on_an_ended_pathway_nor_an_anonymised_record(world):
    enrolment = enrol(world.a1, days_ago=90)
    pathways.record_exit(enrolment, on=today(), outcome="moved", by=None)
    assert "Ce parcours est terminé" in refusal(enrolment)["__all__"][0]
    Person.objects.filter(pk=world.person.pk).update(anonymised_at=timezone.now())
    world.enrolment.refresh_from_db()
    assert refusal(world.enrolment)["__all__"] == [str(ANONYMISED_RECORD)]


# --- Durable employment ------------------------------------------------------------------------

START = date(2026, 1, 15)  # six months de date à date end on 14 July 2026
SIX_MONTHS = date(2026, 7, 14)


@pytest.mark.parametrize(
    ("kind", "contract", "planned_end", "employer", "outcome"),
    [
        (PlacementKind.EMPLOYMENT, ContractType.CDI, None, CompanyKind.ORDINARY, DURABLE),
        (PlacementKind.EMPLOYMENT, ContractType.CDD_LONG, SIX_MONTHS, CompanyKind.ORDINARY, DURABLE),
        (
            PlacementKind.EMPLOYMENT,
            ContractType.CDD_SHORT,
            date(2026, 4, 14),
            CompanyKind.ORDINARY,
            TRANSITIONAL,
        ),
        (PlacementKind.EMPLOYMENT, ContractType.TEMPORARY, SIX_MONTHS, CompanyKind.ORDINARY, DURABLE),
        (
            PlacementKind.EMPLOYMENT,
            ContractType.TEMPORARY,
            date(2026, 7, 13),
            CompanyKind.ORDINARY,
            TRANSITIONAL,
        ),
        (PlacementKind.EMPLOYMENT, ContractType.TEMPORARY, None, CompanyKind.ORDINARY, TRANSITIONAL),
        (PlacementKind.EMPLOYMENT, ContractType.WORK_STUDY, date(2027, 7, 14), CompanyKind.ORDINARY, DURABLE),
        (
            PlacementKind.EMPLOYMENT,
            ContractType.SUBSIDISED,
            date(2027, 1, 14),
            CompanyKind.ORDINARY,
            TRANSITIONAL,
        ),
        (PlacementKind.EMPLOYMENT, ContractType.TENURE, None, CompanyKind.ORDINARY, DURABLE),
        (PlacementKind.EMPLOYMENT, ContractType.BUSINESS_CREATION, None, CompanyKind.ORDINARY, DURABLE),
        (PlacementKind.EMPLOYMENT, ContractType.CDI, None, CompanyKind.ADAPTED, DURABLE),
        (PlacementKind.EMPLOYMENT, ContractType.CDI, None, CompanyKind.ACI, ""),  # an SIAE
        (PlacementKind.EMPLOYMENT, ContractType.CDD_SHORT, date(2026, 4, 14), CompanyKind.ETTI, ""),
        (PlacementKind.EMPLOYMENT, ContractType.CDI, None, CompanyKind.ESAT, ""),
        (PlacementKind.EMPLOYMENT, ContractType.INSERTION, date(2026, 7, 14), CompanyKind.ORDINARY, ""),
        (PlacementKind.EMPLOYMENT, ContractType.OTHER, None, CompanyKind.ORDINARY, ""),
        (PlacementKind.IMMERSION, "", date(2026, 2, 14), CompanyKind.ORDINARY, ""),
        (PlacementKind.INTERNSHIP, ContractType.CDI, None, CompanyKind.ORDINARY, ""),
    ],
)
def test_kinds_of_exit_into_employment_as_the_dgefp_defines_them(
    kind, contract, planned_end, employer, outcome
):
    placement = Placement(
        kind=kind,
        contract_type=contract,
        started_on=START,
        planned_end_on=planned_end,
        company=Company(kind=employer),
    )
    assert placement.employment_outcome == outcome
    assert placement.is_durable is (outcome == DURABLE)


# --- The pathway's phase follows -----------------------------------------------------------------


def test_starting_a_job_moves_the_pathway_to_in_employment_dated_at_its_start(world):
    placement = start(world.enrolment, by=world.users["coach"])
    world.enrolment.refresh_from_db()
    assert world.enrolment.phase == Phase.IN_EMPLOYMENT
    change = pathways.latest_change(world.enrolment)
    assert change.changed_on == placement.started_on and change.recorded_by == world.users["coach"]


def test_a_job_starting_later_leaves_the_phase_and_unticking_keeps_the_phase(world):
    start(world.enrolment, started_on=today() + timedelta(days=7))
    world.enrolment.refresh_from_db()
    assert world.enrolment.phase == Phase.INTAKE
    other = enrol(world.a1)
    start(other, move_to_employment=False)
    other.refresh_from_db()
    assert other.phase == Phase.INTAKE


def test_an_immersion_or_an_internship_leaves_the_phase(world):
    start_on = today() - timedelta(days=5)
    start(world.enrolment, **an_immersion(world.enrolment, start_on, start_on + timedelta(days=10)))
    start(world.enrolment, kind=PlacementKind.INTERNSHIP, contract_type="")
    world.enrolment.refresh_from_db()
    assert world.enrolment.phase == Phase.INTAKE


def end(placement, **fields):
    arguments = {"ended_on": today(), "reason": EndReason.END_OF_TRIAL} | fields
    return domain.end_placement(placement, None, **arguments)


def test_the_end_of_the_last_job_goes_back_to_job_search(world):
    job = start(world.enrolment)
    assert domain.default_next_phase(job) == Phase.JOB_SEARCH
    end(job, comment="  La personne préfère un autre métier.  ")
    world.enrolment.refresh_from_db()
    assert world.enrolment.phase == Phase.JOB_SEARCH
    job.refresh_from_db()
    assert (job.ended_on, job.end_reason, job.end_comment) == (
        today(),
        EndReason.END_OF_TRIAL,
        "La personne préfère un autre métier.",
    )


def test_with_another_job_still_ongoing_the_phase_stays(world):
    first = start(world.enrolment)
    start(world.enrolment, contract_type=ContractType.CDD_SHORT, planned_end_on=today() + timedelta(days=30))
    assert domain.default_next_phase(first) == domain.KEEP_PHASE
    end(first)
    world.enrolment.refresh_from_db()
    assert world.enrolment.phase == Phase.IN_EMPLOYMENT


def test_keep_the_current_phase_is_honoured_and_the_exit_has_its_own_page(world):
    job = start(world.enrolment)
    end(job, next_phase=domain.KEEP_PHASE)
    world.enrolment.refresh_from_db()
    assert world.enrolment.phase == Phase.IN_EMPLOYMENT
    second = start(world.enrolment)
    with pytest.raises(ValidationError) as caught:
        end(second, next_phase=Phase.EXIT)
    assert "Enregistrer la sortie" in caught.value.message_dict["next_phase"][0]


def test_an_end_before_the_start_or_in_the_future_is_refused(world):
    job = start(world.enrolment)
    with pytest.raises(ValidationError) as caught:
        end(job, ended_on=job.started_on - timedelta(days=1))
    assert "La fin ne peut pas précéder le début" in caught.value.message_dict["ended_on"][0]
    with pytest.raises(ValidationError) as caught:
        end(job, ended_on=today() + timedelta(days=1), reason="")
    assert set(caught.value.message_dict) == {"ended_on", "reason"}
    end(job)
    with pytest.raises(ValidationError) as caught:
        end(job)
    assert caught.value.messages == ["Cette expérience est déjà terminée."]


def test_an_immersion_ends_with_its_assessment_and_whether_it_led_to_a_job(world):
    placement = immersion(world.enrolment)
    with pytest.raises(ValidationError) as caught:
        end(placement, reason=EndReason.END_OF_TERM)
    assert set(caught.value.message_dict) == {"assessment", "led_to_job"}
    end(placement, reason=EndReason.END_OF_TERM, assessment=ImmersionAssessment.PARTLY, led_to_job=False)
    placement.refresh_from_db()
    assert (placement.assessment, placement.led_to_job) == (ImmersionAssessment.PARTLY, False)


def test_details_change_while_ongoing_under_the_same_rules(world):
    job = start(world.enrolment)
    fields = details(world.enrolment, company=job.company, hours_per_week=30)
    fields.pop("kind")
    domain.update_placement(job, None, **fields)
    job.refresh_from_db()
    assert job.hours_per_week == 30
    with pytest.raises(ValidationError) as caught:
        domain.update_placement(job, None, **(fields | {"hours_per_week": 49}))
    assert "hours_per_week" in caught.value.message_dict
    end(job)
    with pytest.raises(ValidationError) as caught:
        domain.update_placement(job, None, **fields)
    assert "terminée" in caught.value.messages[0]


# --- Disclosure ------------------------------------------------------------------------------------


def test_the_persons_disclosure_is_recorded_with_its_date_even_before_the_start(world):
    job = PlacementFactory(enrolment=world.enrolment, started_on=today() + timedelta(days=3))
    domain.record_disclosure(
        job, EmployerDisclosure.MANAGER, today() - timedelta(days=2), world.users["coach"]
    )
    job.refresh_from_db()
    assert (job.disclosure, job.disclosure_decided_on) == (
        EmployerDisclosure.MANAGER,
        today() - timedelta(days=2),
    )


def test_a_disclosure_date_is_not_in_the_future_nor_before_the_pathway_or_the_previous_choice(world):
    job = PlacementFactory(enrolment=world.enrolment)

    def refused(on):
        with pytest.raises(ValidationError) as caught:
            domain.record_disclosure(job, EmployerDisclosure.TEAM, on, None)
        return caught.value.message_dict["decided_on"][0]

    assert "futur" in refused(today() + timedelta(days=1))
    assert "l'orientation" in refused(world.enrolment.referral_date - timedelta(days=1))
    domain.record_disclosure(job, EmployerDisclosure.MANAGER, today(), None)
    job.refresh_from_db()
    assert "Un choix plus récent est déjà enregistré" in refused(today() - timedelta(days=1))


# --- Adjustments and their reviews -----------------------------------------------------------------


def adjust(placement, **fields):
    arguments = {
        "kind": AdjustmentKind.HOURS,
        "description": "Commencer à 10 h.",
        "agreed_on": today() - timedelta(days=5),
        "with_occupational_physician": True,
    } | fields
    return domain.add_adjustment(placement, None, **arguments)


def test_an_adjustment_is_described_dated_and_followed(world):
    job = PlacementFactory(enrolment=world.enrolment)
    adjustment = adjust(job)
    assert adjustment.status == AdjustmentStatus.PLANNED and adjustment.with_occupational_physician
    domain.change_adjustment_status(adjustment, AdjustmentStatus.IN_PLACE, None)
    adjustment.refresh_from_db()
    assert adjustment.status == AdjustmentStatus.IN_PLACE
    with pytest.raises(ValidationError) as caught:
        domain.change_adjustment_status(adjustment, AdjustmentStatus.IN_PLACE, None)
    assert caught.value.message_dict["status"] == ["L'aménagement a déjà ce statut."]
    review = domain.add_review(
        adjustment, world.users["coach"], reviewed_on=today(), outcome=ReviewOutcome.WORKS
    )
    assert list(adjustment.reviews.all()) == [review]


def test_a_wrong_adjustment_is_refused_by_field(world):
    job = PlacementFactory(enrolment=world.enrolment)
    with pytest.raises(ValidationError) as caught:
        adjust(job, kind="", description="  ", agreed_on=today() + timedelta(days=1))
    assert set(caught.value.message_dict) == {"kind", "description", "agreed_on"}


def test_a_review_is_not_before_the_adjustment_nor_in_the_future_nor_after_the_end(world):
    job = PlacementFactory(enrolment=world.enrolment)
    adjustment = adjust(job)

    def refused(on):
        with pytest.raises(ValidationError) as caught:
            domain.add_review(
                adjustment, world.users["coach"], reviewed_on=on, outcome=ReviewOutcome.TO_ADAPT
            )
        return caught.value.message_dict["reviewed_on"][0]

    assert "précéder la décision" in refused(adjustment.agreed_on - timedelta(days=1))
    assert "futur" in refused(today() + timedelta(days=1))
    end(job, ended_on=today() - timedelta(days=2))
    assert "ne peut pas la suivre" in refused(today())
    # Recorded late, a review within the placement is still accepted; the adjustment no longer changes.
    domain.add_review(
        adjustment, world.users["coach"], reviewed_on=today() - timedelta(days=3), outcome=ReviewOutcome.WORKS
    )
    with pytest.raises(ValidationError):
        domain.change_adjustment_status(adjustment, AdjustmentStatus.STOPPED, None)
