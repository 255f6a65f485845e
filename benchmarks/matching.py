"""Times matching on a fresh database at scale: 100,000 people, 50,000 open openings.

    .venv/bin/python benchmarks/matching.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/filrouge_bench_matching .venv/bin/python benchmarks/matching.py

Without DATABASE_URL a temporary SQLite file is used. With PostgreSQL the database named in
the URL is dropped and recreated first: give it a name of its own.

The worst case for one organisation: every person and opening belongs to it (50 services of
2,000 people; each person has a profile with one to three target jobs, most have a home place;
50,000 open openings and 10,000 filled or closed ones, most with a place), drawn across the ROME
referential loaded by the migrations, a few common occupations of supported employment weighing
more. Then `suggestions_for` is timed for 50 random people and `candidates_for` for 20 random open
openings as a coach of one service (so among its 2,000 people); the median, 95th percentile and
maximum are printed with the number of queries per call. Rows are written with bulk_create.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from database import recreate_postgres

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 20_261_201
BATCH = 2000
PEOPLE_PER_SERVICE = 2000
PLACES = [  # city centres; places are drawn around them
    (45.76, 4.83),
    (44.93, 4.89),
    (45.19, 5.72),
    (45.44, 4.39),
    (48.86, 2.35),
    (43.30, 5.37),
    (47.22, -1.55),
    (50.63, 3.06),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--openings", type=int, default=50_000)
    args = parser.parse_args()

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="filrouge.settings")
    with tempfile.TemporaryDirectory() as tmp:
        env.setdefault("FILROUGE_VAR_DIR", tmp)
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        else:
            recreate_postgres(env["DATABASE_URL"])
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True)  # noqa: S603
        os.environ.update(env)
        import django

        django.setup()
        started = time.perf_counter()
        coach, service = load(args.people, args.openings)
        print(f"loaded in {time.perf_counter() - started:.0f} s on {env['DATABASE_URL'].split(':')[0]}")
        measure(coach, service)


def place(rng: random.Random, share: float):
    if rng.random() > share:
        return None, None
    lat, lon = rng.choice(PLACES)
    return (
        Decimal(f"{lat + rng.uniform(-0.3, 0.3):.5f}"),
        Decimal(f"{lon + rng.uniform(-0.3, 0.3):.5f}"),
    )


def load(people: int, openings: int):
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from filrouge.accounts.models import User
    from filrouge.core.text import fold
    from filrouge.employers.models import Company, Opening, OpeningStatus
    from filrouge.organisations.models import Membership, Organisation, ProgrammeType, Role, Service
    from filrouge.organisations.validators import synthetic_siret
    from filrouge.pathways.models import Enrolment
    from filrouge.people.models import Person
    from filrouge.profiles.models import Profile, TargetJob
    from filrouge.referentials.models import ContractType, JobTitle
    from filrouge.seed.benchmark import COMMON_CODES  # half the targets and openings are drawn there
    from filrouge.seed.demo_people import FAMILY_NAMES, FIRST_NAMES

    rng = random.Random(SEED)  # noqa: S311  (synthetic data, not a secret)
    first_names = [name for names in FIRST_NAMES.values() for name in names]
    titles = list(JobTitle.objects.values_list("pk", "occupation_id"))
    common = [t for t in titles if t[1] in COMMON_CODES]

    def title():
        return rng.choice(common) if rng.random() < 0.5 else rng.choice(titles)

    contracts = list(ContractType.values)
    today = date.today()
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name="Banc d'essai du rapprochement",
            siret=synthetic_siret(77_000_000),
            postal_code="69003",
            city="Lyon",
        )
        services = Service.objects.bulk_create(
            Service(
                organisation=organisation,
                name=f"Service {n + 1:03d}",
                programme_type=ProgrammeType.values[n % len(ProgrammeType.values)],
                city="Lyon",
                postal_code="69003",
            )
            for n in range(max(1, -(-people // PEOPLE_PER_SERVICE)))
        )
        coach = User.objects.create(
            email="coach@rapprochement.example",
            full_name="Coach du banc d'essai",
            organisation=organisation,
            password=make_password(None),
        )
        Membership.objects.create(organisation=organisation, user=coach, service=services[0], role=Role.COACH)

        persons = []
        for n in range(people):
            first, family = rng.choice(first_names), rng.choice(FAMILY_NAMES)
            lat, lon = place(rng, 0.8)
            persons.append(
                Person(
                    organisation=organisation,
                    first_name=first,
                    birth_name=f"{family}{n}",
                    date_of_birth=date(1970 + n % 35, 1 + n % 12, 1 + n % 28),
                    search_name=fold(f"{first} {family}{n}"),
                    latitude=lat,
                    longitude=lon,
                )
            )
        Person.objects.bulk_create(persons, batch_size=BATCH)
        enrolments = []
        for n, person in enumerate(persons):
            referral = today - timedelta(days=rng.randint(30, 900))
            exited = rng.random() < 0.1
            enrolments.append(
                Enrolment(
                    organisation=organisation,
                    service=services[n // PEOPLE_PER_SERVICE],
                    person=person,
                    referral_date=referral,
                    intake_date=referral + timedelta(days=7),
                    exit_date=today if exited else None,
                    exit_outcome="moved" if exited else "",
                )
            )
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)
        profiles = Profile.objects.bulk_create(
            (Profile(organisation=organisation, person=p) for p in persons), batch_size=BATCH
        )
        targets = []
        for profile in profiles:
            for position in range(1, rng.choice((1, 1, 2, 2, 3)) + 1):
                targets.append(
                    TargetJob(
                        organisation=organisation,
                        profile=profile,
                        job_title_id=title()[0],
                        position=position,
                        contract_types=rng.choice(
                            ([], [], ["cdi"], ["cdi", "cdd_long"], ["cdd_short", "temporary"])
                        ),
                        hours_per_week=rng.choice((None, 15, 20, 24, 28, 35)),
                        mobility_km=rng.choice((None, 5, 10, 20, 40)),
                    )
                )
        TargetJob.objects.bulk_create(targets, batch_size=BATCH)
        companies = Company.objects.bulk_create(
            (
                Company(organisation=organisation, name=f"Entreprise {n}", search_name=f"entreprise {n}")
                for n in range(max(1, openings // 10))
            ),
            batch_size=BATCH,
        )
        rows = []
        closed = openings // 5
        for n in range(openings + closed):
            pk, code = title()
            lat, lon = place(rng, 0.85)
            rows.append(
                Opening(
                    organisation=organisation,
                    company=rng.choice(companies),
                    job_title_id=pk,
                    rome_code=code,
                    rome_family=code[:3],
                    contract_type=rng.choice(contracts),
                    hours_per_week=rng.randint(8, 39),
                    latitude=lat,
                    longitude=lon,
                    status=OpeningStatus.OPEN
                    if n < openings
                    else rng.choice((OpeningStatus.FILLED, OpeningStatus.CLOSED)),
                )
            )
        Opening.objects.bulk_create(rows, batch_size=BATCH)
    with connection.cursor() as cursor:  # fresh statistics for the query planner
        cursor.execute("ANALYZE")
    print(
        f"{len(persons)} people, {len(targets)} target jobs, {openings} open openings "
        f"(+{closed} filled or closed), {len(companies)} companies, {len(services)} services"
    )
    return coach, services[0]


def report(name: str, seconds: list[float], queries: list[int], sizes: list[int], what: str) -> None:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"{name}: median {statistics.median(ordered) * 1000:.0f} ms, 95th percentile {p95 * 1000:.0f} ms, "
        f"max {ordered[-1] * 1000:.0f} ms; queries per call {min(queries)}–{max(queries)}; "
        f"{what} scored per call: median {statistics.median(sizes):.0f}, max {max(sizes)}"
    )


def measure(coach, service) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from filrouge import policy
    from filrouge.employers.models import Opening, OpeningStatus
    from filrouge.matching import domain
    from filrouge.people.models import Person

    rng = random.Random(SEED + 1)  # noqa: S311  (a sample, not a secret)
    people = list(Person.objects.filter(enrolments__service=service).values_list("pk", flat=True))
    openings = list(Opening.objects.filter(status=OpeningStatus.OPEN).values_list("pk", flat=True))

    seconds, queries, sizes = [], [], []
    for pk in rng.sample(people, 50):
        person = Person.objects.get(pk=pk)
        policy.forget_grants(coach)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            domain.suggestions_for(person, coach)
            seconds.append(time.perf_counter() - started)
        queries.append(len(captured))
        families = {t.rome_family for t in domain.targets_of(person)}
        sizes.append(
            domain.open_openings(coach, person.organisation_id).filter(rome_family__in=families).count()
        )
    report("suggestions_for (50 people, the 30 best)", seconds, queries, sizes, "openings")

    seconds, queries, sizes = [], [], []
    for pk in rng.sample(openings, 20):
        opening = Opening.objects.get(pk=pk)
        policy.forget_grants(coach)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            candidates = domain.candidates_for(opening, coach, limit=None)
            seconds.append(time.perf_counter() - started)
        queries.append(len(captured))
        sizes.append(len(candidates))
    report(f"candidates_for (20 openings, {service.name}, all)", seconds, queries, sizes, "people")


if __name__ == "__main__":
    main()
