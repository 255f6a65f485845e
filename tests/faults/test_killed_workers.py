"""Workers killed in the middle of writes: nothing saved is lost, nothing is half-written, no
file is left without its row, nothing is saved twice, and the audit trail verifies (issue 17).

A real gunicorn (sync workers, as `filrouge serve` runs it) serves the test database. Two coaches
write notes, attach files, and record immersions (with their signed agreement) and jobs over
HTTP, while a thread SIGKILLs the worker serving a write, at a random instant of it, for most
writes; the master respawns it. Halfway, the chains' heads are published, as the daily
`filrouge audit publish` would.

A write whose connection breaks is sent again once, as it was: the same form with the same
idempotency token, which is what a browser sends when the person reloads the page or goes back
and submits again. (A new token would be a new intent: its duplicate would be the person's doing,
not the application's.) The resend is not killed, so that every write ends up answered and the
end state can be checked write by write: each write there once, whole, with its file and its
entry in the audit trail.

The series is bounded (40 writes, well under a minute) and drawn from a seed, printed with every
failure: FILROUGE_FAULT_SEED=<seed> replays the same writes and the same choice of blows (the
instants they land at still depend on the machine's speed).
"""

import hashlib
import io
import os
import random
import re
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from filrouge.audit.models import AuditEntry, Kind
from filrouge.documents.models import Attachment
from filrouge.journal.models import Note
from filrouge.organisations.models import Role
from filrouge.pathways.domain import today
from filrouge.pathways.models import Phase, PhaseChange
from filrouge.placements.models import Placement, PlacementKind
from tests.accounts.factories import PASSWORD, staff
from tests.documents.factories import pdf_bytes
from tests.employers.factories import CompanyFactory
from tests.faults.harness import (
    SUBMISSION_FIELD,
    Browser,
    InFlight,
    Interrupted,
    Killer,
    Server,
    database_url,
    hidden_fields,
)
from tests.organisations.factories import ServiceFactory
from tests.pathways.factories import enrol
from tests.profiles.factories import job_title

pytestmark = pytest.mark.django_db(transaction=True)

SEED = int(os.environ.get("FILROUGE_FAULT_SEED", "1717"))
COACHES = 2
WRITES_PER_COACH = 20
# The share of each kind of write.
KINDS = {"note": 35, "upload": 30, "immersion": 20, "job": 15}
# A form's page is asked again this many times at most: a read is safe to repeat.
GET_ATTEMPTS = 5


@dataclass
class Write:
    """One write a coach means to make, and what became of it."""

    kind: str
    marker: str
    enrolment: object
    coach: object
    path: str
    fields: dict
    files: dict = field(default_factory=dict)
    company: object = None
    outcome: str = "not sent"  # "saved" (redirected), "refused" (another answer), "cut" (resend too)
    detail: str = ""
    cut: bool = False

    @property
    def content(self) -> bytes:
        return next(iter(self.files.values()))[1]


def unique_pdf(base: bytes, marker: str, rng: random.Random) -> bytes:
    """A PDF of its own: the marker, and padding after its end (readers ignore it) from a few
    kilobytes to 150, so that some writes last long enough to be cut while storing their file."""
    padding = "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=rng.randint(2_000, 150_000)))
    lines = "\n".join(f"% {padding[i : i + 72]}" for i in range(0, len(padding), 72))
    return base + f"\n% {marker}\n{lines}\n".encode()


