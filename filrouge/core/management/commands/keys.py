from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError

from filrouge.core import crypto
from filrouge.documents.domain import check_files, rotate_files

SAMPLE = 200

INSTALL = """\
A new encryption key (keep it secret, and apart from the database and its backups):

{key}

To rotate to it:
  1. put it FIRST, before the current keys: in FILROUGE_ENCRYPTION_KEYS (comma-separated) or as
     the first key line of the key file ({path});
  2. restart filrouge, then run `filrouge keys rotate`: every value and every attached file is
     encrypted again with it;
  3. once `filrouge keys check` reports no failure with the new key alone, remove the old keys.
"""


class Command(BaseCommand):
    help = (
        "Encryption keys of the sensitive fields and the attached files: generate a key, rotate to "
        "it, check the stored values."
    )
    # Making the first key must work where the checks refuse to start for want of one.
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("generate", help="Prints a new key and how to install it.")
        rotate = actions.add_parser(
            "rotate", help="Encrypts every value and every attached file again with the first key."
        )
        rotate.add_argument("--batch-size", type=int, default=crypto.BATCH)
        check = actions.add_parser(
            "check", help="Decrypts a sample of every encrypted column and of the attached files."
        )
        check.add_argument("--all", action="store_true", help="Every value, not a sample.")

    def handle(self, *args, action, **options):
        if action == "generate":
            self.stdout.write(INSTALL.format(key=Fernet.generate_key().decode(), path=crypto.key_file()))
            return
        self.check()
        if action == "rotate":
            self.rotate(options["batch_size"])
        else:
            self.check_values(every=options["all"])

    def rotate(self, batch_size):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        crypto.reset_keys()
        failed = 0
        for model, fields in crypto.encrypted_fields():
            counts = crypto.rewrite(model, fields, crypto.rotated, batch_size=batch_size)
            failed += counts["failed"]
            self.stdout.write(
                f"{model._meta.label}: {counts['rotated']} re-encrypted, {counts['current']} already "
                f"with the current key, {counts['encrypted']} found in clear and encrypted, "
                f"{counts['failed']} opened by no key."
            )
        # The attached files, one at a time, each replaced atomically.
        files = rotate_files()
        failed += files["failed"]
        self.stdout.write(
            f"Attached files: {files['rotated']} re-encrypted, {files['current']} already with the "
            f"current key, {files['encrypted']} found in clear and encrypted, {files['failed']} "
            f"opened by no key or damaged, {files['missing']} missing."
        )
        if failed:
            raise CommandError(
                f"{failed} values open with none of the configured keys: they are left as they are. "
                "Add the key they were written with, then run the rotation again."
            )

    def check_values(self, *, every):
        crypto.reset_keys()
        failures = 0
        for model, fields in crypto.encrypted_fields():
            queryset = crypto.every_row(model)
            if not every:  # the latest rows: those written with the most recent keys
                latest = list(queryset.order_by("-pk").values_list("pk", flat=True)[:SAMPLE])
                queryset = queryset.filter(pk__gte=latest[-1]) if latest else queryset.none()
            for field in fields:
                # Each stored value is tried; the command never prints one.
                checked = failed = clear = 0
                for batch in crypto.raw_batches(queryset, [field]):
                    for _pk, raw in batch:
                        if not raw:
                            continue
                        checked += 1
                        if not raw.startswith(crypto.PREFIX):
                            clear += 1
                            continue
                        try:
                            crypto.decrypt(raw)
                        except crypto.DecryptionError:
                            failed += 1
                failures += failed + clear
                state = "ok" if not (failed or clear) else "FAILED"
                self.stdout.write(
                    f"{model._meta.label}.{field.name}: {checked} checked, {failed} opened by no key, "
                    f"{clear} stored in clear — {state}"
                )
        files = check_files(every=every)
        failures += files["failed"] + files["clear"]
        state = "ok" if not (files["failed"] or files["clear"]) else "FAILED"
        self.stdout.write(
            f"Attached files: {files.total()} checked, {files['failed']} opened by no key or damaged, "
            f"{files['clear']} stored in clear, {files['missing']} missing — {state}"
        )
        if failures:
            raise CommandError(f"{failures} stored values cannot be read with the configured keys.")
        self.stdout.write("Every value checked opens with the configured keys.")
