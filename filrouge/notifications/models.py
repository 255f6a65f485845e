"""Reminders to the person (SMS, email) and the staff's daily digest: who chose what, and every
message owed, sent or refused, recorded before it leaves (so nothing is sent twice)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filrouge.core.crypto import EncryptedTextField
from filrouge.core.phones import PhoneNumberField


class ReminderChannels(models.TextChoices):
    NONE = "none", _("Aucun rappel")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")
    BOTH = "both", _("SMS et e-mail")


class Language(models.TextChoices):
    FRENCH = "fr", _("Français")
    ENGLISH = "en", _("Anglais")


class ReminderPreferenceQuerySet(models.QuerySet):
    def current(self):
        """Each person's latest choice (the rows before it are its history)."""
        latest = ReminderPreference.objects.filter(person_id=models.OuterRef("person_id")).order_by(
            "-recorded_at", "-pk"
        )
        return self.filter(pk=models.Subquery(latest.values("pk")[:1]))


class ReminderPreference(models.Model):
    """One recorded choice of reminders. Never edited: a new choice is a new row, so the history
    says who chose what and when. A person with no row gets no reminder."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="reminder_preferences")
    channels = models.CharField(_("rappels"), max_length=8, choices=ReminderChannels.choices)
    phone = PhoneNumberField(_("numéro de portable pour les SMS"))
    email = models.EmailField(_("adresse e-mail pour les rappels"), blank=True)
    language = models.CharField(
        _("langue des messages"), max_length=2, choices=Language.choices, default=Language.FRENCH
    )
    recorded_at = models.DateTimeField(_("choix enregistré le"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The person recorded it themself (their own space): the staff then only see it.
    by_person = models.BooleanField(default=False)

    objects = ReminderPreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("choix de rappels")
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["person", "-recorded_at"], name="reminder_pref_person_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(channels__in=["sms", "both"]) | ~Q(phone=""), name="reminder_sms_needs_phone"
            ),
            models.CheckConstraint(
                condition=~Q(channels__in=["email", "both"]) | ~Q(email=""), name="reminder_email_needs_email"
            ),
        ]

    def __str__(self):
        return f"reminder preference {self.pk} ({self.channels})"

    @property
    def wants_sms(self) -> bool:
        return self.channels in (ReminderChannels.SMS, ReminderChannels.BOTH)

    @property
    def wants_email(self) -> bool:
        return self.channels in (ReminderChannels.EMAIL, ReminderChannels.BOTH)


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class MessageKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Confirmation de rendez-vous")
    REMINDER = "reminder", _("Rappel de rendez-vous")
    CHANGE = "change", _("Rendez-vous déplacé")
    CANCELLATION = "cancellation", _("Rendez-vous annulé")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")
    # The worker stopped between the provider's answer and our record: a person must check.
    UNCERTAIN = "uncertain", _("À vérifier")
    SKIPPED = "skipped", _("Non envoyé (rendez-vous passé)")


class OutboundMessage(models.Model):
    """One message to a person about one appointment. Written before it is sent, under a unique
    key computed from the appointment's state, so two workers (or a second run) that owe the same
    message find it already there. Its id is the provider's idempotency key and the file name of
    the file backends."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="outbound_messages")
    service = models.ForeignKey("organisations.Service", on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(
        "journal.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    registration = models.ForeignKey(
        "workshops.Registration", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    key = models.CharField(max_length=160, unique=True)
    kind = models.CharField(_("message"), max_length=12, choices=MessageKind.choices)
    channel = models.CharField(_("canal"), max_length=5, choices=Channel.choices)
    starts_at = models.DateTimeField(_("rendez-vous du"))
    recipient = models.CharField(max_length=254)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.FRENCH)
    subject = models.CharField(max_length=200, blank=True)
    # Date, time, place and a first name only; the place can tell about the person: encrypted.
    body = EncryptedTextField()
    due_at = models.DateTimeField(_("à envoyer à partir du"))
    status = models.CharField(
        _("état"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    provider_reference = models.CharField(max_length=100, blank=True)
    # A short code or the provider's status, never the text or the recipient.
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("message envoyé à la personne")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="message_status_due_idx"),
            models.Index(fields=["person", "-created_at"], name="message_person_idx"),
        ]

    def __str__(self):
        return f"message {self.pk} ({self.kind}, {self.channel}, {self.status})"


class DigestSent(models.Model):
    """The staff member's daily digest of one day: written before the email leaves, one per day."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests")
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_per_day")]

    def __str__(self):
        return f"digest {self.user_id} {self.day}"
