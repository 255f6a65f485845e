from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from filrouge.background.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def heartbeat(seconds_ago):
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id="w", hostname="h", pid=1, started_at=now, last_seen_at=now - timedelta(seconds=seconds_ago)
    )


def test_healthz_answers_ok_when_the_database_answers_and_a_worker_lives(client):
    beat = heartbeat(30)
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["worker"]["last_seen"] == beat.last_seen_at.isoformat()
    assert 30 <= body["worker"]["seconds_ago"] < 90


def test_healthz_is_degraded_but_200_when_no_worker_was_seen_for_10_minutes(client):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "worker": {"last_seen": None, "seconds_ago": None},
    }
    heartbeat(11 * 60)
    body = client.get(reverse("core:healthz")).json()
    assert body["status"] == "degraded" and body["worker"]["seconds_ago"] >= 660


def test_healthz_answers_503_when_the_database_is_unreachable(client):
    with mock.patch("filrouge.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"] == "unreachable"  # as before the worker was watched


def test_healthz_is_public_and_never_cached(client):
    response = client.get(reverse("core:healthz"))
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_takes_two_small_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        client.get(reverse("core:healthz"))
