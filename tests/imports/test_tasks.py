"""Imports in the background: a large run checked and applied by the worker with its progress on
the page, applied once whatever the retries, stopped when its requester lost the right; and the
expiry of runs (files and reports).

Tasks run at once in tests (ImmediateBackend); the queued state is seen with the DummyBackend."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.tasks import default_task_backend
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from filrouge.audit.models import AuditEntry
from filrouge.background.errors import PermanentFailure
from filrouge.background.labels import TASK_LABELS
from filrouge.background.schedule import SCHEDULE
from filrouge.employers.models import Company
from filrouge.imports import runs, tasks, uploads
from filrouge.imports.models import ImportRun, ImportSource, RunStatus
from filrouge.organisations.models import Membership
from tests.imports.companies import BAKERY, GARAGE, companies_csv
from tests.imports.test_pages import mapping_data, upload, upload_and_check

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "uploads"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def head(client, world):
    client.force_login(world.users["head_of_service"])
    return client


@pytest.fixture
def queued(settings):
    """Every run is large, and tasks are queued, never run: the DummyBackend keeps them."""
    settings.IMPORT_BACKGROUND_ROWS = 0
    settings.TASKS = DUMMY
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def page(client, run, **headers):
    return client.get(reverse("imports:run", kwargs={"pk": run.pk}), headers=headers)


def queue_check(client, world, content):
    """Upload and map: the dry run is queued."""
    response = upload(client, world.a1, content)
    columns = client.get(response["Location"])
    client.post(response["Location"], mapping_data(columns))
    return ImportRun.objects.latest("created_at")


def stored_paths(run) -> list[Path]:
    return [Path(source.file.storage.path(source.file.name)) for source in run.sources.exclude(file="")]


def test_a_large_import_is_checked_then_applied_by_the_worker(head, world, queued):
    run = queue_check(head, world, companies_csv(BAKERY, GARAGE))
    assert run.status == RunStatus.CHECKING and run.phase == "attente"
    [check] = queued.results
    assert check.task.name == "check_import"
    assert check.kwargs == {"run_id": str(run.pk), "organisation_id": world.org_a.pk}

    html = page(head, run).content.decode()
    assert "Vérification en cours" in html and "En attente du traitement" in html
    assert 'role="status" aria-live="polite"' in html and 'hx-trigger="every 3s"' in html
    assert f'href="{reverse("imports:run", kwargs={"pk": run.pk})}"' in html  # without script
    assert "Confirmer l'import" not in html
    # htmx asking while nothing changed: no content, nothing swapped nor announced.
    seen = page(head, run).context["seen"]
    assert (
        head.get(
            reverse("imports:run", kwargs={"pk": run.pk}), {"vu": seen}, HTTP_HX_REQUEST="true"
        ).status_code
        == 204
    )

    assert tasks.check_import.call(**check.kwargs) == RunStatus.CHECKED
    fragment = head.get(reverse("imports:run", kwargs={"pk": run.pk}), {"vu": seen}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    text = fragment.content.decode()
    assert "Les fichiers sont vérifiés" in text and "Afficher le détail" in text and "<html" not in text
    assert not Company.objects.exists()

    html = page(head, run).content.decode()
    assert "Confirmer l'import (2 lignes)" in html
    head.post(reverse("imports:confirm", kwargs={"pk": run.pk}))
    run.refresh_from_db()
    assert run.status == RunStatus.APPLYING
    apply = queued.results[-1]
    assert apply.task.name == "apply_import" and apply.kwargs == check.kwargs
    assert "Import en cours" in page(head, run).content.decode()
    assert not Company.objects.exists()

    assert tasks.apply_import.call(**apply.kwargs) == RunStatus.APPLIED
    # Run twice (a retry after a lost worker): applied once.
    assert tasks.apply_import.call(**apply.kwargs) == RunStatus.APPLIED
    assert tasks.check_import.call(**check.kwargs) == RunStatus.APPLIED
    assert Company.objects.filter(organisation=world.org_a).count() == 2
    assert AuditEntry.objects.filter(object_type="imports.importrun").count() == 1
    run.refresh_from_db()
    assert run.counts["companies"]["created"] == 2
    assert not run.sources.exclude(file="").exists()  # the file went with the apply
    assert "Import terminé : 2 lignes créées, 0 modifiées, 0 inchangées." in page(head, run).content.decode()


def test_an_apply_left_by_a_killed_worker_is_applied_by_the_retry(head, world, queued):
    run = queue_check(head, world, companies_csv(BAKERY))
    tasks.check_import.call(run_id=str(run.pk), organisation_id=world.org_a.pk)
    head.post(reverse("imports:confirm", kwargs={"pk": run.pk}))
    # The confirmation is settled (claimed); a second one queues nothing more.
    again = head.post(reverse("imports:confirm", kwargs={"pk": run.pk}), follow=True)
    assert "n&#x27;attend plus de confirmation" in again.content.decode()
    assert [result.task.name for result in queued.results] == ["check_import", "apply_import"]
    # The worker died before committing: the run is still "applying", the retry applies it.
    assert ImportRun.objects.get(pk=run.pk).status == RunStatus.APPLYING
    assert tasks.apply_import.call(run_id=str(run.pk), organisation_id=world.org_a.pk) == RunStatus.APPLIED
    assert Company.objects.count() == 1


def test_progress_is_committed_while_the_dry_run_goes(head, world, queued, monkeypatch):
    run = queue_check(head, world, companies_csv(BAKERY, GARAGE))
    seen = []
    check = runs.check

    def watching(read_sources, **kwargs):
        progress = kwargs["progress"]

        def spy(phase, done, total):
            progress(phase, done, total)
            seen.append(
                ImportRun.objects.filter(pk=run.pk).values_list("phase", "rows_done", "rows_total").get()
            )

        return check(read_sources, **(kwargs | {"progress": spy}))

    monkeypatch.setattr(runs, "check", watching)
    read_sources = uploads.read_sources

    def reading(run_):
        seen.append(ImportRun.objects.filter(pk=run.pk).values_list("phase", "rows_done", "rows_total").get())
        return read_sources(run_)

    monkeypatch.setattr(uploads, "read_sources", reading)
    tasks.check_import.call(run_id=str(run.pk), organisation_id=world.org_a.pk)
    assert ("lecture", 0, 2) in seen and ("vérification", 2, 2) in seen
    run.refresh_from_db()
    assert run.status == RunStatus.CHECKED and run.phase == "" and run.rows_done == 2


@pytest.mark.parametrize("step", ["check", "apply"])
def test_a_requester_who_lost_the_right_gets_nothing_written(head, world, queued, step):
    run = queue_check(head, world, companies_csv(BAKERY))
    kwargs = {"run_id": str(run.pk), "organisation_id": world.org_a.pk}
    if step == "apply":
        tasks.check_import.call(**kwargs)
        head.post(reverse("imports:confirm", kwargs={"pk": run.pk}))
    Membership.objects.filter(user=world.users["head_of_service"]).delete()
    task = tasks.check_import if step == "check" else tasks.apply_import
    with pytest.raises(PermanentFailure):
        task.call(**kwargs)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.report[0]["message"].startswith("Vous ne pouvez plus importer dans ce service")
    assert not Company.objects.exists()
    assert not AuditEntry.objects.filter(object_type="imports.importrun").exists()


def test_the_tasks_ignore_another_organisations_id(head, world, queued):
    run = queue_check(head, world, companies_csv(BAKERY))
    assert tasks.check_import.call(run_id=str(run.pk), organisation_id=world.org_b.pk) == "missing"
    assert tasks.apply_import.call(run_id=str(run.pk), organisation_id=world.org_b.pk) == "missing"
    assert ImportRun.objects.get(pk=run.pk).status == RunStatus.CHECKING


def test_a_failed_check_says_so_and_is_retried(head, world, queued, monkeypatch):
    run = queue_check(head, world, companies_csv(BAKERY))

    def broken(*args, **kwargs):
        raise RuntimeError("Boulangerie du Pont")  # a row's text: never logged

    monkeypatch.setattr(runs, "check", broken)
    from filrouge.background.errors import TaskFailure

    with pytest.raises(TaskFailure) as failure:
        tasks.check_import.call(run_id=str(run.pk), organisation_id=world.org_a.pk)
    assert "Boulangerie" not in str(failure.value)
    assert ImportRun.objects.get(pk=run.pk).status == RunStatus.FAILED
    assert "L'import a échoué" in page(head, run).content.decode()


# --- Expiry ------------------------------------------------------------------------------------------


def test_expired_runs_lose_their_files_and_reports(head, world, settings):
    past = timezone.now() - timedelta(seconds=1)
    uploaded = ImportRun.objects.get(pk=upload_pk(head, world))
    refused, _page = upload_and_check(head, world.a1, companies_csv(["E-9", "123", "Menuiserie Vidal"]))
    applied, _page = upload_and_check(head, world.a1, companies_csv(BAKERY))
    head.post(reverse("imports:confirm", kwargs={"pk": applied.pk}))
    fresh = ImportRun.objects.get(pk=upload_pk(head, world))
    files = stored_paths(uploaded) + stored_paths(refused)
    assert files and all(path.exists() or path.with_name(path.name + ".part").exists() for path in files)
    assert ImportRun.objects.get(pk=refused.pk).report
    ImportRun.objects.exclude(pk=fresh.pk).update(expires_at=past)

    assert tasks.remove_expired_imports.call() == 2
    for path in files:
        assert not path.exists()
    assert not ImportSource.objects.filter(run__in=[uploaded, refused, applied]).exclude(file="").exists()
    for run in (uploaded, refused):
        run.refresh_from_db()
        assert run.status == RunStatus.EXPIRED and run.report == []
    applied.refresh_from_db()
    assert applied.status == RunStatus.APPLIED and applied.report == []
    assert applied.counts["companies"]["created"] == 1  # the counts stay
    fresh.refresh_from_db()
    assert fresh.status == RunStatus.UPLOADED and stored_paths(fresh)
    # Nothing more to do the next time.
    assert tasks.remove_expired_imports.call() == 0
    text = page(head, refused).content.decode()
    assert "Cet import a expiré" in text and "Menuiserie" not in text
    # Its columns can no longer be chosen: its file is gone.
    response = head.get(reverse("imports:columns", kwargs={"pk": refused.pk}))
    assert response.status_code == 302


def test_the_expiry_is_in_the_schedule_with_a_french_label():
    [entry] = [periodic for periodic in SCHEDULE if periodic.name == "import_runs"]
    assert import_string(entry.task) is tasks.remove_expired_imports
    for name in ("check_import", "apply_import", "remove_expired_imports"):
        assert f"filrouge.imports.tasks.{name}" in TASK_LABELS


def test_the_threshold_is_a_setting(settings):
    settings.IMPORT_BACKGROUND_ROWS = 10
    assert uploads.background_rows() == 10
    assert uploads.in_background(ImportRun(rows_total=11)) and not uploads.in_background(
        ImportRun(rows_total=10)
    )


def upload_pk(client, world):
    upload(client, world.a1, companies_csv(BAKERY))
    return ImportRun.objects.latest("created_at").pk
