"""The administration page "Tâches en arrière-plan": the organisation's failed tasks, run again
on request; and whether the worker lives. For those who may manage the organisation."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from filrouge import policy
from filrouge.audit import api as audit
from filrouge.audit.models import Kind
from filrouge.background import health, labels, retries, scheduler
from filrouge.background.errors import TaskFailure
from filrouge.background.schedule import SCHEDULE
from filrouge.core.pagination import paginate
from filrouge.notifications.views import managed_messages

# The messages failed or to check shown at once: beyond, the cause is one to fix, not rows to read.
MESSAGES_SHOWN = 50


def organisation_tasks(user):
    """The tasks concerning the user's organisation (by the `organisation_id` keyword they are
    given), for whoever may manage it; none for anyone else."""
    organisation_id = policy.managed_organisation_id(user)
    if organisation_id is None:
        return DBTaskResult.objects.none()
    return DBTaskResult.objects.filter(args_kwargs__kwargs__organisation_id=organisation_id)


def error_of(task: DBTaskResult) -> str:
    """What the page may show of the error: the exception's short name, and the message of our
    own failures, which never holds personal data. Never the traceback: it may quote data."""
    path = task.exception_class_path
    short = path.rsplit(".", 1)[-1] if path else ""
    try:
        exception_class = import_string(path) if path else None
    except ImportError:
        exception_class = None
    if isinstance(exception_class, type) and issubclass(exception_class, TaskFailure):
        last_line = task.traceback.rstrip().rsplit("\n", 1)[-1] if task.traceback else ""
        prefix = f"{exception_class.__module__}.{exception_class.__qualname__}: "
        if last_line.startswith(prefix):
            return f"{short} : {last_line[len(prefix) :]}"
    return short


def failed_tasks(request):
    policy.require(request.user, policy.Action.MANAGE_ORGANISATION)
    failed = (
        organisation_tasks(request.user)
        .filter(status=TaskResultStatus.FAILED)
        .order_by("-finished_at", "-pk")
    )
    page, query = paginate(request, failed)
    rows = [
        {
            "task": task,
            "label": labels.label_of(task.task_path),
            "attempts": len(task.worker_ids),
            "error": error_of(task),
        }
        for task in page
    ]
    now = timezone.now()
    seen = health.last_seen()
    periodic = [
        {"label": labels.label_of(job.task), "next": scheduler.next_slot(job, now)} for job in SCHEDULE
    ]
    periodic.sort(key=lambda job: job["next"])  # what comes next first
    context = {
        "page": page,
        "query": query,
        "rows": rows,
        "last_seen": seen,
        "worker_alive": health.is_alive(seen, now),
        "waiting": organisation_tasks(request.user).filter(status=TaskResultStatus.READY).count(),
        # The installation's own tasks (reminders' rounds, audit, files) belong to no organisation:
        # their number only; the server's administrator reads them with `filrouge tasks failed`.
        "installation_failed": DBTaskResult.objects.failed()
        .exclude(args_kwargs__kwargs__has_key="organisation_id")
        .count(),
        "periodic": periodic,
        "messages_to_check": managed_messages(request.user).order_by("-created_at")[:MESSAGES_SHOWN],
    }
    return render(request, "background/failed_tasks.html", context)


def retry_task(request, pk):
    """Confirm, then put the failed task back in the queue, its attempts counted afresh."""
    task = policy.get_or_404(organisation_tasks(request.user).filter(status=TaskResultStatus.FAILED), pk=pk)
    label = labels.label_of(task.task_path)
    if request.method == "POST":
        with transaction.atomic():
            task.worker_ids = []
            task.save(update_fields=["worker_ids"])
            retries.put_back(task, timezone.now())
            audit.record(
                Kind.UPDATE,
                organisation_id=task.args_kwargs["kwargs"]["organisation_id"],
                object_type="django_tasks_db.dbtaskresult",
                detail=f"task run again: {task.task_path} {task.id}"[:200],
            )
        messages.success(request, _("La tâche « %(label)s » est relancée.") % {"label": label})
        return redirect("background:failed_tasks")
    return render(request, "background/confirm_retry.html", {"task": task, "label": label})
