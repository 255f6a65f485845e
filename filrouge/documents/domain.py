import threading

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge.documents.models import Attachment, private_storage
from filrouge.documents.validation import check_upload

# Files written by transactions not yet committed, by stored name, each with the callback that
# confirms it on commit. Django has no hook for a rollback: a file whose callback was dropped
# (its transaction or savepoint rolled back) has no row any more, and is removed. A callback
# still queued belongs to a transaction that is still open (a caller's, or a test's).
_pending = threading.local()


def pending_files() -> dict:
    if not hasattr(_pending, "files"):
        _pending.files = {}
    return _pending.files


def remove_if_rolled_back(name: str) -> None:
    pending = pending_files()

    def confirm():
        pending.pop(name, None)

    pending[name] = confirm
    transaction.on_commit(confirm)  # runs at once outside a transaction


def remove_rolled_back_files(**kwargs) -> None:
    """Removes the files whose transaction rolled back (connected to `request_finished`)."""
    pending = pending_files()
    if not pending:
        return
    # The connection's queue of on_commit callbacks (what Django's own captureOnCommitCallbacks reads).
    queued = {func for _savepoints, func, _robust in transaction.get_connection().run_on_commit}
    for name, confirm in list(pending.items()):
        if confirm not in queued:
            try:
                private_storage.delete(name)
            except OSError:
                continue  # left for the next request to retry: the response must not fail for it
            del pending[name]


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
    attachment.file.save(checked.name, upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)  # no row, no file
        raise
    remove_if_rolled_back(attachment.file.name)
    return attachment


def archive(attachment) -> None:
    if attachment.archived_at is None:
        attachment.archived_at = timezone.now()
        attachment.save(update_fields=["archived_at"])


def restore(attachment) -> None:
    attachment.archived_at = None
    attachment.save(update_fields=["archived_at"])
