"""The person's rights: erasure where the law allows it, anonymisation otherwise, retention.

Anonymising keeps every row that a figure or a report counts (pathways with their dates,
phases and outcomes, meetings with their kind and attendance, plan actions with their status,
barriers with their status, workshop attendance, documents by kind) and removes what names or
describes the person: names, contact details, partners, every free text, the files. So the
figures and the support report read the same before and after.

Erasing deletes the record outright. It is allowed only when the support never began (no
intake, nothing written or planned): a referral that came to nothing, or a record created by
mistake. Once support has begun, the service keeps the record for its retention period
(`Service.retention_years` after the last exit), then `filrouge retention run` anonymises it.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, Max, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge.audit import api as audit
from filrouge.consents.models import Consent, Disclosure
from filrouge.core.dates import add_months
from filrouge.core.text import fold
from filrouge.documents.models import Attachment, private_storage
from filrouge.employers.models import EmployerContact
from filrouge.followalong.models import SupportContact
from filrouge.imports.models import ImportedKey
from filrouge.journal.models import Meeting, Note
from filrouge.matching.models import Proposal
from filrouge.notifications.models import MessageStatus, OutboundMessage, ReminderPreference
from filrouge.pathways.domain import today
from filrouge.pathways.models import Enrolment, EntrySituation, Phase, PhaseChange, Renewal, Suspension
from filrouge.people.models import Person, PersonContact
from filrouge.placements.models import Adjustment, AdjustmentReview, ImmersionRenewal, Placement
from filrouge.plans.models import ActionPlan, PlanAction, PlanObjective
from filrouge.privacy.models import AccessRequest, RequestStatus, WritingReview
from filrouge.profiles.models import Barrier, Experience, Profile, ProfileRevision, TargetJob, Training
from filrouge.workshops.models import Registration

# What replaces the names and the free labels. Stored data, not interface text: always French,
# like the documents the service gives out.
ANONYMOUS_FIRST_NAME = "Personne"
ANONYMOUS_LAST_NAME = "anonymisée n° {pk}"
CUSTOM_OBJECTIVE = "Objectif personnalisé"
CUSTOM_ACTION = "Action personnalisée"
TRAINING_TITLE = "Formation"
DELETED_DOCUMENT = "Document supprimé"
DELETED_FILE_NAME = "document-supprime"
ANONYMOUS_WITNESS = "Témoin anonymisé"
ANONYMOUS_RECIPIENT = "Destinataire anonymisé n° {number}"

# The phases of a support that has begun: past them, the record is kept, then anonymised.
SUPPORT_PHASES = [phase for phase in Phase if phase not in (Phase.REFERRAL, Phase.EXIT)]


# --- Anonymisation ---------------------------------------------------------------------------------


def anonymise_consents(person) -> None:
    consents = Consent.objects.filter(person=person)
    consents.update(comment="")
    consents.exclude(witness_name="").update(witness_name=ANONYMOUS_WITNESS)
    # A recipient typed in by name becomes "Destinataire anonymisé n° k": each stays apart from
    # the others, so every decision still belongs to the same sharing as before.
    named = consents.exclude(recipient_label="")
    keys = sorted(set(named.values_list("recipient_key", flat=True)))
    for number, key in enumerate(keys, start=1):
        label = ANONYMOUS_RECIPIENT.format(number=number)
        named.filter(recipient_key=key).update(recipient_label=label, recipient_key=f"label:{fold(label)}")
    Disclosure.objects.filter(person=person).update(comment="")


def unanswered_access_requests(person):
    return AccessRequest.objects.filter(person=person).exclude(status=RequestStatus.ANSWERED)


def access_request_refusal(person) -> str | None:
    """A record whose person asked for access stays whole until the answer is given (RGPD art. 15)."""
    if unanswered_access_requests(person).exists():
        return _(
            "Une demande de droit d'accès de cette personne attend sa réponse : la ou le délégué à la "
            "protection des données doit d'abord y répondre."
        )
    return None


def anonymisation_refusal(person) -> str | None:
    """Why this record cannot be anonymised now, or None."""
    if person.is_anonymised:
        return _("Ce dossier est déjà anonymisé.")
    if refusal := access_request_refusal(person):
        return refusal
    if person.enrolments.current().exists():
        return _(
            "Un parcours de cette personne est encore en cours : enregistrez d'abord sa sortie. "
            "Les chiffres des parcours en cours restent ainsi exacts."
        )
    return None


def stored_files(attachments) -> list[str]:
    return [name for name in attachments.values_list("file", flat=True) if name]


def delete_files_on_commit(names: list[str]) -> None:
    """Files go once the rows that point at them have changed for good: a rollback keeps both."""

    def delete():
        for name in names:
            try:
                private_storage.delete(name)
            except OSError:
                continue  # a file already gone is what we wanted; the row no longer names it

    transaction.on_commit(delete)


@transaction.atomic
def anonymise(person, by=None, *, detail: str = "") -> Person:
    """Removes what names or describes the person; keeps what the figures count (ValidationError
    if the record cannot be anonymised now). `by` is None for the retention task."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    refusal = anonymisation_refusal(person)
    if refusal:
        raise ValidationError(refusal)
    enrolments = Enrolment.objects.filter(person=person)

    # The pathway: dates, phases, outcomes kept; reasons and comments gone. Every versioned row
    # emptied moves to its next version: a form opened before is refused, not saved over it.
    next_version = models.F("version") + 1
    enrolments.update(referral_reason="", exit_comment="", reoriented_to="", version=next_version)
    EntrySituation.objects.filter(enrolment__in=enrolments).update(mdph_file="")
    for model in (PhaseChange, Suspension, Renewal):
        model.objects.filter(enrolment__in=enrolments).update(comment="")

    # Meetings and notes stay (their kind, date and attendance are counted), without a word.
    Meeting.objects.filter(enrolment__in=enrolments).update(
        summary="", place="", others="", version=next_version
    )
    Note.objects.filter(enrolment__in=enrolments).update(text="", version=next_version)

    # The plan: objectives and actions stay with their theme, kind and status.
    plans = ActionPlan.objects.filter(enrolment__in=enrolments)
    PlanObjective.objects.filter(plan__in=plans).exclude(custom_label="").update(
        custom_label=CUSTOM_OBJECTIVE
    )
    actions = PlanAction.objects.filter(objective__plan__in=plans)
    actions.exclude(custom_label="").update(custom_label=CUSTOM_ACTION)
    actions.update(outcome_note="", version=next_version)

    # The profile: referential items (jobs, levels, barriers' statuses) stay, texts go.
    Profile.objects.filter(person=person).update(
        skills="", soft_skills="", expectations="", version=next_version
    )
    Experience.objects.filter(profile__person=person).update(employer="", description="")
    Training.objects.filter(profile__person=person).update(title=TRAINING_TITLE, institution="")
    TargetJob.objects.filter(profile__person=person).update(availability="")
    Barrier.objects.filter(person=person).update(comment="")
    ProfileRevision.objects.filter(person=person).delete()  # whole snapshots of the texts above

    # Employment: placements, their adjustments and follow-along, proposals and the employer
    # contacts about the person stay (kinds, dates, outcomes are counted); their words go.
    placements = Placement.objects.filter(enrolment__in=enrolments)
    placements.update(end_comment="")
    ImmersionRenewal.objects.filter(placement__in=placements).update(reason="")
    adjustments = Adjustment.objects.filter(placement__in=placements)
    adjustments.update(description="")
    AdjustmentReview.objects.filter(adjustment__in=adjustments).update(comment="")
    SupportContact.objects.filter(placement__in=placements).update(notes="")
    Proposal.objects.filter(enrolment__in=enrolments).update(comment="")
    EmployerContact.objects.filter(person=person).update(notes="")

    # Documents: the rows stay (counted by kind), archived; the files are deleted.
    attachments = Attachment.objects.filter(person=person)
    delete_files_on_commit(stored_files(attachments))
    attachments.update(
        # No name left: a key rotation skips the row, and the sweep removes a file left behind.
        file="",
        title=DELETED_DOCUMENT,
        original_name=DELETED_FILE_NAME,
        sha256="",
        archived_at=Coalesce("archived_at", Value(timezone.now(), output_field=models.DateTimeField())),
    )

    # Partners named around the person; consents and disclosures keep their purpose, decision,
    # date and method, not the words nor the names typed in.
    PersonContact.objects.filter(person=person).delete()
    anonymise_consents(person)
    # The ids a former tool gave the person, their pathways and jobs re-identify them through it.
    ImportedKey.objects.filter(
        Q(person=person) | Q(enrolment__in=enrolments) | Q(placement__in=placements)
    ).delete()

    # Reminders: the choices are contact details, gone; the messages keep their kind, date and
    # status, without their recipient nor their text, and nothing more leaves.
    ReminderPreference.objects.filter(person=person).delete()
    messages = OutboundMessage.objects.filter(person=person)
    messages.filter(status=MessageStatus.PENDING).update(status=MessageStatus.SKIPPED)
    messages.update(recipient="", body="")

    # Right-of-access requests stay (received, answered), without how they came nor the reviews' words.
    AccessRequest.objects.filter(person=person).update(requested_by="", extension_reason="")
    WritingReview.objects.filter(request__person=person).update(explanation="", withheld_passages="")

    # The person: a neutral name, the year of birth only, no contact details.
    person.first_name = ANONYMOUS_FIRST_NAME
    person.birth_name = ANONYMOUS_LAST_NAME.format(pk=person.pk)
    person.usual_name = ""
    person.date_of_birth = date(person.date_of_birth.year, 1, 1)
    person.phone = person.email = person.address = person.postal_code = person.city = ""
    person.latitude = person.longitude = None
    person.preferred_channel = ""
    person.anonymised_at = timezone.now()
    person.version += 1  # a form opened before is refused, not saved over the anonymisation
    person.save()

    audit.record(
        "anonymise",
        organisation_id=person.organisation_id,
        object_type="people.person",
        object_id=person.pk,
        person_id=person.pk,
        user=by,
        detail=detail,
    )
    # Last: what the trail stored of the old values (the changes above included) goes too.
    audit.redact_person(person.pk)
    return person


