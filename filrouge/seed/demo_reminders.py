"""The demo's reminders: each service's phone (given in the reminders), the staff's professional
phones, and the reminder choices of about half the people, recorded by their coach a few weeks
ago (a mix of SMS, email, both and none; one person changed her mind, one chose by herself).

Numbers come from the blocks ARCEP sets aside for works of fiction (the territory's landline
block for the services and staff, 06 39 98 … for mobiles); addresses are @example.org. Drawn from
a fixed seed in a fixed order: every run tells the same story. People who already have a choice
are left alone, so running it again changes nothing.
"""

import random
from datetime import timedelta

from django.utils import timezone

from filrouge.accounts.models import User
from filrouge.core.phones import to_e164
from filrouge.core.text import fold
from filrouge.notifications.models import (
    Language,
    MessageStatus,
    OutboundMessage,
    ReminderChannels,
    ReminderPreference,
)
from filrouge.notifications.owed import owed
from filrouge.organisations.models import Role
from filrouge.pathways.models import Enrolment
from filrouge.seed.demo_people import TERRITORIES, fiction_phone

FICTION_MOBILE = "+3363998"
CHANNELS = {
    ReminderChannels.SMS: 4,
    ReminderChannels.BOTH: 3,
    ReminderChannels.EMAIL: 2,
    ReminderChannels.NONE: 1,
}


def seed_reminders(organisation, services, domain_name: str, seed: int) -> None:
    landline = TERRITORIES[domain_name].landline
    for index, service in enumerate(services):
        if not service.phone:
            service.phone = f"{landline} {10 + index:02d} 00"
            service.save(update_fields=["phone"])
    staff = User.objects.filter(organisation=organisation, phone="").order_by("email")
    for index, user in enumerate(staff):
        user.phone = f"{landline} {20 + index:02d} {(index * 37) % 100:02d}"
        user.save(update_fields=["phone"])
    # The coaches chose the daily digest: the demo shows it (as a file) on working days at 7:30.
    User.objects.filter(organisation=organisation, memberships__role=Role.COACH).update(daily_digest=True)
    seed_choices(organisation, services, seed)


def seed_choices(organisation, services, seed: int) -> None:
    enrolments = (
        Enrolment.objects.filter(service__in=services, person__organisation=organisation)
        .select_related("person", "primary_coach")
        .order_by("person__sort_name", "person_id", "referral_date", "pk")
    )
    leads = {}
    for enrolment in enrolments:  # the person's first pathway's lead coach records the choice
        leads.setdefault(enrolment.person, enrolment.primary_coach)
    if ReminderPreference.objects.filter(person__in=list(leads)).exists():
        return  # seeded by an earlier run, or real choices: leave them alone
    rng = random.Random(seed * 31 + 19)
    now = timezone.now()
    chosen = 0
    for person, coach in leads.items():
        if person.is_anonymised or rng.random() >= 0.5:
            continue
        channels = rng.choices(list(CHANNELS), weights=list(CHANNELS.values()))[0]
        # Only numbers and addresses that reach nobody: the fiction block, example.org.
        phone = person.phone if person.phone.startswith(FICTION_MOBILE) else to_e164(fiction_phone(rng))
        email = person.email if person.email.endswith("@example.org") else ""
        email = email or f"{fold(person.first_name).replace(' ', '-')}.rappels{chosen}@example.org"
        recorded_at = now - timedelta(days=rng.randint(14, 40), hours=rng.randint(0, 6))
        choice = {
            "organisation": organisation,
            "person": person,
            "channels": channels,
            "phone": phone if channels in (ReminderChannels.SMS, ReminderChannels.BOTH) else "",
            "email": email if channels in (ReminderChannels.EMAIL, ReminderChannels.BOTH) else "",
            "language": Language.ENGLISH if chosen == 5 else Language.FRENCH,
            "recorded_at": recorded_at,
            "recorded_by": coach,
        }
        if chosen == 2:
            # She first wanted nothing, then asked for SMS: two rows, the history shows both.
            ReminderPreference.objects.create(
                **(choice | {"channels": ReminderChannels.NONE, "phone": "", "email": ""}),
            )
            choice |= {
                "channels": ReminderChannels.SMS,
                "phone": phone,
                "email": "",
                "recorded_at": recorded_at + timedelta(days=9),
            }
        if chosen == 3:
            # Recorded by the person herself: the staff see it and cannot change it.
            choice |= {"recorded_by": None, "by_person": True}
        ReminderPreference.objects.create(**choice)
        chosen += 1


def record_messages_already_sent() -> None:
    """The demo's past: the confirmations and reminders its appointments owed when it was made are
    recorded as sent (no file written), as in a service that has used filrouge for a while. A
    booking made in the demo then sends its own messages, and only them."""
    now = timezone.now()
    owed(now)
    OutboundMessage.objects.filter(status=MessageStatus.PENDING).update(
        status=MessageStatus.SENT, sent_at=now
    )
