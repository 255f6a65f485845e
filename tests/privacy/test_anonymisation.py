import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from filrouge.audit.models import AuditEntry
from filrouge.consents.models import Consent
from filrouge.documents.models import Attachment
from filrouge.documents.reports import support_report
from filrouge.journal.models import Meeting, Note
from filrouge.pathways import caseload
from filrouge.pathways.domain import today
from filrouge.pathways.models import Enrolment
from filrouge.people.forms import PersonEditForm
from filrouge.people.models import Person
from filrouge.privacy import domain
from filrouge.privacy.export import export_data
from tests.accounts.helpers import recently_authenticated
from tests.pathways.factories import enrol
from tests.privacy.factories import REMINDER_TEXT, SECRET_NOTE, rich_record

pytestmark = pytest.mark.django_db


def report_figures(enrolment) -> dict:
    """What the support report counts, as the PDF prints it."""
    report = support_report(Enrolment.objects.get(pk=enrolment.pk))
    return {
        "phases": [(c.phase, c.changed_on) for c in report.phases],
        "duration": report.duration_days,
        "lifted": len(report.barriers_lifted),
        "open": len(report.barriers_open),
        "actions": report.action_counts,
        "meetings": report.meeting_counts,
        "workshops": report.workshops_attended,
        "employment": [(p.phase, p.start, p.end, p.days) for p in report.employment],
        "outcome": report.enrolment.exit_outcome,
        "exit": report.enrolment.exit_date,
    }


def service_figures(client, world) -> dict:
    """The dashboard's figures, the caseloads and the lists' counts of service A1."""
    client.force_login(world.users["head_of_service"])
    dashboard = client.get(reverse("outcomes:dashboard")).context
    people = client.get(reverse("people:list"), {"statut": "exited"}).context["page"].paginator.count
    current = client.get(reverse("people:list")).context["page"].paginator.count
    alerts = caseload.with_alerts(Enrolment.objects.current().filter(service=world.a1), today())
    return {
        "figures": (dashboard["summary"], dashboard["trend"]),
        "exited": people,
        "current": current,
        "loads": [(c["user"].pk, c["load"]) for c in caseload.coach_loads(world.a1)],
        "alerts": sorted(alerts.values_list("pk", "alert_profile_contact", "alert_overdue_actions")),
        "meetings": Meeting.objects.filter(enrolment__service=world.a1).count(),
        "notes": Note.objects.filter(enrolment__service=world.a1).count(),
        "documents": sorted(Attachment.objects.values_list("kind", flat=True)),
        "consents": sorted(Consent.objects.values_list("purpose", "status", "decided_on")),
    }


def test_anonymising_removes_names_contacts_free_text_and_files(world, django_capture_on_commit_callbacks):
    record = rich_record(world)
    paths = [a.file.path for a in record.files]
    with django_capture_on_commit_callbacks(execute=True):
        domain.anonymise(record.person, world.users["head_of_service"])

    person = Person.objects.get(pk=record.person.pk)
    assert person.full_name == f"Personne anonymisée n° {person.pk}"
    assert person.date_of_birth == date(1988, 1, 1)  # the year only
    assert person.sex == "female"  # a figure, not a name
    assert (person.phone, person.email, person.address, person.postal_code, person.city) == ("",) * 5
    assert person.is_anonymised
    # The partners' links go; a partner stays named where a figure or a proof needs them (the
    # referrer of a pathway, the recipient a consent was given for): a professional of the
    # directory, no longer tied to anyone who can be recognised.
    assert not person.contact_links.exists()
    assert not person.profile_revisions.exists()

    everything = json.dumps(export_data(person, world.users["psychologist"]), ensure_ascii=False)
    for secret in (
        "Mélodie",
        "Carpentier",
        "Roux",
        "melodie",
        "Tanneurs",
        "burn-out",
        "CHS du Valentinois",
        "Prête à chercher",
        "divorce",
        "Sa sœur",
        "idées noires",
        SECRET_NOTE,
        "frère",
        "Pâtisserie",
        "Ponctuelle",
        "nuit",
        "Boulangerie Martin",
        "melodie.rappels",
        "0639981234",
        "+33639981234",
        REMINDER_TEXT,
        "Renvoyée",
        "Tain",
        "Permis suspendu",
        "bipolaires",
        "chez Martin",
        "M. Martin",
        "rappellera",
        "Fait avec sa sœur",
        "ESAT Les Ateliers",
        "Départ en ESAT",
        "devant sa mère",
        "Mme Carpentier",
        "Bureau de Valence",
        "rechute",
        "traitement",
        "harcelée",
        "chez sa mère",
        "très motivée",
        "44.93",
    ):
        assert secret not in everything, secret
    assert all(not path.exists() for path in map(__import__("pathlib").Path, paths))
    assert set(Attachment.objects.filter(person=person).values_list("title", flat=True)) == {
        "Document supprimé"
    }
    meetings = Meeting.objects.filter(enrolment=record.enrolment)
    assert {(m.summary, m.place, m.others) for m in meetings} == {("", "", "")}
    assert {n.text for n in Note.objects.filter(enrolment=record.enrolment)} == {""}


