"""An exit into employment needs a job of that kind current on the exit date (DGEFP / DARES):
durable employment (a CDI, a CDD or temporary mission of 6 months or more de date à date, a
tenure, a business creation) or transition employment (shorter, or a subsidised contract); a job
in an SIAE or an ESAT is no exit into employment. Hand-built cases, through the domain rules."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from filrouge.employers.models import CompanyKind
from filrouge.organisations.models import Role
from filrouge.pathways import domain
from filrouge.pathways.exits import supported_outcomes
from filrouge.pathways.models import ExitOutcome, Phase, PhaseChange
from filrouge.placements import domain as placements
from filrouge.placements.models import EndReason, ImmersionObjective, PlacementKind
from filrouge.referentials.models import ContractType
from tests.accounts.factories import staff
from tests.employers.factories import CompanyFactory
from tests.organisations.factories import ServiceFactory
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory
from tests.profiles.factories import job_title

pytestmark = pytest.mark.django_db

START = date(2025, 3, 1)
EXIT = date(2025, 6, 2)
DURABLE, TRANSITION = ExitOutcome.DURABLE_EMPLOYMENT, ExitOutcome.TRANSITION_EMPLOYMENT
ORDINARY = CompanyKind.ORDINARY

# (contract, planned end, employer kind, the exits into employment the job supports)
CASES = {
    "CDD of exactly 6 months (1 March - 31 August)": (
        ContractType.CDD_LONG,
        date(2025, 8, 31),
        ORDINARY,
        {DURABLE},
    ),
    "CDD of 6 months less a day (1 March - 30 August)": (
        ContractType.CDD_SHORT,
        date(2025, 8, 30),
        ORDINARY,
        {TRANSITION},
    ),
    "interim mission of exactly 6 months": (ContractType.TEMPORARY, date(2025, 8, 31), ORDINARY, {DURABLE}),
    "interim mission of 6 months less a day": (
        ContractType.TEMPORARY,
        date(2025, 8, 30),
        ORDINARY,
        {TRANSITION},
    ),
    "interim mission without planned end": (ContractType.TEMPORARY, None, ORDINARY, {TRANSITION}),
    "subsidised contract with an ordinary employer": (
        ContractType.SUBSIDISED,
        date(2025, 12, 31),
        ORDINARY,
        {TRANSITION},
    ),
    "CDI in an ACI (SIAE)": (ContractType.CDI, None, CompanyKind.ACI, set()),
    "CDI in an ETTI (SIAE)": (ContractType.CDI, None, CompanyKind.ETTI, set()),
    "CDI in an ESAT": (ContractType.CDI, None, CompanyKind.ESAT, set()),
    "insertion contract": (ContractType.INSERTION, date(2025, 8, 31), ORDINARY, set()),
    "CDI in an entreprise adaptée": (ContractType.CDI, None, CompanyKind.ADAPTED, {DURABLE}),
    "business creation": (ContractType.BUSINESS_CREATION, None, ORDINARY, {DURABLE}),
    "civil-service tenure": (ContractType.TENURE, None, ORDINARY, {DURABLE}),
}


@pytest.fixture
def coach(db):
    return staff(Role.COACH, ServiceFactory())


def pathway(coach):
    """A pathway whose referral and intake precede the jobs of these cases."""
    service = coach.memberships.get().service
    return enrol(service, coach, referral_date=date(2025, 1, 6), intake_date=date(2025, 1, 13))


def start_job(enrolment, by, contract, planned_end=None, employer=ORDINARY, start=START):
    """A job recorded through the placements' rules (they check the CDD's length)."""
    company = CompanyFactory(organisation=enrolment.organisation, kind=employer)
    return placements.start_placement(
        enrolment,
        by,
        kind=PlacementKind.EMPLOYMENT,
        company=company,
        job_title=job_title(),
        contract_type=contract,
        started_on=start,
        planned_end_on=planned_end,
        hours_per_week=24,
    )


def refusal(enrolment, outcome, on=EXIT) -> str:
    with pytest.raises(ValidationError) as refused, translation.override("fr"):
        domain.record_exit(enrolment, on=on, outcome=outcome, by=None)
    return " ".join(refused.value.message_dict["outcome"])


def assert_still_current(enrolment):
    enrolment.refresh_from_db()
    assert enrolment.is_current and enrolment.exit_outcome == "" and enrolment.phase != Phase.EXIT
    assert not enrolment.phase_changes.filter(phase=Phase.EXIT).exists()


@pytest.mark.parametrize(
    ("contract", "planned_end", "employer", "supported"), CASES.values(), ids=CASES.keys()
)
def test_each_job_supports_its_kind_of_exit_and_no_other(coach, contract, planned_end, employer, supported):
    enrolment = pathway(coach)
    start_job(enrolment, coach, contract, planned_end, employer)
    assert supported_outcomes(enrolment, EXIT) == supported
    for outcome in ExitOutcome.into_employment() - supported:
        assert "n'est en cours au 2 juin 2025" in refusal(enrolment, outcome)
        assert_still_current(enrolment)
    if supported:
        outcome = next(iter(supported))
        domain.record_exit(enrolment, on=EXIT, outcome=outcome, by=coach)
        enrolment.refresh_from_db()
        assert (enrolment.exit_date, enrolment.exit_outcome, enrolment.phase) == (EXIT, outcome, Phase.EXIT)


def test_the_cdd_types_follow_the_length_de_date_a_date(coach):
    """The placements' rules choose the CDD type from its length: the exit follows it."""
    enrolment = pathway(coach)
    with pytest.raises(ValidationError) as refused:
        start_job(enrolment, coach, ContractType.CDD_SHORT, date(2025, 8, 31))
    assert "contract_type" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        start_job(enrolment, coach, ContractType.CDD_LONG, date(2025, 8, 30))
    assert "contract_type" in refused.value.message_dict


