"""System checks: filrouge does not start without a usable audit key (`filrouge.audit.keys`)."""

from django.conf import settings
from django.core import checks
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from filrouge.audit import keys
from filrouge.core import crypto

HINT = (
    "Set FILROUGE_AUDIT_KEYS (comma-separated, the sealing key first, every older key after it) or "
    "write the audit key file (FILROUGE_AUDIT_KEY_FILE); `filrouge audit rotate-key` makes a key."
)


@register(Tags.security)
def audit_keys(app_configs, **kwargs):
    """The keys can be loaded and are well formed (without creating the key file: a local
    installation makes it on first use)."""
    where = "FILROUGE_AUDIT_KEYS"
    if settings.AUDIT_KEYS:
        found = list(settings.AUDIT_KEYS)
    else:
        path = keys.key_file()
        where = str(path)
        if not path.exists():
            if settings.AUDIT_KEY_FILE_CREATE:
                return []
            return [Error(f"No audit key: {path} does not exist.", hint=HINT, id="filrouge.E020")]
        try:
            found = keys.read_key_file(path)
        except OSError as error:
            return [
                Error(
                    f"The audit key file {path} cannot be read: {error.strerror}.",
                    hint=HINT,
                    id="filrouge.E020",
                )
            ]
        if not found:
            return [Error(f"The audit key file {path} holds no key.", hint=HINT, id="filrouge.E020")]
    errors = []
    for position, key in enumerate(found, start=1):
        try:
            keys.decode(key, position)
        except ImproperlyConfigured as error:
            errors.append(Error(f"{error} ({where})", hint=HINT, id="filrouge.E021"))
    return errors


@register(Tags.security, deploy=True)
def audit_key_file_permissions(app_configs, **kwargs):
    path = keys.key_file()
    if settings.AUDIT_KEYS or not path.exists() or crypto.key_file_is_private(path):
        return []
    return [
        checks.Warning(
            f"The audit key file {path} can be read by other accounts than its owner.",
            hint=f"chmod 600 {path}",
            id="filrouge.W020",
        )
    ]