def test_anonymising_leaves_the_figures_and_the_support_report_unchanged(
    world, client, django_capture_on_commit_callbacks
):
    record = rich_record(world)
    enrol(world.a1, coach=world.users["coach"])  # someone still followed, in the caseload
    before = (report_figures(record.enrolment), service_figures(client, world))
    with django_capture_on_commit_callbacks(execute=True):
        domain.anonymise(record.person, world.users["head_of_service"])
    after = (report_figures(record.enrolment), service_figures(client, world))
    assert after == before
    assert before[0]["meetings"] and before[0]["actions"] and before[0]["workshops"] == 1
    assert before[1]["figures"][0].flows.supported >= 3  # the dashboard counts the person anonymised


def test_anonymising_keeps_each_named_recipient_apart(world):
    record = rich_record(world)
    domain.anonymise(record.person, world.users["head_of_service"])
    consents = Consent.objects.filter(person=record.person).order_by("pk")
    assert [c.recipient_display for c in consents][1] == "Destinataire anonymisé n° 1"
    assert [c.witness_display for c in consents][1] == "Témoin anonymisé"
    assert {c.comment for c in consents} == {""}


def test_anonymisation_and_audit(world):
    record = rich_record(world)
    user = world.users["director"]
    record.person.first_name = "Méli"
    record.person.save()  # the trail keeps the old and new names of this change...
    domain.anonymise(record.person, user)
    entry = AuditEntry.objects.get(kind="anonymise", person_id=record.person.pk)
    assert entry.actor == user
    # ... until the anonymisation: no entry about the person keeps a value any more.
    assert not AuditEntry.objects.filter(person_id=record.person.pk).exclude(changes="").exists()


def test_a_pathway_still_under_way_is_ended_first(world):
    record = rich_record(world, exited=False)
    with pytest.raises(ValidationError, match="encore en cours"):
        domain.anonymise(record.person, world.users["director"])
    assert Person.objects.get(pk=record.person.pk).birth_name == "Carpentier"


def test_an_anonymised_record_is_not_anonymised_twice_nor_edited(world):
    record = rich_record(world)
    domain.anonymise(record.person, world.users["director"])
    person = Person.objects.get(pk=record.person.pk)
    with pytest.raises(ValidationError, match="déjà anonymisé"):
        domain.anonymise(person, world.users["director"])
    form = PersonEditForm(
        {
            "first_name": "Mélodie",
            "birth_name": "Carpentier",
            "date_of_birth": "1988-01-01",
            "version": person.version,
        },
        instance=person,
    )
    assert not form.is_valid()
    assert "anonymisé" in str(form.non_field_errors())