def plan_writes(rng: random.Random, number: int, coach, enrolment, base_pdf: bytes) -> list[Write]:
    writes = []
    for n, kind in enumerate(rng.choices(list(KINDS), weights=list(KINDS.values()), k=WRITES_PER_COACH)):
        marker = f"F{SEED}-{number}-{n:02d}"
        started = today() - timedelta(days=rng.randint(0, 40))
        if kind == "note":
            text = f"Entretien {marker} : {rng.choice(['CV repris', 'visite en entreprise', 'horaires'])}."
            path = reverse("journal:note_add", args=[enrolment.pk])
            fields = {"written_on": started.isoformat(), "text": text, "confidentiality": "team"}
            writes.append(Write(kind, marker, enrolment, coach, path, fields))
        elif kind == "upload":
            path = reverse("documents:upload", args=[enrolment.person_id])
            fields = {"kind": "cv", "title": f"CV {marker}", "enrolment": enrolment.pk}
            files = {"file": (f"cv-{n}.pdf", unique_pdf(base_pdf, marker, rng), "application/pdf")}
            writes.append(Write(kind, marker, enrolment, coach, path, fields, files))
        else:
            # Each placement at a company of its own: the company names the write.
            company = CompanyFactory(organisation=enrolment.organisation, name=f"Entreprise {marker}")
            fields = {
                "company": company.pk,
                "job_title": job_title().pk,
                "started_on": started.isoformat(),
                "hours_per_week": str(rng.randint(10, 35)),
            }
            files = {}
            if kind == "immersion":
                fields |= {
                    "objective": rng.choice(["discover", "confirm", "recruit"]),
                    "planned_end_on": (started + timedelta(days=rng.randint(3, 25))).isoformat(),
                }
                files = {
                    "agreement_file": (
                        f"convention-{n}.pdf",
                        unique_pdf(base_pdf, marker, rng),
                        "application/pdf",
                    )
                }
            else:
                fields |= {"contract_type": "cdi", "move_to_employment": "on"}
            path = reverse(
                "placements:create", args=[enrolment.pk, "immersion" if kind == "immersion" else "emploi"]
            )
            writes.append(Write(kind, marker, enrolment, coach, path, fields, files, company=company))
    return writes


# --- The coaches at work ---------------------------------------------------------------------------


def sign_in(browser: Browser, email: str) -> None:
    page = browser.get(reverse("accounts:login"))
    answer = browser.post(
        reverse("accounts:login"), hidden_fields(page) | {"username": email, "password": PASSWORD}
    )
    assert answer.status == 302, f"signing in answered {answer.status}"


def form_page(browser: Browser, path: str):
    for _attempt in range(GET_ATTEMPTS):
        try:
            return browser.get(path)
        except Interrupted:
            continue
    return None


def perform(browser: Browser, write: Write, in_flight: InFlight) -> None:
    page = form_page(browser, write.path)
    if page is None or page.status != 200:
        write.detail = f"its form's page answered {page.status if page else 'nothing'}"
        return
    fields = hidden_fields(page) | {SUBMISSION_FIELD: uuid.uuid4().hex} | write.fields
    # The killer watches the first attempt only: the resend is spared.
    for watch in (in_flight, None):
        try:
            answer = browser.post(write.path, fields, write.files, watch=watch)
        except Interrupted as error:
            write.cut, write.outcome, write.detail = True, "cut", str(error)
            continue
        if answer.status == 302 and reverse("accounts:login") not in answer.location:
            write.outcome = "saved"
        else:
            errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>\s*([^<]{1,160})', answer.text)
            write.outcome, write.detail = "refused", f"{answer.status} {answer.location} {errors[:3]}"
        return


def coach_at_work(port, email, writes, in_flight, halfway: threading.Event, failures: list) -> None:
    try:
        browser = Browser(port)
        sign_in(browser, email)
        for n, write in enumerate(writes):
            if n == len(writes) // 2:
                halfway.set()
            perform(browser, write, in_flight)
    except Exception as error:  # reported by the test, with the seed
        failures.append(f"{email}: {type(error).__name__}: {error}")
    finally:
        halfway.set()


# --- The database the server uses -----------------------------------------------------------------


def server_database(workdir: Path) -> tuple[str, Path | None]:
    """PostgreSQL: the test database itself. SQLite: the test database lives in this process's
    memory, so the server gets a copy in a file, copied back here once the server has stopped."""
    if connection.vendor == "postgresql":
        return database_url(connection.settings_dict), None
    path = workdir / "db.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    return f"sqlite:///{path}", path


def take_back(path: Path | None) -> None:
    if path is not None:
        copy = sqlite3.connect(path)
        copy.backup(connection.connection)
        copy.close()


# --- What must hold afterwards ---------------------------------------------------------------------


def records_of(write: Write, notes: dict) -> list:
    if write.kind == "note":
        return notes.get(write.fields["text"], [])
    if write.kind == "upload":
        return list(Attachment.objects.filter(title=write.fields["title"]))
    return list(Placement.objects.filter(company=write.company).select_related("agreement"))


