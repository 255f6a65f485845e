"""Sending the outbox: each message is claimed (recorded as being sent, committed) before it
leaves, and recorded as sent once the provider took it.

- `claim`: a batch of due pending messages becomes `sending`, with the worker's id, the time and
  one more attempt, in a transaction of its own; on PostgreSQL `SKIP LOCKED` lets several workers
  claim different messages at once.
- the batch's messages are then handed to the providers side by side (threads, which touch no
  database), and their outcomes recorded in one transaction: `sent` with the provider's
  reference and an audit entry each, or the failure.
- A message left `sending` longer than `REMINDER_CLAIM_TIMEOUT` seconds belongs to a worker that
  died between claiming and recording. If its backend is idempotent (the file backends: the same
  message id rewrites the same file) it is sent again; otherwise nobody knows whether it left: it
  becomes `uncertain`, for a person to check, and is never resent blindly.
- A provider that cannot take it now: back to pending, due later (backoff), `failed` after
  `MAX_ATTEMPTS`; a message refused for good: `failed` at once. The error kept is the failure's
  own message, which names no person (`background.errors`).
- A message whose appointment started before it could leave is set aside (`skipped`).
"""

import logging
import os
import socket
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from filrouge.audit import api as audit
from filrouge.background.errors import TaskFailure
from filrouge.notifications.models import Channel, MessageStatus, OutboundMessage

logger = logging.getLogger(__name__)

# A batch is claimed, sent, then recorded: a worker killed while sending leaves at most one
# batch claimed (resent by an idempotent backend, else "to check").
BATCH = 50
SEND_THREADS = 8
MAX_ATTEMPTS = 5
DEFAULT_CLAIM_TIMEOUT = 300
IDEMPOTENT_EMAIL_BACKENDS = ("filrouge.notifications.mail.MessageFileBackend",)


@dataclass
class Counts:
    sent: dict = field(default_factory=lambda: {Channel.SMS: 0, Channel.EMAIL: 0})
    failed: int = 0
    retried: int = 0
    skipped: int = 0
    released: int = 0
    uncertain: int = 0


def worker_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}"


def claim_timeout() -> int:
    return int(getattr(settings, "REMINDER_CLAIM_TIMEOUT", DEFAULT_CLAIM_TIMEOUT))


def email_idempotent() -> bool:
    mailers = getattr(settings, "MAILERS", {}) or {}
    return mailers.get("default", {}).get("BACKEND") in IDEMPOTENT_EMAIL_BACKENDS


def release_stale(sms_backend, now: datetime | None = None) -> tuple[int, int]:
    """Messages claimed by a worker that stopped: back to pending (idempotent backend) or
    `uncertain`. Returns (released, uncertain)."""
    now = now or timezone.now()
    stale = OutboundMessage.objects.filter(
        status=MessageStatus.SENDING, claimed_at__lte=now - timedelta(seconds=claim_timeout())
    )
    released = uncertain = 0
    for channel, idempotent in ((Channel.SMS, sms_backend.idempotent), (Channel.EMAIL, email_idempotent())):
        if idempotent:
            released += stale.filter(channel=channel).update(status=MessageStatus.PENDING, claimed_by="")
        else:
            uncertain += stale.filter(channel=channel).update(
                status=MessageStatus.UNCERTAIN, error="worker_stopped_while_sending"
            )
    if uncertain:
        logger.warning("%s message(s) left being sent by a stopped worker: to check by hand.", uncertain)
    return released, uncertain


