from filrouge.consents.models import ConsentStatus, DisclosureLevel, Purpose
from tests.consents.factories import give
from tests.documents.permission_rows import a_plan
from tests.matrix import PERSON_TEAM, Row, enrolment, person, today_iso


def a_consent(world):
    return {"pk": give(world.person, world.users["coach"], recipient=world.contact).pk}


def decision():
    """A valid decision (the funder's purpose names no partner, so no id goes in the data)."""
    return {
        "status": ConsentStatus.GIVEN,
        "purpose": Purpose.FUNDER_FIGURES,
        "decided_on": today_iso,
        "method": "oral",
        "witness_name": "Léa Martin",
    }


ROWS = [
    # The person's consents are case content: their team reads and records them; 404 for anyone else.
    Row("consents:person_consents", "GET", PERSON_TEAM, kwargs=person),
    Row("consents:record", "GET", PERSON_TEAM, kwargs=person),
    Row("consents:record", "POST", PERSON_TEAM, kwargs=person, ok=302, data=decision()),
    Row("consents:withdraw", "GET", PERSON_TEAM, kwargs=a_consent),
    Row(
        "consents:withdraw",
        "POST",
        PERSON_TEAM,
        kwargs=a_consent,
        ok=302,
        data={"decided_on": today_iso},
    ),
    Row("consents:disclosure", "GET", PERSON_TEAM, kwargs=person),
    Row(
        "consents:disclosure",
        "POST",
        PERSON_TEAM,
        kwargs=person,
        ok=302,
        data={"level": DisclosureLevel.SUPPORT, "decided_on": today_iso},
    ),
    # Choosing the recipient of a document (the PDFs' own rows are the documents app's).
    Row("consents:plan_share", "GET", PERSON_TEAM, kwargs=a_plan),
    Row("consents:report_share", "GET", PERSON_TEAM, kwargs=enrolment),
]
