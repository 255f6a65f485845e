from django.core.management.base import BaseCommand
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from filrouge.background.views import error_of


class Command(BaseCommand):
    help = (
        "filrouge tasks failed: every task that failed for good, all organisations (id, organisation, "
        "task, date, attempts, error: never the traceback); non-zero exit when there is any."
    )

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True)
        subcommands.add_parser("failed", help="list the failed tasks")

    def handle(self, *args, action, **options):
        failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).order_by("-finished_at")
        count = 0
        for task in failed.iterator():
            count += 1
            kwargs = task.args_kwargs.get("kwargs", {}) if isinstance(task.args_kwargs, dict) else {}
            organisation = kwargs.get("organisation_id", "-")
            self.stdout.write(
                f"{task.id}\torganisation={organisation}\t{task.task_path}\t"
                f"{task.finished_at:%Y-%m-%d %H:%M}\tattempts={len(task.worker_ids)}\t{error_of(task)}"
            )
        self.stderr.write(f"{count} failed task(s).")
        if count:
            raise SystemExit(1)
