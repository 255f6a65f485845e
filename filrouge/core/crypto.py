"""Sensitive fields encrypted at rest, with keys kept outside the database.

Keys come from `FILROUGE_ENCRYPTION_KEYS` (comma-separated Fernet keys, the first one encrypts,
every one decrypts) or, without it, from the key file `FILROUGE_KEY_FILE` (one key per line,
the first one encrypts), which a local installation creates on first use, like its secret key.
A value that no key opens is an error (`DecryptionError`, a 500 for a page), never shown as its
ciphertext nor as an empty text. `filrouge.core.checks` refuses to start without a usable key.

Rotation: put a new key first (`filrouge keys generate`), keep the old ones after it, run
`filrouge keys rotate` (every value is encrypted again with the new key), then remove the old
keys. `filrouge keys check` tries a sample of every encrypted column.

An encrypted column cannot be searched, filtered or sorted on in the database: its stored form
changes with every save. Only "is it empty" is asked of it (`field=""`, `field__isnull`);
any other lookup is refused rather than silently matching nothing. Searches run in Python over
rows already scoped by the policy (see `journal.selectors.search_writings`).
"""

import base64
import json
import logging
import os
import stat
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import suppress
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import setting_changed
from django.core.validators import MaxLengthValidator
from django.db import migrations, models, transaction
from django.db.models.functions import Cast
from django.db.models.lookups import Exact, IsNull
from django.dispatch import receiver
from django.forms import CharField as CharFormField

# Every encrypted value starts with this, so a value stored before encryption is recognised.
PREFIX = "enc:"
KEY_FILE_HEADER = (
    "# filrouge encryption keys: the first line encrypts, every line decrypts.\n"
    "# Keep a copy apart from the database and its backups: without it, the data cannot be read.\n"
)
BATCH = 500

logger = logging.getLogger("filrouge.crypto")


class DecryptionError(Exception):
    """A value that none of the configured keys opens: a wrong key, or a damaged value."""


# --- Keys --------------------------------------------------------------------------------------


def key_file() -> Path:
    return Path(settings.ENCRYPTION_KEY_FILE)


def read_key_file(path: Path) -> list[str]:
    return [
        line.strip() for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]


