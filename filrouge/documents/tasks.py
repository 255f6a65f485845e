"""The sweep of attached files, from the worker's schedule (`filrouge.background.schedule`).

It runs once for the whole installation, not per organisation: it walks one directory
(`PRIVATE_MEDIA_ROOT`) against every saved row, as `filrouge files sweep` does through the same
`documents.domain.sweep_files`. The worker must therefore run on the host that holds the files.
"""

import logging

from django.tasks import task

from filrouge.background.errors import TaskFailure
from filrouge.documents.domain import sweep_files as sweep

logger = logging.getLogger(__name__)


@task
def sweep_files() -> dict[str, int]:
    """Removes the files no document keeps; returns how many of each kind (never their names in
    the failure's message: they are random ids, but the counts say enough)."""
    try:
        report = sweep()
    except OSError as error:
        raise TaskFailure(
            f"Files sweep: the attached files' directory could not be read or changed "
            f"({error.strerror or type(error).__name__}); check FILROUGE_PRIVATE_MEDIA_ROOT and its "
            "permissions, then run `filrouge files sweep --dry-run`."
        ) from None
    counts = {
        "temporary": len(report.temporary),
        "orphans": len(report.orphans),
        "recovered": len(report.recovered),
        "others": report.others,
    }
    logger.info("Files sweep: %s.", ", ".join(f"{count} {kind}" for kind, count in counts.items()))
    return counts
