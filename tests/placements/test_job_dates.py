"""A job's dates and the pathway: a job to come, or already over, does not move the pathway to
"in employment" by default; the phase change takes the job's start date; overlapping jobs are
allowed with a warning; a job with a planned end is renewed, its history kept; past its planned
end with no end recorded, it is no longer held."""

import html
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from filrouge.pathways import caseload
from filrouge.pathways import domain as pathways
from filrouge.pathways.models import ExitOutcome, Phase
from filrouge.placements import domain
from filrouge.placements.models import JobRenewal, Placement, PlacementKind
from filrouge.referentials.models import ContractType
from tests.employers.factories import CompanyFactory
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory
from tests.profiles.factories import job_title

pytestmark = pytest.mark.django_db

today = pathways.today


def text(response) -> str:
    return html.unescape(response.content.decode())


def job(enrolment, **fields):
    arguments = {
        "kind": PlacementKind.EMPLOYMENT,
        "company": CompanyFactory(organisation=enrolment.organisation),
        "job_title": job_title(),
        "contract_type": ContractType.CDI,
        "started_on": today() - timedelta(days=10),
        "hours_per_week": 24,
    }
    return domain.start_placement(enrolment, None, **(arguments | fields))


def cdd(enrolment, start_days_ago=40, end_in_days=-5, **fields):
    return PlacementFactory(
        enrolment=enrolment,
        contract_type=ContractType.CDD_SHORT,
        started_on=today() - timedelta(days=start_days_ago),
        planned_end_on=today() + timedelta(days=end_in_days),
        **fields,
    )


# --- Starting a job -----------------------------------------------------------------------------


def test_a_job_under_way_moves_the_pathway_on_its_start_date(world):
    placement = job(world.enrolment, started_on=today() - timedelta(days=10))
    world.enrolment.refresh_from_db()
    assert world.enrolment.phase == Phase.IN_EMPLOYMENT
    assert pathways.latest_change(world.enrolment).changed_on == placement.started_on


def test_a_job_whose_end_has_passed_does_not_move_the_pathway_by_default(world):
    job(
        world.enrolment,
        contract_type=ContractType.CDD_SHORT,
        started_on=today() - timedelta(days=40),
        planned_end_on=today() - timedelta(days=2),
    )
    world.enrolment.refresh_from_db()
    assert world.enrolment.phase == Phase.INTAKE


def test_moving_the_pathway_on_a_job_to_come_is_refused_and_nothing_is_written(world):
    with pytest.raises(ValidationError) as refusal:
        job(world.enrolment, started_on=today() + timedelta(days=7), move_to_employment=True)
    assert "move_to_employment" in refusal.value.message_dict
    assert not Placement.objects.filter(enrolment=world.enrolment).exists()


def test_the_form_defaults_off_for_a_job_to_come_and_says_why(client, world):
    client.force_login(world.users["coach"])
    url = reverse("placements:create", args=[world.enrolment.pk, "emploi"])
    form = client.get(url).context["form"]
    assert form["move_to_employment"].value() is True  # the pathway is before "in employment"
    assert "commence plus tard" in str(form["move_to_employment"].help_text)
    assert domain.moves_to_employment_by_default(world.enrolment, today() + timedelta(days=1)) is False
    assert (
        domain.moves_to_employment_by_default(world.enrolment, today(), today() - timedelta(days=1)) is False
    )


def test_overlapping_jobs_are_allowed_with_a_warning(client, world):
    first = job(world.enrolment)
    second = job(
        world.enrolment, contract_type=ContractType.CDD_SHORT, planned_end_on=today() + timedelta(days=20)
    )
    assert list(domain.overlapping_jobs(second)) == [first]
    later = job(world.enrolment, started_on=today() + timedelta(days=30), move_to_employment=False)
    assert set(domain.overlapping_jobs(later)) == {first}  # the CDD ends before it starts
    client.force_login(world.users["coach"])
    page = text(client.get(reverse("placements:detail", args=[second.pk])))
    assert "Un autre emploi de la personne couvre les mêmes dates" in page


# --- Renewing a job ----------------------------------------------------------------------------


def test_a_job_is_renewed_and_its_history_kept(world):
    placement = cdd(world.enrolment, start_days_ago=40, end_in_days=-5)
    first_end = placement.planned_end_on
    renewal = domain.renew_job(placement, None, new_end_on=today() + timedelta(days=20), decided_on=today())
    placement.refresh_from_db()
    assert placement.planned_end_on == today() + timedelta(days=20)
    assert (renewal.previous_end_on, renewal.new_end_on) == (first_end, placement.planned_end_on)
    domain.renew_job(placement, None, new_end_on=today() + timedelta(days=50), decided_on=today())
    assert JobRenewal.objects.filter(placement=placement).count() == 2


