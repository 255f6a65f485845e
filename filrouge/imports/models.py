"""The import's records: a run (one import, checked then applied), its files, the service's last
mapping of each kind, and the ids a service's former tool gave the records it brought in.

Every table carries its organisation. A run and its report are its requester's alone (the report
quotes rows of their file): `policy.scoped_import_runs`.
"""

import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filrouge.documents.models import PrivateStorage, stored_name

LIFETIME = timedelta(days=7)  # a run's file and report, then removed (the expiry task, later)
REPORT_MAX_LINES = 1_000  # the report stored on the run; the counts stay whole


class ImportStorage(PrivateStorage):
    """Encrypted at rest, under `imports/` of the private root: the attached files' sweep leaves
    these names alone (its names are `<organisation>/<hex>` at the root)."""

    @property
    def base_location(self):
        return str(Path(settings.PRIVATE_MEDIA_ROOT) / "imports")


import_storage = ImportStorage()


class SourceKind(models.TextChoices):
    """The kinds of `imports.columns` (that module reads the models: not imported here)."""

    PEOPLE = "people", _("Personnes accompagnées")
    COMPANIES = "companies", _("Entreprises")
    PLACEMENTS = "placements", _("Emplois, stages et immersions")


KIND_CHOICES = SourceKind.choices


class RunStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Déposé")
    CHECKING = "checking", _("Vérification en cours")
    CHECKED = "checked", _("Vérifié")
    APPLYING = "applying", _("Import en cours")
    APPLIED = "applied", _("Importé")
    REFUSED = "refused", _("Refusé")
    FAILED = "failed", _("Échec")
    EXPIRED = "expired", _("Expiré")


def expiry():
    return timezone.now() + LIFETIME


class ImportRun(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("organisations.Service", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.UPLOADED)
    dry_run = models.BooleanField(default=True)  # checked only, or applied too
    created_at = models.DateTimeField(default=timezone.now)
    checked_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(default=expiry)
    # Progress, for the page of a run in the background.
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    phase = models.CharField(max_length=20, blank=True)
    # {kind: {"created": n, "updated": n, "unchanged": n, "refused": n, "skipped": n}}
    counts = models.JSONField(default=dict)
    # [{"kind", "row", "column", "message", "outcome"}], at most REPORT_MAX_LINES lines.
    report = models.JSONField(default=list)
    report_truncated = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("import")
        ordering = ["-created_at"]
        constraints = [
            # A second confirmation says "an import of this service is running" instead of queuing.
            models.UniqueConstraint(
                fields=["service"], condition=Q(status="applying"), name="imports_one_apply_per_service"
            ),
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="import_run_status_known"),
        ]

    def __str__(self):
        return f"{self.service_id} {self.created_at:%Y-%m-%d %H:%M} {self.status}"


class ImportSource(models.Model):
    """One file (or one sheet of a workbook) of a run."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="sources")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    # Kept until the run is applied or expires; the command reads the file from disk and stores none.
    file = models.FileField(storage=import_storage, upload_to=stored_name, max_length=200, blank=True)
    sheet = models.CharField(max_length=100, blank=True)  # a workbook's sheet; blank for a CSV
    original_name = models.CharField(max_length=255, blank=True)  # shown to its requester only
    checksum = models.CharField(max_length=64)  # SHA-256 of the bytes, hex
    size = models.PositiveBigIntegerField(default=0)
    header = models.JSONField(default=list)  # the file's headers as typed
    mapping = models.JSONField(default=dict)  # {position: column key}, as applied

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.kind} {self.checksum[:12]}"


class ImportMapping(models.Model):
    """The last mapping a service used for a kind: offered again at its next import."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("organisations.Service", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    mapping = models.JSONField(default=dict)  # {column key: header text}
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "kind"], name="import_mapping_once")]

    def __str__(self):
        return f"{self.service_id} {self.kind}"


class KeyKind(models.TextChoices):
    PERSON = "person", _("Personne")
    PATHWAY = "pathway", _("Parcours")
    COMPANY = "company", _("Entreprise")
    PLACEMENT = "placement", _("Expérience")


TARGETS = {
    KeyKind.PERSON: "person",
    KeyKind.PATHWAY: "enrolment",
    KeyKind.COMPANY: "company",
    KeyKind.PLACEMENT: "placement",
}


def target_of_kind() -> Q:
    """Exactly the foreign key of its kind is set."""
    condition = Q(pk__in=[])
    for kind, name in TARGETS.items():
        condition |= Q(kind=kind, **{f"{other}__isnull": other != name for other in TARGETS.values()})
    return condition


class ImportedKey(models.Model):
    """An id a service's former tool gave a record: the next import of that service finds the
    record again by it. Scoped by service (two tools may both use "123"); deleted with its record.

    Not tracked by the audit: it holds no personal data besides an identifier, and its creation
    is covered by the run's summary entry and the record's own creation entry."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("organisations.Service", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=KeyKind.choices)
    external_id = models.CharField(max_length=100)  # stripped; compared as typed (case kept)
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    enrolment = models.ForeignKey(
        "pathways.Enrolment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    company = models.ForeignKey(
        "employers.Company", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "kind", "external_id"], name="imported_key_once"),
            models.CheckConstraint(condition=target_of_kind(), name="imported_key_target_of_kind"),
        ]

    def __str__(self):
        return f"{self.service_id} {self.kind} {self.external_id}"
