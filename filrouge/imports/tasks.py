"""The imports run by the worker (runs over `settings.IMPORT_BACKGROUND_ROWS` data rows), and
their expiry.

Each task is enqueued in the request's transaction (it exists only if the request committed),
reads the run again, does nothing when the run is no longer waiting for it (run twice, it acts
once), and checks its requester's rights of the moment: lost, the run fails with a message and
nothing is written (`PermanentFailure`: not retried). An error is logged by its class only: its
text may quote a row.
"""

import logging
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from filrouge import policy
from filrouge.background.errors import PermanentFailure, TaskFailure
from filrouge.documents import storage
from filrouge.imports import uploads
from filrouge.imports.models import ImportRun, ImportSource, RunStatus, import_storage

logger = logging.getLogger(__name__)


def lost_permission(run: ImportRun) -> bool:
    return not policy.can(run.requested_by, policy.Action.IMPORT_CASES, run.service)


def refuse_lost_permission(run: ImportRun) -> None:
    with override("fr"):
        uploads.fail(
            run,
            _(
                "Vous ne pouvez plus importer dans ce service : l'import a été arrêté et rien n'a été "
                "enregistré."
            ),
        )


def runs_of(run_id: str, organisation_id: int):
    return ImportRun.objects.select_related("service", "requested_by").filter(
        pk=run_id, organisation_id=organisation_id
    )


def check(run: ImportRun) -> str:
    """The dry run of a run waiting for it (`checking`), in the request or in the worker."""
    if run.status != RunStatus.CHECKING:
        return run.status  # checked already, or expired meanwhile: never twice
    if lost_permission(run):
        refuse_lost_permission(run)
        raise PermanentFailure(f"The requester of import run {run.pk} may no longer import in its service.")
    with override("fr"):
        report = uploads.check_run(run, user=run.requested_by)
    if report is None:
        return ImportRun.objects.filter(pk=run.pk).values_list("status", flat=True).first() or "missing"
    return run.status


def apply(run: ImportRun) -> str:
    """The apply of a claimed run (`applying`), in the request or in the worker. The caller holds
    a transaction; the run's row is locked first, so a second run of the task waits, then finds
    the run settled."""
    # Only the run's row: the service and the account stay free for their own pages.
    run = (
        ImportRun.objects.select_for_update(of=("self",))
        .select_related("service", "requested_by")
        .get(pk=run.pk)
    )
    if run.status != RunStatus.APPLYING:
        return run.status  # applied (or refused) already: never twice
    if lost_permission(run):
        refuse_lost_permission(run)
        uploads.discard_files(run)
        return "lost_permission"
    with override("fr"):
        uploads.apply_run(run, user=run.requested_by)
    return run.status


@task
def check_import(*, run_id: str, organisation_id: int) -> str:
    """Checks one run in the background; returns its status."""
    run = runs_of(run_id, organisation_id).first()
    if run is None:
        return "missing"  # expired and removed, or another organisation's id
    try:
        return check(run)
    except PermanentFailure:
        raise
    except Exception as error:
        uploads.fail(run)
        logger.warning("Import run %s could not be checked (%s).", run.pk, type(error).__name__)
        raise TaskFailure(f"Import run {run.pk} could not be checked ({type(error).__name__}).") from None


@task
def apply_import(*, run_id: str, organisation_id: int) -> str:
    """Applies one confirmed run in the background; returns its status."""
    if not runs_of(run_id, organisation_id).exists():
        return "missing"
    with transaction.atomic():
        status = apply(ImportRun(pk=run_id))
    if status == "lost_permission":
        raise PermanentFailure(f"The requester of import run {run_id} may no longer import in its service.")
    return status


def remove_expired(now=None) -> int:
    """The runs past their `expires_at`: their stored files deleted, their report emptied (it
    quotes rows), their status `expired` — an applied run keeps its status and counts. Then the
    files under the imports' directory that no row names (a worker killed between the store and
    the commit), over an hour old. Returns how many runs expired now."""
    now = now or timezone.now()
    expired = ImportRun.objects.filter(expires_at__lte=now)
    sources = ImportSource.objects.filter(run__in=expired).exclude(file="")
    names = set(sources.values_list("file", flat=True))
    sources.update(file="")
    for name in names:
        try:
            import_storage.delete(name)
        except OSError:
            continue
    expired.filter(~Q(report=[]) | Q(report_truncated=True)).update(report=[], report_truncated=False)
    count = expired.exclude(status__in=[RunStatus.EXPIRED, RunStatus.APPLIED]).update(
        status=RunStatus.EXPIRED, phase=""
    )
    saved = set(ImportSource.objects.exclude(file="").values_list("file", flat=True))
    storage.sweep(Path(import_storage.location), saved)
    return count


@task
def remove_expired_imports() -> int:
    """For the schedule."""
    return remove_expired()
