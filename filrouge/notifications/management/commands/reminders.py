"""`filrouge reminders send [--at DATETIME]`: writes the reminders and notices owed at that moment,
then sends those due. Run twice, it sends nothing twice (`notifications.owed`, `.delivery`)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from filrouge.notifications.tasks import send_reminders

# A time given without its zone is read in metropolitan France's (the operators' usual one).
DEFAULT_ZONE = ZoneInfo("Europe/Paris")


def parse_moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"--at: « {value} » n'est pas une date et heure lisible. Exemples : "
            "2026-12-08 09:00, 2026-12-08T09:00+01:00."
        ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=DEFAULT_ZONE)
    return moment


class Command(BaseCommand):
    help = "Rappels aux personnes : `reminders send [--at DATETIME]` écrit puis envoie ce qui est dû."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="send")
        send = actions.add_parser("send", help="écrit et envoie les rappels dus à ce moment")
        send.add_argument(
            "--at",
            help="le moment (ISO, ou « 2026-12-08 09:00 », heure de Paris sans fuseau) ; maintenant par défaut",
        )

    def handle(self, *args, action, at=None, **options):
        if action != "send":
            raise CommandError(f"Unknown action: {action}")
        moment = parse_moment(at) if at else timezone.now()
        outcome, counts = send_reminders(moment)
        self.stdout.write(
            f"{counts.sent['sms']} SMS, {counts.sent['email']} e-mail(s) envoyé(s), {counts.failed} en échec"
            f" ({outcome.written} message(s) écrit(s), {counts.retried} à réessayer, "
            f"{counts.skipped + outcome.set_aside} mis de côté, {counts.uncertain} à vérifier)."
        )
