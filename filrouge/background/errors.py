"""The failures a background task raises on purpose. Their message is shown on the
administration page of failed tasks: it never holds personal data (no name, address, number
or text), only what went wrong and where to look."""


class TaskFailure(Exception):
    """Something outside us failed (a provider, a mail server): the worker tries again later."""

    retry = True


class PermanentFailure(TaskFailure):
    """Trying again would fail the same way (a refused number, a missing configuration)."""

    retry = False


class WorkerLost(TaskFailure):
    """The worker running the task stopped answering (killed, machine restarted) too many times:
    recorded on the task when it is not put back in the queue again."""
