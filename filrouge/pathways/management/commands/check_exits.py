"""`filrouge check_exits`: the exits recorded as employment that their pathway's jobs do not support."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from filrouge.pathways.exits import incoherent_exits, supported_by
from filrouge.pathways.models import ExitOutcome


class Command(BaseCommand):
    help = (
        "Lists every exit recorded as durable or transition employment that no job of its pathway "
        "current on the exit date supports: organisation, service, pathway id, exit date, outcome "
        "recorded and outcome the jobs support (no personal data). Changes nothing; exits non-zero "
        "when it finds any."
    )

    def handle(self, *args, **options):
        exits = incoherent_exits().values_list(
            "organisation__name",
            "service__name",
            "pk",
            "exit_date",
            "exit_outcome",
            "durable_job",
            "transition_job",
        )
        count = 0
        for organisation, service, pk, exit_date, outcome, durable_job, transition_job in exits.order_by(
            "organisation__name", "service__name", "exit_date", "pk"
        ):
            count += 1
            supported = " / ".join(str(choice.label) for choice in supported_by(durable_job, transition_job))
            values = {
                "organisation": organisation,
                "service": service,
                "pk": pk,
                "day": exit_date.isoformat(),
                "recorded": ExitOutcome(outcome).label,
                "supported": supported,
            }
            if supported:
                line = _(
                    "%(organisation)s — %(service)s — parcours %(pk)s — sortie le %(day)s : enregistrée "
                    "« %(recorded)s », les emplois en cours à cette date correspondent à « %(supported)s »"
                )
            else:
                line = _(
                    "%(organisation)s — %(service)s — parcours %(pk)s — sortie le %(day)s : enregistrée "
                    "« %(recorded)s », aucun emploi en cours à cette date ne correspond à une sortie en emploi"
                )
            self.stdout.write(line % values)
        if count:
            raise CommandError(
                _(
                    "%(count)s sortie(s) incohérente(s) : aucun emploi du parcours en cours à la date de "
                    "sortie ne correspond au motif enregistré. Rien n'a été modifié."
                )
                % {"count": count},
                returncode=1,
            )
        self.stdout.write(_("Aucune sortie incohérente."))
