"""A reminder that failed for good, for the administration page's tests and the permission matrix."""

from datetime import timedelta

from django.utils import timezone

from filrouge.notifications.models import Channel, MessageKind, MessageStatus, OutboundMessage


def stuck_message(enrolment, status=MessageStatus.FAILED, **fields) -> OutboundMessage:
    starts_at = timezone.now() + timedelta(days=3)
    values = {
        "organisation": enrolment.person.organisation,
        "person": enrolment.person,
        "service": enrolment.service,
        "key": f"test:{enrolment.pk}:{status}:{OutboundMessage.objects.count()}",
        "kind": MessageKind.REMINDER,
        "channel": Channel.SMS,
        "starts_at": starts_at,
        "recipient": "+33639981234",
        "body": "Rendez-vous jeudi à 10 h au 12 rue des Lilas avec Julie.",
        "due_at": starts_at - timedelta(days=2),
        "status": status,
        "attempts": 5,
        "error": "SmsRejected: refusé par le fournisseur (400)",
    }
    return OutboundMessage.objects.create(**(values | fields))


def stuck_message_of_a(world):
    return {"pk": stuck_message(world.enrolment).pk}


def unchecked_message_of_a(world):
    return {"pk": stuck_message(world.enrolment, MessageStatus.UNCERTAIN, claimed_at=timezone.now()).pk}
