"""Times a service's yearly report on the benchmark preset: 100,000 people and their histories.

    .venv/bin/python benchmarks/outcomes.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/filrouge_bench_outcomes .venv/bin/python benchmarks/outcomes.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/filrouge_bench_outcomes .venv/bin/python benchmarks/outcomes.py --reuse

Without DATABASE_URL a temporary SQLite file is used. With PostgreSQL the database named in
the URL is dropped and recreated first: give it a name of its own. Then it is migrated and
seeded with `seed --preset benchmark --people N` (the seeding time is printed). With --reuse
the database named in DATABASE_URL, already seeded with the preset, is timed as it is.

The yearly report of a service is `measures.summary(scope)` plus `measures.trend(scope, "month")`
for the year (the current one unless --year). For a sample of services across the
organisations it is computed once to warm up, then --repeat times; the median, 95th percentile
and maximum times are printed with the number of queries per call; then the same for the
director's scope (every service of an organisation). The number of queries must not grow with
the data: it is compared between a large service, a small one (one coach's pathways moved into
a new service, in a transaction rolled back afterwards) and the director's scope, and the script
exits with an error when they differ. --measures times each measure alone, --slowest N prints
the N slowest queries of one report (with EXPLAIN ANALYZE of the slowest on PostgreSQL).
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from database import recreate_postgres, seed_preset

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20_261_202
TARGET_SECONDS = 2.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--year", type=int, default=date.today().year)
    parser.add_argument("--services", type=int, default=6, help="services sampled")
    parser.add_argument("--repeat", type=int, default=5, help="timed calls per scope")
    parser.add_argument("--reuse", action="store_true", help="time the database already seeded")
    parser.add_argument("--measures", action="store_true", help="time each measure alone")
    parser.add_argument("--slowest", type=int, default=0, help="print the N slowest queries of a report")
    args = parser.parse_args()

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="filrouge.settings")
    with tempfile.TemporaryDirectory() as tmp:
        env.setdefault("FILROUGE_VAR_DIR", tmp)
        if not env.get("DATABASE_URL"):
            if args.reuse:
                parser.error("--reuse times the database named in DATABASE_URL")
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        if not args.reuse:
            if env["DATABASE_URL"].startswith("postgres"):
                recreate_postgres(env["DATABASE_URL"])
            print(f"seeded {args.people} people in {seed_preset(env, args.people):.0f} s")
        os.environ.update(env)
        import django

        django.setup()
        if not run(args):
            sys.exit(1)


def percentile_95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def line(name: str, seconds: list[float], queries: list[int], database: list[float]) -> str:
    """The figures of a series of calls; `database` is the time spent in the queries of each call
    (the rest is Python: building and compiling the queries, reading the rows)."""
    median = statistics.median(seconds)
    verdict = "" if median < TARGET_SECONDS else f"  — above the {TARGET_SECONDS:.0f} s target"
    return (
        f"{name}: median {median * 1000:.0f} ms, 95th percentile {percentile_95(seconds) * 1000:.0f} ms, "
        f"max {max(seconds) * 1000:.0f} ms (in the database: median {statistics.median(database) * 1000:.0f} ms); "
        f"queries per call {min(queries)}–{max(queries)}{verdict}"
    )


def database_time(captured) -> float:
    return sum(float(query["time"]) for query in captured)


def report(scope):
    """One yearly report: its time, and the queries it ran."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from filrouge.outcomes import measures

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        measures.summary(scope)
        measures.trend(scope, "month")
        elapsed = time.perf_counter() - started
    return elapsed, captured.captured_queries


def timed(scope, repeat: int) -> tuple[list[float], list[int], list[float]]:
    report(scope)  # warm-up: connection, caches
    seconds, queries, database = [], [], []
    for _ in range(repeat):
        elapsed, captured = report(scope)
        seconds.append(elapsed)
        queries.append(len(captured))
        database.append(database_time(captured))
    return seconds, queries, database