def check_writes(writes: list[Write], read_back) -> list[str]:
    """Each write answered as saved is there once, whole; one whose answer never came, at most once."""
    problems = []
    notes = {}
    for note in Note.objects.filter(enrolment__in={w.enrolment.pk for w in writes}):
        notes.setdefault(note.text, []).append(note)  # the text is encrypted: compared here
    for write in writes:
        what = f"{write.marker} ({write.kind})"
        if write.outcome != "saved":
            problems.append(f"{what} was not saved: {write.outcome}, {write.detail}")
        found = records_of(write, notes)
        if len(found) > 1:
            problems.append(f"{what} is saved {len(found)} times")
        elif write.outcome == "saved" and not found:
            problems.append(f"{what} was answered as saved but is not there")
        problems += [
            f"{what}: {problem}" for record in found[:1] for problem in check_whole(write, record, read_back)
        ]
    return problems


def check_whole(write: Write, record, read_back) -> list[str]:
    """Every part of a record is there: its text and date, its file, its dates, its agreement."""
    day = date.fromisoformat
    if write.kind == "note":
        same = (record.text, record.written_on, record.author_id, record.enrolment_id) == (
            write.fields["text"],
            day(write.fields["written_on"]),
            write.coach.pk,
            write.enrolment.pk,
        )
        return [] if same else ["the note is not the one written"]
    if write.kind == "upload":
        return check_file(record, write.content, read_back)
    kind = PlacementKind.IMMERSION if write.kind == "immersion" else PlacementKind.EMPLOYMENT
    if (record.kind, record.started_on, record.hours_per_week, record.enrolment_id) != (
        kind,
        day(write.fields["started_on"]),
        int(write.fields["hours_per_week"]),
        write.enrolment.pk,
    ):
        return ["the placement is not the one recorded"]
    if write.kind == "job":
        return []
    if record.planned_end_on != day(write.fields["planned_end_on"]):
        return ["the immersion lost its end"]
    if record.agreement is None:
        return ["the immersion lost its signed agreement"]
    return [f"agreement: {problem}" for problem in check_file(record.agreement, write.content, read_back)]


def check_file(attachment, content: bytes, read_back) -> list[str]:
    if (attachment.size, attachment.sha256) != (len(content), hashlib.sha256(content).hexdigest()):
        return ["the row does not describe the file sent"]
    if read_back(attachment) != content:
        return ["the file does not read back as sent"]
    return []


def check_agreements_and_phases(writes: list[Write]) -> list[str]:
    """A signed agreement stored for an immersion is there only with its immersion; the first
    job moved its pathway to "in employment", once."""
    problems = []
    for write in writes:
        if write.kind == "immersion":
            stored = Attachment.objects.filter(title__contains=write.company.name)
            linked = Placement.objects.filter(agreement__in=stored).count()
            if stored.count() != linked:
                problems.append(
                    f"{write.marker}: {stored.count()} agreement file(s) for {linked} immersion(s)"
                )
    for enrolment in {write.enrolment for write in writes}:
        enrolment.refresh_from_db()
        has_job = Placement.objects.filter(enrolment=enrolment, kind=PlacementKind.EMPLOYMENT).exists()
        moves = PhaseChange.objects.filter(enrolment=enrolment, phase=Phase.IN_EMPLOYMENT).count()
        if (enrolment.phase == Phase.IN_EMPLOYMENT, moves) != ((True, 1) if has_job else (False, 0)):
            problems.append(
                f"pathway {enrolment.pk}: job {has_job}, phase {enrolment.phase}, {moves} move(s) into employment"
            )
    return problems


def check_trail(organisation) -> list[str]:
    """The trail tells the truth about what was written: one creation entry for each record,
    none for a record that is not there (a write rolled back with its entry, or neither)."""
    problems = []
    for model in (Note, Attachment, Placement, PhaseChange):
        label = model._meta.label_lower
        rows = sorted(model.objects.filter(organisation=organisation).values_list("pk", flat=True))
        entries = sorted(
            AuditEntry.objects.filter(
                organisation=organisation, kind=Kind.CREATE, object_type=label
            ).values_list("object_id", flat=True)
        )
        if entries != rows:
            problems.append(f"{label}: rows {rows}, creation entries {entries}")
    return problems


def shape(name: str) -> str:
    """A stored name with its random parts blanked: `12/3f…9a` -> `<n>/<id>`."""
    return re.sub(r"\d+", "<n>", re.sub(r"[0-9a-f]{32}", "<id>", name))


