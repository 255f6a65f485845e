"""The audit trail: append-only entries, chained by keyed hashes.

Entries form chains, one per organisation and stream: the *access* stream (reads, exports,
refusals, logins), purged after `AUDIT_ACCESS_RETENTION_DAYS`, and the *change* stream
(creations, changes, deletions, anonymisations, purges), kept as long as the records. Each
entry holds the hash of the one before it and is sealed with a key kept outside the database
(`filrouge.audit.keys`), so an edited, removed or moved entry is found by `filrouge audit verify`
(`filrouge.audit.chain`), even once someone re-chained the later ones; each chain's head is also
published outside the database (`filrouge.audit.heads`). A purge removes a prefix of an access chain
and leaves an anchor (the last removed entry's sequence number and hash) on the chain's head,
itself recorded in the change stream.

Entries are never changed or deleted, except by the purge and by the redaction of a person's
values (`maintenance`): saving an existing entry, or deleting one, fails. On PostgreSQL a trigger
refuses it too (migration 0003), whatever sends the query, unless the transaction declares the
maintenance; the application's database role may moreover be refused the privilege altogether
(`filrouge audit grants`).
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _

from filrouge.core.crypto import EncryptedTextField


class Kind(models.TextChoices):
    CREATE = "create", _("Création")
    UPDATE = "update", _("Modification")
    DELETE = "delete", _("Suppression")
    READ = "read", _("Consultation")
    EXPORT = "export", _("Export ou document produit")
    DENIED = "denied", _("Accès refusé")
    LOGIN = "login", _("Connexion")
    LOGIN_FAILED = "login_failed", _("Échec de connexion")
    ANONYMISE = "anonymise", _("Anonymisation")
    ERASE = "erase", _("Effacement")
    REDACT = "redact", _("Retrait des valeurs conservées")
    PURGE = "purge", _("Purge des accès anciens")


class Stream(models.TextChoices):
    ACCESS = "access", _("Accès")
    CHANGE = "change", _("Modifications")


# Access entries are purged after their retention period; everything else is a change.
ACCESS_KINDS = frozenset({Kind.READ, Kind.EXPORT, Kind.DENIED, Kind.LOGIN, Kind.LOGIN_FAILED})


def stream_of(kind: str) -> Stream:
    return Stream.ACCESS if kind in ACCESS_KINDS else Stream.CHANGE


def chain_key(organisation_id: int | None, stream: str) -> str:
    return f"{'none' if organisation_id is None else f'org-{organisation_id}'}/{stream}"


# Set only inside the purge and the redaction: the two ways an entry may change or go.
_maintenance: ContextVar[bool] = ContextVar("audit_maintenance", default=False)
# What a transaction sets to tell PostgreSQL's trigger that it is the purge or the redaction.
MAINTENANCE_SETTING = "filrouge.audit_maintenance"


def declare_maintenance(on: bool) -> None:
    """For PostgreSQL's trigger, until the end of the transaction (or of the savepoint, if it is
    rolled back)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [MAINTENANCE_SETTING, "on" if on else "off"])


@contextmanager
def maintenance():
    """The block may change or delete entries, in a transaction of its own (a savepoint inside
    another one) that declares it to the database; nothing after the block may."""
    outermost = not _maintenance.get()
    token = _maintenance.set(True)
    try:
        with transaction.atomic():
            declare_maintenance(True)
            yield
            if outermost:
                declare_maintenance(False)
    finally:
        _maintenance.reset(token)


class AppendOnly(Exception):
    """An audit entry was about to be changed or deleted outside the purge or the redaction."""


def refuse_outside_maintenance(what: str) -> None:
    if not _maintenance.get():
        raise AppendOnly(f"Audit entries are append-only: {what} refused.")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        refuse_outside_maintenance("update")
        return super().update(**kwargs)

    def delete(self):
        refuse_outside_maintenance("delete")
        return super().delete()

    def _raw_delete(self, using):
        refuse_outside_maintenance("delete")
        return super()._raw_delete(using)


class ChainHead(models.Model):
    """The last entry of one chain (appends lock this row), the anchor left by the last purge, and
    the outcome of the last verification."""

    key = models.CharField(max_length=40, unique=True)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    stream = models.CharField(max_length=10, choices=Stream.choices)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    anchor_seq = models.PositiveBigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, blank=True)
    # Where the entries sealed before the chains were keyed end (their key id is LEGACY), sealed
    # with the audit key when the upgrade ran: "key id:HMAC" of "chain seq hash".
    legacy_seq = models.PositiveBigIntegerField(default=0)
    legacy_hash = models.CharField(max_length=64, blank=True)
    legacy_seal = models.CharField(max_length=90, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_ok = models.BooleanField(null=True)

    class Meta:
        verbose_name = _("chaîne du journal d'audit")
        ordering = ["key"]

    def __str__(self):
        return self.key


class AuditEntry(models.Model):
    chain = models.CharField(max_length=40)
    seq = models.PositiveBigIntegerField()
    # Null only for attempts that belong to no organisation (a failed login on an unknown address).
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(_("action"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("date"))
    # Accounts are deactivated, never deleted: PROTECT keeps the hashed actor in place.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_label = models.CharField(max_length=100, blank=True)  # "system", "seed", "retention"...
    object_type = models.CharField(max_length=60, blank=True)  # "people.person"
    object_id = models.PositiveBigIntegerField(null=True)
    # A plain number, not a foreign key: it survives the person's anonymisation or erasure.
    person_id = models.PositiveBigIntegerField(null=True)
    fields = models.JSONField(default=list)  # names of the fields changed
    # JSON {"salt": ..., "values": {field: [old, new]}}, encrypted; never content for reads.
    changes = EncryptedTextField(blank=True)
    changes_digest = models.CharField(max_length=64, blank=True)
    redacted_at = models.DateTimeField(null=True, blank=True)
    address = models.GenericIPAddressField(null=True)
    detail = models.CharField(max_length=200, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    # HMAC-SHA256 with the audit key `key_id` (`filrouge.audit.keys`), of the fields and prev_hash.
    hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=20)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        ordering = ["-at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["chain", "seq"], name="audit_entry_once_per_seq")]
        indexes = [
            models.Index(fields=["organisation", "at"], name="audit_org_at_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_at_idx"),
            models.Index(fields=["person_id", "at"], name="audit_person_at_idx"),
            models.Index(fields=["chain", "at"], name="audit_chain_at_idx"),
        ]

    def __str__(self):
        return f"{self.chain}#{self.seq} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            refuse_outside_maintenance("update")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_outside_maintenance("delete")
        return super().delete(*args, **kwargs)

    @property
    def is_access(self) -> bool:
        return self.kind in ACCESS_KINDS
