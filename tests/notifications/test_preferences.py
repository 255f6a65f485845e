"""The person's reminder choices as the staff record them: the form's rules, who may, the person's
own choice only shown, the history kept, the messages listed without their text."""

from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from filrouge.audit.models import AuditEntry, Kind
from filrouge.core.phones import NOT_MOBILE_MESSAGE
from filrouge.notifications import preferences
from filrouge.notifications.forms import ReminderPreferenceForm
from filrouge.notifications.models import (
    Channel,
    MessageKind,
    MessageStatus,
    OutboundMessage,
    ReminderChannels,
    ReminderPreference,
)
from filrouge.notifications.templatetags.reminders import reminder_hint
from tests.matrix import PERSON_TEAM, SUBJECTS

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return " ".join(unescape(response.content.decode()).split())


def choice_data(**overrides):
    return {
        "channels": "both",
        "phone": "06 39 98 12 34",
        "email": "lea@example.org",
        "language": "fr",
    } | overrides


def record(world, by="coach", **fields):
    data = {"channels": ReminderChannels.SMS, "phone": "+33639981234", "email": "", "language": "fr"} | fields
    return preferences.record_choice(world.person, by=world.users[by], **data)


# --- The form -------------------------------------------------------------------------------------


def test_a_landline_is_refused_for_sms_with_the_message():
    form = ReminderPreferenceForm(choice_data(channels="sms", phone="04 65 71 12 34"))
    assert not form.is_valid()
    assert form.errors["phone"] == [str(NOT_MOBILE_MESSAGE)]


def test_sms_needs_a_number_and_email_an_address():
    form = ReminderPreferenceForm(choice_data(channels="both", phone="", email=""))
    assert not form.is_valid()
    assert form.errors["phone"] == ["Saisissez le numéro de portable où envoyer les SMS."]
    assert form.errors["email"] == ["Saisissez l'adresse e-mail où envoyer les rappels."]


def test_an_unreadable_number_says_so():
    form = ReminderPreferenceForm(choice_data(channels="sms", phone="06 12"))
    assert not form.is_valid()
    assert "n'est pas lisible" in form.errors["phone"][0]


def test_none_ignores_the_number_and_the_address_even_wrong():
    form = ReminderPreferenceForm(
        choice_data(channels="none", phone="04 65 71 12 34", email="pas une adresse")
    )
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["phone"], form.cleaned_data["email"]) == ("", "")


