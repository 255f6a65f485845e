"""`filrouge audit verify | publish | purge [--dry-run] [--days N] | rotate-key | grants --role NAME`."""

import re

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from filrouge.audit import chain, heads, keys, nightly
from filrouge.audit.models import AuditEntry, ChainHead

# Problems printed by `verify` (a rewritten chain can have thousands): the count says the rest.
SHOWN_PROBLEMS = 200
ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")

ROTATE_BY_ENVIRONMENT = """\
The audit keys come from FILROUGE_AUDIT_KEYS: nothing was written. A new key (keep it secret,
apart from the database and its backups):

{key}

To rotate to it:
  1. put it FIRST in FILROUGE_AUDIT_KEYS (comma-separated), keeping every current key after it;
  2. restart filrouge: new entries are sealed with it (key id {kid}); older entries keep the key
     that sealed them, so never remove an old key while the entries it sealed are kept;
  3. run `filrouge audit publish`.
"""

GRANTS = """\
-- filrouge: the privileges of the application's database role {role}.
-- Run as the role that owns the tables (the one that runs `filrouge migrate` and `filrouge audit
-- purge`), after every migration. The application then connects as {role}.
GRANT USAGE ON SCHEMA {schema} TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role};
-- The audit trail: entries are added and read, never changed nor removed; only their stored
-- values are removed (anonymisation, erasure) or encrypted again (`filrouge keys rotate`).
REVOKE ALL ON {entries}, {heads} FROM {role};
GRANT SELECT, INSERT ON {entries} TO {role};
GRANT UPDATE ("changes", "redacted_at") ON {entries} TO {role};
-- A chain's head moves with each entry and records each verification; the purge's anchor and
-- the end of the unkeyed entries are the owner's.
GRANT SELECT, INSERT ON {heads} TO {role};
GRANT UPDATE ("seq", "hash", "verified_at", "verified_ok") ON {heads} TO {role};
-- The schema is the migrations'.
REVOKE ALL ON {migrations} FROM {role};
GRANT SELECT ON {migrations} TO {role};
"""


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Command(BaseCommand):
    help = (
        "The audit trail: verify its chains, publish their heads, purge old access entries, rotate "
        "its key, print the database privileges of the application's role."
    )
    # Making the first key must work where the checks refuse to start for want of one.
    requires_system_checks = []

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser(
            "verify",
            help="Checks every chain against its keys and its published heads; names any entry edited, "
            "deleted or re-ordered; then publishes the heads of the intact chains.",
        )
        commands.add_parser(
            "publish",
            help="Publishes every chain's head to the heads file and the system log (run it daily).",
        )
        purge = commands.add_parser("purge", help="Removes access entries older than the retention period.")
        purge.add_argument("--dry-run", action="store_true", help="Says how many would go, removes nothing.")
        purge.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Retention in days (default: AUDIT_ACCESS_RETENTION_DAYS, {settings.AUDIT_ACCESS_RETENTION_DAYS}).",
        )
        commands.add_parser(
            "rotate-key",
            help="Puts a new audit key first in the key file (older entries keep theirs), or prints one "
            "when the keys come from FILROUGE_AUDIT_KEYS.",
        )
        grants = commands.add_parser(
            "grants", help="Prints the PostgreSQL privileges of the application's role (INSERT-only audit)."
        )
        grants.add_argument("--role", required=True, help="The role the application connects as.")
        grants.add_argument("--schema", default="public")

    def handle(self, *args, action, **options):
        if action != "rotate-key":
            self.check()
        if action == "verify":
            self.verify()
        elif action == "publish":
            self.publish()
        elif action == "purge":
            self.purge(options["days"], options["dry_run"])
        elif action == "rotate-key":
            self.rotate_key()
        else:
            self.grants(options["role"], options["schema"])

    def verify(self):
        report = chain.verify_all()
        compared = (
            f"{report.heads_read} published head(s) compared ({report.heads_file})"
            if report.heads_read
            else f"no published head yet in {report.heads_file}"
        )
        if not report.ok:
            for problem in report.problems[:SHOWN_PROBLEMS]:
                self.stderr.write(f"TAMPERED {problem}")
            if len(report.problems) > SHOWN_PROBLEMS:
                self.stderr.write(f"... and {len(report.problems) - SHOWN_PROBLEMS} more.")
            raise CommandError(
                f"The audit trail has been tampered with: {len(report.problems)} problem(s) "
                f"in {report.chains} chain(s), {report.entries} entries read; {compared}.",
                returncode=1,
            )
        self.stdout.write(
            f"Audit trail intact: {report.chains} chain(s), {report.entries} entries verified; {compared}; "
            f"{report.heads_published} head(s) published."
        )
        if report.publish_error:
            raise CommandError(
                f"The heads could not be published to {report.heads_file}: {report.publish_error}.",
                returncode=2,
            )

    def publish(self):
        try:
            lines = nightly.publish_heads()
        except OSError as error:
            raise CommandError(
                f"The heads could not be published to {heads.heads_file()}: {error.strerror}."
            ) from None
        self.stdout.write(f"{len(lines)} chain head(s) published to {heads.heads_file()} and the log.")

    def purge(self, days, dry_run):
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        try:
            count = nightly.purge(days, dry_run=dry_run)
        except nightly.PurgeRefused:
            raise CommandError(
                "The database refused to remove audit entries: this database role may only add and "
                "read them. Run `filrouge audit purge` as the role that owns the tables (the one that "
                "runs the migrations), not as the application's role."
            ) from None
        retention = settings.AUDIT_ACCESS_RETENTION_DAYS if days is None else days
        if dry_run:
            self.stdout.write(
                f"{count} access entries older than {retention} days would be purged (dry run)."
            )
        else:
            self.stdout.write(f"{count} access entries older than {retention} days purged.")

    def rotate_key(self):
        new = keys.generate()
        kid = keys.key_id(keys.decode(new, 1))
        if settings.AUDIT_KEYS:
            self.stdout.write(ROTATE_BY_ENVIRONMENT.format(key=new, kid=kid))
            return
        path = keys.key_file()
        old = keys.read_key_file(path) if path.exists() else []
        keys.write_key_file(path, [new, *old], replace=True)
        keys.reset()
        kept = ", ".join(keys.key_id(keys.decode(key, n)) for n, key in enumerate(old, start=2)) or "none"
        # The heads now, signed with the new key: the last entries sealed with the old one included
        # (none before the first `migrate`, which publishes them itself).
        chains = (
            ChainHead.objects.all()
            if ChainHead._meta.db_table in connection.introspection.table_names()
            else []
        )
        lines = heads.publish(heads.Head(h.key, h.seq, h.hash) for h in chains)
        self.stdout.write(
            f"New audit key {kid} put first in {path}: it seals the entries from now on (restart "
            f"filrouge so that every process reads it). Older keys kept after it: {kept}. Never remove "
            f"a key while the entries it sealed are kept: they are verified with it. {len(lines)} chain "
            "head(s) published."
        )

    def grants(self, role, schema):
        for name in (role, schema):
            if not ROLE_NAME.match(name):
                raise CommandError(f"{name!r} is not a plain PostgreSQL name (letters, digits, _).")
        self.stdout.write(
            GRANTS.format(
                role=quoted(role),
                schema=quoted(schema),
                entries=quoted(AuditEntry._meta.db_table),
                heads=quoted(ChainHead._meta.db_table),
                migrations=quoted("django_migrations"),
            )
        )
