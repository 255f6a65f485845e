from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filrouge.core.crypto import EncryptedCharField, EncryptedTextField
from filrouge.core.text import fold

MIN_DURATION = 5
MAX_DURATION = 720  # twelve hours
DURATION_MESSAGE = _("Un entretien dure de 5 minutes à 12 heures (720 minutes) : vérifiez la durée.")


class Confidentiality(models.TextChoices):
    """Who reads a writing. The values are read by `policy.OPEN_LEVELS`: keep them as they are."""

    TEAM = "team", _("Équipe")
    PROFESSION = "profession", _("Réservée à ma profession")
    SHARED = "shared", _("Partagée avec la personne")


# How a restricted writing is labelled, by the role (organisations.Role value) it is kept for.
RESTRICTION_LABELS = {
    "coach": _("Réservée aux job coachs du service"),
    "psychologist": _("Réservée aux psychologues du service"),
    "social_worker": _("Réservée aux assistant·es de service social du service"),
    "educator": _("Réservée aux éducateur·rices du service"),
    "head_of_service": _("Réservée aux chef·fes de service"),
}


class Writing(models.Model):
    """What notes and meeting summaries share: the pathway, the confidentiality, the search.

    Their text is encrypted at rest (`core.crypto`), so the database cannot search it: a search
    reads the writings the user may read, then looks in them (`journal.selectors.search_writings`)."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    confidentiality = models.CharField(
        _("confidentialité"),
        max_length=12,
        choices=Confidentiality.choices,
        default=Confidentiality.TEAM,
        help_text=_(
            "« Réservée à ma profession » : seules les personnes qui ont votre rôle dans ce service "
            "(les psychologues, par exemple) pourront la lire."
        ),
    )
    restricted_to = models.CharField(max_length=20, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=~Q(confidentiality="profession") | ~Q(restricted_to=""),
                name="%(class)s_restricted_names_a_role",
            )
        ]

    def searchable(self) -> str:
        raise NotImplementedError

    def matches(self, folded_query: str) -> bool:
        """Whether the text holds the query, ignoring accents and case ("reunion" finds
        "Réunion"); `folded_query` is already folded."""
        return folded_query in fold(self.searchable())

    @property
    def is_restricted(self) -> bool:
        return self.confidentiality == Confidentiality.PROFESSION

    @property
    def restriction_label(self) -> str:
        if not self.is_restricted:
            return ""
        return str(RESTRICTION_LABELS.get(self.restricted_to, _("Réservée à une profession du service")))


class MeetingKind(models.TextChoices):
    OFFICE = "office", _("Individuel au bureau")
    PHONE = "phone", _("Téléphone")
    VIDEO = "video", _("Visio")
    HOME_VISIT = "home_visit", _("Visite à domicile")
    WORKPLACE = "workplace", _("Sur le lieu de travail")
    EMPLOYER = "employer", _("Avec l'employeur")
    REFERENT = "referent", _("Avec un référent")
    THREE_WAY = "three_way", _("Tripartite")


class Attendance(models.TextChoices):
    PRESENT = "present", _("Présent·e")
    ABSENT = "absent", _("Absent·e")
    EXCUSED = "excused", _("Excusé·e")
    CANCELLED = "cancelled", _("Annulé par le service")


class MeetingQuerySet(models.QuerySet):
    def awaiting_record(self, now=None):
        """Past meetings still to be written up: no attendance recorded, or attended without a
        summary (a meeting missed or cancelled has nothing to summarise)."""
        return self.filter(starts_at__lt=now or timezone.now()).filter(
            Q(attendance="") | Q(attendance=Attendance.PRESENT, summary="")
        )


class Meeting(Writing):
    """A meeting (entretien) of a pathway: planned, then held, missed or cancelled, with its summary."""

    enrolment = models.ForeignKey("pathways.Enrolment", on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("date et heure"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("durée (minutes)"),
        default=60,
        validators=[
            MinValueValidator(MIN_DURATION, message=DURATION_MESSAGE),
            MaxValueValidator(MAX_DURATION, message=DURATION_MESSAGE),
        ],
    )
    kind = models.CharField(_("type d'entretien"), max_length=12, choices=MeetingKind.choices)
    # Where and with whom (a home, a clinic, a relative) tell about the person: encrypted too.
    place = EncryptedCharField(_("lieu"), max_length=200, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="meetings_attended",
        verbose_name=_("participants de l'équipe"),
    )
    others = EncryptedCharField(
        _("autres participants"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple : la personne, sa sœur, le tuteur."),
    )
    attendance = models.CharField(_("présence"), max_length=10, choices=Attendance.choices, blank=True)
    summary = EncryptedTextField(_("compte rendu"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = MeetingQuerySet.as_manager()

    class Meta(Writing.Meta):
        verbose_name = _("entretien")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            *Writing.Meta.constraints,
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=MIN_DURATION, duration_minutes__lte=MAX_DURATION),
                name="meeting_duration_5_to_720_minutes",
                violation_error_message=DURATION_MESSAGE,
            ),
        ]
        indexes = [models.Index(fields=["enrolment", "starts_at"], name="meeting_enrolment_start_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.starts_at:%Y-%m-%d %H:%M})"

    def searchable(self) -> str:
        return f"{self.summary} {self.place} {self.others}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_upcoming(self) -> bool:
        return self.starts_at >= timezone.now()

    @property
    def is_cancelled(self) -> bool:
        return self.attendance == Attendance.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.starts_at < timezone.now()

    @property
    def lacks_attendance(self) -> bool:
        """Held (by its time) and nobody said whether the person came: `awaiting_record`, in Python."""
        return self.is_past and not self.attendance

    @property
    def lacks_summary(self) -> bool:
        return self.is_past and self.attendance == Attendance.PRESENT and not self.summary.strip()


class Note(Writing):
    """A dated note on a pathway. Never deleted; its author may correct it."""

    enrolment = models.ForeignKey("pathways.Enrolment", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="journal_notes"
    )
    written_on = models.DateField(_("date"), default=timezone.localdate)
    text = EncryptedTextField(_("note"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(Writing.Meta):
        verbose_name = _("note")
        ordering = ["-written_on", "-created_at", "-pk"]
        indexes = [models.Index(fields=["enrolment", "written_on"], name="note_enrolment_date_idx")]

    def __str__(self):
        return f"note {self.pk} ({self.written_on})"

    def searchable(self) -> str:
        return self.text


class CalendarFeed(models.Model):
    """A private address giving the user's agenda to a calendar application. Only its hash is kept."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_calendar_feed_per_user",
            )
        ]

    def __str__(self):
        return f"calendar feed of user {self.user_id}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
