"""Times `filrouge reminders send` over 10,000 due reminders with the file backends.

    .venv/bin/python benchmarks/reminders.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/filrouge_bench_reminders .venv/bin/python benchmarks/reminders.py

Without DATABASE_URL a temporary SQLite file is used; with PostgreSQL the database named in the
URL is dropped and recreated first: give it a name of its own. The database is migrated, then
`--people` people (default 1,000) who chose SMS and email get `--meetings` meetings each
(default 5) due in two days: at the reminder moment each meeting owes one SMS and one email,
10,000 messages. `reminders send --at <the moment>` then runs in a process of its own, which
prints the seconds it took (writing the messages owed and sending them, one file per SMS and per
email in a temporary directory) and its peak memory (ru_maxrss). Targets: under 60 s and 200 MB
on a 2-core machine. A second run is timed too: it must send nothing.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from database import recreate_postgres

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS, TARGET_MB = 60, 200
# The reminder moment: the meetings are two days later, at 10:30 (Paris).
AT = "2030-03-04 09:00"
DAY = date(2030, 3, 6)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--meetings", type=int, default=5, help="meetings per person")
    parser.add_argument("--phase", choices=["seed", "send"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "seed":
        seed(args.people, args.meetings)
        return
    if args.phase == "send":
        send()
        return

    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="filrouge.settings", FILROUGE_VAR_DIR=tmp)
        env |= {"SMS_BACKEND": "file", "SMS_FILE_PATH": f"{tmp}/sms", "EMAIL_FILE_PATH": f"{tmp}/emails"}
        env.pop("EMAIL_HOST", None)
        if env.get("DATABASE_URL"):
            recreate_postgres(env["DATABASE_URL"])
        else:
            env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        python = [sys.executable]
        subprocess.run([*python, str(ROOT / "manage.py"), "migrate", "--verbosity", "0"], env=env, check=True)  # noqa: S603
        started = time.perf_counter()
        here = str(Path(__file__).resolve())
        subprocess.run(  # noqa: S603
            [
                *python,
                here,
                "--phase",
                "seed",
                "--people",
                str(args.people),
                "--meetings",
                str(args.meetings),
            ],
            env=env,
            check=True,
        )
        print(f"seeded {args.people * args.meetings} meetings in {time.perf_counter() - started:.1f} s")
        for run in ("first run", "second run"):
            result = subprocess.run(  # noqa: S603
                [*python, here, "--phase", "send"], env=env, check=True, capture_output=True, text=True
            )
            print(f"{run}: {result.stdout.strip()}")
        sms = len(list(Path(tmp, "sms").glob("*.txt")))
        emails = len(list(Path(tmp, "emails").glob("*.eml")))
        print(f"files: {sms} SMS, {emails} emails (targets: under {TARGET_SECONDS} s and {TARGET_MB} MB)")


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(people: int, meetings: int) -> None:
    setup()
    from zoneinfo import ZoneInfo

    from django.db import transaction

    from filrouge.accounts.models import User
    from filrouge.journal.models import Meeting
    from filrouge.notifications.models import ReminderPreference
    from filrouge.organisations.models import Organisation, Service
    from filrouge.pathways.models import Enrolment
    from filrouge.people.models import Person

    zone = ZoneInfo("Europe/Paris")
    with transaction.atomic():
        organisation = Organisation.objects.create(
            name="Banc d'essai", siret="", city="Lyon", postal_code="69003"
        )
        service = Service.objects.create(organisation=organisation, name="Emploi Lyon", phone="+33478123456")
        coach = User.objects.create(
            organisation=organisation, email="coach@bench.example", full_name="Julie Martin"
        )
        persons = Person.objects.bulk_create(
            Person(
                organisation=organisation,
                first_name=f"P{n}",
                birth_name=f"N{n}",
                date_of_birth=date(1990, 1, 1),
            )
            for n in range(people)
        )
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(
                organisation=organisation,
                service=service,
                person=p,
                referral_date=DAY - timedelta(days=90),
                primary_coach=coach,
            )
            for p in persons
        )
        ReminderPreference.objects.bulk_create(
            ReminderPreference(
                organisation=organisation,
                person=p,
                channels="both",
                phone="+33612345678",
                email=f"p{p.pk}@bench.example",
            )
            for p in persons
        )
        Meeting.objects.bulk_create(
            (
                Meeting(
                    organisation=organisation,
                    enrolment=e,
                    starts_at=datetime.combine(DAY, datetime.min.time(), tzinfo=zone)
                    + timedelta(hours=10, minutes=n),
                    kind="office",
                    place="12 rue des Lilas, Lyon",
                    created_by=coach,
                )
                for e in enrolments
                for n in range(meetings)
            ),
            batch_size=2000,
        )


def send() -> None:
    setup()
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    started = time.perf_counter()
    call_command("reminders", "send", "--at", AT, stdout=out)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(f"{seconds:.1f} s, peak memory {peak_mb:.0f} MB — {out.getvalue().strip()}")


if __name__ == "__main__":
    main()