def test_the_refusal_says_why_and_suggests_what_the_jobs_support(coach):
    enrolment = pathway(coach)
    start_job(enrolment, coach, ContractType.CDD_SHORT, date(2025, 8, 30))
    assert refusal(enrolment, DURABLE) == (
        "Aucun emploi durable n'est en cours au 2 juin 2025 (un CDI, un CDD, une mission d'intérim ou un "
        "contrat en alternance de 6 mois ou plus, une titularisation, une création ou reprise d'entreprise ; "
        "hors SIAE et ESAT). Les emplois en cours à cette date correspondent à « Emploi de transition »."
    )
    other = pathway(coach)
    start_job(other, coach, ContractType.CDI)
    message = refusal(other, TRANSITION)
    assert message.startswith("Aucun emploi de transition n'est en cours au 2 juin 2025 (un CDD")
    assert message.endswith("correspondent à « Emploi durable ».")


def test_without_any_job_the_refusal_asks_to_record_it_first_or_choose_another_outcome(coach):
    enrolment = pathway(coach)
    message = refusal(enrolment, DURABLE)
    assert "Aucun emploi durable n'est en cours au 2 juin 2025" in message
    assert "enregistrez d'abord l'emploi dans l'onglet « Emploi », ou choisissez un autre motif" in message
    assert_still_current(enrolment)
    domain.record_exit(enrolment, on=EXIT, outcome=ExitOutcome.TRAINING, by=coach)  # needs no job


def test_a_job_that_ended_the_day_before_the_exit_does_not_count_one_ending_that_day_does(coach):
    before = pathway(coach)
    job = start_job(before, coach, ContractType.CDI)
    placements.end_placement(
        job,
        coach,
        ended_on=EXIT - timedelta(days=1),
        reason=EndReason.RESIGNATION,
        next_phase=placements.KEEP_PHASE,
    )
    assert supported_outcomes(before, EXIT) == set()
    assert "Aucun emploi du parcours en cours à cette date" in refusal(before, DURABLE)
    assert supported_outcomes(before, EXIT - timedelta(days=1)) == {DURABLE}

    same_day = pathway(coach)
    job = start_job(same_day, coach, ContractType.CDI)
    placements.end_placement(
        job, coach, ended_on=EXIT, reason=EndReason.RESIGNATION, next_phase=placements.KEEP_PHASE
    )
    domain.record_exit(same_day, on=EXIT, outcome=DURABLE, by=coach)
    assert same_day.exit_outcome == DURABLE


def test_a_job_starting_after_the_exit_does_not_count(coach):
    enrolment = pathway(coach)
    start_job(enrolment, coach, ContractType.CDI, start=EXIT + timedelta(days=1))
    assert supported_outcomes(enrolment, EXIT) == set()
    assert supported_outcomes(enrolment, EXIT + timedelta(days=1)) == {DURABLE}


def test_an_immersion_is_no_job_and_a_durable_and_a_transition_job_support_both(coach):
    enrolment = pathway(coach)
    PlacementFactory(
        enrolment=enrolment,
        kind=PlacementKind.IMMERSION,
        contract_type="",
        objective=ImmersionObjective.DISCOVER,
        started_on=EXIT - timedelta(days=5),
        planned_end_on=EXIT + timedelta(days=5),
    )
    assert supported_outcomes(enrolment, EXIT) == set()
    start_job(enrolment, coach, ContractType.CDI)
    start_job(enrolment, coach, ContractType.SUBSIDISED, date(2025, 12, 31))
    assert supported_outcomes(enrolment, EXIT) == {DURABLE, TRANSITION}


def test_jobs_of_another_pathway_do_not_count(coach):
    enrolment, other = pathway(coach), pathway(coach)
    start_job(other, coach, ContractType.CDI)
    assert supported_outcomes(enrolment, EXIT) == set()


# --- The exit form ---------------------------------------------------------------------------------


def test_the_exit_form_shows_the_refusal_keeps_the_input_and_writes_nothing(client, world):
    client.force_login(world.users["coach"])
    enrolment, today = world.enrolment, domain.today()
    changes = PhaseChange.objects.count()
    url = reverse("pathways:exit", args=[enrolment.pk])
    data = {"exit_date": today.isoformat(), "outcome": DURABLE, "comment": "CDI signé en boulangerie"}
    with translation.override("fr"):
        day = date_format(today, "DATE_FORMAT")
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Aucun emploi durable n&#x27;est en cours au {day}" in page
    assert "CDI signé en boulangerie" in page
    assert 'value="durable_employment" selected' in page
    enrolment.refresh_from_db()
    world.suspension.refresh_from_db()
    assert enrolment.is_current and PhaseChange.objects.count() == changes
    assert world.suspension.end_date is None  # the exit would have closed it

    job = PlacementFactory(enrolment=enrolment, started_on=today - timedelta(days=30))  # a CDI
    # The job still running is listed on the confirmation step: the person keeps it.
    assert (
        client.post(
            url, data | {"shown_items": f"placement-{job.pk}", f"item_placement-{job.pk}": "keep"}
        ).status_code
        == 302
    )
    enrolment.refresh_from_db()
    assert (enrolment.exit_date, enrolment.exit_outcome) == (today, DURABLE)