def claim(at: datetime, worker: str, size: int = BATCH) -> list[OutboundMessage]:
    """Due pending messages, now `sending` under `worker` (committed before anything is sent)."""
    with transaction.atomic():
        due = OutboundMessage.objects.filter(status=MessageStatus.PENDING, due_at__lte=at).order_by("due_at")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:size])
        if not ids:
            return []
        OutboundMessage.objects.filter(pk__in=ids, status=MessageStatus.PENDING).update(
            status=MessageStatus.SENDING,
            claimed_by=worker,
            claimed_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
    return list(
        OutboundMessage.objects.filter(pk__in=ids, status=MessageStatus.SENDING, claimed_by=worker)
        .select_related("service")
        .order_by("due_at")
    )


def deliver(at: datetime | None = None, *, worker: str | None = None) -> Counts:
    """Sends every message due at `at` (now by default): a batch is claimed, its messages are
    handed to the providers side by side (threads: a provider's answer or a file's write is
    waiting, not computing), then their outcomes are recorded together."""
    from filrouge.notifications.sms import get_sms_backend

    at = at or timezone.now()
    worker = worker or worker_id()
    counts = Counts()
    sms_backend = get_sms_backend()
    counts.released, counts.uncertain = release_stale(sms_backend)
    with ThreadPoolExecutor(max_workers=SEND_THREADS, thread_name_prefix="reminders") as pool:
        while batch := claim(at, worker):
            passed = [m for m in batch if m.starts_at <= at]
            if passed:
                counts.skipped += OutboundMessage.objects.filter(
                    pk__in=[m.pk for m in passed], status=MessageStatus.SENDING, claimed_by=worker
                ).update(status=MessageStatus.SKIPPED, error="appointment_passed")
            ready = [m for m in batch if m.starts_at > at]
            outcomes = list(pool.map(lambda message: _send(message, sms_backend), ready))
            _record(ready, outcomes, at, worker, counts)
    return counts


def _send(message: OutboundMessage, sms_backend) -> str | TaskFailure:
    """The provider's reference, or how it failed. Touches no database (runs in a thread)."""
    from filrouge.notifications.mail import send_email

    try:
        if message.channel == Channel.SMS:
            return sms_backend.send(str(message.pk), message.recipient, message.body) or ""
        send_email(str(message.pk), message.recipient, message.subject, message.body)
        return ""
    except TaskFailure as failure:
        return failure


def _mine(message: OutboundMessage, worker: str):
    return OutboundMessage.objects.filter(pk=message.pk, status=MessageStatus.SENDING, claimed_by=worker)


def _record(messages, outcomes, at, worker, counts) -> None:
    """What the providers answered, in one transaction: the messages sent (still claimed by this
    worker) marked together, each with its audit entry; the others back to pending or failed."""
    now = timezone.now()
    with transaction.atomic():
        sent = [(m, o) for m, o in zip(messages, outcomes, strict=True) if not isinstance(o, TaskFailure)]
        mine = OutboundMessage.objects.filter(
            pk__in=[m.pk for m, _ in sent], status=MessageStatus.SENDING, claimed_by=worker
        )
        if connection.features.has_select_for_update:
            mine = mine.select_for_update()
        still_mine = set(mine.values_list("pk", flat=True))
        recorded = []
        for message, reference in sent:
            if message.pk in still_mine:
                message.status, message.sent_at = MessageStatus.SENT, now
                message.provider_reference, message.error = reference[:100], ""
                recorded.append(message)
        OutboundMessage.objects.bulk_update(recorded, ["status", "sent_at", "provider_reference", "error"])
        for message in recorded:
            _audit(message)
            counts.sent[message.channel] += 1
        for message, outcome in zip(messages, outcomes, strict=True):
            if isinstance(outcome, TaskFailure):
                _failed(message, worker, outcome, at, counts)


def _failed(message, worker, failure: TaskFailure, at, counts) -> None:
    error = f"{type(failure).__name__}: {failure}"[:200]
    logger.warning("message %s not sent (%s)", message.pk, type(failure).__name__)
    if failure.retry and message.attempts < MAX_ATTEMPTS:
        delay = getattr(failure, "retry_after", None) or 60 * 2**message.attempts
        _mine(message, worker).update(
            status=MessageStatus.PENDING, due_at=at + timedelta(seconds=delay), claimed_by="", error=error
        )
        counts.retried += 1
    else:
        _mine(message, worker).update(status=MessageStatus.FAILED, error=error)
        counts.failed += 1


def _audit(message: OutboundMessage) -> None:
    """That a message went, to whom (the person) and about which appointment: never its text
    nor the number or address."""
    audit.record(
        "create",
        organisation_id=message.organisation_id,
        object_type="notifications.outboundmessage",
        person_id=message.person_id,
        # The id is a UUID (object_id holds integers): it goes in the detail.
        detail=f"{message.kind} {message.channel} sent, message {message.pk}",
    )


# --- What needs a person: messages failed for good, or left "to check" ------------------------------

ATTENTION = (MessageStatus.FAILED, MessageStatus.UNCERTAIN)


def needing_attention(organisation_id: int):
    """The organisation's messages that failed for good or that nobody knows whether they left,
    latest first (their appointment still ahead or not: the administrator decides)."""
    return OutboundMessage.objects.filter(
        organisation_id=organisation_id, status__in=ATTENTION
    ).select_related("service")


def send_again(message: OutboundMessage, by, at: datetime | None = None) -> bool:
    """Back in the queue, its attempts counted afresh (the cause fixed, or the provider checked:
    it did not leave). False when it is no longer failed or to check (someone did it already)."""
    at = at or timezone.now()
    changed = OutboundMessage.objects.filter(pk=message.pk, status__in=ATTENTION).update(
        status=MessageStatus.PENDING, attempts=0, due_at=at, claimed_by="", claimed_at=None, error=""
    )
    if changed:
        _record_decision(message, by, "sent again")
    return bool(changed)


def confirm_sent(message: OutboundMessage, by) -> bool:
    """A message "to check" that the provider's records show as delivered."""
    changed = OutboundMessage.objects.filter(pk=message.pk, status=MessageStatus.UNCERTAIN).update(
        status=MessageStatus.SENT, sent_at=message.claimed_at or timezone.now(), error=""
    )
    if changed:
        _record_decision(message, by, "confirmed sent")
    return bool(changed)


def _record_decision(message: OutboundMessage, by, what: str) -> None:
    audit.record(
        "update",
        organisation_id=message.organisation_id,
        object_type="notifications.outboundmessage",
        person_id=message.person_id,
        user=by,
        detail=f"{message.kind} {message.channel} {what}, message {message.pk}",
    )
