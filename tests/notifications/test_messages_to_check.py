"""The administration page's part on reminders failed or to check: shown to the organisation's
administrators without a name, sent again or confirmed sent on their decision, audited."""

import pytest
from django.urls import reverse

from filrouge.audit.models import AuditEntry
from filrouge.notifications import delivery
from filrouge.notifications.models import MessageStatus
from tests.notifications.messages_to_check import stuck_message

pytestmark = pytest.mark.django_db


def test_the_page_lists_the_failed_and_unchecked_messages_without_the_person(client, world):
    failed = stuck_message(world.enrolment)
    unchecked = stuck_message(world.enrolment, MessageStatus.UNCERTAIN)
    stuck_message(world.enrolment, MessageStatus.SENT)
    client.force_login(world.users["org_admin"])

    page = client.get(reverse("background:failed_tasks")).content.decode()

    assert reverse("notifications:send_again", args=[failed.pk]) in page
    assert reverse("notifications:confirm_sent", args=[unchecked.pk]) in page
    assert reverse("notifications:confirm_sent", args=[failed.pk]) not in page  # failed: never "it left"
    assert "SmsRejected" in page and "À vérifier" in page
    for private in (
        world.enrolment.person.first_name,
        world.enrolment.person.last_name,
        "+33639981234",
        "Lilas",
    ):
        assert private not in page


def test_another_organisations_administrator_sees_none_of_them(client, world):
    stuck_message(world.enrolment)
    client.force_login(world.users["other_org_admin"])
    page = client.get(reverse("background:failed_tasks")).content.decode()
    assert "Aucun rappel en échec ni à vérifier." in page


def test_sending_again_puts_it_back_in_the_queue_with_fresh_attempts_and_is_audited(client, world):
    message = stuck_message(world.enrolment)
    client.force_login(world.users["org_admin"])

    response = client.post(reverse("notifications:send_again", args=[message.pk]))

    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error) == (MessageStatus.PENDING, 0, "")
    entry = AuditEntry.objects.filter(object_type="notifications.outboundmessage").latest("pk")
    assert entry.actor_id == world.users["org_admin"].pk and "sent again" in entry.detail
    assert "Lilas" not in entry.detail and "+336" not in entry.detail


def test_an_unchecked_message_confirmed_is_sent_and_never_leaves_again(client, world):
    message = stuck_message(world.enrolment, MessageStatus.UNCERTAIN)
    client.force_login(world.users["org_admin"])

    client.post(reverse("notifications:confirm_sent", args=[message.pk]))

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at is not None
    assert delivery.send_again(message, world.users["org_admin"]) is False  # no longer to decide


def test_a_failed_message_cannot_be_confirmed_sent(client, world):
    message = stuck_message(world.enrolment)
    client.force_login(world.users["org_admin"])
    assert client.post(reverse("notifications:confirm_sent", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED


def test_a_coach_may_not_decide(client, world):
    message = stuck_message(world.enrolment)
    client.force_login(world.users["coach"])
    assert client.post(reverse("notifications:send_again", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED


def test_the_confirmation_page_gives_the_reference_to_look_for_at_the_provider(client, world):
    message = stuck_message(world.enrolment, MessageStatus.UNCERTAIN)
    client.force_login(world.users["org_admin"])
    page = client.get(reverse("notifications:confirm_sent", args=[message.pk])).content.decode()
    assert f"référence {message.pk}" in page
