"""Group workshops: the kinds of workshop, their sessions (alone or by series), who comes.

Built-in workshop types (CV, interview, digital skills; reading, music... in ESAT) are loaded
by a migration and have a `code`; a service adds its own (organisation and service set, no
code), which it may archive, never delete. A session has a capacity: beyond it, people wait
in line, and a place that frees up goes to the first in line.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MIN_DURATION, MAX_DURATION = 15, 480
MIN_CAPACITY, MAX_CAPACITY = 1, 100


class WorkshopTypeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def for_service(self, service, include_archived: bool = False):
        """The built-in types and the service's own (active ones unless asked)."""
        types = self.filter(Q(service__isnull=True) | Q(service=service))
        return types if include_archived else types.active()


class WorkshopType(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True, null=True, blank=True, editable=False)
    name = models.CharField(_("intitulé"), max_length=120)
    for_esat = models.BooleanField(_("atelier d'ESAT"), default=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        "organisations.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkshopTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("type d'atelier")
        ordering = ["for_esat", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(code__isnull=False, organisation__isnull=True, service__isnull=True)
                    | Q(code__isnull=True, organisation__isnull=False, service__isnull=False)
                ),
                name="workshop_type_built_in_or_local",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_built_in(self) -> bool:
        return self.service_id is None

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


def duration_constraint(name: str):
    return models.CheckConstraint(
        condition=Q(duration_minutes__gte=MIN_DURATION, duration_minutes__lte=MAX_DURATION), name=name
    )


def capacity_constraint(name: str):
    return models.CheckConstraint(
        condition=Q(capacity__gte=MIN_CAPACITY, capacity__lte=MAX_CAPACITY), name=name
    )


duration_field = {
    "validators": [MinValueValidator(MIN_DURATION), MaxValueValidator(MAX_DURATION)],
    "help_text": _("En minutes, de 15 à 480."),
}
capacity_field = {
    "validators": [MinValueValidator(MIN_CAPACITY), MaxValueValidator(MAX_CAPACITY)],
    "help_text": _("Nombre de places, de 1 à 100."),
}


class WorkshopSeries(models.Model):
    """A recurring workshop ("tous les mardis et jeudis à 14 h"): it generates its sessions."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("organisations.Service", on_delete=models.PROTECT, related_name="+")
    type = models.ForeignKey(
        WorkshopType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type d'atelier")
    )
    weekdays = models.JSONField(_("jours de la semaine"), default=list)
    first_date = models.DateField(_("première date"))
    last_date = models.DateField(_("dernière date"))
    start_time = models.TimeField(_("heure de début"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), **duration_field)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("animé par"),
    )
    capacity = models.PositiveSmallIntegerField(_("places"), **capacity_field)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("série d'ateliers")
        ordering = ["-first_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_date__gte=models.F("first_date")), name="workshop_series_dates_in_order"
            ),
            duration_constraint("workshop_series_duration_range"),
            capacity_constraint("workshop_series_capacity_range"),
        ]

    def __str__(self):
        return f"{self.type} ({self.first_date} – {self.last_date})"


class WorkshopSessionQuerySet(models.QuerySet):
    def not_cancelled(self):
        return self.filter(cancelled_at__isnull=True)


class WorkshopSession(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("organisations.Service", on_delete=models.PROTECT, related_name="+")
    type = models.ForeignKey(
        WorkshopType, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("type d'atelier")
    )
    series = models.ForeignKey(
        WorkshopSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("début"))
    duration_minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), **duration_field)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facilitated_workshops",
        verbose_name=_("animé par"),
    )
    capacity = models.PositiveSmallIntegerField(_("places"), **capacity_field)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("motif d'annulation"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkshopSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance d'atelier")
        ordering = ["starts_at", "pk"]
        constraints = [
            duration_constraint("workshop_session_duration_range"),
            capacity_constraint("workshop_session_capacity_range"),
        ]
        indexes = [models.Index(fields=["service", "starts_at"], name="workshop_session_service_idx")]

    def __str__(self):
        return f"{self.type} — {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Inscrit·e")
    WAITING = "waiting", _("Liste d'attente")
    CANCELLED = "cancelled", _("Désinscrit·e")


class Attendance(models.TextChoices):
    PRESENT = "present", _("Présent·e")
    ABSENT = "absent", _("Absent·e")
    EXCUSED = "excused", _("Excusé·e")


class Registration(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(WorkshopSession, on_delete=models.CASCADE, related_name="registrations")
    enrolment = models.ForeignKey(
        "pathways.Enrolment", on_delete=models.PROTECT, related_name="workshop_registrations"
    )
    status = models.CharField(
        _("inscription"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.REGISTERED,
    )
    registered_at = models.DateTimeField(_("inscrite le"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    attendance = models.CharField(_("présence"), max_length=10, choices=Attendance.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inscription à un atelier")
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="one_registration_per_session"),
            models.CheckConstraint(
                condition=Q(attendance="") | Q(status="registered"), name="attendance_only_when_registered"
            ),
        ]

    def __str__(self):
        return f"registration {self.pk} ({self.status})"