def test_a_short_cdd_renewed_to_6_months_becomes_durable(world):
    placement = cdd(world.enrolment, start_days_ago=10, end_in_days=30)
    domain.renew_job(
        placement, None, new_end_on=placement.started_on + timedelta(days=200), decided_on=today()
    )
    placement.refresh_from_db()
    assert placement.contract_type == ContractType.CDD_LONG and placement.is_durable


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"new_end_on": None}, "new_end_on"),
        ({"new_end_on": "same"}, "new_end_on"),
        ({"decided_on": None}, "decided_on"),
        ({"decided_on": "future"}, "decided_on"),
    ],
)
def test_a_renewal_with_bad_dates_is_refused(world, fields, field):
    placement = cdd(world.enrolment)
    values = {"new_end_on": today() + timedelta(days=20), "decided_on": today()}
    values |= fields
    if values["new_end_on"] == "same":
        values["new_end_on"] = placement.planned_end_on
    if values["decided_on"] == "future":
        values["decided_on"] = today() + timedelta(days=1)
    with pytest.raises(ValidationError) as refusal:
        domain.renew_job(placement, None, **values)
    assert field in refusal.value.message_dict
    assert not JobRenewal.objects.exists()


def test_a_cdi_or_an_ended_job_is_not_renewed(world):
    with pytest.raises(ValidationError):
        domain.renew_job(
            PlacementFactory(enrolment=world.enrolment), None, new_end_on=today(), decided_on=today()
        )
    ended = cdd(world.enrolment, ended_on=today() - timedelta(days=5), end_reason="end_of_term")
    with pytest.raises(ValidationError):
        domain.renew_job(ended, None, new_end_on=today() + timedelta(days=9), decided_on=today())


def test_the_renewal_page_shows_the_history_on_the_placement_page(client, world):
    placement = cdd(world.enrolment)
    client.force_login(world.users["coach"])
    url = reverse("placements:renew_job", args=[placement.pk])
    refused = client.post(url, {"new_end_on": "", "decided_on": today().isoformat()})
    assert refused.status_code == 200 and refused.context["form"].errors["new_end_on"]
    new_end = today() + timedelta(days=25)
    response = client.post(url, {"new_end_on": new_end.isoformat(), "decided_on": today().isoformat()})
    assert response.status_code == 302
    page = text(client.get(reverse("placements:detail", args=[placement.pk])))
    assert "Renouvellements du contrat" in page and "reportée au" in page


def test_a_renewal_page_of_another_service_is_not_found(client, world):
    placement = cdd(world.enrolment)
    client.force_login(world.users["other_service_coach"])
    assert client.get(reverse("placements:renew_job", args=[placement.pk])).status_code == 404


# --- Past the planned end ------------------------------------------------------------------------


def test_a_job_past_its_planned_end_is_not_held_after_it(world):
    placement = cdd(world.enrolment, start_days_ago=40, end_in_days=-5)
    assert placement.is_ongoing(today() - timedelta(days=5))
    assert not placement.is_ongoing(today() - timedelta(days=4))
    assert list(Placement.objects.ongoing_on(today() - timedelta(days=5))) == [placement]
    assert not Placement.objects.ongoing_on(today()).exists()


def test_a_job_past_its_planned_end_raises_a_caseload_alert(world):
    cdd(world.enrolment, end_in_days=-1)
    other = enrol(world.a1, coach=world.users["coach"])
    cdd(other, end_in_days=0)  # ends today: not yet past
    rows = caseload.with_alerts(
        type(world.enrolment).objects.filter(pk__in=[world.enrolment.pk, other.pk]), today()
    )
    flags = {row.pk: row.alert_job_past_planned_end for row in rows}
    assert flags == {world.enrolment.pk: True, other.pk: False}


def test_the_caseload_says_past_planned_end_and_filters_on_it(client, world):
    cdd(world.enrolment, end_in_days=-1)
    client.force_login(world.users["coach"])
    page = text(client.get(reverse("core:home") + "?alert=job_past_end"))
    assert "Fin prévue dépassée : confirmer la fin ou le renouvellement" in page
    assert world.enrolment.person.full_name in page


def test_an_exit_into_employment_needs_a_job_held_on_the_exit_date(world):
    cdd(world.enrolment, start_days_ago=40, end_in_days=-5)
    with pytest.raises(ValidationError):
        pathways.record_exit(world.enrolment, on=today(), outcome=ExitOutcome.TRANSITION_EMPLOYMENT, by=None)