# --- Erasure ---------------------------------------------------------------------------------------


def erasure_refusal(person) -> str | None:
    """Why the law has the service keep this record, or None when it may be erased."""
    if refusal := access_request_refusal(person):
        return refusal
    enrolments = Enrolment.objects.filter(person=person)
    began = enrolments.filter(
        Q(intake_date__isnull=False)
        | Exists(PhaseChange.objects.filter(enrolment=OuterRef("pk"), phase__in=SUPPORT_PHASES))
    )
    if began.exists():
        return _(
            "L'accompagnement de cette personne a commencé (un accueil est enregistré) : le service "
            "doit conserver le dossier pendant sa durée de conservation. Il peut en revanche être "
            "anonymisé une fois chaque parcours terminé."
        )
    written = (
        Meeting.objects.filter(enrolment__in=enrolments).exists()
        or Note.objects.filter(enrolment__in=enrolments).exists()
        or ActionPlan.objects.filter(enrolment__in=enrolments).exists()
        or Registration.objects.filter(enrolment__in=enrolments).exists()
        or Profile.objects.filter(person=person).exists()
        or Barrier.objects.filter(person=person).exists()
        or Placement.objects.filter(enrolment__in=enrolments).exists()
        or Proposal.objects.filter(enrolment__in=enrolments).exists()
    )
    if written:
        return _(
            "Des entretiens, des notes, un plan d'action, des ateliers, un profil ou des expériences en "
            "emploi sont enregistrés : "
            "le service doit conserver le dossier pendant sa durée de conservation. Il peut en revanche "
            "être anonymisé une fois chaque parcours terminé."
        )
    return None