def create_key_file(path: Path) -> None:
    """A new key file, readable by its owner only. Written aside then linked into place, so two
    processes starting at once never end up with different keys, nor read a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".encryption_keys-")  # mode 0600
    try:
        with os.fdopen(handle, "w") as file:
            file.write(KEY_FILE_HEADER + Fernet.generate_key().decode() + "\n")
        with suppress(FileExistsError):  # another process made it first: its key is the one
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def load_keys() -> list[str]:
    """The configured keys, the one that encrypts first. ImproperlyConfigured when there is none."""
    if settings.ENCRYPTION_KEYS:
        return list(settings.ENCRYPTION_KEYS)
    path = key_file()
    if not path.exists():
        if not settings.ENCRYPTION_KEY_FILE_CREATE:
            raise ImproperlyConfigured(
                f"No encryption key: set FILROUGE_ENCRYPTION_KEYS or create the key file {path} "
                "(`filrouge keys generate` makes a key)."
            )
        create_key_file(path)
    try:
        keys = read_key_file(path)
    except OSError as error:
        raise ImproperlyConfigured(f"The key file {path} cannot be read: {error.strerror}.") from None
    if not keys:
        raise ImproperlyConfigured(f"The key file {path} holds no key.")
    return keys


def fernet_of(key: str, position: int) -> Fernet:
    try:
        return Fernet(key.encode())
    except ValueError:
        # Never the key itself in a message: only where it stands.
        raise ImproperlyConfigured(
            f"Encryption key number {position} is not a valid Fernet key (32 url-safe base64-encoded bytes)."
        ) from None


@cache
def _keys() -> tuple[Fernet, ...]:
    return tuple(fernet_of(key, position) for position, key in enumerate(load_keys(), start=1))


@cache
def _fernet() -> MultiFernet:
    return MultiFernet(list(_keys()))


@cache
def file_keys() -> tuple[bytes, ...]:
    """The same keys as raw bytes, the one that encrypts first: attached files derive their own
    keys from them (`filrouge.core.filecrypto`), so one key management covers both."""
    _keys()  # each key checked first, with its position in the error
    return tuple(base64.urlsafe_b64decode(key) for key in load_keys())


def reset_keys() -> None:
    """Read the keys again (after a rotation, or in tests that change them)."""
    _keys.cache_clear()
    _fernet.cache_clear()
    file_keys.cache_clear()


@receiver(setting_changed)
def keys_setting_changed(*, setting, **kwargs):
    if setting.startswith("ENCRYPTION_KEY"):
        reset_keys()


# --- Values ------------------------------------------------------------------------------------


def encrypt(text: str) -> str:
    return PREFIX + _fernet().encrypt(text.encode()).decode()


def token_of(value: str) -> bytes:
    if not value.startswith(PREFIX):
        raise DecryptionError("The value is not encrypted.")
    return value[len(PREFIX) :].encode()


def decrypt(value: str) -> str:
    token = token_of(value)
    try:
        return _fernet().decrypt(token).decode()
    except InvalidToken:
        raise DecryptionError("No configured key opens this value.") from None


def opens_with_current_key(value: str) -> bool:
    try:
        _keys()[0].decrypt(token_of(value))
    except (InvalidToken, DecryptionError):
        return False
    return True


def rotate(value: str) -> str:
    """The same plaintext, encrypted again with the first key."""
    token = token_of(value)
    try:
        return PREFIX + _fernet().rotate(token).decode()
    except InvalidToken:
        raise DecryptionError("No configured key opens this value.") from None


# --- Fields ------------------------------------------------------------------------------------


class EmptyExact(Exact):
    """`field=""` (is it empty?) is the one comparison an encrypted column answers."""

    def get_prep_lookup(self):
        if self.rhs is not None and self.rhs != "":  # None: Django asks "is null" instead
            raise FieldError(
                "An encrypted field is compared only with the empty text: filter in Python on the "
                "rows already read (its stored form changes with every save)."
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """A text stored encrypted ("enc:" and a Fernet token). The empty text is stored empty, so
    "blank" still reads; no other lookup is allowed (see the module's docstring)."""

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.unique or self.db_index or self.primary_key:
            errors.append(
                checks.Error(
                    "An encrypted field cannot be unique, indexed or a primary key: its stored form "
                    "changes with every save.",
                    obj=self,
                    id="filrouge.E010",
                )
            )
        return errors

    def get_lookup(self, lookup_name):
        return {"exact": EmptyExact, "isnull": IsNull}.get(lookup_name)

    def get_transform(self, lookup_name):
        return None

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self.open(value)

    def open(self, value: str) -> str:
        try:
            return decrypt(value)
        except DecryptionError:
            # Which column, never the value: the request ends as a 500, nothing is shown.
            label = f"{self.model._meta.label}.{self.name}" if hasattr(self, "model") else self.name
            logger.error(
                "Cannot decrypt a value of %s: no configured encryption key opens it (a wrong or "
                "missing key in FILROUGE_ENCRYPTION_KEYS or the key file, or a value stored in clear: "
                "`filrouge keys check` says which).",
                label,
            )
            raise DecryptionError(f"No configured key opens a value of {label}.") from None

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


class EncryptedCharField(EncryptedTextField):
    """A short encrypted text: one line and a maximum length in forms and validation, stored in
    a text column (its ciphertext is longer than the text)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))

    def formfield(self, **kwargs):
        defaults = {"form_class": CharFormField, "max_length": self.max_length}
        if self.null:
            defaults["empty_value"] = None
        return models.Field.formfield(self, **{**defaults, **kwargs})


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (a snapshot, say) stored encrypted as its JSON text."""

    def __init__(self, *args, encoder=DjangoJSONEncoder, **kwargs):
        self.encoder = encoder
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.encoder is not DjangoJSONEncoder:
            kwargs["encoder"] = self.encoder
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return json.loads(self.open(value))

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        value = models.Field.get_prep_value(self, value)
        if value is None:
            return value
        return encrypt(json.dumps(value, cls=self.encoder, ensure_ascii=False))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), cls=self.encoder, ensure_ascii=False)


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[models.Field]]]:
    """Every model with encrypted columns, and those columns (each table once)."""
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


