"""The report files prepared in the background: the PDF or the workbook of a large scope.

A report of many pathways takes longer to build than a request should wait
(`REPORT_BACKGROUND_THRESHOLD`, docs in `reports.files`): the download link records a
`ReportFile`, a task builds it, and its page offers it once ready. The file is the report as its
requester sees it (names or not, the services they may see), so it is theirs alone; it is kept
encrypted like the attached files and expires after `LIFETIME`.
"""

import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filrouge.documents.models import PrivateStorage

LIFETIME = timedelta(days=7)


class ReportStorage(PrivateStorage):
    """Encrypted at rest, under `reports/` of the private root: the attached files' sweep
    (`documents.storage.sweep`) leaves these names alone, and they are removed on expiry."""

    @property
    def base_location(self):
        return str(Path(settings.PRIVATE_MEDIA_ROOT) / "reports")


report_storage = ReportStorage()


def stored_name(instance, filename) -> str:
    """Never a name from the scope: the organisation and a random id."""
    return f"{instance.organisation_id}/{uuid.uuid4().hex}"


class ReportKind(models.TextChoices):
    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("Classeur XLSX")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("En cours de préparation")
    READY = "ready", _("Prêt")
    FAILED = "failed", _("Échec")


class ReportFileQuerySet(models.QuerySet):
    def live(self, now=None):
        """Not expired: an expired file is never offered, even before the cleanup removes it."""
        return self.filter(expires_at__gt=now or timezone.now())

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())


class ReportFile(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=ReportKind.choices)
    # The chooser's values as asked ({"service": "3", "periode": "2025"}), read again by the task.
    scope = models.JSONField(default=dict)
    scope_key = models.CharField(max_length=300)  # the same, canonical: one pending build per scope
    # What the request saw, checked again at the download: the services' ids, and whether the
    # figures were without names (a file with names is not given to someone who now sees none).
    service_ids = models.JSONField(default=list)
    without_names = models.BooleanField(default=True)
    label = models.CharField(max_length=300)  # "Service A1 — Année 2025", shown in the list
    filename = models.CharField(max_length=200)
    audit_detail = models.CharField(max_length=200)  # ids and codes only, as the direct download's
    status = models.CharField(max_length=8, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    file = models.FileField(storage=report_storage, upload_to=stored_name, max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    objects = ReportFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapport préparé")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["requested_by", "kind", "scope_key"],
                condition=Q(status="pending"),
                name="reports_one_pending_build_per_scope",
            )
        ]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="reports_file_requester_idx")]

    def __str__(self):
        return self.filename

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = self.created_at + LIFETIME
        super().save(*args, **kwargs)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


CONTENT_TYPES = {
    ReportKind.PDF: "application/pdf",
    ReportKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
