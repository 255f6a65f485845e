from django.core.management.base import BaseCommand, CommandError

from filrouge.seed.benchmark import seed_benchmark
from filrouge.seed.demo import demo_summary, seed_demo
from filrouge.seed.report import print_accounts


class Command(BaseCommand):
    help = "Loads synthetic data: --preset demo (small, realistic) or --preset benchmark --people N (bulk)."

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=["demo", "benchmark"], default="demo")
        parser.add_argument("--people", type=int, default=100_000, help="benchmark size, in people supported")

    def handle(self, *args, preset, people, **options):
        if preset == "demo":
            rows = seed_demo()
            print_accounts(self.stdout, rows)
            self.stdout.write(demo_summary())
            return
        if people < 1:
            raise CommandError("--people must be at least 1.")
        created = seed_benchmark(people)
        self.stdout.write(", ".join(f"{count} {name}" for name, count in created.items()) + " created.")
