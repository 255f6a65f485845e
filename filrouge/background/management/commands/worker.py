from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from filrouge.background.worker import FilrougeWorker


class Command(db_worker.Command):
    help = (
        "Runs the background tasks (emails, reminders, digests) and enqueues the periodic jobs of "
        "filrouge.background.schedule; SIGTERM or Ctrl-C lets the task in hand finish. "
        "--until-idle runs the due periodic jobs and every task ready, then exits (for cron)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--until-idle",
            action="store_true",
            help="Enqueue the periodic jobs due, run every ready task, then exit (every 5 minutes from cron).",
        )
        # Every queue by default: filrouge's tasks are not split between workers.
        parser.set_defaults(queue_name="*", reload=False)

    def handle(self, *, until_idle=False, **options):
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = FilrougeWorker(
            until_idle=until_idle,
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"] and not until_idle,
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
