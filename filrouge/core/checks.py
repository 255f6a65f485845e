"""System checks: filrouge does not start without a usable encryption key (`core.crypto`)."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core import checks
from django.core.checks import Error, Tags, register

from filrouge.core import crypto

HINT = (
    "Set FILROUGE_ENCRYPTION_KEYS (comma-separated, the current key first) or write the key file "
    "(FILROUGE_KEY_FILE); `filrouge keys generate` makes a key."
)


def key_errors(keys: list[str], where: str) -> list[Error]:
    errors = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            # Where the key stands, never the key.
            errors.append(
                Error(
                    f"Encryption key number {position} in {where} is not a valid Fernet key.",
                    hint=HINT,
                    id="filrouge.E002",
                )
            )
    return errors


@register(Tags.security)
def encryption_keys(app_configs, **kwargs):
    """The keys can be loaded and are well formed (without creating the key file: a local
    installation makes it on first use)."""
    if settings.ENCRYPTION_KEYS:
        return key_errors(list(settings.ENCRYPTION_KEYS), "FILROUGE_ENCRYPTION_KEYS")
    path = crypto.key_file()
    if not path.exists():
        if settings.ENCRYPTION_KEY_FILE_CREATE:
            return []
        return [Error(f"No encryption key: {path} does not exist.", hint=HINT, id="filrouge.E001")]
    try:
        keys = crypto.read_key_file(path)
    except OSError as error:
        return [
            Error(f"The key file {path} cannot be read: {error.strerror}.", hint=HINT, id="filrouge.E001")
        ]
    if not keys:
        return [Error(f"The key file {path} holds no key.", hint=HINT, id="filrouge.E003")]
    return key_errors(keys, str(path))


@register(Tags.security, deploy=True)
def key_file_permissions(app_configs, **kwargs):
    path = crypto.key_file()
    if settings.ENCRYPTION_KEYS or not path.exists() or crypto.key_file_is_private(path):
        return []
    return [
        checks.Warning(
            f"The key file {path} can be read by other accounts than its owner.",
            hint=f"chmod 600 {path}",
            id="filrouge.W001",
        )
    ]
