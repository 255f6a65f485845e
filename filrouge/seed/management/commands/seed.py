from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from filrouge.organisations.models import Organisation
from filrouge.organisations.validators import synthetic_siret
from filrouge.seed.benchmark import SIRET_BASE, seed_benchmark
from filrouge.seed.demo import ORGANISATIONS, demo_summary, seed_demo
from filrouge.seed.report import print_accounts


def synthetic_sirets(count: int) -> set[str]:
    """The SIRETs of the organisations the presets create (the demo's, and enough benchmark ones)."""
    return {spec["siret"] for spec in ORGANISATIONS} | {
        synthetic_siret(SIRET_BASE + index) for index in range(max(count, 1))
    }


def check_can_seed() -> None:
    """Synthetic data, with its published demo password, never lands beside real data: the presets
    run on an empty database or one holding only their own organisations, and never on a
    production setup (HTTPS=true)."""
    if settings.HTTPS:
        raise CommandError(
            _(
                "Les données de démonstration ne se chargent pas sur une installation de production "
                "(HTTPS=true) : leurs comptes ont un mot de passe publié."
            )
        )
    sirets = Organisation.objects.values_list("siret", flat=True)
    others = [siret for siret in sirets if siret not in synthetic_sirets(len(sirets))]
    if others:
        raise CommandError(
            _(
                "La base contient déjà %(count)s organisation(s) qui ne viennent pas des données de "
                "démonstration : elles ne se chargent que dans une base vide ou qu'elles ont déjà remplie."
            )
            % {"count": len(others)}
        )


class Command(BaseCommand):
    help = "Loads synthetic data: --preset demo (small, realistic) or --preset benchmark --people N (bulk)."

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=["demo", "benchmark"], default="demo")
        parser.add_argument("--people", type=int, default=100_000, help="benchmark size, in people supported")

    def handle(self, *args, preset, people, **options):
        check_can_seed()
        if preset == "demo":
            rows = seed_demo()
            print_accounts(self.stdout, rows)
            self.stdout.write(demo_summary())
            return
        if people < 1:
            raise CommandError("--people must be at least 1.")
        created = seed_benchmark(people)
        self.stdout.write(", ".join(f"{count} {name}" for name, count in created.items()) + " created.")
