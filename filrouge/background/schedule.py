"""The periodic jobs: what runs when, in one place. The worker (`filrouge worker`) enqueues each
job once per slot, whatever the number of workers (`background.models.ScheduledRun`)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    name: str  # stable: the key of its slots in the database
    cron: str  # minute hour day-of-month month day-of-week, in `time_zone`
    task: str  # dotted path of a `django.tasks` task taking no argument
    time_zone: str = "Europe/Paris"


SCHEDULE = (
    # Reminders and notices to the people supported, when due (quiet hours handled by the task).
    # Every minute: a booking made after the reminder's moment, a move or a cancellation sends "at once".
    Periodic("reminders", "* * * * *", "filrouge.notifications.tasks.send_due_reminders"),
    # The staff's daily digests: each service's own 7:30 on working days, so a few times an hour.
    Periodic("staff_digests", "*/15 * * * *", "filrouge.notifications.digest.send_staff_digests"),
    # The nightly jobs, once each organisation's work is done.
    # The nightly backup first, before the retention and the audit jobs change anything.
    Periodic("backup", "30 1 * * *", "filrouge.backups.tasks.nightly_backup"),
    Periodic("retention", "30 2 * * *", "filrouge.privacy.tasks.run_retention"),
    Periodic("audit_purge", "0 3 * * *", "filrouge.audit.tasks.purge_audit"),
    Periodic("audit_verify", "30 3 * * *", "filrouge.audit.tasks.verify_audit"),
    # Prepared report files are kept 7 days (filrouge.reports.models.ReportFile).
    Periodic("report_files", "15 4 * * *", "filrouge.reports.tasks.remove_expired_report_files"),
    # Import runs are kept 7 days: then their files and report go (filrouge.imports.models.ImportRun).
    Periodic("import_runs", "20 4 * * *", "filrouge.imports.tasks.remove_expired_imports"),
    Periodic("prune_tasks", "0 4 * * *", "filrouge.background.tasks.prune_finished_tasks"),
    # The heads published outside the database every day, whatever the verification finds.
    Periodic("audit_publish", "45 2 * * *", "filrouge.audit.tasks.publish_audit_heads"),
    # Files of uploads never saved, or of documents gone: every hour, as they are an hour old.
    Periodic("files_sweep", "5 * * * *", "filrouge.documents.tasks.sweep_files"),
)
