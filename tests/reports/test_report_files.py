"""The activity report of a large scope, prepared by the worker: the threshold, the page that
waits for it, the download (its requester's alone, recorded as an export), reuse of a pending
request, failure and retry, expiry.

Tasks run at once in tests (ImmediateBackend); the pending state is seen with the DummyBackend,
which only records what was enqueued. Figures come from the hand-written summary."""

import os
import threading
import time
from contextlib import suppress
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connection, connections
from django.tasks import default_task_backend
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from filrouge.audit.models import AuditEntry, Kind
from filrouge.background.errors import PermanentFailure, TaskFailure
from filrouge.core import filecrypto
from filrouge.documents import storage
from filrouge.organisations.models import Membership, Role
from filrouge.outcomes import measures, periods
from filrouge.reports import files, tasks
from filrouge.reports.models import ReportFile, ReportKind, ReportStatus, report_storage
from tests.reports import fakes
from tests.reports.reading import pdf_text, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def summaries(monkeypatch):
    monkeypatch.setattr(measures, "summary", fakes.summary)


@pytest.fixture
def large(settings):
    """Every scope is large (it holds more than -1 pathway)."""
    settings.REPORT_BACKGROUND_THRESHOLD = -1
    return settings


@pytest.fixture
def pending(large):
    """Builds are queued, never run: the DummyBackend keeps them in `results`."""
    large.TASKS = DUMMY
    default_task_backend.clear()
    return default_task_backend


def ask(client, user, name="reports:activity_pdf", **query):
    client.force_login(user)
    return client.get(reverse(name), query or {"service": user_service(user), "periode": "2025"})


def user_service(user):
    return Membership.objects.filter(user=user).values_list("service_id", flat=True).first()


def page(client, pk, **headers):
    return client.get(reverse("reports:report_file", args=[pk]), headers=headers)


def download(client, pk):
    return client.get(reverse("reports:report_file_download", args=[pk]))


# --- The threshold -------------------------------------------------------------------------------


def test_below_the_threshold_the_file_is_served_at_once(client, world, settings):
    settings.REPORT_BACKGROUND_THRESHOLD = 10_000
    response = ask(client, world.users["coach"], service=world.a1.pk, periode="2025")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert not ReportFile.objects.exists()


def test_the_threshold_counts_the_pathways_supported_in_the_period(world, settings):
    this_year = periods.current_year(date.today())
    assert files.pathway_count([world.a1], this_year) == 1  # the world's one pathway, current
    assert files.pathway_count([world.a2], this_year) == 0
    assert files.pathway_count([world.a1], periods.current_year(date(2000, 6, 1))) == 0
    client_form = type("Form", (), {"cleaned_data": {"services": [world.a1], "period": this_year}})
    settings.REPORT_BACKGROUND_THRESHOLD = 1
    assert not files.is_large(client_form)  # over the threshold, not at it
    settings.REPORT_BACKGROUND_THRESHOLD = 0
    assert files.is_large(client_form)


def test_above_the_threshold_the_file_is_prepared_then_offered(client, world, large):
    coach = world.users["coach"]
    response = ask(client, coach, service=world.a1.pk, periode="2025")
    report_file = ReportFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report_file", args=[report_file.pk])
    # Built at once by the ImmediateBackend.
    assert report_file.status == ReportStatus.READY
    assert (report_file.requested_by, report_file.organisation, report_file.kind) == (
        coach,
        world.org_a,
        ReportKind.PDF,
    )
    assert report_file.scope == {"service": str(world.a1.pk), "periode": "2025"}
    assert report_file.expires_at - report_file.created_at == timedelta(days=7)
    # Stored encrypted: the clear PDF never sits on the disk.
    with storage.open_stored(Path(report_storage.path(report_file.file.name))) as stored:
        assert filecrypto.is_encrypted(stored.read(16))

    html = page(client, report_file.pk).content.decode()
    assert "Votre rapport est prêt" in html
    assert reverse("reports:report_file_download", args=[report_file.pk]) in html
    assert not AuditEntry.objects.filter(kind=Kind.EXPORT).exists()  # asked is not downloaded

    response = download(client, report_file.pk)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="rapport-activite-service-{world.a1.pk}-2025.pdf"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert "Personnes accompagnées sur la période 42" in pdf_text(content)
    assert "Dominique Coach" in pdf_text(content)

    entry = AuditEntry.objects.get(kind=Kind.EXPORT)
    assert entry.actor_id == coach.pk
    assert (entry.object_type, entry.object_id) == ("organisations.service", world.a1.pk)
    assert entry.detail == f"reports:activity_pdf service={world.a1.pk} periode=2025 fichier={report_file.pk}"


