"""The audit trail's pages: its organisation's data protection officer only.

They are pages of the organisation (no object of a service): everyone else of organisation A gets
403, and so does everyone of organisation B (no role there reads an audit trail either). A data
protection officer of B asking for A's objects gets 404 (tests/audit/test_views.py).
"""

from filrouge.audit.api import record
from filrouge.audit.models import Kind
from tests.matrix import Row, coach_account, person

DPO = frozenset({"dpo"})


def an_entry(world):
    entry = record(
        Kind.READ,
        organisation_id=world.org_a.pk,
        object_type="people.person",
        object_id=world.person.pk,
        person_id=world.person.pk,
        user=world.users["coach"],
    )
    return {"pk": entry.pk}


ROWS = [
    Row("audit:home", "GET", DPO, denied=403),
    Row("audit:person", "GET", DPO, kwargs=person, denied=403),
    Row("audit:account", "GET", DPO, kwargs=coach_account, denied=403),
    Row("audit:entry", "GET", DPO, kwargs=an_entry, denied=403),
]
