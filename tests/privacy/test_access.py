"""The right of access answered whole: the data protection officer's request, the professionals'
reviews of the writings kept for their profession, the deadline and the complete export."""

import io
import json
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.urls import reverse

from filrouge import policy
from filrouge.audit.models import AuditEntry, Kind
from filrouge.core.dates import add_months
from filrouge.core.navigation import navigation_links
from filrouge.organisations.models import Role
from filrouge.privacy import access, domain, export
from filrouge.privacy.export import export_data
from filrouge.privacy.models import WITHHELD_MARK, AccessRequest, RequestStatus, WritingReview
from tests.accounts.factories import staff
from tests.accounts.helpers import recently_authenticated
from tests.journal.factories import MeetingFactory, NoteFactory
from tests.pathways.factories import enrol
from tests.privacy.factories import SECRET_NOTE, TODAY, open_request, review, rich_record
from tests.privacy.schema_check import errors

SCHEMA = json.loads((Path(export.__file__).parent / "export_schema.json").read_text())
MEETING_SECRET = "idées noires"

pytestmark = pytest.mark.django_db


def texts(data) -> str:
    return json.dumps(data, ensure_ascii=False)


def writings(data) -> tuple[list, list]:
    """Every note and meeting of the export, all pathways together."""
    notes = [n for p in data["pathways"] for n in p["notes"]]
    meetings = [m for p in data["pathways"] for m in p["meetings"]]
    return notes, meetings


def reviewed_request(world, record, **note_review):
    """A request whose two restricted writings the psychologist reviewed: the note as asked
    (included by default), the meeting with its dark passage withheld."""
    access_request = open_request(world, record.person)
    psychologist = world.users["psychologist"]
    review(access_request, record.psychologist_note, psychologist, **note_review)
    review(
        access_request,
        record.psychologist_meeting,
        psychologist,
        decision="redact",
        ground="third_party",
        explanation="Un passage concerne un membre de votre famille.",
        withheld_passages=MEETING_SECRET,
    )
    access_request.refresh_from_db()
    return access_request


# --- What the ordinary export leaves out, and what the complete one holds ------------------------


def test_the_ordinary_export_still_leaves_restricted_writings_out_even_once_reviewed(world):
    record = rich_record(world)
    reviewed_request(world, record)
    for reader in ("head_of_service", "director"):
        data = export_data(record.person, world.users[reader])
        assert SECRET_NOTE not in texts(data), reader
        assert MEETING_SECRET not in texts(data), reader
        assert data["writings_not_included"]["count"] == 2
        assert "access_request" not in data
        notes, meetings = writings(data)
        assert all("review" not in w for w in notes + meetings)


def test_opening_a_request_lists_each_restricted_writing_for_review_with_its_deadline(world):
    record = rich_record(world)
    access_request = open_request(world, record.person, days_ago=0)
    assert access_request.status == RequestStatus.OPEN
    assert access_request.due_on == add_months(TODAY, 1)
    rows = list(access_request.reviews.all())
    assert {(r.note_id, r.meeting_id) for r in rows} == {
        (record.psychologist_note.pk, None),
        (None, record.psychologist_meeting.pk),
    }
    assert all(r.decision == "" for r in rows)
    assert access.export_refusal(access.sync_reviews(access_request)) is not None


def test_the_complete_export_holds_every_restricted_writing_as_reviewed(world):
    record = rich_record(world)
    enrol(world.a2, person=record.person, referral_reason="Motif connu du seul service A2.")
    access_request = reviewed_request(world, record)
    assert access_request.status == RequestStatus.REVIEWED

    data = access.complete_export(access_request, world.users["dpo"])

    assert errors(data, SCHEMA) == []
    assert data["writings_not_included"] == {"count": 0, "explanation": ""}
    assert {p["service"]["name"] for p in data["pathways"]} == {"A1", "A2"}  # every service
    assert "Motif connu du seul service A2." in texts(data)
    notes, meetings = writings(data)
    [secret] = [n for n in notes if n.get("review")]
    assert secret["text"] == SECRET_NOTE
    assert secret["review"]["decision"]["code"] == "include"
    assert secret["review"]["reviewed_by"] == world.users["psychologist"].full_name
    [redacted] = [m for m in meetings if m.get("review")]
    assert MEETING_SECRET not in texts(data)
    assert redacted["summary"] == f"Entretien psychologique : {WITHHELD_MARK}."
    assert redacted["review"]["ground"]["code"] == "third_party"
    assert redacted["review"]["explanation"] == "Un passage concerne un membre de votre famille."
    # The open writings are there as in any export, without a review.
    assert {n["text"] for n in notes if "review" not in n} == {"A trouvé un logement chez son frère."}
    assert len(data["attachments"]) == 2
    assert data["access_request"]["due_on"] == access_request.due_on.isoformat()


