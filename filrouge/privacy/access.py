"""The right of access answered whole: the request, the professionals' reviews, the deadline and
the complete export (RGPD art. 15 and 12(3); CSP art. L1111-7 for health information).

The data protection officer opens a request for a person. Every note or meeting of the person
kept for a profession gets a review row; a member of that profession in that service, or the
author, records a decision on it (`record_review`). Once every such writing has a current
review, the officer downloads the complete export: every pathway, file and writing of the
organisation on the person, restricted writings as reviewed. Then the officer records the
answer. Who may do each step is decided by `filrouge.policy`; the views ask it.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from filrouge import policy
from filrouge.documents.models import Attachment
from filrouge.employers.models import EmployerContact
from filrouge.journal.models import Confidentiality, Meeting, Note
from filrouge.pathways.domain import today
from filrouge.pathways.models import Enrolment
from filrouge.privacy import export
from filrouge.privacy.models import AccessRequest, Decision, Ground, RequestStatus, WritingReview


def restricted_writings(access_request) -> tuple[list[Note], list[Meeting]]:
    """The person's notes and meetings kept for a profession, in every service of the organisation."""
    restricted = {
        "enrolment__person_id": access_request.person_id,
        "organisation_id": access_request.organisation_id,
        "confidentiality": Confidentiality.PROFESSION,
    }
    return list(Note.objects.filter(**restricted)), list(Meeting.objects.filter(**restricted))


def reviews_of(access_request) -> list[WritingReview]:
    """The request's reviews of writings still kept for a profession, with their writings."""
    reviews = access_request.reviews.select_related(
        "note__enrolment__service",
        "note__author",
        "meeting__enrolment__service",
        "meeting__created_by",
        "reviewed_by",
    )
    return [review for review in reviews if review.writing.is_restricted]


@transaction.atomic
def sync_reviews(access_request) -> list[WritingReview]:
    """A review row for every writing of the person kept for a profession, those kept since the
    request was opened included; then the request's status. Nothing changes once answered."""
    # Locked: two pages opened at once add each missing row once, and an answer given meanwhile
    # is seen before the status is touched.
    current = locked(access_request)
    if not current.is_answered:
        notes, meetings = restricted_writings(current)
        known = set(current.reviews.values_list("note_id", "meeting_id"))
        missing = [{"note": note} for note in notes if (note.pk, None) not in known]
        missing += [{"meeting": meeting} for meeting in meetings if (None, meeting.pk) not in known]
        for writing in missing:  # one by one: each row's creation is in the audit trail
            WritingReview.objects.create(organisation_id=current.organisation_id, request=current, **writing)
    reviews = reviews_of(current)
    refresh_status(current, reviews)
    access_request.status, access_request.answered_at = current.status, current.answered_at
    return reviews


def pending(reviews: list[WritingReview]) -> list[WritingReview]:
    """Reviews still to record: never decided, or decided on a writing corrected since."""
    return [review for review in reviews if not review.is_current]


def reviews_to_do(user, person=None) -> list[WritingReview]:
    """The reviews waiting for this user (of one person, when given), on requests not answered yet:
    never decided, or decided before the writing was corrected."""
    reviews = policy.scoped_access_reviews(user).exclude(request__status=RequestStatus.ANSWERED)
    if person is not None:
        reviews = reviews.filter(request__person=person)
    reviews = reviews.select_related(
        "request__person",
        "note__enrolment__service",
        "note__author",
        "meeting__enrolment__service",
        "meeting__created_by",
    ).order_by("request__received_on", "pk")
    return [review for review in reviews if not review.is_current]


def refresh_status(access_request, reviews: list[WritingReview]) -> None:
    if access_request.is_answered:
        return
    status = RequestStatus.OPEN if pending(reviews) else RequestStatus.REVIEWED
    if access_request.status != status:
        access_request.status = status
        access_request.save(update_fields=["status"])


def locked(access_request) -> AccessRequest:
    """The request, locked until the transaction ends: a review and the answer never cross."""
    return AccessRequest.objects.select_for_update().get(pk=access_request.pk)


@transaction.atomic
def open_request(person, *, received_on, requested_by: str, by) -> AccessRequest:
    if person.is_anonymised:
        raise ValidationError(_("Ce dossier est anonymisé : il ne contient plus de données à communiquer."))
    if received_on > today():
        raise ValidationError({"received_on": _("La date de réception ne peut pas être dans le futur.")})
    access_request = AccessRequest.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        received_on=received_on,
        requested_by=requested_by,
        opened_by=by,
    )
    sync_reviews(access_request)
    return access_request


def found_in(writing, passage: str, fields) -> bool:
    return any(passage in (getattr(writing, name) or "") for name in fields)


