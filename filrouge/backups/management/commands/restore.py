"""`filrouge restore PATH`: an archive of `filrouge backup` into an empty database and an empty
files directory."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from filrouge.audit import heads
from filrouge.backups import archive, database
from filrouge.core.management.commands.upgrade import pending_migrations


class Command(BaseCommand):
    help = (
        "Restores an archive of `filrouge backup` into the empty database of DATABASE_URL and the empty "
        "files directory (FILROUGE_PRIVATE_MEDIA_ROOT), after checking every checksum. Refuses a "
        "non-empty target, a damaged archive or one from a newer filrouge. On PostgreSQL, run it as the "
        "tables' owner role, like `filrouge upgrade`."
    )
    # The target database is empty: the checks that read it would fail or mislead.
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive written by `filrouge backup`.")

    def handle(self, *args, path, **options):
        try:
            self.restore(Path(path))
        except (archive.ArchiveError, database.DatabaseError) as error:
            raise CommandError(str(error)) from None

    def restore(self, path: Path):
        verified = archive.verify(path)
        manifest = verified.manifest
        self.stdout.write(
            f"Archive verified: filrouge {manifest['filrouge_version']}, {manifest['database']['vendor']}, "
            f"written {manifest['created_at']}, {len(manifest['members']):,} members checked."
        )
        files_root = Path(settings.PRIVATE_MEDIA_ROOT)
        self.refuse_non_empty_targets(files_root)

        with archive.extracted_dump(verified) as dump:
            database.load(DEFAULT_DB_ALIAS, verified.vendor, dump)
        count, total = archive.restore_files(verified, files_root)

        counts = self.recount(manifest["tables"])
        self.stdout.write(
            f"Database: {len(counts):,} tables, {sum(counts.values()):,} rows, as in the manifest. "
            f"Files: {count:,} ({total:,} bytes), as in the manifest."
        )
        self.next_steps(verified.vendor)

    def refuse_non_empty_targets(self, files_root: Path):
        tables = database.existing_tables(DEFAULT_DB_ALIAS)
        if tables:
            raise CommandError(
                f"The target database is not empty ({len(tables):,} tables): restore into an empty "
                "database (a new SQLite file, or a new PostgreSQL database). Nothing was restored."
            )
        if files_root.exists() and (not files_root.is_dir() or any(files_root.iterdir())):
            raise CommandError(
                f"The files directory {files_root} is not empty: restore into an empty or missing "
                "directory (FILROUGE_PRIVATE_MEDIA_ROOT). Nothing was restored."
            )

    def recount(self, expected: dict[str, int]) -> dict[str, int]:
        connection = connections[DEFAULT_DB_ALIAS]
        with connection.cursor() as cursor:
            counts = database.count_rows(cursor, sorted(expected), connection.ops.quote_name)
        different = [table for table in expected if counts[table] != expected[table]]
        if different:
            raise CommandError(
                f"The restored database does not hold the rows of the manifest ({', '.join(different[:5])}): "
                "do not use it; restore another backup."
            )
        return counts

    def next_steps(self, vendor: str):
        self.stdout.write(self.style.SUCCESS("Restore done."))
        self.stdout.write("Next:")
        pending = pending_migrations()
        if pending:
            self.stdout.write(
                f"  - this archive comes from an older filrouge ({pending:,} migration{'s' if pending > 1 else ''} to apply): "
                "run `filrouge upgrade` before starting filrouge;"
            )
        if vendor == database.POSTGRESQL:
            self.stdout.write(
                "  - with two database roles, give the application's role its privileges: "
                "`filrouge audit grants --role <role> | psql ...` (docs/privacy.md, section 6);"
            )
        published = heads.heads_file()
        if published.exists() and published.stat().st_size:
            self.stdout.write(
                f"  - the audit heads file {published} already holds heads: if they are newer than this "
                "backup, `filrouge audit verify` reports the entries the restore took back; move it "
                "aside (keep it) before verifying;"
            )
        self.stdout.write(
            "  - start filrouge (web server and worker), then run `filrouge audit verify` with the "
            "audit keys of this installation."
        )
