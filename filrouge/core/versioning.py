"""Lost updates: a record's version is checked and moved on in one statement.

Records two people may edit at once carry a `version`. Reading it, comparing it, then writing
leaves a window in which two saves both see the same version and the second silently replaces
the first. Here the comparison is the write: `UPDATE … SET version = v + 1 WHERE id = … AND
version = v`. The statement takes the row's lock, so a concurrent save waits for the first
transaction to end, then finds the version moved and matches no row (PostgreSQL re-reads the
row under READ COMMITTED; SQLite lets one writer at a time). Every function that writes a
versioned row does one of these first, in the transaction that writes the rest:

- `claim(instance, version)`: an edit built from the version the user saw (a form); refused
  with `VersionConflict` when the record has moved on;
- `bump(instance)`: an action on the record that applies whatever version it holds (a phase
  change, an anonymisation), moving the version on so that a form opened before is refused.
"""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

CONFLICT_MESSAGE = _(
    "Ce dossier a été modifié par quelqu'un d'autre pendant votre saisie. Comparez les deux "
    "versions ci-dessous, puis enregistrez à nouveau pour garder la vôtre."
)


class VersionConflict(ValidationError):
    """The record was saved by someone else since the version a change was built from.

    A ValidationError, so that a view shows it on the form like any refusal of a rule
    (`core.forms.add_domain_errors` turns it into the side-by-side comparison)."""

    def __init__(self, message=CONFLICT_MESSAGE, code="conflict", params=None):
        super().__init__(message, code, params)


def claim(instance, version: int | None = None) -> None:
    """Moves the row of `instance` from `version` (by default the instance's own) to the next
    one, or raises VersionConflict when the row holds another version. Call it before any other
    write of the change, inside its transaction: until that transaction ends, no one else can
    move the row."""
    expected = instance.version if version is None else version
    rows = type(instance)._base_manager.filter(pk=instance.pk, version=expected)
    if not rows.update(version=expected + 1):
        raise VersionConflict()
    instance.version = expected + 1


def bump(instance) -> None:
    """Moves the row of `instance` to its next version, whatever version it holds."""
    rows = type(instance)._base_manager.filter(pk=instance.pk)
    rows.update(version=F("version") + 1)
    instance.version = rows.values_list("version", flat=True).get()
