"""A person's request for access, answered whole by the data protection officer.

The ordinary export (`privacy.export`) holds what its maker may read: a writing kept for a
profession stays out. An `AccessRequest` answers the person whole: each writing kept for a
profession gets a `WritingReview`, recorded by a member of that profession in that service (or
its author), before the officer may download the complete export (`privacy.access`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from filrouge.core.crypto import EncryptedTextField
from filrouge.core.dates import add_months

# GDPR art. 12(3): an answer within one month of receipt, extendable by two further months.
ANSWER_MONTHS = 1
EXTENSION_MONTHS = 2

# What replaces a withheld passage in the answer. Stored data, not interface text: always
# French, like every document the service gives out.
WITHHELD_MARK = "[passage non communiqué]"


class RequestStatus(models.TextChoices):
    OPEN = "open", _("En relecture")
    REVIEWED = "reviewed", _("Relue, prête à répondre")
    ANSWERED = "answered", _("Répondue")


class AccessRequest(models.Model):
    """A right-of-access request (RGPD art. 15) received from a person."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="access_requests", verbose_name=_("personne")
    )
    received_on = models.DateField(_("reçue le"))
    requested_by = models.CharField(
        _("forme de la demande"),
        max_length=300,
        help_text=_("Par exemple : courrier remis à l'accueil, e-mail de la personne, demande orale."),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ouverte par"),
    )
    opened_at = models.DateTimeField(_("ouverte le"), auto_now_add=True)
    status = models.CharField(
        _("état"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    extended_on = models.DateField(_("délai prolongé le"), null=True, blank=True)
    extension_reason = models.TextField(_("motif de la prolongation"), blank=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("réponse enregistrée par"),
    )

    class Meta:
        verbose_name = _("demande de droit d'accès")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="answered", answered_at__isnull=False)
                | (~Q(status="answered") & Q(answered_at__isnull=True)),
                name="access_request_answered_has_a_date",
            ),
        ]

    def __str__(self):
        return f"access request {self.pk} ({self.received_on})"

    @property
    def initial_due_on(self):
        return add_months(self.received_on, ANSWER_MONTHS)

    @property
    def due_on(self):
        """The day the answer is due: one month from receipt, three once extended."""
        months = ANSWER_MONTHS + (EXTENSION_MONTHS if self.extended_on else 0)
        return add_months(self.received_on, months)

    @property
    def is_answered(self) -> bool:
        return self.status == RequestStatus.ANSWERED


class Decision(models.TextChoices):
    INCLUDE = "include", _("Communiqué tel quel")
    REDACT = "redact", _("Communiqué sans certains passages")
    WITHHOLD = "withhold", _("Non communiqué")


class Ground(models.TextChoices):
    """Why the law lets a passage or a writing be kept from the person."""

    THIRD_PARTY = "third_party", _("Informations sur un tiers (RGPD, art. 15, § 4)")
    THROUGH_DOCTOR = (
        "through_doctor",
        _("Informations de santé communiquées par le médecin que la personne désigne (CSP, art. L1111-7)"),
    )
    OTHER = "other", _("Autre motif prévu par la loi (précisé dans l'explication)")


class WritingReview(models.Model):
    """A professional's decision on one restricted note or meeting, for one request.

    A row is pending until a decision is recorded; it is current while its writing is as it was
    reviewed (`writing_version`): a writing corrected since is reviewed again."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(
        AccessRequest, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("demande")
    )
    note = models.ForeignKey(
        "journal.Note",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("note"),
    )
    meeting = models.ForeignKey(
        "journal.Meeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entretien"),
    )
    decision = models.CharField(_("décision"), max_length=10, choices=Decision.choices, blank=True)
    ground = models.CharField(_("motif légal"), max_length=20, choices=Ground.choices, blank=True)
    explanation = EncryptedTextField(
        _("explication donnée à la personne"),
        blank=True,
        help_text=_("Elle figure dans la réponse : restez factuel, sans reprendre ce qui est retiré."),
    )
    withheld_passages = EncryptedTextField(
        _("passages retirés"),
        blank=True,
        help_text=_("Recopiez chaque passage à retirer tel qu'il est écrit, un par ligne."),
    )
    writing_version = models.PositiveIntegerField(_("version de l'écrit relue"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("relu par"),
    )
    reviewed_at = models.DateTimeField(_("relu le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("relecture d'un écrit réservé")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(note__isnull=False, meeting__isnull=True)
                | Q(note__isnull=True, meeting__isnull=False),
                name="writing_review_names_one_writing",
            ),
            models.UniqueConstraint(
                fields=["request", "note"], condition=Q(note__isnull=False), name="one_review_per_note"
            ),
            models.UniqueConstraint(
                fields=["request", "meeting"],
                condition=Q(meeting__isnull=False),
                name="one_review_per_meeting",
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(reviewed_at__isnull=False, writing_version__isnull=False),
                name="writing_review_decision_is_dated",
            ),
        ]

    def __str__(self):
        return f"writing review {self.pk}"

    @property
    def writing(self):
        return self.note if self.note_id else self.meeting

    @property
    def writing_author(self):
        return self.note.author if self.note_id else self.meeting.created_by

    @property
    def is_current(self) -> bool:
        """Decided on the writing as it is now, and the writing still kept for a profession."""
        writing = self.writing
        return bool(self.decision) and self.writing_version == writing.version and writing.is_restricted

    @property
    def text_fields(self) -> tuple[str, ...]:
        """The writing's fields that hold words (the export's keys are the same)."""
        return ("text",) if self.note_id else ("summary", "place", "others")

    def passages(self) -> list[str]:
        return [line.strip() for line in self.withheld_passages.splitlines() if line.strip()]

    def redacted(self, text: str) -> str:
        # The longest first: a passage inside another is then already gone with it.
        for passage in sorted(self.passages(), key=len, reverse=True):
            text = text.replace(passage, WITHHELD_MARK)
        return text

    def reviewed_texts(self, data: dict) -> dict:
        """The writing's words as the person receives them: whole, without the passages
        withheld, or none at all."""
        if self.decision == Decision.WITHHOLD:
            return dict.fromkeys(self.text_fields)
        if self.decision == Decision.REDACT:
            return {name: self.redacted(data[name] or "") for name in self.text_fields}
        return {name: data[name] for name in self.text_fields}
