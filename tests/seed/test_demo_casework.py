"""The demo's case work: present everywhere, within the rules, and telling the stories' intent."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from filrouge import policy
from filrouge.accounts.models import User
from filrouge.documents.models import Attachment, AttachmentKind
from filrouge.journal.models import Attendance, Confidentiality, Meeting, Note
from filrouge.organisations.models import Organisation
from filrouge.pathways.caseload import with_alerts
from filrouge.pathways.domain import today
from filrouge.pathways.models import Enrolment
from filrouge.plans.models import ActionPlan, PlanAction
from filrouge.privacy import access
from filrouge.privacy.models import AccessRequest, RequestStatus, WritingReview
from filrouge.profiles.models import Barrier, Profile, ProfileRevision
from filrouge.seed.demo import ORGANISATIONS, demo_summary, seed_demo
from filrouge.workshops.models import Registration, RegistrationStatus, WorkshopSession


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("demo")


def test_every_kind_of_case_work_is_in_the_demo(db):
    for model in (
        Profile,
        ProfileRevision,
        Barrier,
        ActionPlan,
        PlanAction,
        Meeting,
        Note,
        WorkshopSession,
        Registration,
        Attachment,
    ):
        assert model.objects.exists(), model.__name__


def test_the_demo_cvs_are_real_pdfs_stored_privately(db, settings):
    cvs = Attachment.objects.filter(kind=AttachmentKind.CV)
    assert cvs.exists()
    for cv in cvs:
        assert cv.content_type == "application/pdf"
        assert cv.enrolment.person_id == cv.person_id
        with cv.file.open("rb") as stored:
            assert stored.read(5) == b"%PDF-"
        assert cv.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))


def test_the_main_coaches_see_overdue_actions_on_their_caseload(db):
    for coach in User.objects.filter(email__startswith="coach@"):
        caseload = with_alerts(Enrolment.objects.current().filter(primary_coach=coach), today())
        assert caseload.filter(alert_overdue_actions=True).count() >= 3, coach.email


def test_a_coming_session_is_full_with_people_waiting(db):
    full = WorkshopSession.objects.annotate(
        waiting=Count("registrations", filter=Q(registrations__status=RegistrationStatus.WAITING))
    ).filter(waiting__gte=2, starts_at__gt=timezone.now())
    assert full.exists()


def test_the_last_contact_is_still_the_one_the_stories_set(db):
    for enrolment in Enrolment.objects.current().exclude(last_contact_on=None)[:20]:
        attended = Meeting.objects.filter(enrolment=enrolment, attendance=Attendance.PRESENT)
        if attended.exists():
            latest = max(m.starts_at for m in attended)
            assert timezone.localdate(latest) == enrolment.last_contact_on


def test_a_psychologists_notes_are_kept_from_the_coach(db):
    restricted = Note.objects.filter(confidentiality=Confidentiality.PROFESSION)
    assert restricted.exists()
    coach = User.objects.get(email="coach@trait-union.example")
    assert not policy.scoped_writings(coach, restricted).exists()


def test_every_plan_and_meeting_obeys_its_model_rules(db):
    for item in list(PlanAction.objects.all()[:30]) + list(Meeting.objects.all()[:30]):
        item.full_clean()


def test_the_first_organisation_has_an_access_request_waiting_for_its_reviews(db):
    first = Organisation.objects.get(siret=ORGANISATIONS[0]["siret"])
    waiting = AccessRequest.objects.get(organisation=first, status=RequestStatus.OPEN)
    assert waiting.received_on == today() - timedelta(days=10)
    pending = access.pending(access.reviews_of(waiting))
    assert pending
    for review in pending:
        reviewers = policy.access_reviewers(review.writing)
        assert reviewers.exists()
        for reviewer in reviewers:
            assert review in access.reviews_to_do(reviewer, waiting.person)
    psychologist = User.objects.get(email="psychologue@trait-union.example")
    assert any(review.request_id == waiting.pk for review in access.reviews_to_do(psychologist))
    answered = AccessRequest.objects.get(organisation=first, status=RequestStatus.ANSWERED)
    assert answered.received_on < waiting.received_on and answered.person_id != waiting.person_id
    assert not AccessRequest.objects.exclude(organisation=first).exists()
    assert "2 demandes de droit d'accès" in demo_summary()


def test_loading_the_demo_again_adds_no_access_request(db):
    first = (AccessRequest.objects.count(), WritingReview.objects.count(), Note.objects.count())
    seed_demo()
    assert (AccessRequest.objects.count(), WritingReview.objects.count(), Note.objects.count()) == first
