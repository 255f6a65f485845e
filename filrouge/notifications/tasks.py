"""The reminders' background task: what the schedule runs every minute."""

from django.db import DatabaseError
from django.tasks import task
from django.utils import timezone

from filrouge.audit import api as audit
from filrouge.background.errors import TaskFailure


def send_reminders(at):
    """What is owed at `at`, written, then sent. Returns (owed outcome, delivery counts)."""
    from filrouge.notifications.delivery import deliver
    from filrouge.notifications.owed import owed

    with audit.system_actor("reminders"):
        outcome = owed(at)
        counts = deliver(at)
    return outcome, counts


@task
def send_due_reminders():
    """Same as `filrouge reminders send`, now. A message that fails is recorded on the message
    (retried or failed there); only a failure of the database itself fails the task."""
    try:
        _, counts = send_reminders(timezone.now())
    except DatabaseError as error:
        raise TaskFailure(f"The reminders could not be read or recorded ({type(error).__name__}).") from None
    return {"sms": counts.sent["sms"], "email": counts.sent["email"], "failed": counts.failed}