def test_a_large_workbook_is_prepared_too(client, world, large):
    response = ask(
        client,
        world.users["director"],
        "reports:activity_xlsx",
        programme="supported_employment",
        periode="2025",
    )
    report_file = ReportFile.objects.get()
    assert response.status_code == 302 and report_file.status == ReportStatus.READY
    assert sorted(report_file.service_ids) == sorted([world.a1.pk, world.a2.pk])
    response = download(client, report_file.pk)
    assert response["Content-Type"] == XLSX
    assert 'filename="rapport-activite-supported_employment-2025.xlsx"' in response["Content-Disposition"]
    book = workbook(b"".join(response.streaming_content))
    assert book.sheetnames[0] == "Rapport"
    entry = AuditEntry.objects.get(kind=Kind.EXPORT)
    assert (entry.object_type, entry.object_id) == ("", None)
    assert entry.detail.startswith("reports:activity_xlsx programme=supported_employment periode=2025 ")


def test_bad_input_above_the_threshold_still_answers_the_chooser(client, world, large):
    response = ask(client, world.users["coach"], service=world.a1.pk, periode="l'an dernier")
    assert response.status_code == 400
    assert not ReportFile.objects.exists()


# --- Pending, and asked again ---------------------------------------------------------------------


def test_the_pending_page_refreshes_itself_and_says_so(client, world, pending):
    ask(client, world.users["coach"], service=world.a1.pk, periode="2025")
    report_file = ReportFile.objects.get()
    assert report_file.status == ReportStatus.PENDING
    [queued] = pending.results
    assert queued.kwargs == {"report_file_id": str(report_file.pk), "organisation_id": world.org_a.pk}

    html = page(client, report_file.pk).content.decode()
    assert "Votre rapport est en cours de préparation" in html
    assert 'aria-live="polite"' in html and 'hx-trigger="every 3s"' in html
    assert f'href="{reverse("reports:report_file", args=[report_file.pk])}"' in html  # without script
    assert "Télécharger" not in html
    assert download(client, report_file.pk).status_code == 404
    # htmx asking while nothing changed: no content, nothing swapped nor announced.
    assert page(client, report_file.pk, HX_Request="true").status_code == 204

    tasks.build_report_file.call(report_file_id=str(report_file.pk), organisation_id=world.org_a.pk)
    fragment = page(client, report_file.pk, HX_Request="true")
    assert fragment.status_code == 200
    assert "Votre rapport est prêt" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert download(client, report_file.pk).status_code == 200


def test_the_same_request_while_pending_reuses_it(client, world, pending):
    first = ask(client, world.users["coach"], service=world.a1.pk, periode="2025")
    again = ask(client, world.users["coach"], service=world.a1.pk, periode="2025")
    assert first["Location"] == again["Location"]
    assert ReportFile.objects.count() == 1 and len(pending.results) == 1
    # Another format, another period or another user is another file.
    ask(client, world.users["coach"], "reports:activity_xlsx", service=world.a1.pk, periode="2025")
    ask(client, world.users["coach"], service=world.a1.pk, periode="2024")
    ask(client, world.users["head_of_service"], service=world.a1.pk, periode="2025")
    assert ReportFile.objects.count() == 4 and len(pending.results) == 4


