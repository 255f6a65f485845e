"""Files attached to a person's record, kept outside the static root and read through the policy."""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from filrouge.core import filecrypto
from filrouge.documents import storage


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, with no public URL; the setting is read at each use.
    Stored encrypted, and under their final name once the row's transaction commits
    (`documents.storage`); read only through `open_clear`."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def _save(self, name, content):
        storage.write(Path(self.path(name)), content)
        return name

    def open_clear(self, name) -> filecrypto.Reader:
        return storage.open_clear(Path(self.path(name)))

    def _open(self, name, mode="rb"):
        if mode != "rb":
            raise ValueError("An attached file is only read, through its decryption.")
        return File(self.open_clear(name), name=name)

    def exists(self, name):
        final = Path(self.path(name))
        return final.exists() or storage.temporary_path(final).exists()

    def delete(self, name):
        storage.remove(Path(self.path(name)))

    def size(self, name):
        with storage.open_stored(Path(self.path(name))) as handle:
            return filecrypto.clear_size(os.fstat(handle.fileno()).st_size)


private_storage = PrivateStorage()


def stored_name(instance, filename) -> str:
    """The name on disk never comes from the user: the organisation and a random id."""
    return f"{instance.organisation_id}/{uuid.uuid4().hex}"


class AttachmentKind(models.TextChoices):
    CV = "cv", _("CV")
    AGREEMENT = "agreement", _("Convention signée")
    PLAN_SIGNED = "plan_signed", _("Plan d'action signé")
    CONSENT = "consent", _("Formulaire de consentement")
    OTHER = "other", _("Autre")


class AttachmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class Attachment(models.Model):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="attachments")
    enrolment = models.ForeignKey(
        "pathways.Enrolment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("parcours"),
    )
    kind = models.CharField(_("type de document"), max_length=12, choices=AttachmentKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(storage=private_storage, upload_to=stored_name, max_length=200)
    original_name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document joint")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title
