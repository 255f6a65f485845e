"""The demo's reminders: services and staff have a phone, about half the people a choice."""

from collections import Counter

import pytest
from django.db import transaction

from filrouge.accounts.models import User
from filrouge.core.phones import is_mobile
from filrouge.notifications.models import ReminderPreference
from filrouge.organisations.models import Service
from filrouge.people.models import Person
from filrouge.seed.demo import seed_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("demo")
@pytest.mark.django_db
class TestTheDemoReminders:
    def test_services_and_staff_have_a_fictional_professional_phone(self):
        assert not Service.objects.filter(phone="").exists()
        assert not User.objects.filter(phone="").exists()
        assert all(
            phone[3:8] in ("46571", "53649") for phone in Service.objects.values_list("phone", flat=True)
        )

    def test_about_half_the_people_chose_a_mix_of_channels(self):
        people = Person.objects.count()
        with_choice = ReminderPreference.objects.values("person").distinct().count()
        assert people * 0.3 <= with_choice <= people * 0.7
        current = list(ReminderPreference.objects.current())
        assert {"sms", "email", "both", "none"} <= set(Counter(c.channels for c in current))
        for choice in current:
            if choice.wants_sms:
                assert is_mobile(choice.phone) and choice.phone.startswith("+33639")
            if choice.wants_email:
                assert choice.email.endswith("@example.org")
            assert choice.by_person or choice.recorded_by is not None

    def test_one_person_changed_her_mind_and_one_chose_by_herself(self):
        assert ReminderPreference.objects.filter(by_person=True).exists()
        counts = Counter(ReminderPreference.objects.values_list("person", flat=True))
        assert max(counts.values()) == 2

    def test_running_it_again_changes_nothing(self):
        before = ReminderPreference.objects.count()
        seed_demo()
        assert ReminderPreference.objects.count() == before
