from filrouge.followalong.models import Party, SupportKind, SupportPlace
from tests.followalong.factories import SupportContactFactory
from tests.matrix import PERSON_TEAM, Row, today_iso
from tests.placements.factories import PlacementFactory


def a_job(world):
    return {"pk": PlacementFactory(enrolment=world.enrolment).pk}


def coach_contact(world):
    """A contact written by A1's coach: only its author corrects it."""
    job = PlacementFactory(enrolment=world.enrolment)
    return {"pk": SupportContactFactory(placement=job, by=world.users["coach"]).pk}


CONTACT = {
    "party": Party.TUTOR,
    "kind": SupportKind.FACE_TO_FACE,
    "place": SupportPlace.WORKPLACE,
    "contacted_on": today_iso,
    "notes": "Point mensuel sur le poste.",
}

ROWS = [
    # A job's follow-up is case content: the person's team reads and writes it; 404 for anyone else.
    Row("followalong:list", "GET", PERSON_TEAM, kwargs=a_job),
    Row("followalong:add", "GET", PERSON_TEAM, kwargs=a_job),
    Row("followalong:add", "POST", PERSON_TEAM, kwargs=a_job, ok=302, data=CONTACT),
    # A contact is corrected by its author only (another member of the team gets a 404).
    Row("followalong:edit", "GET", frozenset({"coach"}), kwargs=coach_contact),
    Row("followalong:edit", "POST", frozenset({"coach"}), kwargs=coach_contact, ok=302, data=CONTACT),
]
