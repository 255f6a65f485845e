"""The audit trail's nightly work, shared by `filrouge audit` and the scheduled tasks
(`filrouge.audit.tasks`): publish the heads, purge the old access entries, and read a
verification's problems by organisation (who must be told)."""

import re
from collections import Counter

from django.db import DatabaseError

from filrouge.audit import chain, heads
from filrouge.audit.models import ChainHead

INSUFFICIENT_PRIVILEGE = "42501"
CHAIN_OF_ORGANISATION = re.compile(r"org-(\d+)/\w+")


class PurgeRefused(Exception):
    """The database role may add and read audit entries, not remove them (a hardened install:
    `filrouge audit grants`); the purge is the tables' owner's."""


def refused_privilege(error: DatabaseError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == INSUFFICIENT_PRIVILEGE


def purge(days: int | None = None, *, dry_run: bool = False) -> int:
    """`chain.purge_access`, with a refusal of the database's said as such (`PurgeRefused`)."""
    try:
        return chain.purge_access(days, dry_run=dry_run)
    except DatabaseError as error:
        if not refused_privilege(error):
            raise
        raise PurgeRefused() from None


def publish_heads() -> list[str]:
    """Publishes every chain's head (heads file and system log); OSError if the file cannot be
    written."""
    return heads.publish(heads.Head(h.key, h.seq, h.hash) for h in ChainHead.objects.all())


def organisation_of(chain_key: str) -> int | None:
    """The organisation a chain belongs to, read from its key (`org-<id>/<stream>`), so that a
    chain whose head row is gone is still attributed; None for the installation's own."""
    match = CHAIN_OF_ORGANISATION.fullmatch(chain_key)
    return int(match[1]) if match else None


def problems_by_organisation(report: chain.Report) -> tuple[dict[int, dict[str, int]], int]:
    """The problems of a verification, counted per chain for each organisation, and the count
    that concerns no organisation (the heads file, the chains of attempts on unknown accounts)."""
    per_chain = Counter(problem.chain for problem in report.problems)
    found: dict[int, dict[str, int]] = {}
    installation = 0
    for key, count in sorted(per_chain.items()):
        organisation_id = organisation_of(key)
        if organisation_id is None:
            installation += count
        else:
            found.setdefault(organisation_id, {})[key] = count
    return found, installation
