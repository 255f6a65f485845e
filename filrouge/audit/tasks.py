"""The audit trail's nightly jobs, from the worker's schedule (`filrouge.background.schedule`).

They run once for the installation, not per organisation: the chains are per organisation
(`org-<id>/access`, `org-<id>/change`), but the published heads are one file, checked whole,
and the purge is one pass over the access chains by the tables' owner. What is per organisation
is the alert: a verification that finds a chain broken queues `send_broken_chain_alert` for its
organisation (keyword `organisation_id`), which emails its administrators and its data
protection officer. The verification runs every night, so a chain that stays broken is reported
again every night (once a day) until someone acts: a reminder rather than a single message
that could be missed.

Each task shares its work with `filrouge audit` (`audit.chain`, `audit.nightly`).
"""

import logging
import os
import subprocess
import sys

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from filrouge.audit import chain, nightly
from filrouge.audit.api import system_actor
from filrouge.audit.models import Stream
from filrouge.background.errors import PermanentFailure, TaskFailure
from filrouge.organisations.models import Membership, Organisation, Role

logger = logging.getLogger(__name__)

ALERTED_ROLES = (Role.ORG_ADMIN, Role.DPO)
PURGE_TIMEOUT = 3600  # seconds: the owner's purge, run aside

PURGE_REFUSED = (
    "Audit purge refused by the database: the worker's role may only add and read audit entries "
    "(hardened install). Either run `filrouge audit purge` from cron with the tables' owner's "
    "DATABASE_URL (docs/privacy.md, section 6), or give the worker that URL in "
    "FILROUGE_AUDIT_PURGE_DATABASE_URL."
)


@task
def publish_audit_heads() -> int:
    """Publishes every chain's head outside the database (`filrouge audit publish`)."""
    try:
        return len(nightly.publish_heads())
    except OSError as error:
        raise PermanentFailure(
            f"Audit heads not published: the heads file could not be written ({error.strerror}); "
            "check FILROUGE_AUDIT_HEADS_FILE and its permissions, then run `filrouge audit publish`."
        ) from None


@task
def purge_audit() -> int:
    """Removes the access entries older than `FILROUGE_AUDIT_ACCESS_DAYS` (`filrouge audit
    purge`); returns how many, or -1 when the owner's purge ran aside and said it in its output."""
    if settings.AUDIT_PURGE_DATABASE_URL:
        return purge_as_owner(settings.AUDIT_PURGE_DATABASE_URL)
    try:
        with system_actor("audit purge"):
            return nightly.purge()
    except nightly.PurgeRefused:
        raise PermanentFailure(PURGE_REFUSED) from None


def purge_as_owner(database_url: str) -> int:
    """The purge by the command itself, in a process of its own connected as the tables' owner:
    the worker's connections keep the application's role."""
    environment = os.environ | {"DATABASE_URL": database_url}
    try:
        result = subprocess.run(  # noqa: S603  (our own command, no shell, no user input)
            [sys.executable, "-m", "filrouge", "audit", "purge"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=PURGE_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise TaskFailure(f"Audit purge as the owner could not run ({type(error).__name__}).") from None
    if result.returncode != 0:
        # The command's own messages hold no personal data; a connection error would name the
        # database, never its password. Only the last line is kept.
        last = (result.stderr.strip().splitlines() or ["no message"])[-1][:300]
        raise PermanentFailure(
            f"Audit purge as the owner (FILROUGE_AUDIT_PURGE_DATABASE_URL) failed, exit {result.returncode}: "
            f"{last}"
        )
    logger.info("Audit purge as the owner: %s", result.stdout.strip()[:300])
    return -1


@task
def verify_audit() -> dict:
    """Verifies every chain (`filrouge audit verify`), publishes the heads of the intact ones,
    and alerts the organisations whose chains are broken. Fails (shown on the failed-tasks page)
    when a problem belongs to no organisation or the heads could not be published."""
    with system_actor("audit verify"):
        report = chain.verify_all()
    verified_at = timezone.now().isoformat()
    by_organisation, installation = nightly.problems_by_organisation(report)
    known = set(Organisation.objects.filter(pk__in=by_organisation).values_list("pk", flat=True))
    for organisation_id, chains in by_organisation.items():
        if organisation_id in known:
            send_broken_chain_alert.enqueue(
                organisation_id=organisation_id, chains=chains, verified_at=verified_at
            )
        else:
            installation += sum(chains.values())
    if by_organisation:
        logger.error(
            "Audit trail broken: %s problem(s) in organisation(s) %s.",
            len(report.problems),
            ", ".join(str(pk) for pk in sorted(by_organisation)),
        )
    if installation:
        raise PermanentFailure(
            f"Audit trail: {installation} problem(s) outside any organisation's chains (the heads "
            "file, or the chain of attempts on unknown accounts); run `filrouge audit verify` and "
            "read docs/privacy.md (audit trail)."
        )
    if report.publish_error:
        raise PermanentFailure(
            f"Audit heads not published after the verification: {report.publish_error}; check "
            "FILROUGE_AUDIT_HEADS_FILE, then run `filrouge audit publish`."
        )
    return {
        "chains": report.chains,
        "entries": report.entries,
        "problems": len(report.problems),
        "alerted": sorted(by_organisation.keys() & known),
    }


@task
def send_broken_chain_alert(*, organisation_id: int, chains: dict[str, int], verified_at: str) -> int:
    """Emails the organisation's administrators and data protection officer that its audit
    chains are broken; returns how many were sent. Carries ids and counts, never an address."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise PermanentFailure(f"Audit alert: organisation {organisation_id} does not exist.")
    recipients = list(
        Membership.objects.active()
        .filter(organisation_id=organisation_id, role__in=ALERTED_ROLES)
        .users()
        .values_list("pk", "email")
    )
    if not recipients:
        raise PermanentFailure(
            f"Audit alert: organisation {organisation_id} has no active administrator nor data "
            "protection officer to tell that its audit trail is broken."
        )
    streams = dict(Stream.choices)
    context = {
        "organisation": organisation,
        "chains": [
            {"key": key, "stream": streams.get(key.rpartition("/")[2], ""), "problems": count}
            for key, count in sorted(chains.items())
        ],
        "problems": sum(chains.values()),
        "verified_at": parse_datetime(verified_at),
        "link": getattr(settings, "BASE_URL", "").rstrip("/") + reverse("audit:home"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = "".join(render_to_string("audit/email/broken_chain_subject.txt", context).splitlines())
        body = render_to_string("audit/email/broken_chain.txt", context)
    sent = 0
    for user_id, email in recipients:
        # One email each: the recipients do not see each other's addresses.
        try:
            send_mail(subject, body, None, [email])
        except Exception:
            logger.warning("The audit alert to account %s could not be sent.", user_id)
            raise TaskFailure(
                f"Audit alert of organisation {organisation_id}: the mail server refused or could not "
                f"be reached ({sent} of {len(recipients)} sent)."
            ) from None
        sent += 1
    return sent
