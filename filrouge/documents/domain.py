from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge.documents.models import Attachment
from filrouge.documents.validation import check_upload


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
    attachment.save()
    return attachment


def archive(attachment) -> None:
    if attachment.archived_at is None:
        attachment.archived_at = timezone.now()
        attachment.save(update_fields=["archived_at"])


def restore(attachment) -> None:
    attachment.archived_at = None
    attachment.save(update_fields=["archived_at"])