def test_an_anonymised_record_takes_no_new_pathway_nor_partner_even_by_a_forged_post(world, client):
    record = rich_record(world)
    domain.anonymise(record.person, world.users["director"])
    person = Person.objects.get(pk=record.person.pk)
    with pytest.raises(ValidationError, match="anonymisé"):
        enrol(world.a2, person=person)
    client.force_login(world.users["coach"])
    pathways, links = person.enrolments.count(), person.contact_links.count()
    response = client.post(
        reverse("people:contact_add", args=[person.pk]),
        {"contact": world.contact.pk, "relation": "referring_partner"},
    )
    assert response.status_code == 200
    assert "anonymisé" in response.content.decode()
    assert (person.enrolments.count(), person.contact_links.count()) == (pathways, links)


def test_the_record_and_the_list_say_the_person_was_anonymised(world, client):
    record = rich_record(world)
    domain.anonymise(record.person, world.users["director"])
    client.force_login(world.users["coach"])
    page = client.get(reverse("people:detail", args=[record.person.pk])).content.decode()
    assert "a été anonymisé le" in page
    assert reverse("people:edit", args=[record.person.pk]) not in page
    listing = client.get(reverse("people:list"), {"statut": "exited"}).content.decode()
    assert "anonymisé" in listing


def test_the_confirmation_page_says_what_will_happen_and_only_the_post_does_it(world, client):
    record = rich_record(world)
    url = reverse("privacy:anonymise", args=[record.person.pk])
    recently_authenticated(client, world.users["head_of_service"])
    page = client.get(url).content.decode()
    assert "Cette action est définitive" in page
    assert Person.objects.get(pk=record.person.pk).birth_name == "Carpentier"
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:person_rights", args=[record.person.pk])
    assert Person.objects.get(pk=record.person.pk).is_anonymised


def test_anonymising_asks_for_a_recent_sign_in(world, client):
    record = rich_record(world)
    client.force_login(world.users["head_of_service"])
    response = client.post(reverse("privacy:anonymise", args=[record.person.pk]))
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert not Person.objects.get(pk=record.person.pk).is_anonymised


def test_a_pathway_under_way_is_refused_on_the_page(world, client):
    record = rich_record(world, exited=False)
    recently_authenticated(client, world.users["head_of_service"])
    response = client.post(reverse("privacy:anonymise", args=[record.person.pk]))
    assert response.status_code == 200
    assert "encore en cours" in response.content.decode()
    assert not Person.objects.get(pk=record.person.pk).is_anonymised


def test_a_head_of_one_of_two_services_cannot_anonymise(world, client):
    """The record holds another service's pathway: its head, or the director, decides."""
    record = rich_record(world)
    other = enrol(world.a2, person=record.person, days_ago=300)
    from filrouge.pathways import domain as pathways

    pathways.record_exit(other, on=today() - timedelta(days=10), outcome="moved", by=None)
    recently_authenticated(client, world.users["head_of_service"])
    assert client.get(reverse("privacy:anonymise", args=[record.person.pk])).status_code == 404
    assert client.post(reverse("privacy:anonymise", args=[record.person.pk])).status_code == 404
    page = client.get(reverse("privacy:person_rights", args=[record.person.pk])).content.decode()
    assert reverse("privacy:anonymise", args=[record.person.pk]) not in page
    assert reverse("privacy:export_zip", args=[record.person.pk]) in page  # the export, of A1

    recently_authenticated(client, world.users["director"])
    assert client.post(reverse("privacy:anonymise", args=[record.person.pk])).status_code == 302


def test_anonymising_forgets_the_reminder_choices_and_the_messages_words(world):
    record = rich_record(world, exited=True)
    person = record.person
    pending = person.outbound_messages.first()
    pending.pk = None
    pending.key, pending.status, pending.sent_at = "test:pending", "pending", None
    pending.save()

    domain.anonymise(person, world.users["head_of_service"])

    assert not person.reminder_preferences.exists()  # contact details: gone
    # The messages stay counted (kind, date, status), without recipient nor text, and none leaves.
    assert sorted(person.outbound_messages.values_list("kind", "status", "recipient", "body")) == [
        ("reminder", "sent", "", ""),
        ("reminder", "skipped", "", ""),
    ]
