from datetime import timedelta

from filrouge.consents.models import Purpose
from filrouge.pathways.domain import today
from filrouge.placements.models import Adjustment, AdjustmentKind, AdjustmentStatus
from filrouge.referentials.models import ContractType
from tests.consents.factories import give
from tests.matrix import PERSON_TEAM, Row, enrolment, person, today_iso
from tests.placements.factories import PlacementFactory, immersion, job_with_tutor


def a_placement(world):
    return {"pk": PlacementFactory(enrolment=world.enrolment).pk}


def an_adjustment(world):
    placement = PlacementFactory(enrolment=world.enrolment)
    adjustment = Adjustment.objects.create(
        organisation=placement.organisation,
        placement=placement,
        kind=AdjustmentKind.HOURS,
        description="Commencer à 10 h.",
        agreed_on=today(),
    )
    return {"pk": adjustment.pk}


def an_ongoing_immersion(world):
    """An immersion of two weeks begun today: it may be renewed."""
    return {
        "pk": immersion(world.enrolment, started_on=today(), planned_end_on=today() + timedelta(days=13)).pk
    }


def renewal_end() -> str:
    """Three weeks after the immersion above ends, within the month a renewal may last."""
    return (today() + timedelta(days=34)).isoformat()


def a_shareable_sheet(world):
    """A job whose tutor the person agreed to share their progress with."""
    placement = job_with_tutor(world.enrolment)
    give(world.person, world.users["coach"], purpose=Purpose.EMPLOYER_PROGRESS, recipient=placement.tutor)
    return {"pk": placement.pk}


def a_fixed_term_job(world):
    """A short CDD under way, ending in a month: its contract may be renewed."""
    placement = PlacementFactory(
        enrolment=world.enrolment,
        contract_type=ContractType.CDD_SHORT,
        planned_end_on=today() + timedelta(days=30),
    )
    return {"pk": placement.pk}


def renewed_end() -> str:
    return (today() + timedelta(days=60)).isoformat()


def new_job(world):
    return enrolment(world) | {"kind": "emploi"}


def new_immersion(world):
    return enrolment(world) | {"kind": "immersion"}


TODAY = today_iso

ROWS = [
    # A person's placements are case content: their team reads them and records them (EDIT_CASES);
    # anyone else gets a 404, as for the record.
    Row("placements:person_placements", "GET", PERSON_TEAM, kwargs=person),
    Row("placements:create", "GET", PERSON_TEAM, kwargs=new_job),
    Row("placements:create", "GET", PERSON_TEAM, kwargs=new_immersion),
    # An incomplete form is shown again with its errors (200) to whoever may record.
    Row("placements:create", "POST", PERSON_TEAM, kwargs=new_job, data={"hours_per_week": "49"}),
    Row("placements:detail", "GET", PERSON_TEAM, kwargs=a_placement),
    Row("placements:edit", "GET", PERSON_TEAM, kwargs=a_placement),
    Row("placements:edit", "POST", PERSON_TEAM, kwargs=a_placement, data={"hours_per_week": "49"}),
    Row("placements:end", "GET", PERSON_TEAM, kwargs=a_placement),
    Row(
        "placements:end",
        "POST",
        PERSON_TEAM,
        kwargs=a_placement,
        ok=302,
        data={"ended_on": TODAY, "reason": "resignation", "next_phase": "keep"},
    ),
    Row("placements:renew", "GET", PERSON_TEAM, kwargs=an_ongoing_immersion),
    Row(
        "placements:renew",
        "POST",
        PERSON_TEAM,
        kwargs=an_ongoing_immersion,
        ok=302,
        data={"ends_on": renewal_end, "reason": "Découvrir aussi l'accueil des clients."},
    ),
    Row("placements:renew_job", "GET", PERSON_TEAM, kwargs=a_fixed_term_job),
    Row(
        "placements:renew_job",
        "POST",
        PERSON_TEAM,
        kwargs=a_fixed_term_job,
        ok=302,
        data={"new_end_on": renewed_end, "decided_on": TODAY},
    ),
    Row("placements:disclosure", "GET", PERSON_TEAM, kwargs=a_placement),
    Row(
        "placements:disclosure",
        "POST",
        PERSON_TEAM,
        kwargs=a_placement,
        ok=302,
        data={"disclosure": "manager", "decided_on": TODAY},
    ),
    Row("placements:adjustment_add", "GET", PERSON_TEAM, kwargs=a_placement),
    Row(
        "placements:adjustment_add",
        "POST",
        PERSON_TEAM,
        kwargs=a_placement,
        ok=302,
        data={
            "kind": "pace",
            "description": "Pauses plus fréquentes.",
            "agreed_on": TODAY,
            "status": "planned",
        },
    ),
    Row("placements:adjustment_status", "GET", PERSON_TEAM, kwargs=an_adjustment),
    Row(
        "placements:adjustment_status",
        "POST",
        PERSON_TEAM,
        kwargs=an_adjustment,
        ok=302,
        data={"status": AdjustmentStatus.IN_PLACE},
    ),
    Row("placements:review_add", "GET", PERSON_TEAM, kwargs=an_adjustment),
    Row(
        "placements:review_add",
        "POST",
        PERSON_TEAM,
        kwargs=an_adjustment,
        ok=302,
        data={"reviewed_on": TODAY, "outcome": "works"},
    ),
    Row("placements:employer_sheet", "GET", PERSON_TEAM, kwargs=a_shareable_sheet),
]
