"""The report files built by the worker (`reports.models.ReportFile`), and their expiry.

The task reads the chooser's values again with the requester's rights of the moment, builds the
PDF or the workbook in French, and stores it encrypted. Built twice (a retry after a worker died
between the store and the acknowledgement, or a retry asked while one runs), the first file
stored wins and the other is removed: one file per request, whatever happens.
"""

import logging
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation

from filrouge import policy
from filrouge.background.errors import PermanentFailure, TaskFailure
from filrouge.documents import storage
from filrouge.pathways.domain import today
from filrouge.reports import files
from filrouge.reports.forms import ActivityForm
from filrouge.reports.models import ReportFile, ReportStatus, report_storage

logger = logging.getLogger(__name__)

BUILDABLE = (ReportStatus.PENDING, ReportStatus.FAILED)


@task
def build_report_file(*, report_file_id: str, organisation_id: int) -> str:
    """Builds one report file; returns its status. Raises TaskFailure (retried) when the build
    fails, PermanentFailure when the scope is no longer one its requester may see."""
    remove_expired()
    report_file = (
        ReportFile.objects.live()
        .select_related("requested_by__organisation")
        .filter(pk=report_file_id, organisation_id=organisation_id)
        .first()
    )
    if report_file is None:
        return "missing"  # expired and removed, or its requester's account deleted
    if report_file.status not in BUILDABLE:
        return report_file.status  # built already: never twice
    try:
        content = build_content(report_file)
    except PermanentFailure:
        mark_failed(report_file)
        raise
    except Exception as error:
        mark_failed(report_file)
        # The kind of error only: its text may quote a service's or a person's name.
        logger.warning("Report file %s could not be built (%s).", report_file.pk, type(error).__name__)
        raise TaskFailure(
            f"The report file {report_file.pk} could not be built ({type(error).__name__})."
        ) from None
    store(report_file, content)
    return ReportStatus.READY


def build_content(report_file: ReportFile) -> bytes:
    user = report_file.requested_by
    services = policy.scoped_services(user, files.FIGURES).order_by("name")
    form = ActivityForm(report_file.scope, services=services, today=today())
    with translation.override("fr"):
        if not form.is_valid():
            raise PermanentFailure(
                f"The scope of report file {report_file.pk} is no longer one its requester may see."
            )
        report = files.report_for(user, form)
        return files.CONTENTS[report_file.kind](user, report)


def store(report_file: ReportFile, content: bytes) -> None:
    name = report_storage.save(
        report_file.file.field.generate_filename(report_file, ""), ContentFile(content)
    )
    with transaction.atomic():
        stored = ReportFile.objects.filter(pk=report_file.pk, status__in=BUILDABLE).update(
            status=ReportStatus.READY, file=name, ready_at=timezone.now()
        )
    if not stored:  # another build stored its file first, or the request expired meanwhile
        report_storage.delete(name)


def mark_failed(report_file: ReportFile) -> None:
    ReportFile.objects.filter(pk=report_file.pk, status=ReportStatus.PENDING).update(
        status=ReportStatus.FAILED
    )


def remove_expired(now=None) -> int:
    """Removes the expired report files and their rows; returns how many rows. Run by each build
    (so an organisation that asks reports keeps few on disk) and by the schedule when it lists
    it. Then the attachments' sweep, on the reports' own directory: a file a killed worker
    stored but never recorded, over an hour old, goes too."""
    removed = 0
    for report_file in ReportFile.objects.expired(now).only("pk", "file").iterator():
        if report_file.file:
            report_storage.delete(report_file.file.name)
        removed += ReportFile.objects.filter(pk=report_file.pk).delete()[0]
    saved = set(ReportFile.objects.exclude(file="").values_list("file", flat=True))
    storage.sweep(Path(report_storage.location), saved)
    return removed


@task
def remove_expired_report_files() -> int:
    """For the schedule: expired files do not wait for the next build to go."""
    return remove_expired()
