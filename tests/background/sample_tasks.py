"""Tasks for the worker's tests: each notes its runs in `RUNS` (same process, thread-safe)."""

import threading

from django.tasks import task

from filrouge.accounts.emails import DeliveryFailed
from filrouge.background.errors import PermanentFailure, TaskFailure

RUNS: list[str] = []
_lock = threading.Lock()


def note(label: str) -> None:
    with _lock:
        RUNS.append(label)


@task
def noop() -> None:
    note("noop")


@task
def numbered(number: int) -> None:
    note(f"numbered-{number}")


@task
def for_organisation(*, organisation_id: int) -> None:
    note(f"organisation-{organisation_id}")


class ProviderDown(TaskFailure):
    pass


class NumberRefused(PermanentFailure):
    pass


@task
def fails(*, organisation_id: int | None = None) -> None:
    raise ValueError("Camille Martin, 06 12 34 56 78")  # personal data: must never be shown


@task
def fails_for_a_reason(*, organisation_id: int | None = None) -> None:
    raise ProviderDown("the SMS provider answered 503")


@task
def fails_for_good() -> None:
    raise NumberRefused("the number was refused")


@task
def mail_fails() -> None:
    raise DeliveryFailed("invitation")
