import io
import json
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from filrouge.audit.models import AuditEntry
from filrouge.privacy import export
from filrouge.privacy.export import export_data
from tests.accounts.helpers import recently_authenticated
from tests.privacy.factories import SECRET_NOTE, rich_record
from tests.privacy.schema_check import errors

SCHEMA = json.loads((Path(export.__file__).parent / "export_schema.json").read_text())

pytestmark = pytest.mark.django_db


def texts(data) -> str:
    return json.dumps(data, ensure_ascii=False)


def test_the_export_holds_every_part_of_the_record(world):
    record = rich_record(world)
    data = export_data(record.person, world.users["head_of_service"])

    assert [(c["channels"]["code"], c["email"]) for c in data["reminder_choices"]] == [
        ("email", "melodie.carpentier@exemple.example"),
        ("both", "melodie.rappels@exemple.example"),
    ]
    [message] = data["messages"]
    assert (message["kind"]["code"], message["channel"]["code"], message["status"]["label"]) == (
        "reminder", "sms", "Envoyé",
    )  # fmt: skip
    assert message["recipient"] == "+33639981234" and "Tanneurs" in message["text"]
    assert data["person"]["birth_name"] == "Carpentier"
    assert data["person"]["email"] == "melodie.carpentier@exemple.example"
    assert [p["contact"]["name"] for p in data["partners"]] == ["Dr Lemaire"]
    [pathway] = data["pathways"]
    assert pathway["referral_reason"] == "Orientée après un burn-out."
    assert pathway["exit"]["outcome"]["code"] == "reorientation_esat"
    assert pathway["exit"]["reoriented_to"] == "ESAT Les Ateliers de Romans"
    assert pathway["entry_situation"]["education_level"]["label"]
    assert [c["phase"]["code"] for c in pathway["phase_history"]] == [
        "referral",
        "intake",
        "job_search",
        "in_employment",
        "exit",
    ]
    assert pathway["suspensions"][0]["comment"] == "Hospitalisée au CHS du Valentinois."
    [plan] = pathway["action_plans"]
    assert [a["outcome_note"] for a in plan["objectives"][0]["actions"]] == [
        "Il rappellera.",
        "Fait avec sa sœur.",
    ]
    assert {n["text"] for n in pathway["notes"]} == {"A trouvé un logement chez son frère."}
    assert len(pathway["meetings"]) == 2
    assert pathway["workshop_registrations"][0]["attendance"]["code"] == "present"
    assert data["profile"]["skills"] == "Pâtisserie fine"
    assert data["profile"]["experiences"][0]["employer"] == "Boulangerie Martin"
    assert {b["comment"] for b in data["barriers"]} == {
        "Permis suspendu jusqu'en mars.",
        "Troubles bipolaires.",
    }
    assert len(data["profile_revisions"]) == 1
    assert {a["title"] for a in data["attachments"]} == {"CV de Mélodie Carpentier", "Consentement signé"}
    assert {c["recipient"] for c in data["consents"]} == {
        "Boulangerie Martin",
        str(record.person.contact_links.get().contact),
    }
    assert data["controller"]["name"] == "Organisation A"
    (job,) = data["pathways"][0]["placements"]
    assert (job["company"], job["end_reason"]["code"], job["durable_employment"]) == (
        "Atelier Floral du Rhône",
        "health",
        True,
    )
    assert job["adjustments"][0]["reviews"][0]["comment"] == "Le traitement la fatigue moins."
    assert job["support_contacts"][0]["notes"] == "Se dit harcelée par un collègue."
    assert data["pathways"][0]["proposals"][0]["answer"]["code"] == "hired"
    assert data["employer_contacts"][0]["notes"] == "Présentée à la gérante comme très motivée."
    assert (data["person"]["latitude"], data["person"]["longitude"]) == (44.93333, 4.89236)


def test_the_export_matches_its_documented_schema(world, client):
    record = rich_record(world)
    client.force_login(world.users["coach"])
    client.get(reverse("people:detail", args=[record.person.pk]))  # an access in the trail
    data = export_data(record.person, world.users["head_of_service"])
    assert data["record_accesses"], "the trail names who read the record"
    assert errors(data, SCHEMA) == []
    # And once through JSON, as the person receives it.
    assert errors(json.loads(export.export_json(data)), SCHEMA) == []


def test_the_schema_check_finds_a_missing_or_unknown_key(world):
    data = export_data(rich_record(world).person, world.users["director"])
    del data["person"]["email"]
    data["pathways"][0]["surprise"] = 1
    assert sorted(errors(data, SCHEMA)) == [
        "$.pathways[0]: 'surprise' is not in the schema",
        "$.person: 'email' is missing",
    ]