@transaction.atomic
def erase(person, by) -> None:
    """Deletes the record and everything hanging off it (ValidationError if the law has it kept)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    refusal = erasure_refusal(person)
    if refusal:
        raise ValidationError(refusal)
    pk, organisation_id = person.pk, person.organisation_id
    # Consents first: a signed form they point at is one of the attachments.
    Consent.objects.filter(person=person).delete()
    Disclosure.objects.filter(person=person).delete()
    attachments = Attachment.objects.filter(person=person)
    delete_files_on_commit(stored_files(attachments))
    attachments.delete()
    # Pathways are protected from a person's deletion: each goes first, with what hangs off it.
    Enrolment.objects.filter(person=person).delete()
    person.delete()
    audit.redact_person(pk)
    audit.record(
        "erase",
        organisation_id=organisation_id,
        object_type="people.person",
        object_id=pk,
        person_id=pk,
        user=by,
    )


# --- Retention -------------------------------------------------------------------------------------


def retention_due(on: date | None = None, organisation_id: int | None = None) -> list[Person]:
    """The people to anonymise on `on` (today): every pathway ended, and the latest exit older
    than the longest retention period of the services involved; of one organisation, or all."""
    on = on or today()
    ongoing = Enrolment.objects.filter(person=OuterRef("pk"), exit_date__isnull=True)
    asking = unanswered_access_requests(OuterRef("pk"))
    people = Person.objects.all()
    if organisation_id is not None:
        people = people.filter(organisation_id=organisation_id)
    people = (
        people.filter(anonymised_at__isnull=True)
        .exclude(Exists(ongoing))
        .exclude(Exists(asking))  # anonymised at the first run after the answer
        .annotate(last_exit=Max("enrolments__exit_date"), longest=Max("enrolments__service__retention_years"))
        .filter(last_exit__isnull=False)
        .order_by("pk")
    )
    return [p for p in people if p.last_exit < add_months(on, -12 * p.longest)]


def run_retention(
    *, dry_run: bool = False, on: date | None = None, organisation_id: int | None = None
) -> int:
    """Anonymises the records past their retention period (`filrouge retention run`, and the
    scheduled task per organisation); returns how many (or would be)."""
    due = retention_due(on, organisation_id)
    if dry_run:
        return len(due)
    for person in due:
        anonymise(person, None, detail="retention")  # one transaction each: a failure keeps the rest
    return len(due)
