"""Times the import of a service's people file: N people with their pathways, on PostgreSQL.

    .venv/bin/python benchmarks/imports.py --people 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/filrouge_bench_imports .venv/bin/python benchmarks/imports.py
    .venv/bin/python benchmarks/imports.py --people 1000 --reuse

The database named in DATABASE_URL (by default `filrouge_bench_imports` on the local PostgreSQL)
is dropped, recreated and migrated (unless --reuse: the database and its set-up are kept). The
set-up: one organisation, one supported-employment service, 100 coaches, 50 referring partners
and a head of service who imports. A people file in the template's columns is written, streamed,
from a seeded generator: no two people are duplicates or near duplicates (each birth name carries
a code of its own, two codes never one letter apart), a quarter of the pathways ended with an exit
other than into employment, phases, suspensions and entry situations spread.

`manage.py import people FILE --service ID --as EMAIL` then runs three times in a child process:
--dry-run, the apply, and the same file again (every row unchanged). Each is timed (wall time)
with its peak memory (`/usr/bin/time -f %M` when present, else the children's ru_maxrss). The
counts are checked (people, pathways, the audit's entries) and `manage.py audit verify` must find
the chains intact. The line « import people N: X s, peak Y MB (targets 120 s, 300 MB) » is
printed for the apply; the script exits 1 when a target is missed or a check fails.
"""

import argparse
import csv
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from database import recreate_postgres

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/filrouge_bench_imports"
SEED = 20_261_206
TARGET_SECONDS = 120.0
TARGET_MB = 300.0
COACHES = 100
PARTNERS = 50
ORGANISATION = "Banc d'essai des imports"
SIRET_NUMBER = 987_654
HEAD_EMAIL = "cheffe.de.service@bench-imports.example"
TIME = Path("/usr/bin/time")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the database and its set-up")
    args = parser.parse_args()

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="filrouge.settings", DEBUG="false")
    env.setdefault("DATABASE_URL", DEFAULT_URL)
    # The file of 100,000 people weighs some 42 MB: above the default limit of the pages (20 MB).
    env.setdefault("FILROUGE_IMPORT_MAX_MB", str(max(20, args.people // 2000)))
    env.setdefault("FILROUGE_IMPORT_MAX_ROWS", str(max(100_000, args.people)))
    # The keys must outlive a run for --reuse: a directory of the benchmark's own, not a temporary one.
    var_dir = Path(
        env.setdefault("FILROUGE_VAR_DIR", str(Path(tempfile.gettempdir()) / "filrouge_bench_imports"))
    )
    if not args.reuse:
        shutil.rmtree(var_dir, ignore_errors=True)
        if env["DATABASE_URL"].startswith("postgres"):
            recreate_postgres(env["DATABASE_URL"])
        manage(env, "migrate", "--verbosity", "0")
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ.update(env)
    import django

    django.setup()
    service_id, coach_emails, partners = set_up()
    before = counts(service_id)
    path = var_dir / f"personnes-{args.people}.csv"
    started = time.perf_counter()
    write_people(path, args.people, coach_emails, partners)
    print(
        f"people file: {args.people} rows, {path.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - started:.1f} s"
    )
    from django.db import connections

    connections.close_all()  # the children have the database to themselves

    ok = True
    timings = {}
    for label, extra in (("dry run", ["--dry-run"]), ("apply", []), ("re-import", [])):
        seconds, peak_mb, status, tail = timed_import(env, path, service_id, extra)
        timings[label] = (seconds, peak_mb)
        print(f"  {label}: {seconds:.1f} s, peak {peak_mb:.0f} MB, exit status {status}; {tail}")
        if status != 0:
            ok = False
            print(f"  {label} failed: exit status {status}")

    after = counts(service_id)
    connections.close_all()
    ok &= check(before, after, args.people)
    verify = manage(env, "audit", "verify", check=False, capture=True)
    intact = verify.returncode == 0
    last_line = (verify.stdout.strip().splitlines() or [""])[-1]
    print(f"audit verify: {'intact' if intact else 'BROKEN'} ({last_line or verify.stderr.strip()[:200]})")
    ok &= intact

    seconds, peak_mb = timings["apply"]
    print(
        f"import people {args.people}: {seconds:.1f} s, peak {peak_mb:.0f} MB "
        f"(targets {TARGET_SECONDS:.0f} s, {TARGET_MB:.0f} MB)"
    )
    missed = seconds > TARGET_SECONDS or peak_mb > TARGET_MB
    if missed:
        print("target missed")
    if missed or not ok:
        sys.exit(1)


def manage(env, *arguments, check=True, capture=False):
    return subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), *arguments],
        env=env,
        check=check,
        capture_output=capture,
        text=True,
    )