def test_a_psychologists_note_never_leaks_through_a_coachs_or_a_head_of_services_export(world):
    """Exports are made by heads of service; a coach's view of the same pathways is proven too,
    since the export follows the reader whoever they are."""
    record = rich_record(world)
    for reader in ("coach", "head_of_service", "director"):
        data = export_data(record.person, world.users[reader])
        assert SECRET_NOTE not in texts(data), reader
        assert "idées noires" not in texts(data), reader
        assert data["writings_not_included"]["count"] == 2
        assert "professionnels concernés" in data["writings_not_included"]["explanation"]


def test_the_psychologist_exports_their_own_restricted_writings(world):
    record = rich_record(world)
    data = export_data(record.person, world.users["psychologist"])
    assert SECRET_NOTE in texts(data)
    assert data["writings_not_included"] == {"count": 0, "explanation": ""}


def test_the_export_holds_only_the_pathways_the_user_sees(world):
    from tests.pathways.factories import enrol

    record = rich_record(world)
    enrol(world.a2, person=record.person, referral_reason="Motif connu du seul service A2.")
    data = export_data(record.person, world.users["head_of_service"])
    assert [p["service"]["name"] for p in data["pathways"]] == ["A1"]
    assert "Motif connu du seul service A2." not in texts(data)
    assert len(export_data(record.person, world.users["director"])["pathways"]) == 2


def test_the_pdf_is_french_and_never_holds_the_restricted_note(world, client):
    record = rich_record(world)
    user = world.users["head_of_service"]
    recently_authenticated(client, user)
    client.cookies["django_language"] = "en"
    response = client.get(reverse("privacy:export_pdf", args=[record.person.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    html = export_pdf_html(record.person, user)
    assert "Vos données personnelles" in html
    assert "Carpentier" in html and "Parle de son divorce." in html
    assert SECRET_NOTE not in html
    assert "2 écrits ne sont pas inclus." in html


def export_pdf_html(person, user) -> str:
    from django.template.loader import render_to_string
    from django.utils import timezone, translation

    with translation.override("fr"):
        context = {
            "person": person,
            "organisation": person.organisation,
            "data": export_data(person, user),
            "generated_at": timezone.localtime(),
        }
        return render_to_string("privacy/export_pdf.html", context)


def test_the_zip_holds_the_json_the_pdf_and_the_files(world, client):
    record = rich_record(world)
    recently_authenticated(client, world.users["head_of_service"])
    response = client.get(reverse("privacy:export_zip", args=[record.person.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data.json"))
    assert errors(data, SCHEMA) == []
    assert archive.read("donnees-personnelles.pdf").startswith(b"%PDF")
    paths = sorted(a["file"] for a in data["attachments"])
    assert all(path.startswith("documents/") for path in paths)
    assert sorted(n for n in archive.namelist() if n.startswith("documents/")) == paths
    original = record.files[0]
    with original.file.open("rb") as handle:
        assert (
            archive.read(next(a["file"] for a in data["attachments"] if a["id"] == original.pk))
            == handle.read()
        )


def test_a_missing_file_is_named_but_not_in_the_zip(world, client):
    record = rich_record(world)
    record.files[0].file.storage.delete(record.files[0].file.name)
    data = export_data(record.person, world.users["head_of_service"])
    assert [a["file"] is None for a in data["attachments"] if a["id"] == record.files[0].pk] == [True]


def test_each_download_is_recorded_in_the_audit_trail(world, client):
    record = rich_record(world)
    user = world.users["head_of_service"]
    recently_authenticated(client, user)
    response = client.get(reverse("privacy:export_json", args=[record.person.pk]), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="donnees-personnelles-{record.person.pk}.json"'
    )
    assert json.loads(response.content)["person"]["first_name"] == "Mélodie"
    entry = AuditEntry.objects.filter(kind="export", person_id=record.person.pk).get()
    assert (entry.actor, entry.detail, entry.address) == (user, "privacy:export_json", "203.0.113.7")


def test_the_export_asks_for_a_recent_sign_in_first(world, client):
    record = rich_record(world)
    client.force_login(world.users["head_of_service"])
    url = reverse("privacy:export_zip", args=[record.person.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    assert not AuditEntry.objects.filter(kind="export").exists()


def test_an_outsider_gets_a_404_even_with_a_recent_sign_in(world, client):
    record = rich_record(world)
    for name in ("coach", "other_service_coach", "other_org_coach", "dpo"):
        recently_authenticated(client, world.users[name])
        for view in ("privacy:export_json", "privacy:export_pdf", "privacy:export_zip"):
            assert client.get(reverse(view, args=[record.person.pk])).status_code == 404, (name, view)