def test_a_withheld_writing_appears_as_withheld_with_its_reason_never_its_text(world):
    record = rich_record(world)
    access_request = reviewed_request(
        world,
        record,
        decision="withhold",
        ground="through_doctor",
        explanation="Cette note vous sera communiquée par le médecin que vous avez désigné.",
    )
    data = access.complete_export(access_request, world.users["dpo"])
    assert errors(data, SCHEMA) == []
    assert SECRET_NOTE not in texts(data)
    notes, _ = writings(data)
    [withheld] = [n for n in notes if n.get("review")]
    assert withheld["text"] is None
    assert withheld["written_on"] == record.psychologist_note.written_on.isoformat()
    assert withheld["review"]["decision"] == {"code": "withhold", "label": "Non communiqué"}
    assert withheld["review"]["ground"]["label"].startswith(
        "Informations de santé communiquées par le médecin"
    )

    html = export_pdf_html(record.person, data)
    assert SECRET_NOTE not in html and MEETING_SECRET not in html
    assert "Contenu non communiqué." in html
    assert "Cette note vous sera communiquée par le médecin que vous avez désigné." in html
    assert "Réponse à votre demande d'accès" in html


def export_pdf_html(person, data) -> str:
    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    with translation.override("fr"):
        context = {
            "person": person,
            "organisation": person.organisation,
            "data": data,
            "generated_at": timezone.now(),
        }
        return render_to_string("privacy/export_pdf.html", context)


def test_a_restricted_writing_never_goes_out_without_its_current_review(world):
    """Even if the gate were skipped: the scope leaves out what no current review covers."""
    record = rich_record(world)
    access_request = open_request(world, record.person)
    data = access.complete_export(access_request, world.users["dpo"])
    assert SECRET_NOTE not in texts(data) and MEETING_SECRET not in texts(data)
    assert data["writings_not_included"]["count"] == 2


def test_the_complete_export_is_only_the_officers(world):
    record = rich_record(world)
    access_request = reviewed_request(world, record)
    for name in ("head_of_service", "director", "psychologist", "org_admin"):
        data = access.complete_export(access_request, world.users[name])
        assert data["pathways"] == [] and data["attachments"] == [], name
        assert SECRET_NOTE not in texts(data), name


# --- The downloads ---------------------------------------------------------------------------------


def test_the_complete_export_cannot_be_downloaded_before_every_review(world, client):
    record = rich_record(world)
    access_request = open_request(world, record.person)
    review(access_request, record.psychologist_note, world.users["psychologist"])  # one of two
    recently_authenticated(client, world.users["dpo"])
    for name in ("privacy:access_export_json", "privacy:access_export_pdf", "privacy:access_export_zip"):
        response = client.get(reverse(name, args=[access_request.pk]))
        assert response.status_code == 302, name
        assert response["Location"] == reverse("privacy:access_request", args=[access_request.pk])
    assert not AuditEntry.objects.filter(kind=Kind.EXPORT).exists()
    page = client.get(reverse("privacy:access_request", args=[access_request.pk])).content.decode()
    assert "1 relecture reste à faire" in page
    assert reverse("privacy:access_export_zip", args=[access_request.pk]) not in page


