from tests.documents.factories import attachment, upload
from tests.matrix import PERSON_TEAM, Row, enrolment, person


def a_file(world):
    return {"pk": attachment(world.person).pk}


def a_plan(world):
    from tests.plans.factories import PlanFactory

    return {"pk": PlanFactory(enrolment=world.enrolment).pk}


class FreshUpload(dict):
    """A new upload object for each request (a file is read once)."""

    def __getitem__(self, key):
        return upload() if key == "file" else super().__getitem__(key)

    def items(self):
        return [(key, self[key]) for key in self]


ROWS = [
    Row("documents:person_documents", "GET", PERSON_TEAM, kwargs=person),
    Row("documents:upload", "GET", PERSON_TEAM, kwargs=person),
    Row(
        "documents:upload",
        "POST",
        PERSON_TEAM,
        kwargs=person,
        ok=302,
        data=FreshUpload(file=None, kind="cv", title="CV"),
    ),
    Row("documents:download", "GET", PERSON_TEAM, kwargs=a_file),
    Row("documents:archive", "GET", PERSON_TEAM, kwargs=a_file),
    Row("documents:archive", "POST", PERSON_TEAM, kwargs=a_file, ok=302),
    Row("documents:restore", "POST", PERSON_TEAM, kwargs=a_file, ok=302),
    # For the service and the person. A copy for a partner (`?destinataire=`) is reached the same
    # way, then needs the person's consent: tests/consents/test_consents.py, for every subject.
    Row("documents:plan_pdf", "GET", PERSON_TEAM, kwargs=a_plan),
    Row("documents:report_pdf", "GET", PERSON_TEAM, kwargs=enrolment),
]