def test_a_ready_file_is_not_built_twice(client, world, large):
    ask(client, world.users["coach"], service=world.a1.pk, periode="2025")
    report_file = ReportFile.objects.get()
    name = report_file.file.name
    status = tasks.build_report_file.call(report_file_id=str(report_file.pk), organisation_id=world.org_a.pk)
    assert status == ReportStatus.READY
    report_file.refresh_from_db()
    assert report_file.file.name == name


def test_the_task_ignores_another_organisations_id(world, pending, client):
    ask(client, world.users["coach"], service=world.a1.pk, periode="2025")
    report_file = ReportFile.objects.get()
    assert tasks.build_report_file.call(
        report_file_id=str(report_file.pk), organisation_id=world.org_b.pk
    ) == ("missing")
    report_file.refresh_from_db()
    assert report_file.status == ReportStatus.PENDING


# --- Who gets the file ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "other", ["head_of_service", "director", "funder_viewer", "other_service_coach", "other_org_coach", "dpo"]
)
def test_only_its_requester_reaches_a_file(client, world, large, other):
    ask(client, world.users["coach"], service=world.a1.pk, periode="2025")
    report_file = ReportFile.objects.get()
    client.force_login(world.users[other])
    assert page(client, report_file.pk).status_code == 404
    assert download(client, report_file.pk).status_code == 404
    assert client.post(reverse("reports:report_file_retry", args=[report_file.pk])).status_code == 404
    assert report_file.pk.hex not in client.get(reverse("reports:report_files")).content.decode()


def test_a_funder_gets_their_own_file_without_names(client, world, large):
    ask(client, world.users["funder_viewer"], service=world.a1.pk, periode="2025")
    report_file = ReportFile.objects.get()
    assert report_file.without_names
    text = pdf_text(b"".join(download(client, report_file.pk).streaming_content))
    assert "Sorties < 5" in text
    assert "Coach" not in text.replace("Job coach", "")


def test_a_requester_who_lost_the_services_figures_no_longer_gets_the_file(client, world, large):
    coach = world.users["coach"]
    ask(client, coach, service=world.a1.pk, periode="2025")
    report_file = ReportFile.objects.get()
    Membership.objects.filter(user=coach).delete()
    assert download(client, report_file.pk).status_code == 404


def test_a_file_with_names_is_not_given_to_its_requester_once_they_see_none(client, world, large):
    coach = world.users["coach"]
    ask(client, coach, service=world.a1.pk, periode="2025")
    report_file = ReportFile.objects.get()
    assert not report_file.without_names
    Membership.objects.filter(user=coach).update(role=Role.FUNDER_VIEWER)
    assert download(client, report_file.pk).status_code == 404


def test_nobody_without_figures_reaches_the_list(client, world):
    client.force_login(world.users["org_admin"])
    assert client.get(reverse("reports:report_files")).status_code == 403


def test_the_list_shows_the_users_files_with_their_status(client, world, pending):
    ask(client, world.users["coach"], service=world.a1.pk, periode="2025")
    ask(client, world.users["head_of_service"], service=world.a1.pk, periode="2024")
    client.force_login(world.users["coach"])
    html = client.get(reverse("reports:report_files")).content.decode()
    assert "Mes rapports préparés" in html
    assert "A1 — Année 2025" in html and "En cours de préparation" in html
    assert "Année 2024" not in html
    assert reverse("reports:report_files") in client.get(reverse("reports:index")).content.decode()


# --- Failure and retry ---------------------------------------------------------------------------