def test_email_alone_ignores_a_landline_and_sms_alone_a_bad_address():
    assert ReminderPreferenceForm(choice_data(channels="email", phone="04 65 71 12 34")).is_valid()
    form = ReminderPreferenceForm(choice_data(channels="sms", email="pas une adresse"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["email"] == ""


def test_a_choice_of_channel_is_required():
    form = ReminderPreferenceForm(choice_data(channels=""))
    assert not form.is_valid() and "channels" in form.errors


def test_the_form_offers_the_persons_mobile_and_address_but_not_a_landline(world):
    world.person.phone, world.person.email = "+33639981234", "hugo@example.org"
    form = ReminderPreferenceForm(person=world.person)
    assert (form.initial["phone"], form.initial["email"]) == ("+33639981234", "hugo@example.org")
    world.person.phone = "+33465711234"
    assert ReminderPreferenceForm(person=world.person).initial["phone"] == ""


# --- In words ------------------------------------------------------------------------------------


def test_a_person_without_a_choice_gets_none_and_is_told_so(world):
    assert preferences.current_choice(world.person) is None
    assert preferences.describe(None) == "Aucun rappel : la personne n'a pas fait de choix."


def test_the_choice_in_words_with_who_and_when(world):
    world.users["coach"].full_name = "Léa Mercier"
    world.users["coach"].save()
    choice = record(world, channels=ReminderChannels.BOTH, email="hugo@example.org")
    choice.recorded_at = timezone.make_aware(timezone.datetime(2026, 12, 6, 10, 0))
    assert preferences.describe(choice) == "SMS au 06 39 98 12 34 et e-mail à hugo@example.org"
    assert preferences.recorded_by_words(choice) == "choisi le 6 décembre 2026, enregistré par Léa M."
    choice.by_person = True
    assert preferences.recorded_by_words(choice) == "choisi le 6 décembre 2026, par la personne elle-même"
    assert preferences.describe(
        record(world, channels=ReminderChannels.EMAIL, phone="", email="a@example.org")
    ) == ("E-mail à a@example.org")


# --- History ---------------------------------------------------------------------------------------


def test_a_new_choice_is_a_new_row_and_the_latest_applies(world):
    first = record(world)
    first.recorded_at = timezone.now() - timedelta(days=10)
    first.save()
    second = record(world, channels=ReminderChannels.NONE, phone="")
    assert ReminderPreference.objects.filter(person=world.person).count() == 2
    assert preferences.current_choice(world.person) == second
    assert list(ReminderPreference.objects.current().filter(person=world.person)) == [second]
    first.refresh_from_db()
    assert first.channels == ReminderChannels.SMS  # never edited


def test_none_keeps_neither_number_nor_address(world):
    choice = record(world, channels=ReminderChannels.NONE, phone="+33639981234", email="a@example.org")
    assert (choice.phone, choice.email) == ("", "")


# --- The pages -------------------------------------------------------------------------------------


def test_the_coach_records_a_choice_and_sees_it_confirmed(client, world):
    client.force_login(world.users["coach"])
    url = reverse("notifications:record_choice", args=[world.person.pk])
    response = client.post(url, choice_data(), follow=True)
    choice = ReminderPreference.objects.get(person=world.person)
    assert (choice.channels, choice.phone, choice.email) == ("both", "+33639981234", "lea@example.org")
    assert choice.recorded_by == world.users["coach"] and not choice.by_person
    assert choice.organisation_id == world.person.organisation_id
    page = text_of(response)
    assert "Le choix de rappels" in page and "SMS au 06 39 98 12 34 et e-mail à lea@example.org" in page


def test_a_refused_form_shows_its_errors_and_records_nothing(client, world):
    client.force_login(world.users["coach"])
    response = client.post(
        reverse("notifications:record_choice", args=[world.person.pk]),
        choice_data(channels="sms", phone="04 65 71 12 34"),
    )
    assert response.status_code == 200
    page = text_of(response)
    assert "Le formulaire contient des erreurs" in page and "n'est pas un numéro de portable" in page
    assert not ReminderPreference.objects.exists()


def test_the_radios_are_a_fieldset_with_a_legend(client, world):
    client.force_login(world.users["coach"])
    page = client.get(reverse("notifications:record_choice", args=[world.person.pk])).content.decode()
    assert "<fieldset" in page and "<legend" in page
    assert page.count('type="radio"') == 4


@pytest.mark.parametrize("subject", [s for s in SUBJECTS if s != "anonymous"])
def test_who_may_record(client, world, subject):
    client.force_login(world.users[subject])
    response = client.post(reverse("notifications:record_choice", args=[world.person.pk]), choice_data())
    assert response.status_code == (302 if subject in PERSON_TEAM else 404)
    assert ReminderPreference.objects.exists() == (subject in PERSON_TEAM)


def test_a_choice_the_person_made_is_only_shown(client, world):
    ReminderPreference.objects.create(
        organisation=world.org_a,
        person=world.person,
        channels="email",
        email="moi@example.org",
        by_person=True,
    )
    client.force_login(world.users["coach"])
    url = reverse("notifications:record_choice", args=[world.person.pk])
    response = client.get(url)
    assert response.status_code == 200 and 'name="channels"' not in response.content.decode()
    assert "seule la personne peut le changer" in text_of(response)
    response = client.post(url, choice_data())
    assert response.status_code == 403
    assert ReminderPreference.objects.count() == 1
    overview = text_of(client.get(reverse("notifications:person_reminders", args=[world.person.pk])))
    assert "par la personne elle-même" in overview and "Enregistrer un nouveau choix" not in overview
    with pytest.raises(ValidationError):
        record(world)


def test_the_page_shows_the_choice_its_history_and_the_messages_without_their_text(client, world):
    first = record(world)
    first.recorded_at = timezone.now() - timedelta(days=20)
    first.save()
    record(world, channels=ReminderChannels.EMAIL, phone="", email="hugo@example.org")
    start = timezone.now() + timedelta(days=2)
    OutboundMessage.objects.create(
        organisation=world.org_a,
        person=world.person,
        service=world.a1,
        key="test:1",
        kind=MessageKind.REMINDER,
        channel=Channel.SMS,
        starts_at=start,
        recipient="+33639981234",
        body="Rappel : rendez-vous SECRET-TEXTE au service",
        due_at=timezone.now(),
        status=MessageStatus.SENT,
        sent_at=timezone.now(),
    )
    client.force_login(world.users["psychologist"])
    page = text_of(client.get(reverse("notifications:person_reminders", args=[world.person.pk])))
    assert "E-mail à hugo@example.org" in page
    assert "Historique : 2 choix" in page and "SMS au 06 39 98 12 34" in page
    assert "Rappel de rendez-vous" in page and "Envoyé" in page
    assert "SECRET-TEXTE" not in page


def test_the_messages_are_paginated_by_twenty(client, world):
    for number in range(25):
        OutboundMessage.objects.create(
            organisation=world.org_a,
            person=world.person,
            service=world.a1,
            key=f"test:{number}",
            kind=MessageKind.CONFIRMATION,
            channel=Channel.EMAIL,
            starts_at=timezone.now() + timedelta(days=3),
            recipient="a@example.org",
            body="x",
            due_at=timezone.now(),
        )
    client.force_login(world.users["coach"])
    url = reverse("notifications:person_reminders", args=[world.person.pk])
    first = client.get(url).content.decode()
    assert first.count("Confirmation de rendez-vous") == 20 and "Page 1 sur 2" in first
    assert client.get(url + "?page=2").content.decode().count("Confirmation de rendez-vous") == 5


def test_the_record_shows_the_current_choice_and_links_to_the_page(client, world):
    client.force_login(world.users["coach"])
    page = text_of(client.get(reverse("people:detail", args=[world.person.pk])))
    assert "Rappels de rendez-vous" in page and "Aucun rappel : la personne n'a pas fait de choix." in page
    record(world)
    page = text_of(client.get(reverse("people:detail", args=[world.person.pk])))
    assert "SMS au 06 39 98 12 34" in page and "enregistré par" in page
    assert reverse("notifications:person_reminders", args=[world.person.pk]) in page


def test_the_choice_is_in_the_audit_trail(world):
    record(world)
    entry = AuditEntry.objects.filter(
        kind=Kind.CREATE, object_type="notifications.reminderpreference"
    ).latest("pk")
    assert entry.person_id == world.person.pk


def test_the_booking_hint_follows_the_choice(world):
    assert (
        reminder_hint(world.person) == "Aucun rappel ne sera envoyé : la personne n'a pas choisi de rappel."
    )
    record(world, channels=ReminderChannels.BOTH, email="a@example.org")
    assert reminder_hint(world.person) == (
        "Un rappel sera envoyé à la personne deux jours avant à 9 h (SMS et e-mail)."
    )


def test_the_meeting_form_shows_the_hint(client, world):
    client.force_login(world.users["coach"])
    page = text_of(client.get(reverse("journal:meeting_add", args=[world.enrolment.pk])))
    assert "Aucun rappel ne sera envoyé" in page
