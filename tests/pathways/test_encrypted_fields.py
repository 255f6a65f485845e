"""The pathway's health and free-text fields are encrypted at rest and read back everywhere."""

import html

import pytest
from django.db import connection
from django.urls import reverse

from filrouge.pathways import domain
from filrouge.pathways.forms import EntrySituationForm
from filrouge.pathways.models import Enrolment, EntrySituation, ExitOutcome, PhaseChange
from tests.pathways.factories import ENTRY, enrol

pytestmark = pytest.mark.django_db

REASON = "Orientation MDPH après une hospitalisation en psychiatrie."
EXIT = "Soins à poursuivre au CMP."
FORM = ENTRY | {"rqth_status": "none"}


def raw(model, field, pk) -> str:
    table, column = model._meta.db_table, model._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 (names from _meta)
        return cursor.fetchone()[0]


def test_the_referral_reason_the_mdph_file_and_the_exit_are_stored_encrypted(world):
    coach = world.users["coach"]
    enrolment = enrol(
        world.a1, coach=coach, referral_reason=REASON, entry=ENTRY | {"mdph_file": "26-2025-00042"}
    )
    domain.record_exit(enrolment, on=domain.today(), outcome=ExitOutcome.HEALTH, by=coach, comment=EXIT)
    situation = EntrySituation.objects.get(enrolment=enrolment)
    exit_change = PhaseChange.objects.filter(enrolment=enrolment).first()
    for model, field, pk in [
        (Enrolment, "referral_reason", enrolment.pk),
        (Enrolment, "exit_comment", enrolment.pk),
        (EntrySituation, "mdph_file", situation.pk),
        (PhaseChange, "comment", exit_change.pk),
    ]:
        held = raw(model, field, pk)
        assert held.startswith("enc:") and "CMP" not in held and "psychiatrie" not in held, (model, field)
    saved = Enrolment.objects.get(pk=enrolment.pk)
    assert (saved.referral_reason, saved.exit_comment, situation.mdph_file) == (REASON, EXIT, "26-2025-00042")


def test_the_record_and_the_timeline_show_the_texts_in_clear(client, world):
    coach = world.users["coach"]
    Enrolment.objects.filter(pk=world.enrolment.pk).update(referral_reason=REASON)
    world.suspension.comment = "Hospitalisation de trois semaines."
    world.suspension.save()
    client.force_login(coach)
    record = html.unescape(client.get(reverse("people:detail", args=[world.person.pk])).content.decode())
    assert REASON in record and "enc:" not in record
    timeline = html.unescape(client.get(reverse("people:timeline", args=[world.person.pk])).content.decode())
    assert "Hospitalisation de trois semaines." in timeline and "enc:" not in timeline


def test_the_mdph_file_stays_a_one_line_field_of_at_most_40_characters():
    form = EntrySituationForm(data=FORM | {"mdph_file": "x" * 41})
    field = form.fields["mdph_file"]
    assert field.max_length == 40 and field.widget.input_type == "text"
    assert not form.is_valid() and "mdph_file" in form.errors
    assert EntrySituationForm(data=FORM | {"mdph_file": "26-2025-00042"}).is_valid()
