"""What may be attached: checked by content (libmagic, as file(1) does), not by the name.

The extension must also agree with the content, so that an executable or an archive renamed
`.pdf` is refused, and a file opens with the right program once downloaded.
"""

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

# Detected type -> extensions it may carry.
ALLOWED = {
    "application/pdf": {".pdf"},
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/webp": {".webp"},
    "application/vnd.oasis.opendocument.text": {".odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {".ods"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {".xlsx"},
    # Legacy Office files are OLE containers: libmagic names them in several ways.
    "application/msword": {".doc"},
    "application/vnd.ms-excel": {".xls"},
    "application/x-ole-storage": {".doc", ".xls"},
    "application/cdfv2": {".doc", ".xls"},
}
HEAD = 64 * 1024  # enough for libmagic to tell the formats above apart (zip-based ones included)
NAME_LENGTH = 150


@dataclass(frozen=True)
class Checked:
    name: str
    content_type: str
    size: int
    sha256: str


def clean_name(name: str) -> str:
    """A name safe to give back in a download: no path, no odd characters, a bounded length."""
    path = PurePath(name.replace("\\", "/")).name
    safe = get_valid_filename(path) if path.strip(". ") else "document"
    stem, suffix = PurePath(safe).stem, PurePath(safe).suffix.lower()[:10]
    return f"{stem[: NAME_LENGTH - len(suffix)]}{suffix}"


def check_upload(upload) -> Checked:
    limit = settings.MAX_UPLOAD_MB * 1024 * 1024
    if upload.size == 0:
        raise ValidationError(_("Le fichier est vide."))
    if upload.size > limit:
        raise ValidationError(_("Le fichier dépasse %(limit)s Mo.") % {"limit": settings.MAX_UPLOAD_MB})
    upload.seek(0)
    head = upload.read(HEAD)
    detected = magic.from_buffer(head, mime=True).lower()
    name = clean_name(upload.name or "document")
    suffix = PurePath(name).suffix
    if detected not in ALLOWED:
        raise ValidationError(
            _(
                "Ce type de fichier n'est pas accepté : PDF, images (PNG, JPEG, WebP) et documents bureautiques seulement."
            )
        )
    if suffix not in ALLOWED[detected]:
        raise ValidationError(
            _("Le contenu du fichier ne correspond pas à son extension %(suffix)s.")
            % {"suffix": suffix or "—"}
        )
    digest = hashlib.sha256(head)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return Checked(name=name, content_type=detected, size=upload.size, sha256=digest.hexdigest())
