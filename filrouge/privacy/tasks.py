"""The retention's nightly run, from the worker's schedule (`filrouge.background.schedule`).

`run_retention` (scheduled, no argument) queues one `run_retention_for_organisation` per
organisation: each organisation's anonymisations then fail, are retried and are shown on the
failed-tasks page on their own. Both call the one rule `privacy.domain.run_retention`, which
`filrouge retention run` calls too.
"""

import logging

from django.tasks import task

from filrouge.audit import api as audit
from filrouge.background.errors import PermanentFailure, TaskFailure
from filrouge.organisations.models import Organisation
from filrouge.privacy import domain

logger = logging.getLogger(__name__)


@task
def run_retention() -> int:
    """Queues the retention of every organisation; returns how many were queued."""
    organisation_ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True))
    for organisation_id in organisation_ids:
        run_retention_for_organisation.enqueue(organisation_id=organisation_id)
    return len(organisation_ids)


@task
def run_retention_for_organisation(*, organisation_id: int) -> int:
    """Anonymises the organisation's records past their retention period; returns how many."""
    if not Organisation.objects.filter(pk=organisation_id).exists():
        raise PermanentFailure(f"Retention: organisation {organisation_id} does not exist.")
    try:
        with audit.system_actor("retention"):
            return domain.run_retention(organisation_id=organisation_id)
    except Exception as error:
        # Each anonymisation is a transaction of its own: those done stay done, and the next
        # attempt finds only the rest. The original error may quote a value: not repeated.
        logger.warning("Retention failed in organisation %s (%s).", organisation_id, type(error).__name__)
        raise TaskFailure(
            f"Retention: an anonymisation failed in organisation {organisation_id} "
            f"({type(error).__name__}); run `filrouge retention run --dry-run` to see how many remain."
        ) from None
