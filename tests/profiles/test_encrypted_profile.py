"""Barrier comments, and the snapshots that copy them, are encrypted at rest."""

import html

import pytest
from django.db import connection
from django.urls import reverse

from filrouge.profiles import domain
from filrouge.profiles.models import Barrier, BarrierStatus, ProfileRevision
from tests.profiles.factories import barrier, situation

pytestmark = pytest.mark.django_db

COMMENT = "Traitement qui fatigue le matin"


def raw(model, field, pk) -> str:
    table, column = model._meta.db_table, model._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (names from _meta)
        return cursor.fetchone()[0]


def test_a_barrier_comment_and_its_snapshot_are_encrypted_and_read_back(client, world):
    saved = barrier(world.person, status=BarrierStatus.PRESENT, theme="sante", comment=COMMENT)
    revision = ProfileRevision.objects.create(
        organisation=world.org_a, person=world.person, data=domain.snapshot(world.person)
    )
    assert raw(Barrier, "comment", saved.pk).startswith("enc:")
    stored = raw(ProfileRevision, "data", revision.pk)
    assert stored.startswith("enc:") and "fatigue" not in stored
    assert ProfileRevision.objects.get(pk=revision.pk).data["barriers"][0]["comment"] == COMMENT

    client.force_login(world.users["coach"])
    url = reverse("profiles:detail", args=[world.person.pk])
    assert COMMENT in html.unescape(client.get(url).content.decode())
    assert COMMENT in html.unescape(client.get(url, {"revision": revision.pk}).content.decode())


def test_a_barrier_without_comment_is_left_out_of_the_snapshot_as_before(world):
    barrier(world.person, status=BarrierStatus.NOT_DISCUSSED, comment="")
    barrier(world.person, status=BarrierStatus.NOT_DISCUSSED, theme="sante", comment=COMMENT)
    assert [b["comment"] for b in domain.snapshot(world.person)["barriers"]] == [COMMENT]


def test_an_over_long_barrier_comment_is_refused_by_the_model_too(world):
    item = Barrier(organisation=world.org_a, person=world.person, situation=situation(), comment="x" * 501)
    with pytest.raises(Exception, match="500"):
        item.full_clean()
