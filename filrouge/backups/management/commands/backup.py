"""`filrouge backup PATH`: the database, the attached files and a manifest, in one archive."""

from django.core.management.base import BaseCommand, CommandError

from filrouge.backups import archive


class Command(BaseCommand):
    help = (
        "Writes one archive (tar) holding the database, the attached files and a manifest (versions, "
        "row counts, checksums). The encryption and audit keys are never in it: keep them apart."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The archive to write (a new file; its directory is created).")

    def handle(self, *args, path, **options):
        try:
            summary = archive.write(path)
        except archive.ArchiveError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Database: {summary.tables:,} tables, {summary.rows:,} rows. "
            f"Files: {summary.files:,} ({summary.bytes:,} bytes)."
        )
        self.stdout.write(self.style.SUCCESS(f"Backup written: {summary.path} (readable by its owner only)."))
        self.stdout.write(
            "It holds personal data and no key: keep the encryption and audit keys apart, "
            "and copy the archive off this server encrypted."
        )
