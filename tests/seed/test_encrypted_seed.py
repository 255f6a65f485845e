"""The benchmark preset writes its rows in bulk: every sensitive value still lands encrypted."""

from io import StringIO

import pytest
from django.core.management import call_command

from filrouge.journal.models import Meeting
from tests.core.encrypted_fields import raw

pytestmark = pytest.mark.django_db


def test_the_bulk_writers_store_every_encrypted_field_as_ciphertext():
    call_command("seed", preset="benchmark", people=30, stdout=StringIO())
    meeting = Meeting.objects.exclude(place="").order_by("pk").first()
    assert meeting is not None and raw(Meeting, "place", meeting.pk).startswith("enc:")
    assert meeting.place  # read back in clear
    out = StringIO()
    call_command("keys", "check", "--all", stdout=out)  # fails on any value stored in clear
    assert "journal.Meeting.place" in out.getvalue()