@transaction.atomic
def record_review(
    review, *, decision: str, ground: str, explanation: str, withheld_passages: str, writing_version: int, by
):
    """Records a professional's decision on the writing as they read it (`writing_version`);
    ValidationError naming the field when a rule is not met. Recording it again replaces it,
    until the request is answered."""
    access_request = locked(review.request)
    review = WritingReview.objects.select_for_update().get(pk=review.pk)
    writing = review.writing
    if access_request.is_answered:
        raise ValidationError(_("Cette demande a déjà reçu sa réponse : sa relecture ne change plus."))
    if not writing.is_restricted:
        raise ValidationError(_("Cet écrit n'est plus réservé à une profession : il n'a plus à être relu."))
    if writing.version != writing_version:
        raise ValidationError(
            _("L'écrit a été corrigé pendant votre relecture : relisez-le tel qu'il est maintenant.")
        )
    explanation, withheld_passages = explanation.strip(), withheld_passages.strip()
    errors = {}
    if decision not in Decision.values:
        errors["decision"] = _("Choisissez une décision.")
    if decision in (Decision.REDACT, Decision.WITHHOLD):
        if ground not in Ground.values:
            errors["ground"] = _("Donnez le motif légal.")
        if not explanation:
            errors["explanation"] = _("Expliquez à la personne ce qui n'est pas communiqué, et pourquoi.")
    if decision == Decision.REDACT:
        review.withheld_passages = withheld_passages
        missing = [p for p in review.passages() if not found_in(writing, p, review.text_fields)]
        if not review.passages():
            errors["withheld_passages"] = _("Recopiez au moins un passage à retirer.")
        elif missing:
            errors["withheld_passages"] = _(
                "Ce passage ne figure pas tel quel dans l'écrit : « %(passage)s »."
            ) % {"passage": missing[0]}
    if errors:
        raise ValidationError(errors)
    review.decision = decision
    keeps_reason = decision != Decision.INCLUDE
    review.ground = ground if keeps_reason else ""
    review.explanation = explanation if keeps_reason else ""
    review.withheld_passages = withheld_passages if decision == Decision.REDACT else ""
    review.writing_version = writing.version
    review.reviewed_by = by
    review.reviewed_at = timezone.now()
    review.save()
    refresh_status(access_request, reviews_of(access_request))
    return review


@transaction.atomic
def extend(access_request, *, reason: str, on=None) -> AccessRequest:
    """Extends the deadline by two months (art. 12(3)): once, before the first month is over,
    with the reason the person is told."""
    access_request = locked(access_request)
    on = on or today()
    reason = reason.strip()
    if access_request.is_answered:
        raise ValidationError(_("Cette demande a déjà reçu sa réponse."))
    if access_request.extended_on:
        raise ValidationError(_("Le délai de cette demande a déjà été prolongé."))
    if on > access_request.initial_due_on:
        raise ValidationError(
            _(
                "Le délai ne se prolonge que pendant le premier mois : il fallait informer la personne au plus tard le %(day)s."
            )
            % {"day": date_format(access_request.initial_due_on, "SHORT_DATE_FORMAT")}
        )
    if not reason:
        raise ValidationError({"extension_reason": _("Donnez le motif, qui est communiqué à la personne.")})
    access_request.extended_on = on
    access_request.extension_reason = reason
    access_request.save(update_fields=["extended_on", "extension_reason"])
    return access_request


def export_refusal(reviews: list[WritingReview]) -> str | None:
    """Why the complete export cannot be made yet, or None."""
    waiting = len(pending(reviews))
    if waiting:
        return ngettext(
            "L'export complet n'est possible qu'une fois chaque écrit réservé relu : %(count)s relecture reste à faire.",
            "L'export complet n'est possible qu'une fois chaque écrit réservé relu : %(count)s relectures restent à faire.",
            waiting,
        ) % {"count": waiting}
    return None


@transaction.atomic
def answer(access_request, *, by) -> AccessRequest:
    """Records that the person received the complete answer (ValidationError while a review is
    missing)."""
    access_request = locked(access_request)
    if access_request.is_answered:
        raise ValidationError(_("Cette demande a déjà reçu sa réponse."))
    refusal = export_refusal(sync_reviews(access_request))
    if refusal:
        raise ValidationError(refusal)
    access_request.status = RequestStatus.ANSWERED
    access_request.answered_at = timezone.now()
    access_request.answered_by = by
    access_request.save(update_fields=["status", "answered_at", "answered_by"])
    return access_request


# --- The complete export -------------------------------------------------------------------------


@dataclass
class CompleteScope(export.ReaderScope):
    """What a complete answer holds: every pathway, writing, file and employer contact of the
    organisation on the person (through `policy.complete_access_records`), and of the writings
    kept for a profession only those with a current review, as reviewed."""

    access_request: AccessRequest

    def records(self, queryset):
        return policy.complete_access_records(self.user, self.access_request, queryset)

    def enrolments(self):
        return self.records(Enrolment.objects.all())

    def meetings(self, enrolments):
        return self.records(Meeting.objects.filter(enrolment__in=enrolments))

    def notes(self, enrolments):
        return self.records(Note.objects.filter(enrolment__in=enrolments))

    def reviewed(self, writings: list) -> list:
        reviews = {
            (review.note_id or review.meeting_id, review.note_id is not None): review
            for review in reviews_of(self.access_request)
            if review.is_current
        }
        kept = []
        for writing in writings:
            if writing.is_restricted:
                review = reviews.get((writing.pk, isinstance(writing, Note)))
                if review is None:
                    continue  # never without its review: `export_refusal` stops this earlier
                writing.access_review = review
            kept.append(writing)
        return kept

    def attachments(self):
        return self.records(Attachment.objects.all())

    def employer_contacts(self):
        return self.records(EmployerContact.objects.all())

    def answering(self) -> dict:
        access_request = self.access_request
        return {
            "access_request": {
                "received_on": export.iso(access_request.received_on),
                "requested_by": access_request.requested_by,
                "due_on": export.iso(access_request.due_on),
                "extended_on": export.iso(access_request.extended_on),
                "extension_reason": access_request.extension_reason,
            }
        }


def complete_export(access_request, user) -> dict:
    """The complete export's data (the same shape as the ordinary one, `export_schema.json`)."""
    return export.export_data(access_request.person, user, CompleteScope(user, access_request))
