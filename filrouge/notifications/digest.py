"""The staff's daily digest: at 7:30 on working days, in the time zone of the staff member's
services, one email saying how many plan actions are late or due today, how many immersions,
internships and contracts end within 7 days, and how many people of their caseload have an alert.
Counts, first names and links only: the detail is in filrouge, behind the login.

What is due is read from the coach's work list (`core.worklist`) and the caseload's alerts
(`pathways.caseload`), never from rules of its own, for the pathways the user leads or works in
as a team member (the home page's own caseload).

Sent once, whatever the number of workers: the `DigestSent` row of the day is written (and
committed) before the email leaves; a second worker, or the next run, finds it and skips. If the
mail server refuses, the row is deleted and the task fails, so the next run (every 15 minutes)
tries again: the email is known not to have left. If the worker stops between sending and
recording `sent_at`, the row stays with `sent_at` empty and nothing is sent again that day (a
digest missed is better than two). An empty digest is not sent: its row stays with `sent_at`
empty, so a day with nothing due at 7:30 sends nothing later in the day either.

The task runs in autocommit, as the worker runs every task: each row is committed as it is
written, so the failure raised at the end (`TaskFailure`) undoes nothing that was sent.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from filrouge.accounts.models import User
from filrouge.background.errors import TaskFailure
from filrouge.core import worklist
from filrouge.core.workdays import is_working_day
from filrouge.notifications.models import DigestSent
from filrouge.organisations.models import Membership, TimeZone
from filrouge.pathways.caseload import ALERT_FILTERS, with_alerts
from filrouge.people.models import Person

logger = logging.getLogger(__name__)

SEND_FROM = time(7, 30)
DEFAULT_ZONE = TimeZone.PARIS.value
ENDING_DAYS = worklist.WEEK_DAYS


class DeliveryFailed(Exception):
    """The digest could not be built or sent (raised without the original error, which may quote
    the recipient's address)."""


@dataclass
class Section:
    count: int = 0
    first_names: list[str] = field(default_factory=list)
    link: str = ""
    late: int = 0  # actions only: how many of them are late


@dataclass
class Digest:
    day: date
    actions: Section
    endings: Section
    alerts: Section
    account_link: str

    @property
    def is_empty(self) -> bool:
        return not (self.actions.count or self.endings.count or self.alerts.count)


@task
def send_staff_digests() -> int:
    """The schedule's entry point (every 15 minutes): sends the digests now due; returns how many."""
    return send_digests()


def send_digests(now: datetime | None = None) -> int:
    now = now or timezone.now()
    users = list(
        User.objects.filter(is_active=True, daily_digest=True, organisation__isnull=False).order_by("pk")
    )
    zones = zones_of([user.pk for user in users])
    due = []
    for user in users:
        zone = zones.get(user.pk, DEFAULT_ZONE)
        day = digest_day(now, zone)
        if day is not None:
            due.append((user, zone, day))
    done = set(
        DigestSent.objects.filter(
            user__in=[user.pk for user, _zone, _day in due], day__in={day for _user, _zone, day in due}
        ).values_list("user_id", "day")
    )
    sent = failed = 0
    for user, zone, day in due:
        if (user.pk, day) in done:
            continue
        digest = claim(user, day)
        if digest is None:  # another worker has it
            continue
        try:
            sent += deliver(digest, user, zone)
        except DeliveryFailed:
            failed += 1
    if failed:
        raise TaskFailure(
            f"{failed} daily digest(s) could not be sent (mail server): they are tried again at the next run."
        )
    return sent


def zones_of(user_ids: list[int]) -> dict[int, str]:
    """Each user's time zone: their services' (the most common one; on a tie, the one of their
    oldest role). A user with no role in a service is not in the dict (Europe/Paris)."""
    counts: dict[int, Counter] = {}
    rows = (
        Membership.objects.active()
        .filter(user_id__in=user_ids, service__isnull=False)
        .order_by("pk")
        .values_list("user_id", "service__time_zone")
    )
    for user_id, zone in rows:
        counts.setdefault(user_id, Counter())[zone] += 1
    return {user_id: counter.most_common(1)[0][0] for user_id, counter in counts.items()}


def digest_day(now: datetime, zone: str) -> date | None:
    """The local day whose digest is due at `now` in `zone`, or None (a day off, or before 7:30)."""
    local = now.astimezone(ZoneInfo(zone))
    if local.time() < SEND_FROM or not is_working_day(local.date()):
        return None
    return local.date()


def claim(user: User, day: date) -> DigestSent | None:
    """The day's row, written before anything is sent; None when it is already there."""
    try:
        with transaction.atomic():
            return DigestSent.objects.create(organisation_id=user.organisation_id, user=user, day=day)
    except IntegrityError:
        return None


def deliver(digest: DigestSent, user: User, zone: str) -> int:
    """Builds and sends the digest of the claimed row; returns 1 when an email left, 0 when
    there was nothing to say."""
    try:
        with translation.override(settings.LANGUAGE_CODE), timezone.override(zone):
            content = build(user, digest.day)
            if content.is_empty:
                return 0
            subject, body = render(content)
        send_mail(subject, body, None, [user.email])
    except Exception:
        logger.warning("The daily digest of account %s could not be sent; tried again later.", user.pk)
        digest.delete()  # not sent: the next run claims the day again
        raise DeliveryFailed from None
    DigestSent.objects.filter(pk=digest.pk).update(sent_at=timezone.now())
    return 1


def absolute(path: str) -> str:
    return settings.BASE_URL + path


def build(user: User, day: date) -> Digest:
    enrolments = worklist.followed_by(user)
    lines = worklist.collect(user, enrolments, day, attended=True)
    actions = [line for line in lines if line.kind == "action" and line.due_on <= day]
    endings = [line for line in lines if line.kind == "placement_end"]
    alerted = set(
        with_alerts(enrolments, day).filter(ALERT_FILTERS["any"]).values_list("person_id", flat=True)
    )
    wanted = {line.person_id for line in actions + endings} | alerted
    first_names = dict(Person.objects.filter(pk__in=wanted).values_list("pk", "first_name")) if wanted else {}

    def names(person_ids) -> list[str]:
        return sorted({first_names[pk] for pk in person_ids if pk in first_names}, key=str.casefold)

    home = reverse("core:home")
    return Digest(
        day=day,
        actions=Section(
            count=len(actions),
            late=sum(line.overdue for line in actions),
            first_names=names(line.person_id for line in actions),
            link=absolute(f"{home}#worklist-today"),
        ),
        endings=Section(
            count=len(endings),
            first_names=names(line.person_id for line in endings),
            link=absolute(f"{home}#worklist"),
        ),
        alerts=Section(
            count=len(alerted), first_names=names(alerted), link=absolute(f"{home}?alert=any#caseload")
        ),
        account_link=absolute(reverse("accounts:profile")),
    )


def render(digest: Digest) -> tuple[str, str]:
    context = {"digest": digest, "days": ENDING_DAYS}
    subject = "".join(render_to_string("notifications/digest/subject.txt", context).splitlines())
    return subject, render_to_string("notifications/digest/email.txt", context)
