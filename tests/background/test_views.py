"""The page "Tâches en arrière-plan": the organisation's failed tasks for its administrators,
never a traceback, and "Relancer" puts one back in the queue, audited."""

import html

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from filrouge.audit.models import AuditEntry
from tests.background.factories import failed_task
from tests.background.sample_tasks import NumberRefused, ProviderDown

pytestmark = pytest.mark.django_db

PAGE = reverse("background:failed_tasks")


def page_of(client, user):
    client.force_login(user)
    response = client.get(PAGE)
    return response, html.unescape(response.content.decode())


def test_the_administrator_sees_the_organisations_failed_tasks_without_their_traceback(client, world):
    failed_task(world.org_a.pk, task_path="filrouge.accounts.emails.send_account_email")
    failed_task(world.org_b.pk)
    response, body = page_of(client, world.users["org_admin"])
    assert response.status_code == 200
    assert "E-mail de compte" in body and "ValueError" in body
    assert body.count(">Relancer<") == 1  # B's task is not shown
    assert "Camille" not in body and "06 12" not in body and "Traceback" not in body


def test_our_own_failures_show_their_message(client, world):
    failed_task(world.org_a.pk, exception=ProviderDown("the SMS provider answered 503"))
    failed_task(world.org_a.pk, exception=NumberRefused("the number was refused"))
    _, body = page_of(client, world.users["org_admin"])
    assert "ProviderDown : the SMS provider answered 503" in body
    assert "NumberRefused : the number was refused" in body


def test_another_organisations_administrator_sees_nothing_of_it(client, world):
    task = failed_task(world.org_a.pk)
    response, body = page_of(client, world.users["other_org_admin"])
    assert response.status_code == 200 and "Aucune tâche en échec" in body
    assert client.post(reverse("background:retry_task", args=[task.pk])).status_code == 404
    assert DBTaskResult.objects.get(pk=task.pk).status == "FAILED"


@pytest.mark.parametrize("role", ["coach", "director", "dpo"])
def test_other_roles_are_refused(client, world, role):
    task = failed_task(world.org_a.pk)
    response, _ = page_of(client, world.users[role])
    assert response.status_code == 403
    assert client.post(reverse("background:retry_task", args=[task.pk])).status_code == 404


def test_the_page_says_whether_the_worker_runs_and_when_the_jobs_come(client, world):
    _, body = page_of(client, world.users["org_admin"])
    assert "Arrêté" in body and "jamais" in body
    assert "Prochains passages" in body and "Nettoyage des tâches terminées" in body
    assert "Aucune tâche en échec" in body


def test_run_again_asks_first_then_puts_the_task_back_with_its_attempts_afresh(client, world):
    task = failed_task(world.org_a.pk, task_path="filrouge.accounts.emails.send_account_email")
    client.force_login(world.users["org_admin"])
    url = reverse("background:retry_task", args=[task.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Relancer la tâche" in html.unescape(confirm.content.decode())
    assert DBTaskResult.objects.get(pk=task.pk).status == "FAILED"  # a GET changes nothing
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == PAGE
    task.refresh_from_db()
    assert task.status == "READY" and task.worker_ids == [] and task.traceback == ""
    entry = AuditEntry.objects.filter(organisation=world.org_a, detail__startswith="task run again").get()
    assert entry.actor == world.users["org_admin"] and str(task.pk) in entry.detail
    # Not failed any more: a second retry finds nothing.
    assert client.post(url).status_code == 404


def test_the_list_is_paginated(client, world):
    for _ in range(26):
        failed_task(world.org_a.pk)
    _, body = page_of(client, world.users["org_admin"])
    assert body.count(">Relancer<") == 25 and "Page 1 sur 2" in body


def test_the_installations_own_failed_tasks_are_counted_never_listed(client, world):
    installation = failed_task(world.org_a.pk)
    installation.args_kwargs = {"args": [], "kwargs": {}}  # no organisation: a round of the schedule
    installation.save(update_fields=["args_kwargs"])
    client.force_login(world.users["org_admin"])

    response = client.get(reverse("background:failed_tasks"))

    assert response.context["installation_failed"] == 1
    assert response.context["rows"] == []
    assert "filrouge tasks failed" in response.content.decode()


def test_an_account_email_carries_its_organisation_so_its_failure_shows_there(world, settings):
    from django_tasks_db.models import DBTaskResult

    from filrouge.accounts import emails

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    emails.send_later(emails.PASSWORD_RESET, world.users["coach"].pk, "http://t/")
    emails.send_later(emails.PASSWORD_RESET, None, "http://t/")  # an unknown address: none

    queued = [t.args_kwargs["kwargs"] for t in DBTaskResult.objects.order_by("enqueued_at")]
    assert queued == [{"organisation_id": world.org_a.pk}, {"organisation_id": None}]
