import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from filrouge.audit.models import AuditEntry
from filrouge.documents.models import Attachment
from filrouge.pathways.models import Enrolment
from filrouge.people.models import Contact, Person
from filrouge.privacy import domain
from tests.accounts.helpers import recently_authenticated
from tests.consents.factories import give, partner
from tests.documents.factories import attachment
from tests.journal.factories import MeetingFactory
from tests.pathways.factories import enrol

pytestmark = pytest.mark.django_db


def referral_only(world):
    """A person referred to A1 whose support never began: no intake, nothing written."""
    enrolment = enrol(world.a1, intake_after=None, referral_reason="Orientation par erreur.")
    give(enrolment.person, world.users["coach"], recipient=partner(enrolment.person))
    attachment(enrolment.person, by=world.users["coach"])
    return enrolment.person


def test_a_record_whose_support_never_began_is_erased_with_its_files(
    world, django_capture_on_commit_callbacks
):
    person = referral_only(world)
    path = Attachment.objects.get(person=person).file.path
    contact = person.contact_links.get().contact
    with django_capture_on_commit_callbacks(execute=True):
        domain.erase(person, world.users["head_of_service"])
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Enrolment.objects.filter(person_id=person.pk).exists()
    assert not Attachment.objects.filter(person_id=person.pk).exists()
    assert not __import__("pathlib").Path(path).exists()
    assert Contact.objects.filter(pk=contact.pk).exists()  # the partner stays in the directory
    entry = AuditEntry.objects.get(kind="erase", person_id=person.pk)
    assert entry.actor == world.users["head_of_service"]
    assert not AuditEntry.objects.filter(person_id=person.pk).exclude(changes="").exists()


def test_erasure_is_refused_once_the_support_has_begun(world):
    with pytest.raises(ValidationError, match="a commencé"):
        domain.erase(world.person, world.users["director"])  # an intake is recorded
    assert Person.objects.filter(pk=world.person.pk).exists()


def test_erasure_is_refused_when_something_was_written(world):
    person = referral_only(world)
    MeetingFactory(enrolment=person.enrolments.get(), created_by=world.users["coach"])
    assert "entretiens" in domain.erasure_refusal(person)
    with pytest.raises(ValidationError):
        domain.erase(person, world.users["director"])
    assert Person.objects.filter(pk=person.pk).exists()


def test_the_erasure_page_explains_a_refusal_and_erases_nothing(world, client):
    recently_authenticated(client, world.users["head_of_service"])
    url = reverse("privacy:erase", args=[world.person.pk])
    page = client.get(url).content.decode()
    assert "a commencé" in page
    assert client.post(url).status_code == 200
    assert Person.objects.filter(pk=world.person.pk).exists()


def test_the_erasure_page_confirms_then_erases(world, client):
    person = referral_only(world)
    recently_authenticated(client, world.users["head_of_service"])
    url = reverse("privacy:erase", args=[person.pk])
    assert "Cette action est définitive" in client.get(url).content.decode()
    assert Person.objects.filter(pk=person.pk).exists()  # the GET only asks
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:list")
    assert not Person.objects.filter(pk=person.pk).exists()


def test_erasing_asks_for_a_recent_sign_in(world, client):
    person = referral_only(world)
    client.force_login(world.users["director"])
    response = client.post(reverse("privacy:erase", args=[person.pk]))
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert Person.objects.filter(pk=person.pk).exists()
