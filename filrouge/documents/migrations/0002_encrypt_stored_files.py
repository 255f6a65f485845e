"""Attached files stored before encryption are encrypted in place (backwards: decrypted).

Here rather than at the next `filrouge keys rotate`: a reader refuses a file in clear (one
could have been put there by hand), so every file must be encrypted before the new code serves
it. `migrate` must therefore run where PRIVATE_MEDIA_ROOT is, with the encryption keys; a file it
could not reach is encrypted by `filrouge keys rotate` ("found in clear"). A file already
encrypted is recognised by its header and left alone, so the step can run again.
"""

from collections import Counter
from pathlib import Path

from django.db import migrations

from filrouge.documents import storage
from filrouge.documents.models import private_storage


def each_file(transform):
    def step(apps, schema_editor):
        attachment = apps.get_model("documents", "Attachment")
        names = attachment.objects.exclude(file="").order_by("pk").values_list("file", flat=True)
        counts = Counter(transform(Path(private_storage.path(name))) for name in names)
        if counts["missing"]:
            # Counted, not fatal: a file already missing is no reason to stop a deployment.
            print(f"\n  {counts['missing']} attached file(s) missing on disk.")  # noqa: T201

    return step


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            each_file(storage.encrypt_clear), each_file(storage.decrypt_to_clear), elidable=False
        ),
    ]