def files_on_disk(root: Path) -> set[str]:
    return (
        {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()
    )


def check_files(root: Path) -> list[str]:
    """No file is left without a row under a stored file's name. Then, as if an hour had
    passed, the sweep takes away what dead workers left under a temporary name (and moves into
    place the file of a row saved just before its worker died): afterwards every row has its
    file, and every file its row."""
    rows = set(Attachment.objects.values_list("file", flat=True))
    on_disk = files_on_disk(root)
    stored = {shape(name) for name in rows} | {"<n>/<id>"}
    problems = [
        f"{name} is a stored file without a row" for name in sorted(on_disk - rows) if shape(name) in stored
    ]
    an_hour_ago = time.time() - 2 * 3600
    for name in on_disk:
        os.utime(root / name, (an_hour_ago, an_hour_ago))
    try:
        call_command("files", "sweep", stdout=io.StringIO())
    except CommandError as error:
        problems.append(f"files sweep: {error}")
    after = files_on_disk(root)
    problems += [f"the row of {name} has no file" for name in sorted(rows - after)]
    problems += [f"{name} has no row (after the sweep)" for name in sorted(after - rows)]
    return problems


def check_audit() -> list[str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as error:
        return [f"audit verify: {error} {err.getvalue()[:2000]}"]
    return []


# --- The test --------------------------------------------------------------------------------------


def test_killed_workers_lose_nothing_half_write_nothing_and_duplicate_nothing(tmp_path, settings):
    rng = random.Random(SEED)
    # What the server and this process must see alike: the files, the audit chains' published heads.
    shared = {
        "PRIVATE_MEDIA_ROOT": tmp_path / "uploads",
        "AUDIT_HEADS_FILE": tmp_path / "audit" / "heads.log",
    }
    for name, value in shared.items():
        setattr(settings, name, value)
    service = ServiceFactory()
    base_pdf = pdf_bytes("Convention de stage")
    coaches, writes = [], []
    for number in range(COACHES):
        coach = staff(Role.COACH, service, email=f"coach{number}@faults.example")
        coaches.append((coach, plan_writes(rng, number, coach, enrol(service, coach=coach), base_pdf)))
        writes += coaches[-1][1]

    database, sqlite_copy = server_database(tmp_path)
    server = Server(database=database, shared=shared, workdir=tmp_path)
    in_flight, halfway, failures = InFlight(), threading.Event(), []
    killer = Killer(server, random.Random(SEED + 1), in_flight)
    at_work = [
        threading.Thread(
            target=coach_at_work, args=(server.port, coach.email, planned, in_flight, halfway, failures)
        )
        for coach, planned in coaches
    ]
    blows = threading.Thread(target=killer.run)
    started = time.monotonic()
    try:
        server.start()
        for thread in [*at_work, blows]:
            thread.start()
        halfway.wait(timeout=120)
        published = server.command("audit", "publish")
        if published.returncode != 0:
            failures.append(f"audit publish, halfway: {published.stderr[-2000:]}")
        for thread in at_work:
            thread.join(timeout=120)
    finally:
        killer.stopping.set()
        server.stop()
        if blows.ident is not None:
            blows.join(timeout=10)
    take_back(sqlite_copy)

    def read_back(attachment) -> bytes | None:
        """The file as the application gives it back: its download page."""
        client = Client()
        client.force_login(attachment.uploaded_by)
        response = client.get(reverse("documents:download", args=[attachment.pk]))
        return b"".join(response.streaming_content) if response.status_code == 200 else None

    outcomes = {o: sum(w.outcome == o for w in writes) for o in ("saved", "cut", "refused", "not sent")}
    summary = (
        f"seed {SEED} (FILROUGE_FAULT_SEED={SEED} replays it): {len(writes)} writes {outcomes}, "
        f"{len(killer.kills)} workers killed, {sum(w.cut for w in writes)} writes cut and sent again, "
        f"{time.monotonic() - started:.0f} s"
    )
    print(summary)
    problems = list(failures)
    problems += check_audit()  # the trail as the blows left it, before the checks below read files
    problems += check_writes(writes, read_back)
    problems += check_agreements_and_phases(writes)
    problems += check_trail(service.organisation)
    problems += check_files(settings.PRIVATE_MEDIA_ROOT)
    if not any(write.cut for write in writes):
        problems.append("no write was cut by a killed worker: the series proved nothing")
    assert not problems, "\n".join([summary, *problems, "--- the server's log, its end:", server.log()])
