from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from filrouge.accounts.models import User
from filrouge.organisations.models import Organisation, Role, Service
from filrouge.pathways import domain
from filrouge.pathways.models import Enrolment, Suspension
from filrouge.people.models import Contact, ContactKind, Person, PersonContact
from tests.accounts.factories import staff
from tests.organisations.factories import OrganisationFactory, ServiceFactory
from tests.pathways.factories import enrol
from tests.people.factories import ContactFactory

SERVICE_ROLES = [
    Role.COACH,
    Role.PSYCHOLOGIST,
    Role.SOCIAL_WORKER,
    Role.EDUCATOR,
    Role.HEAD_OF_SERVICE,
    Role.FUNDER_VIEWER,
]


@dataclass
class World:
    """Two organisations: A with services A1 and A2, B with service B1.

    `users` holds one account per role in A1 (directors, administrators and the data
    protection officer across A), and
    the outsiders: a coach of A2, a coach and an administrator of B. A person is supported in
    A1 (`enrolment`, led by A1's coach), with a referent (`contact`) and a suspension.
    """

    org_a: Organisation
    org_b: Organisation
    a1: Service
    a2: Service
    b1: Service
    users: dict[str, User] = field(default_factory=dict)
    person: Person | None = None
    enrolment: Enrolment | None = None
    contact: Contact | None = None
    suspension: Suspension | None = None
    contact_link: PersonContact | None = None


@pytest.fixture(scope="session", autouse=True)
def _audit_tables_flushed_as_maintenance():
    """PostgreSQL refuses to empty the audit tables outside their maintenance (audit migration 0003)."""
    from tests.audit.database import flushes_as_maintenance

    with flushes_as_maintenance():
        yield


@pytest.fixture(autouse=True)
def _audit_heads_forgotten():
    """The audit heads a test publishes (settings_test's throwaway file) are not the next test's."""
    from django.conf import settings

    yield
    settings.AUDIT_HEADS_FILE.unlink(missing_ok=True)


@pytest.fixture
def world(db) -> World:
    return make_world()


def make_world() -> World:
    org_a, org_b = OrganisationFactory(name="Organisation A"), OrganisationFactory(name="Organisation B")
    w = World(
        org_a=org_a,
        org_b=org_b,
        a1=ServiceFactory(organisation=org_a, name="A1"),
        a2=ServiceFactory(organisation=org_a, name="A2"),
        b1=ServiceFactory(organisation=org_b, name="B1"),
    )
    for role in SERVICE_ROLES:
        w.users[role.value] = staff(role, w.a1, email=f"{role.value}@a.example")
    w.users["director"] = staff(Role.DIRECTOR, organisation=org_a, email="director@a.example")
    w.users["org_admin"] = staff(Role.ORG_ADMIN, organisation=org_a, email="admin@a.example")
    w.users["dpo"] = staff(Role.DPO, organisation=org_a, email="dpo@a.example")
    w.users["other_service_coach"] = staff(Role.COACH, w.a2, email="coach@a2.example")
    w.users["other_org_coach"] = staff(Role.COACH, w.b1, email="coach@b.example")
    w.users["other_org_admin"] = staff(Role.ORG_ADMIN, organisation=org_b, email="admin@b.example")

    # A person supported in A1, followed by A1's coach, with a referent and a suspension.
    w.enrolment = enrol(w.a1, coach=w.users["coach"])
    w.person = w.enrolment.person
    w.contact = ContactFactory(organisation=org_a)
    w.contact_link = PersonContact.objects.create(
        organisation=org_a, person=w.person, contact=w.contact, relation=ContactKind.REFERRING_PARTNER
    )
    w.suspension = domain.suspend(
        w.enrolment, start=domain.today() - timedelta(days=3), end=None, reason="hospitalisation", by=None
    )
    return w


@pytest.fixture(autouse=True)
def _referentials_after_a_flush(request):
    """A transactional test leaves every table empty, the referentials the migrations loaded
    included: a transactional test starts by putting them back."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        from filrouge.seed.demo import ensure_reference_data

        request.getfixturevalue("transactional_db")
        ensure_reference_data()
