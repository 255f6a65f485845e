from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


def pending_migrations() -> int:
    """How many migrations `migrate` would apply now."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def referentials_change() -> str | None:
    """Why the referentials must be reloaded, or None when the shipped files are those of the
    last recorded load."""
    from filrouge.referentials import loading
    from filrouge.referentials.models import ReferentialsLoad

    last = ReferentialsLoad.last_checksum()
    if last is None:
        return "no earlier load recorded"
    return "their files changed" if last != loading.data_checksum() else None


class Command(BaseCommand):
    help = (
        "After installing a new version: applies the migrations, collects the static files, and "
        "reloads the national referentials when their shipped files changed. Safe to run twice; "
        "stops at the first step that fails (non-zero exit)."
    )

    def handle(self, *args, **options):
        count = self.step("migrate", self.migrate)
        if count:
            self.stdout.write(f"{count} migration{'s' if count > 1 else ''} applied.")
        else:
            self.stdout.write("No migration to apply.")
        self.step("collectstatic", lambda: call_command("collectstatic", interactive=False, verbosity=0))
        self.stdout.write("Static files collected.")
        reason = self.step("referentials", self.reload_referentials)
        if reason:
            self.stdout.write(f"Referentials reloaded ({reason}).")
        else:
            self.stdout.write("Referentials unchanged.")
        self.stdout.write(self.style.SUCCESS("Upgrade done."))

    def step(self, name, run):
        try:
            return run()
        except Exception as error:
            # The first line only: a database error's detail may quote a row's values.
            message = (str(error).strip().splitlines() or [""])[0]
            raise CommandError(
                f"Upgrade stopped: the step {name!r} failed ({type(error).__name__}: {message}). "
                "The later steps were not run; fix the cause and run `filrouge upgrade` again, "
                "or restore the backup taken before the upgrade."
            ) from error

    def migrate(self) -> int:
        count = pending_migrations()
        call_command("migrate", interactive=False, verbosity=0)
        return count

    def reload_referentials(self) -> str | None:
        reason = referentials_change()
        if reason is None:
            return None
        # `referentials` loads in one transaction and records the files' checksum with it.
        call_command("referentials", stdout=self.stdout)
        return reason