def test_once_reviewed_the_officer_downloads_it_and_each_download_is_an_export_entry(world, client):
    record = rich_record(world)
    access_request = reviewed_request(world, record)
    dpo = world.users["dpo"]
    recently_authenticated(client, dpo)

    response = client.get(
        reverse("privacy:access_export_zip", args=[access_request.pk]), REMOTE_ADDR="203.0.113.9"
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="droit-d-acces-{record.person.pk}-{access_request.pk}.zip"'
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert SECRET_NOTE in texts(data) and MEETING_SECRET not in texts(data)
    assert archive.read("donnees-personnelles.pdf").startswith(b"%PDF")
    assert len([n for n in archive.namelist() if n.startswith("documents/")]) == 2  # every file
    entry = AuditEntry.objects.get(kind=Kind.EXPORT)
    assert (entry.actor, entry.detail, entry.person_id, entry.address) == (
        dpo,
        "privacy:access_export_zip",
        record.person.pk,
        "203.0.113.9",
    )
    assert (entry.object_type, entry.object_id) == ("privacy.accessrequest", access_request.pk)
    assert client.get(reverse("privacy:access_export_json", args=[access_request.pk])).status_code == 200
    pdf = client.get(reverse("privacy:access_export_pdf", args=[access_request.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_download_asks_for_a_recent_sign_in_first(world, client):
    record = rich_record(world)
    access_request = reviewed_request(world, record)
    client.force_login(world.users["dpo"])
    response = client.get(reverse("privacy:access_export_json", args=[access_request.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert not AuditEntry.objects.filter(kind=Kind.EXPORT).exists()


# --- The reviews ------------------------------------------------------------------------------------


def review_url(access_request, writing) -> str:
    kind = "note" if writing.__class__.__name__ == "Note" else "meeting"
    return reverse("privacy:access_review", args=[access_request.reviews.get(**{kind: writing}).pk])


def test_the_professional_reads_the_writing_and_records_a_decision(world, client):
    record = rich_record(world)
    access_request = open_request(world, record.person)
    psychologist = world.users["psychologist"]
    client.force_login(psychologist)
    listing = client.get(reverse("privacy:access_reviews")).content.decode()
    url = review_url(access_request, record.psychologist_note)
    assert url in listing
    page = client.get(url).content.decode()
    assert SECRET_NOTE in page  # the reviewer reads it in full

    response = client.post(
        url,
        {
            "decision": "withhold",
            "ground": "third_party",
            "explanation": "Elle parle surtout de votre frère.",
            "writing_version": record.psychologist_note.version,
        },
    )

    assert response.status_code == 302
    row = WritingReview.objects.get(request=access_request, note=record.psychologist_note)
    assert (row.decision, row.ground, row.reviewed_by) == ("withhold", "third_party", psychologist)
    assert row.reviewed_at is not None and row.writing_version == record.psychologist_note.version
    assert url not in client.get(reverse("privacy:access_reviews")).content.decode()


def test_the_record_shows_the_writings_waiting_for_the_reviewer(world, client):
    record = rich_record(world)
    access_request = open_request(world, record.person)
    url = review_url(access_request, record.psychologist_note)
    client.force_login(world.users["psychologist"])
    page = client.get(reverse("privacy:person_rights", args=[record.person.pk])).content.decode()
    assert "Demande d'accès : écrits à relire" in page and url in page
    client.force_login(world.users["coach"])
    page = client.get(reverse("privacy:person_rights", args=[record.person.pk])).content.decode()
    assert "écrits à relire" not in page and url not in page


def test_a_reviewer_of_another_profession_or_service_cannot_review(world, client):
    record = rich_record(world)
    access_request = open_request(world, record.person)
    url = review_url(access_request, record.psychologist_note)
    elsewhere = staff(Role.PSYCHOLOGIST, world.a2, email="psy@a2.example")
    outsiders = [
        "coach",
        "social_worker",
        "educator",
        "head_of_service",
        "director",
        "dpo",
        "other_org_coach",
    ]
    for user in [world.users[name] for name in outsiders] + [elsewhere]:
        client.force_login(user)
        assert client.get(url).status_code == 404, user
        data = {"decision": "include", "writing_version": record.psychologist_note.version}
        assert client.post(url, data).status_code == 404, user
    assert not access_request.reviews.exclude(decision="").exists()
    for name in ("coach", "head_of_service"):
        client.force_login(world.users[name])
        assert url not in client.get(reverse("privacy:access_reviews")).content.decode(), name
    for name in ("director", "dpo", "org_admin", "funder_viewer"):
        client.force_login(world.users[name])
        assert client.get(reverse("privacy:access_reviews")).status_code == 403, name


def test_the_author_reviews_their_own_writing_and_is_named_as_a_reviewer(world, client):
    record = rich_record(world)
    former = staff(Role.COACH, world.a2, email="ancienne-psy@a2.example")
    note = NoteFactory(enrolment=record.enrolment, author=former, restricted=True)
    access_request = open_request(world, record.person)
    assert former in policy.access_reviewers(note)
    assert set(policy.access_reviewers(record.psychologist_note)) == {world.users["psychologist"]}
    client.force_login(former)
    assert client.get(review_url(access_request, note)).status_code == 200
    assert client.get(review_url(access_request, record.psychologist_note)).status_code == 404


def test_a_decision_needs_its_reason_and_passages_found_in_the_writing(world):
    record = rich_record(world)
    access_request = open_request(world, record.person)
    psychologist = world.users["psychologist"]
    with pytest.raises(ValidationError) as refused:
        review(access_request, record.psychologist_note, psychologist, decision="withhold")
    assert set(refused.value.error_dict) == {"ground", "explanation"}
    with pytest.raises(ValidationError) as refused:
        review(
            access_request,
            record.psychologist_meeting,
            psychologist,
            decision="redact",
            ground="third_party",
            explanation="Un tiers.",
            withheld_passages="une phrase qui n'y est pas",
        )
    assert set(refused.value.error_dict) == {"withheld_passages"}
    assert not access_request.reviews.exclude(decision="").exists()


def test_a_writing_corrected_after_its_review_is_reviewed_again(world, client):
    record = rich_record(world)
    access_request = reviewed_request(world, record)
    note = record.psychologist_note
    note.text = "Texte corrigé après la relecture."
    note.version += 1
    note.save()

    reviews = access.sync_reviews(access_request)

    assert [r.note_id for r in access.pending(reviews)] == [note.pk]
    assert access_request.status == RequestStatus.OPEN
    recently_authenticated(client, world.users["dpo"])
    assert client.get(reverse("privacy:access_export_json", args=[access_request.pk])).status_code == 302


def test_a_correction_made_while_the_reviewer_reads_is_read_first(world, client):
    record = rich_record(world)
    access_request = open_request(world, record.person)
    note = record.psychologist_note
    url = review_url(access_request, note)
    client.force_login(world.users["psychologist"])
    read_version = note.version
    note.text, note.version = "Corrigée entre-temps.", note.version + 1
    note.save()

    response = client.post(url, {"decision": "include", "writing_version": read_version})

    assert response.status_code == 200
    assert "corrigé pendant votre relecture" in response.content.decode()
    assert not access_request.reviews.exclude(decision="").exists()
    assert client.post(url, {"decision": "include", "writing_version": note.version}).status_code == 302


def test_a_writing_kept_for_a_profession_after_the_opening_is_reviewed_too(world):
    record = rich_record(world)
    access_request = reviewed_request(world, record)
    late = NoteFactory(enrolment=record.enrolment, author=world.users["psychologist"], restricted=True)
    reviews = access.sync_reviews(access_request)
    assert [r.note_id for r in access.pending(reviews)] == [late.pk]
    assert access_request.status == RequestStatus.OPEN


# --- The officer's pages, the deadline and the answer ----------------------------------------------


def test_only_the_officer_opens_requests(world, client):
    record = rich_record(world)
    open_url = reverse("privacy:access_open", args=[record.person.pk])
    data = {"received_on": TODAY.isoformat(), "requested_by": "Courrier"}
    for name in ("coach", "psychologist", "head_of_service", "director", "org_admin"):
        client.force_login(world.users[name])
        assert client.get(reverse("privacy:access_requests")).status_code == 403, name
        assert client.post(open_url, data).status_code == 403, name
    assert not AccessRequest.objects.exists()
    other_dpo = staff(Role.DPO, organisation=world.org_b, email="dpo@b.example")
    client.force_login(other_dpo)
    assert client.post(open_url, data).status_code == 404

    client.force_login(world.users["dpo"])
    response = client.post(open_url, data)

    opened = AccessRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:access_request", args=[opened.pk])
    assert (opened.person, opened.opened_by, opened.organisation) == (
        record.person,
        world.users["dpo"],
        world.org_a,
    )
    assert opened.received_on == TODAY and opened.reviews.count() == 2


def test_the_officers_pages_list_the_requests_by_due_date_without_restricted_content(world, client):
    record = rich_record(world)
    client.force_login(world.users["dpo"])
    assert "privacy:access_requests" in navigation_links(world.users["dpo"])
    assert "privacy:access_requests" not in navigation_links(world.users["head_of_service"])
    empty = client.get(reverse("privacy:access_requests")).content.decode()
    assert "Aucune demande en cours." in empty
    found = client.get(reverse("privacy:access_requests"), {"q": "Carpentier"}).content.decode()
    assert reverse("privacy:access_open", args=[record.person.pk]) in found
    audit_page = client.get(reverse("audit:person", args=[record.person.pk])).content.decode()
    assert reverse("privacy:access_open", args=[record.person.pk]) in audit_page

    access_request = open_request(world, record.person, days_ago=10)
    listing = client.get(reverse("privacy:access_requests")).content.decode()
    assert reverse("privacy:access_request", args=[access_request.pk]) in listing
    assert access_request.due_on.strftime("%d/%m/%Y") in listing
    page = client.get(reverse("privacy:access_request", args=[access_request.pk])).content.decode()
    assert SECRET_NOTE not in page and MEETING_SECRET not in page
    assert world.users["psychologist"].full_name in page  # who may review
    assert "À relire" in page


def test_the_deadline_is_one_month_extendable_once_by_two_within_the_first_month(world):
    record = rich_record(world)
    access_request = open_request(world, record.person)
    access_request.received_on = date(2026, 1, 31)
    access_request.save()
    assert access_request.due_on == date(2026, 2, 28)
    with pytest.raises(ValidationError):
        access.extend(access_request, reason="Trop tard.", on=date(2026, 3, 1))
    with pytest.raises(ValidationError):
        access.extend(access_request, reason="  ", on=date(2026, 2, 10))
    extended = access.extend(access_request, reason="Dossier très volumineux.", on=date(2026, 2, 28))
    assert extended.due_on == date(2026, 4, 30)
    assert extended.extended_on == date(2026, 2, 28)
    with pytest.raises(ValidationError):
        access.extend(extended, reason="Encore.", on=date(2026, 2, 28))


def test_answering_needs_every_review_then_records_when_and_freezes_the_reviews(world, client):
    record = rich_record(world)
    access_request = open_request(world, record.person)
    dpo = world.users["dpo"]
    client.force_login(dpo)
    answer_url = reverse("privacy:access_answer", args=[access_request.pk])
    assert "relecture" in client.get(answer_url).content.decode()
    client.post(answer_url)
    access_request.refresh_from_db()
    assert (access_request.status, access_request.answered_at) == (RequestStatus.OPEN, None)

    reviewed_request_for(world, record, access_request)
    page = client.get(answer_url).content.decode()
    assert "Confirmer la réponse" in page  # a confirmation before answering
    assert client.post(answer_url).status_code == 302

    access_request.refresh_from_db()
    assert access_request.status == RequestStatus.ANSWERED
    assert access_request.answered_at is not None and access_request.answered_by == dpo
    with pytest.raises(ValidationError):
        review(access_request, record.psychologist_note, world.users["psychologist"], decision="withhold")
    client.force_login(world.users["psychologist"])
    url = review_url(access_request, record.psychologist_note)
    client.post(url, {"decision": "withhold", "ground": "other", "explanation": "Non.", "writing_version": 1})
    assert access_request.reviews.get(note=record.psychologist_note).decision == "include"


def reviewed_request_for(world, record, access_request):
    psychologist = world.users["psychologist"]
    review(access_request, record.psychologist_note, psychologist)
    review(access_request, record.psychologist_meeting, psychologist)


def test_each_step_is_in_the_audit_trail_without_the_withheld_passages(world):
    record = rich_record(world)
    access_request = reviewed_request(world, record)
    access.answer(access_request, by=world.users["dpo"])
    changes = AuditEntry.objects.filter(person_id=record.person.pk, object_type="privacy.accessrequest")
    assert set(changes.values_list("kind", flat=True)) == {Kind.CREATE, Kind.UPDATE}
    answered = changes.filter(kind=Kind.UPDATE).latest("pk")
    assert json.loads(answered.changes)["values"]["status"][1] == "answered"
    row = access_request.reviews.get(meeting=record.psychologist_meeting)
    [decided] = AuditEntry.objects.filter(
        object_type="privacy.writingreview", object_id=row.pk, kind=Kind.UPDATE
    )
    assert "withheld_passages" in decided.fields and "decision" in decided.fields
    assert MEETING_SECRET not in decided.changes  # the passage is named, never kept
    values = json.loads(decided.changes)["values"]
    assert "withheld_passages" not in values and values["decision"] == ["", "redact"]


# --- Anonymisation and retention wait for the answer ------------------------------------------------


def test_a_record_is_not_anonymised_nor_erased_while_its_person_waits_for_an_answer(world):
    record = rich_record(world)
    access_request = reviewed_request(world, record)
    assert "demande de droit d'accès" in domain.anonymisation_refusal(record.person)
    with pytest.raises(ValidationError):
        domain.anonymise(record.person, world.users["director"])
    assert record.person.pk not in [p.pk for p in domain.retention_due(TODAY + timedelta(days=365 * 40))]
    referred = enrol(world.a1, intake_after=None).person
    open_request(world, referred)
    assert "demande de droit d'accès" in domain.erasure_refusal(referred)

    access.answer(access_request, by=world.users["dpo"])
    assert record.person.pk in [p.pk for p in domain.retention_due(TODAY + timedelta(days=365 * 40))]
    domain.anonymise(record.person, world.users["director"])
    access_request.refresh_from_db()
    assert access_request.requested_by == "" and access_request.status == RequestStatus.ANSWERED
    assert not access_request.reviews.exclude(explanation="").exists()
    assert not access_request.reviews.exclude(withheld_passages="").exists()


# --- Concurrency (PostgreSQL) -------------------------------------------------------------------------


def at_once(*steps):
    """Runs the steps in threads released together, each in its own transaction; a refusal
    (ValidationError) is returned as its outcome."""
    barrier = threading.Barrier(len(steps))

    def run(step):
        try:
            barrier.wait()
            with transaction.atomic():
                return step()
        except ValidationError as refused:
            return refused
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(steps)) as pool:
        return list(pool.map(run, steps))


def fresh(access_request):
    return AccessRequest.objects.get(pk=access_request.pk)


@pytest.mark.django_db(transaction=True)
def test_a_review_and_the_answer_at_the_same_moment_never_cross(world):
    """The officer answers while the psychologist records the last review: either the review
    comes first and the answer holds it, or the answer is refused; never an answer with a
    review missing."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer already; the row lock is PostgreSQL's concern")
    psychologist = world.users["psychologist"]
    meeting = MeetingFactory(enrolment=world.enrolment, created_by=psychologist, restricted=True)
    note = NoteFactory(enrolment=world.enrolment, author=psychologist, restricted=True)
    access_request = open_request(world, world.person)
    review(access_request, meeting, psychologist)

    _, answered = at_once(
        lambda: review(access_request, note, psychologist),
        lambda: access.answer(fresh(access_request), by=world.users["dpo"]),
    )

    access_request.refresh_from_db()
    if access_request.is_answered:
        reviews = access.reviews_of(access_request)
        assert all(r.is_current and r.reviewed_at <= access_request.answered_at for r in reviews)
    else:
        assert isinstance(answered, ValidationError)
        assert access_request.status == RequestStatus.REVIEWED


@pytest.mark.django_db(transaction=True)
def test_two_pages_opened_at_once_add_each_writing_to_review_once(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer already; the row lock is PostgreSQL's concern")
    psychologist = world.users["psychologist"]
    NoteFactory(enrolment=world.enrolment, author=psychologist, restricted=True)
    access_request = open_request(world, world.person)
    late = NoteFactory(enrolment=world.enrolment, author=psychologist, restricted=True)

    outcomes = at_once(*[lambda: access.sync_reviews(fresh(access_request))] * 3)

    assert all(isinstance(o, list) for o in outcomes)
    assert access_request.reviews.filter(note=late).count() == 1
    assert access_request.reviews.count() == 2