def test_a_failed_build_says_so_and_can_be_retried(client, world, large, monkeypatch):
    def broken(user, report, request=None):
        raise RuntimeError(f"cannot draw {report.scope_label}")

    monkeypatch.setitem(files.CONTENTS, ReportKind.PDF, broken)
    ask(client, world.users["coach"], service=world.a1.pk, periode="2025")
    report_file = ReportFile.objects.get()
    assert report_file.status == ReportStatus.FAILED
    html = page(client, report_file.pk).content.decode()
    assert "La préparation a échoué" in html and "Réessayer" in html
    assert download(client, report_file.pk).status_code == 404

    # The worker sees a TaskFailure (retried), whose message names no service.
    with pytest.raises(TaskFailure) as failure:
        tasks.build_report_file.call(report_file_id=str(report_file.pk), organisation_id=world.org_a.pk)
    assert not isinstance(failure.value, PermanentFailure)
    assert "A1" not in str(failure.value) and "RuntimeError" in str(failure.value)

    monkeypatch.setitem(files.CONTENTS, ReportKind.PDF, files.pdf_content)
    assert client.get(reverse("reports:report_file_retry", args=[report_file.pk])).status_code == 302
    assert ReportFile.objects.get().status == ReportStatus.FAILED  # a GET changes nothing
    response = client.post(reverse("reports:report_file_retry", args=[report_file.pk]))
    assert response["Location"] == reverse("reports:report_file", args=[report_file.pk])
    report_file.refresh_from_db()
    assert report_file.status == ReportStatus.READY
    assert download(client, report_file.pk).status_code == 200


def test_a_scope_no_longer_seen_fails_for_good(client, world, pending):
    coach = world.users["coach"]
    ask(client, coach, service=world.a1.pk, periode="2025")
    report_file = ReportFile.objects.get()
    Membership.objects.filter(user=coach).delete()
    with pytest.raises(PermanentFailure) as failure:
        tasks.build_report_file.call(report_file_id=str(report_file.pk), organisation_id=world.org_a.pk)
    assert "A1" not in str(failure.value)
    report_file.refresh_from_db()
    assert report_file.status == ReportStatus.FAILED


# --- Expiry ----------------------------------------------------------------------------------------


def test_an_expired_file_is_gone(client, world, large):
    ask(client, world.users["coach"], service=world.a1.pk, periode="2025")
    report_file = ReportFile.objects.get()
    ReportFile.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    # Not offered even before the cleanup.
    assert page(client, report_file.pk).status_code == 404
    assert download(client, report_file.pk).status_code == 404
    assert report_file.label not in client.get(reverse("reports:report_files")).content.decode()
    # The next build (or the scheduled cleanup) removes the row and its file.
    ask(client, world.users["coach"], service=world.a1.pk, periode="2024")
    assert not ReportFile.objects.filter(pk=report_file.pk).exists()
    assert not report_storage.exists(report_file.file.name)
    assert tasks.remove_expired(timezone.now() + timedelta(days=8)) == 1
    assert not ReportFile.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_same_request_twice_at_the_same_moment_makes_one_build(world, large, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer already; the unique index is PostgreSQL's concern")
    # Both requests look for a pending build and find none, then both try to record one: the
    # unique index on pending builds lets one through, the other reuses it.
    looked = threading.Barrier(2, timeout=10)
    named = files.file_name

    def file_name(form, extension):
        with suppress(threading.BrokenBarrierError):
            looked.wait()
        return named(form, extension)

    monkeypatch.setattr(files, "file_name", file_name)
    queued = []
    monkeypatch.setattr(
        tasks, "build_report_file", SimpleNamespace(enqueue=lambda **kwargs: queued.append(kwargs))
    )
    answers = []

    def ask_once():
        client = Client()
        client.force_login(world.users["coach"])
        try:
            answers.append(ask(client, world.users["coach"], service=world.a1.pk, periode="2025"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not looked.broken  # both had looked and found nothing before either recorded one
    assert [answer.status_code for answer in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert ReportFile.objects.count() == 1 and len(queued) == 1


def test_the_cleanup_removes_a_stored_file_no_row_names(world, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    orphan = tmp_path / "reports" / str(world.org_a.pk) / ("a" * 32)
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"left by a worker killed before its row was updated")
    old = time.time() - 2 * 3600
    os.utime(orphan, (old, old))
    recent = orphan.with_name("b" * 32)
    recent.write_bytes(b"a build under way")
    tasks.remove_expired()
    assert not orphan.exists() and recent.exists()
