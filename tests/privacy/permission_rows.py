from filrouge.pathways import domain
from filrouge.pathways.domain import today
from tests.matrix import PERSON_TEAM, Row, person
from tests.pathways.factories import enrol

# A person's rights are exercised by the heads of their services and the directors. Without a
# recent re-authentication, an export or a removal sends them to confirm it (302).
RIGHTS = frozenset({"head_of_service", "director"})


def exited_person(world):
    """World's person once their pathway has ended: their record may be anonymised."""
    # A fresh copy: the matrix shares one world, whose objects must stay as built.
    enrolment = type(world.enrolment).objects.get(pk=world.enrolment.pk)
    domain.record_exit(enrolment, on=today(), outcome="moved", by=None)
    return {"pk": world.person.pk}


def referred_person(world):
    """Someone referred to A1 whose support never began: their record may be erased."""
    return {"pk": enrol(world.a1, intake_after=None).person_id}


ROWS = [
    Row("privacy:person_rights", "GET", PERSON_TEAM, kwargs=person),
    Row("privacy:export_json", "GET", RIGHTS, kwargs=person, ok=302),
    Row("privacy:export_pdf", "GET", RIGHTS, kwargs=person, ok=302),
    Row("privacy:export_zip", "GET", RIGHTS, kwargs=person, ok=302),
    Row("privacy:anonymise", "GET", RIGHTS, kwargs=exited_person),
    Row("privacy:anonymise", "POST", RIGHTS, kwargs=exited_person, ok=302),
    Row("privacy:erase", "GET", RIGHTS, kwargs=referred_person),
    Row("privacy:erase", "POST", RIGHTS, kwargs=referred_person, ok=302),
]
