from filrouge.matching import domain
from filrouge.pathways.domain import today
from tests.employers.factories import OpeningFactory
from tests.matrix import PERSON_TEAM, Row, person, today_iso


def an_opening(world):
    return OpeningFactory(company__organisation=world.org_a)


def person_and_opening(world):
    return {"pk": world.person.pk, "opening_pk": an_opening(world).pk}


def a_proposal(world):
    proposal = domain.propose(world.enrolment, an_opening(world), by=world.users["coach"], on=today())
    return {"pk": proposal.pk}


ROWS = [
    # The suggestions and proposals are the person's case content: their team only, 404 otherwise.
    Row("matching:person_suggestions", "GET", PERSON_TEAM, kwargs=person),
    Row("matching:propose", "GET", PERSON_TEAM, kwargs=person_and_opening),
    Row(
        "matching:propose",
        "POST",
        PERSON_TEAM,
        kwargs=person_and_opening,
        ok=302,
        data={"proposed_on": today_iso},
    ),
    Row("matching:answer", "GET", PERSON_TEAM, kwargs=a_proposal),
    Row(
        "matching:answer",
        "POST",
        PERSON_TEAM,
        kwargs=a_proposal,
        ok=302,
        data={"answer": "interview", "answered_on": today_iso},
    ),
]
