"""Who reaches the group workshops: the service's case workers and directors (A1's team).

Sessions, registrations and types live in A1; anyone else gets a 404 (403 for the list of
sessions, a page without an object, as people:list).
"""

from tests.matrix import CASE_WORKERS, PERSON_TEAM, Row, a1, person
from tests.workshops.factories import RegistrationFactory, SessionFactory, WorkshopTypeFactory


def session(world):
    return {"pk": SessionFactory(service=world.a1).pk}


def registration(world):
    return {"pk": RegistrationFactory(session=SessionFactory(service=world.a1), enrolment=world.enrolment).pk}


def local_type(world):
    return {"pk": world.a1.pk, "type_pk": WorkshopTypeFactory(service=world.a1).pk}


def archived_type(world):
    workshop_type = WorkshopTypeFactory(service=world.a1)
    workshop_type.archived_at = workshop_type.created_at
    workshop_type.save()
    return {"pk": world.a1.pk, "type_pk": workshop_type.pk}


ROWS = [
    Row("workshops:list", "GET", CASE_WORKERS, denied=403),
    Row("workshops:session_detail", "GET", PERSON_TEAM, kwargs=session),
    Row("workshops:session_edit", "GET", PERSON_TEAM, kwargs=session),
    Row("workshops:session_edit", "POST", PERSON_TEAM, kwargs=session),  # empty: the form again
    Row("workshops:session_cancel", "GET", PERSON_TEAM, kwargs=session),
    Row("workshops:session_cancel", "POST", PERSON_TEAM, kwargs=session),  # no reason: the form again
    Row("workshops:register", "POST", PERSON_TEAM, kwargs=session),  # nobody chosen: the page again
    Row("workshops:attendance", "POST", PERSON_TEAM, kwargs=session),  # not started: the page again
    Row("workshops:registration_cancel", "GET", PERSON_TEAM, kwargs=registration),
    Row("workshops:registration_cancel", "POST", PERSON_TEAM, kwargs=registration, ok=302),
    # The workshops tab of a person's record: whoever works the person's case.
    Row("workshops:person_workshops", "GET", PERSON_TEAM, kwargs=person),
    Row("workshops:person_workshops", "POST", PERSON_TEAM, kwargs=person),  # nothing chosen: the page again
    Row("workshops:session_create", "GET", PERSON_TEAM, kwargs=a1),
    Row("workshops:session_create", "POST", PERSON_TEAM, kwargs=a1),
    Row("workshops:series_create", "GET", PERSON_TEAM, kwargs=a1),
    Row("workshops:series_create", "POST", PERSON_TEAM, kwargs=a1),
    Row("workshops:types", "GET", PERSON_TEAM, kwargs=a1),
    Row("workshops:types", "POST", PERSON_TEAM, kwargs=a1),
    Row("workshops:type_archive", "POST", PERSON_TEAM, kwargs=local_type, ok=302),
    Row("workshops:type_restore", "POST", PERSON_TEAM, kwargs=archived_type, ok=302),
]
