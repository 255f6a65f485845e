from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge.core import crypto, filecrypto
from filrouge.documents import storage
from filrouge.documents.models import Attachment, private_storage
from filrouge.documents.validation import check_upload

SAMPLE = 200


def attach(person, upload, *, kind, title, by, enrolment=None) -> Attachment:
    """Stores an uploaded file for the person once its content is checked (ValidationError if not)."""
    if enrolment is not None and enrolment.person_id != person.pk:
        raise ValidationError({"enrolment": _("Ce parcours n'est pas celui de la personne.")})
    checked = check_upload(upload)
    attachment = Attachment(
        organisation_id=person.organisation_id,
        person=person,
        enrolment=enrolment,
        kind=kind,
        title=title.strip() or checked.name,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    # Written encrypted under a temporary name, moved to its own once the row is committed.
    attachment.file.save(checked.name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)  # no row, no file
        raise
    return attachment


def archive(attachment) -> None:
    if attachment.archived_at is None:
        attachment.archived_at = timezone.now()
        attachment.save(update_fields=["archived_at"])


def restore(attachment) -> None:
    attachment.archived_at = None
    attachment.save(update_fields=["archived_at"])


# --- Files on disk -----------------------------------------------------------------------------


def saved_names() -> set[str]:
    return set(crypto.every_row(Attachment).exclude(file="").values_list("file", flat=True))


def sweep_files(*, dry_run: bool = False) -> storage.Sweep:
    """Removes the files no document keeps (`filrouge files sweep`): see `storage.sweep`."""
    return storage.sweep(Path(settings.PRIVATE_MEDIA_ROOT), saved_names(), dry_run=dry_run)


def rotate_files() -> Counter:
    """Writes every document's file again with the current key (`filrouge keys rotate`), one at a
    time, its row locked meanwhile: an erasure or an anonymisation waits, then removes the new
    file, never the old one under a file written back after it."""
    counts = Counter()
    rows = crypto.every_row(Attachment).exclude(file="").order_by("pk").values_list("pk", flat=True)
    for pk in list(rows):
        with transaction.atomic():
            name = (
                crypto.every_row(Attachment).select_for_update().filter(pk=pk).values_list("file", flat=True)
            ).first()
            if name:  # emptied or deleted meanwhile: its file is gone with it
                counts[storage.rotate(Path(private_storage.path(name)))] += 1
    return counts


def check_files(*, every: bool = False) -> Counter:
    """Opens the latest files (every one with `every`) as a download would: "ok", "failed" (no
    key opens it, or it is damaged), "clear" (stored in clear) or "missing"."""
    counts = Counter()
    rows = crypto.every_row(Attachment).exclude(file="").order_by("-pk").values_list("file", flat=True)
    for name in rows if every else rows[:SAMPLE]:
        try:
            with private_storage.open_clear(name):
                counts["ok"] += 1
        except FileNotFoundError:
            counts["missing"] += 1
        except filecrypto.ClearFile:
            counts["clear"] += 1
        except crypto.DecryptionError:
            counts["failed"] += 1
    return counts