# --- Set-up ------------------------------------------------------------------------------------


def set_up() -> tuple[int, list[str], list[tuple[str, str, str]]]:
    """The organisation, its service, coaches, partners and head of service (created once, with
    bulk_create: the audit trail records nothing of the set-up, as the seed's benchmark preset)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from filrouge.accounts.models import User
    from filrouge.organisations.models import Membership, Organisation, ProgrammeType, Role, Service
    from filrouge.organisations.validators import synthetic_siret
    from filrouge.people.models import Contact, ContactKind

    domain = "bench-imports.example"
    coach_emails = [f"coach-{n:03d}@{domain}" for n in range(COACHES)]
    partners = [
        (f"Référente {n:02d}", f"France Travail Agence {n:02d}", f"referente-{n:02d}@{domain}")
        for n in range(PARTNERS)
    ]
    siret = synthetic_siret(SIRET_NUMBER)
    with transaction.atomic():
        organisation = Organisation.objects.filter(siret=siret).first()
        if organisation is not None:
            service = Service.objects.get(organisation=organisation, name="Emploi accompagné")
            return service.pk, coach_emails, partners
        organisation = Organisation.objects.create(
            name=ORGANISATION, siret=siret, postal_code="26000", city="Valence"
        )
        service = Service.objects.create(
            organisation=organisation,
            name="Emploi accompagné",
            programme_type=ProgrammeType.SUPPORTED_EMPLOYMENT,
            postal_code="26000",
            city="Valence",
        )
        unusable = make_password(None)
        coaches = [
            User(email=email, full_name=f"Coach {n:03d}", organisation=organisation, password=unusable)
            for n, email in enumerate(coach_emails)
        ]
        head = User(
            email=HEAD_EMAIL, full_name="Cheffe de service", organisation=organisation, password=unusable
        )
        User.objects.bulk_create([*coaches, head])
        Membership.objects.bulk_create(
            [
                *(
                    Membership(organisation=organisation, user=u, service=service, role=Role.COACH)
                    for u in coaches
                ),
                Membership(organisation=organisation, user=head, service=service, role=Role.HEAD_OF_SERVICE),
            ]
        )
        Contact.objects.bulk_create(
            Contact(
                organisation=organisation,
                full_name=name,
                partner_name=partner,
                email=email,
                kind=ContactKind.REFERRING_PARTNER,
                search_name=f"{name} {partner}".lower(),
            )
            for name, partner, email in partners
        )
    return service.pk, coach_emails, partners


def counts(service_id: int) -> dict[str, int]:
    from filrouge.audit.models import AuditEntry
    from filrouge.pathways.models import Enrolment
    from filrouge.people.models import Person

    return {
        "people": Person.objects.filter(enrolments__service_id=service_id).distinct().count(),
        "pathways": Enrolment.objects.filter(service_id=service_id).count(),
        "exited": Enrolment.objects.filter(service_id=service_id, exit_date__isnull=False).count(),
        "audit entries": AuditEntry.objects.count(),
    }


def check(before: dict, after: dict, people: int) -> bool:
    """Every row created once (by the apply, or already there with --reuse), ≈ 8 entries each."""
    ok = after["people"] == after["pathways"] == max(people, before["pathways"])
    entries = after["audit entries"] - before["audit entries"]
    created = after["pathways"] - before["pathways"]
    print(
        f"counts: {after['people']} people, {after['pathways']} pathways ({after['exited']} exited), "
        f"{entries} audit entries written ({entries / created:.1f} per created pathway)"
        if created
        else f"counts: {after['people']} people, {after['pathways']} pathways, {entries} audit entries written"
    )
    if not ok:
        print(f"counts differ from the {people} rows of the file")
    return ok


# --- The people file ---------------------------------------------------------------------------


def code(n: int) -> str:
    """Four letters for n and a fifth, their sum: two codes always differ by two letters or more,
    so two birth names are never one letter apart (the duplicate guard's near match)."""
    letters = [LETTERS[(n // 26**i) % 26] for i in range(4)]
    check_letter = LETTERS[sum(LETTERS.index(letter) for letter in letters) % 26]
    return "".join(letters) + check_letter


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def write_people(
    path: Path, people: int, coach_emails: list[str], partners: list[tuple[str, str, str]]
) -> None:
    """The template's columns (their French headers), one row per person, streamed."""
    from django.utils import translation

    from filrouge.imports.columns import kind_of
    from filrouge.pathways.models import EducationLevel, EmploymentStatus, ExitOutcome, Housing, Phase
    from filrouge.seed.demo_people import FAMILY_NAMES, FIRST_NAMES

    translation.activate("fr")
    columns = kind_of("people").by_key
    keys = [
        "external_id", "birth_name", "first_name", "date_of_birth", "sex", "phone", "email", "address",
        "postal_code", "city", "referral_date", "intake_date", "referral_reason", "lead_coach", "phase",
        "phase_since", "exit_date", "exit_outcome", "reoriented_to", "exit_comment", "suspensions",
        "employment_status", "out_of_work_since", "education_level", "receives_rsa", "receives_aah",
        "receives_unemployment_benefit", "rqth_status", "rqth_requested_on", "rqth_granted_on", "housing",
        "referent_kind", "referent_partner_name", "referent_full_name", "referent_email",
    ]  # fmt: skip
    choices = (Phase, ExitOutcome, EmploymentStatus, EducationLevel, Housing)
    label = {choice.value: str(choice.label) for kind in choices for choice in kind}
    rng = random.Random(SEED)  # noqa: S311 - synthetic data, reproducible
    today = date.today()
    before_exit = [
        Phase.INTAKE,
        Phase.PROFILE,
        Phase.PLAN,
        Phase.JOB_SEARCH,
        Phase.ACCESS,
        Phase.IN_EMPLOYMENT,
    ]
    outcomes = [o for o in ExitOutcome if o not in ExitOutcome.into_employment()]
    places = [
        ("26000", "Valence"),
        ("26100", "Romans-sur-Isère"),
        ("26200", "Montélimar"),
        ("07500", "Guilherand-Granges"),
        ("26400", "Crest"),
        ("38000", "Grenoble"),
    ]  # noqa: E501
    yes_no = {True: "oui", False: "non"}
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow([str(columns[key].label) for key in keys])
        for n in range(people):
            sex = rng.choice(["female", "male"])
            born = today - timedelta(days=rng.randint(19 * 365, 64 * 365))
            referral = today - timedelta(days=rng.randint(30, 3 * 365))
            intake = referral + timedelta(days=rng.randint(3, 20)) if rng.random() < 0.9 else None
            start = intake or referral
            phase = rng.choice(before_exit) if intake else Phase.REFERRAL
            since = (
                start + timedelta(days=rng.randint(0, 10))
                if phase not in (Phase.INTAKE, Phase.REFERRAL)
                else None
            )
            latest = since or start
            suspensions = ""
            last_suspension = None
            if rng.random() < 0.05 and (today - latest).days > 40:
                first = latest + timedelta(days=rng.randint(1, 10))
                end = first + timedelta(days=rng.randint(3, 20))
                suspensions, last_suspension = f"{day(first)}-{day(end)} Hospitalisation", end
            exit_date = exit_outcome = reoriented = comment = ""
            if n % 4 == 3:
                # After the latest step and the suspension's end (an exit would end it otherwise,
                # and the re-import would find it stored differently from the file).
                floor = max(latest, last_suspension or latest)
                on = min(today, floor + timedelta(days=rng.randint(1, 200)))
                outcome = rng.choice(outcomes)
                exit_date, exit_outcome = day(on), label[outcome]
                reoriented = "ESAT des Collines" if outcome in ExitOutcome.reorientations() else ""
                comment = "Sortie reprise de l'ancien outil." if rng.random() < 0.3 else ""
            status = rng.choice(list(EmploymentStatus))
            out_since = (
                day(referral - timedelta(days=rng.randint(30, 900)))
                if status == EmploymentStatus.OUT_OF_WORK
                else ""
            )  # noqa: E501
            rqth = rng.random()
            partner = partners[n % len(partners)]
            family = rng.choice(FAMILY_NAMES)
            writer.writerow(
                [
                    f"P{n:06d}",
                    f"{family}-{code(n).capitalize()}",
                    rng.choice(FIRST_NAMES[sex]),
                    day(born),
                    "Femme" if sex == "female" else "Homme",
                    f"06 {n // 1000000 % 100:02d} {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d}",
                    f"personne.{n}@exemple.org" if rng.random() < 0.6 else "",
                    f"{rng.randint(1, 120)} rue des Tilleuls",
                    *rng.choice(places),
                    day(referral),
                    day(intake) if intake else "",
                    "Orientation par France Travail." if rng.random() < 0.2 else "",
                    coach_emails[n % len(coach_emails)],
                    label[phase],
                    day(since) if since else "",
                    exit_date,
                    exit_outcome,
                    reoriented,
                    comment,
                    suspensions,
                    label[status],
                    out_since,
                    label[rng.choice(list(EducationLevel))],
                    yes_no[rng.random() < 0.3],
                    yes_no[rng.random() < 0.2],
                    yes_no[rng.random() < 0.3],
                    "Obtenue" if rqth < 0.5 else "Demandée" if rqth < 0.6 else "Aucune",
                    day(referral - timedelta(days=200)) if 0.5 <= rqth < 0.6 else "",
                    day(referral - timedelta(days=100)) if rqth < 0.5 else "",
                    label[rng.choice(list(Housing))],
                    "Prescripteur",
                    partner[1],
                    partner[0],
                    partner[2],
                ]
            )


# --- Timing ------------------------------------------------------------------------------------


def timed_import(env, path: Path, service_id: int, extra: list[str]) -> tuple[float, float, int, str]:
    """Wall time, peak memory (MB), exit status and the report's last line of one import."""
    command = [sys.executable, str(ROOT / "manage.py"), "import", "people", str(path),
               "--service", str(service_id), "--as", HEAD_EMAIL, *extra]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        peak_file, out_file = Path(tmp) / "peak", Path(tmp) / "out"
        if TIME.exists():
            command = [str(TIME), "-f", "%M", "-o", str(peak_file), *command]
        started = time.perf_counter()
        with out_file.open("w") as out:
            finished = subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, check=False)  # noqa: S603
            status = finished.returncode
        seconds = time.perf_counter() - started
        if TIME.exists():
            kib = int(peak_file.read_text().split()[-1])
        else:  # the largest child so far: the set-up's children are smaller than an import
            kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        lines = out_file.read_text(errors="replace").strip().splitlines()
        # The report prints one line per row, then the totals: keep the last line, and problems.
        problems = [
            line for line in lines if line.startswith(("  ", "File refused", "Traceback", "CommandError"))
        ]
        tail = lines[-1] if lines else ""
        if status != 0 and problems:
            tail += "\n    " + "\n    ".join(problems[:10])
    return seconds, kib / 1024, status, tail


if __name__ == "__main__":
    main()