# --- Rewriting stored values (migrations, rotation, checks) ------------------------------------


def every_row(model) -> models.QuerySet:
    """Every row of the table, past the model's managers: one that hides rows would leave them
    out, one that refuses updates (the audit trail's append-only entries) would stop a rotation,
    which changes no content (the values decrypt to the same text, their digests still hold)."""
    return models.QuerySet(model=model)


def raw_batches(queryset, fields, *, batch_size=BATCH, lock=False) -> Iterator[list[tuple]]:
    """The stored values of `fields` as they are in the database, by batches of
    (pk, raw, raw, ...) in pk order. A cast to text bypasses the field's decryption; batches
    follow the primary key rather than one open cursor, so rows may be written meanwhile."""
    names = {f"raw_{field.attname}": Cast(field.attname, models.TextField()) for field in fields}
    rows = queryset.annotate(**names).order_by("pk")
    if lock:
        rows = rows.select_for_update()
    last = None
    while True:
        page = rows if last is None else rows.filter(pk__gt=last)
        batch = list(page.values_list("pk", *names)[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1][0]


def rewrite(
    model, fields, transform: Callable[[str], tuple[str, str | None]], *, batch_size=BATCH
) -> Counter:
    """Passes every non-empty stored value of `fields` through `transform(raw)`, which returns
    (what happened, the new stored value or None to keep it), and writes the changed ones.
    Counts what happened; a value no key opens counts as "failed" and is left as it is.
    One transaction for the model, rows locked while they are rewritten (a concurrent save
    waits, so it is never overwritten with an older value)."""
    counts = Counter()
    with transaction.atomic():
        for batch in raw_batches(every_row(model), fields, batch_size=batch_size, lock=True):
            changed = {field: [] for field in fields}
            for pk, *raws in batch:
                for field, raw in zip(fields, raws, strict=True):
                    if raw is None or raw == "":
                        continue
                    try:
                        outcome, new = transform(raw)
                    except DecryptionError:
                        counts["failed"] += 1
                        continue
                    counts[outcome] += 1
                    if new is not None and new != raw:
                        row = model(pk=pk)
                        # Written as it is: a plain text value, not through the field (which would
                        # encrypt it once more).
                        setattr(row, field.attname, models.Value(new, output_field=models.TextField()))
                        changed[field].append(row)
            for field, objs in changed.items():
                if objs:
                    every_row(model).bulk_update(objs, [field.name], batch_size=batch_size)
    return counts


def encrypted(raw: str) -> tuple[str, str | None]:
    """For a migration: a value stored in clear is encrypted; one already encrypted stays."""
    if raw.startswith(PREFIX):
        try:
            decrypt(raw)
        except DecryptionError:
            pass  # a text that merely starts like a token: it is plain text
        else:
            return "already", None
    return "encrypted", encrypt(raw)


def decrypted(raw: str) -> tuple[str, str | None]:
    """For reversing a migration: the plain text back."""
    return "decrypted", decrypt(raw)


def rotated(raw: str) -> tuple[str, str | None]:
    """For `filrouge keys rotate`: encrypted again with the first key unless it already is;
    a value found in clear is encrypted."""
    if not raw.startswith(PREFIX):
        return "encrypted", encrypt(raw)
    if opens_with_current_key(raw):
        return "current", None
    return "rotated", rotate(raw)


def encrypt_existing(app_label: str, model_name: str, *field_names: str) -> migrations.RunPython:
    """The data step of a migration turning fields into encrypted ones (after the AlterField):
    encrypts what is stored in clear; backwards, decrypts it."""

    def run(transform):
        def step(apps, schema_editor):
            model = apps.get_model(app_label, model_name)
            fields = [model._meta.get_field(name) for name in field_names]
            failed = rewrite(model, fields, transform)["failed"]
            if failed:
                raise DecryptionError(
                    f"{failed} values of {app_label}.{model_name} open with no configured key."
                )

        return step

    return migrations.RunPython(run(encrypted), run(decrypted), elidable=False)


def key_file_is_private(path: Path) -> bool:
    return not path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)