def run(args) -> bool:
    from django.db import connection, transaction
    from django.db.models import Count

    from filrouge.organisations.models import Membership, Organisation, Role, Service
    from filrouge.outcomes import measures, periods
    from filrouge.pathways.models import Enrolment

    vendor = connection.vendor
    with connection.cursor() as cursor:  # fresh statistics for the query planner
        cursor.execute("ANALYZE")
    period = periods.year(args.year)
    services = list(
        Service.objects.filter(organisation__name__startswith="Banc d'essai")
        .annotate(pathways=Count("enrolments"))
        .order_by("pk")
    )
    if not services:
        print("No benchmark service: seed with `seed --preset benchmark` first.")
        return False
    print(
        f"{vendor}: {Organisation.objects.count()} organisations, {len(services)} services, "
        f"{Enrolment.objects.count()} pathways; yearly report of {period.key} (as of {period.end:%Y-%m-%d} "
        f"or today)"
    )
    rng = random.Random(SEED)  # noqa: S311  (a sample, not a secret)
    sample = rng.sample(services, min(args.services, len(services)))
    all_seconds, all_queries, all_database = [], [], []
    for service in sample:
        seconds, queries, database = timed(measures.Scope.of([service], period), args.repeat)
        all_seconds += seconds
        all_queries += queries
        all_database += database
        print(line(f"  {service.name} ({service.pathways} pathways)", seconds, queries, database))
    name = f"a service's yearly report ({len(sample)} services × {args.repeat})"
    print(line(name, all_seconds, all_queries, all_database))

    organisation = sample[0].organisation
    director = measures.Scope.of(Service.objects.filter(organisation=organisation), period)
    seconds, queries, database = timed(director, args.repeat)
    name = f"the director's yearly report ({len(director.service_ids)} services of {organisation})"
    print(line(name, seconds, queries, database))

    large = max(services, key=lambda service: service.pathways)
    counts = {"large service": len(report(measures.Scope.of([large], period))[1])}
    with transaction.atomic():
        coach = Membership.objects.filter(service=large, role=Role.COACH).order_by("pk").first()
        small = Service.objects.create(
            organisation=large.organisation,
            name="Petit service (banc d'essai)",
            programme_type=large.programme_type,
        )
        Membership.objects.create(
            organisation=large.organisation, user=coach.user, service=small, role=Role.COACH
        )
        moved = Enrolment.objects.filter(service=large, primary_coach=coach.user).update(service=small)
        counts[f"small service ({moved} pathways)"] = len(report(measures.Scope.of([small], period))[1])
        transaction.set_rollback(True)
    counts["director"] = queries[0]
    constant = len(set(counts.values())) == 1
    print(
        "queries per report: "
        + ", ".join(f"{name} {count}" for name, count in counts.items())
        + (" — constant" if constant else " — NOT constant")
    )

    scope = measures.Scope.of([large], period)
    if args.measures:
        time_measures(scope, args.repeat)
    if args.slowest:
        print_slowest(scope, "the large service", args.slowest, vendor)
        print_slowest(director, "the director", args.slowest, vendor)
    return constant


def time_measures(scope, repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from filrouge.outcomes import measures

    calls = [
        ("flows", measures.flows),
        ("employment_rate", measures.employment_rate),
        ("working_now", measures.working_now),
        ("first_employer_contact", measures.first_employer_contact),
        (
            "first face-to-face employer contact",
            lambda s: measures.first_employer_contact(s, face_to_face=True),
        ),
        ("first_immersion", measures.first_immersion),
        ("first_job", measures.first_job),
        ("employer_contacts", measures.employer_contacts),
        ("contract_types (jobs figures)", measures.contract_types),
        ("retention", measures.retention),
        *[
            (f"breakdown {dimension}", lambda s, d=dimension: measures.breakdown(s, d))
            for dimension in measures.DIMENSIONS
        ],
        ("trend month", lambda s: measures.trend(s, "month")),
        ("trend quarter", lambda s: measures.trend(s, "quarter")),
        ("fidelity_evidence", measures.fidelity_evidence),
    ]
    print("each measure alone (the large service):")
    for name, call in calls:
        call(scope)
        seconds, queries, database = [], [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                call(scope)
                seconds.append(time.perf_counter() - started)
            queries.append(len(captured))
            database.append(database_time(captured))
        print(line(f"  {name}", seconds, queries, database))


def print_slowest(scope, name: str, number: int, vendor: str) -> None:
    from django.db import connection

    _elapsed, captured = report(scope)
    slowest = sorted(captured, key=lambda query: float(query["time"]), reverse=True)[:number]
    print(f"the {len(slowest)} slowest queries of one report ({name}):")
    for query in slowest:
        print(f"  {float(query['time']) * 1000:.0f} ms: {query['sql'][:400]}")
    if vendor == "postgresql" and slowest:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[0]["sql"])
            print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
