"""The import pages for companies: upload → columns → check → confirm → result, in the request."""

import hashlib
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from filrouge.audit.models import AuditEntry
from filrouge.employers.models import Company
from filrouge.imports import uploads
from filrouge.imports.models import ImportMapping, ImportRun, ImportSource, RunStatus
from tests.imports.companies import BAKERY, GARAGE, HEADER, SIRET_1, companies_csv, row
from tests.imports.hostile import renamed_pdf, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded files go to a fresh directory per test."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "uploads"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def head(client, world):
    client.force_login(world.users["head_of_service"])
    return client


def upload(client, service, content: bytes, name="entreprises.csv"):
    return client.post(
        reverse("imports:start"),
        {"service": service.pk, "kind": "companies", "file": SimpleUploadedFile(name, content)},
    )


def mapping_data(response) -> dict:
    """The columns page's choices as it preselected them."""
    form = response.context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def upload_and_check(client, service, content, name="entreprises.csv"):
    response = upload(client, service, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    columns_url = response["Location"]
    page = client.get(columns_url)
    assert page.status_code == 200
    response = client.post(columns_url, mapping_data(page))
    assert response.status_code == 302
    run = ImportRun.objects.latest("created_at")
    assert response["Location"] == reverse("imports:run", kwargs={"pk": run.pk})
    return run, client.get(response["Location"])


def companies_xlsx(*rows) -> bytes:
    return xlsx_bytes({"Feuille 1": [HEADER, *rows]})


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (companies_csv(BAKERY, GARAGE), "entreprises.csv"),
        (companies_xlsx(BAKERY, GARAGE), "entreprises.xlsx"),
    ],
    ids=["csv", "xlsx"],
)
def test_the_whole_flow_imports_the_companies(head, world, content, name):
    run, page = upload_and_check(head, world.a1, content, name)
    assert run.status == RunStatus.CHECKED
    text = page.content.decode()
    assert "Confirmer l'import (2 lignes)" in text
    assert not Company.objects.exists()  # nothing written by the dry run

    response = head.post(reverse("imports:confirm", kwargs={"pk": run.pk}))
    assert response.status_code == 302
    page = head.get(response["Location"])
    text = page.content.decode()
    assert "Import terminé. Entreprises créées : 2 ; modifiées : 0 ; inchangées : 0." in text
    assert reverse("employers:list") in text
    assert "Confirmer l'import" not in text
    assert set(Company.objects.filter(organisation=world.org_a).values_list("name", flat=True)) == {
        "Boulangerie du Pont",
        "Garage des Alpes",
    }
    run.refresh_from_db()
    assert run.status == RunStatus.APPLIED and run.requested_by == world.users["head_of_service"]
    assert AuditEntry.objects.filter(object_type="imports.importrun").count() == 1
    # The file is gone once the run is applied.
    assert not ImportSource.objects.get(run=run).file


def test_the_upload_is_stored_encrypted_with_its_checksum(head, world):
    content = companies_csv(BAKERY)
    upload(head, world.a1, content)
    source = ImportSource.objects.get()
    assert source.run.status == RunStatus.UPLOADED and source.run.service == world.a1
    final = Path(source.file.storage.path(source.file.name))
    on_disk = next(path for path in (final, final.with_name(final.name + ".part")) if path.exists())
    assert b"Boulangerie" not in on_disk.read_bytes()
    assert uploads.clear_copy(source).getvalue() == content
    assert source.checksum == hashlib.sha256(content).hexdigest() and source.size == len(content)


def test_double_confirm_does_not_import_twice(head, world):
    run, _page = upload_and_check(head, world.a1, companies_csv(BAKERY))
    confirm = reverse("imports:confirm", kwargs={"pk": run.pk})
    head.post(confirm)
    response = head.post(confirm, follow=True)
    assert "n&#x27;attend plus de confirmation" in response.content.decode()
    assert Company.objects.count() == 1
    assert AuditEntry.objects.filter(object_type="imports.importrun").count() == 1


def test_a_refused_row_shows_its_messages_and_no_confirm_button(head, world):
    run, page = upload_and_check(head, world.a1, companies_csv(BAKERY, row("E-3", "123", "Menuiserie Vidal")))
    assert run.status == RunStatus.REFUSED
    text = page.content.decode()
    assert "Ligne 3, colonne « SIRET » :" in text
    assert "Confirmer l'import" not in text
    assert "Corriger et recommencer" in text
    # Confirming anyway writes nothing.
    head.post(reverse("imports:confirm", kwargs={"pk": run.pk}))
    assert not Company.objects.exists()
    run.refresh_from_db()
    assert run.status == RunStatus.REFUSED


def test_the_mapping_is_remembered_for_the_next_file_of_the_service(head, client, world):
    content = csv_of(["Réf", "Nom commercial", "N° SIRET"], ["E-1", "Boulangerie du Pont", SIRET_1])
    response = upload(head, world.a1, content)
    page = head.get(response["Location"])
    data = mapping_data(page)
    # "Nom commercial" is not guessed: the user maps it by hand.
    assert data["colonne_1"] == ""
    data["colonne_1"] = "name"
    head.post(response["Location"], data)
    assert ImportMapping.objects.get(service=world.a1, kind="companies").mapping == {
        "external_id": "Réf",
        "name": "Nom commercial",
        "siret": "N° SIRET",
    }

    response = upload(head, world.a1, content)
    assert mapping_data(head.get(response["Location"]))["colonne_1"] == "name"
    # Another service does not inherit it (the director may import in both).
    client.force_login(world.users["director"])
    response = upload(client, world.a2, content)
    assert mapping_data(client.get(response["Location"]))["colonne_1"] == ""


def test_required_columns_missing_are_flagged_and_refused(head, world):
    response = upload(head, world.a1, csv_of(["Commune"], ["Valence"]))
    page = head.get(response["Location"])
    assert "La colonne « Raison sociale » est obligatoire" in page.content.decode()
    response = head.post(response["Location"], mapping_data(page))
    assert response.status_code == 200
    assert ImportRun.objects.get().status == RunStatus.UPLOADED


def test_html_in_a_cell_is_shown_escaped(head, world):
    script = "<script>alert('x')</script>"
    content = companies_csv(row("E-1", "123", script))
    response = upload(head, world.a1, content)
    text = head.get(response["Location"]).content.decode()
    assert script not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    run, page = upload_and_check(head, world.a1, content)
    assert script not in page.content.decode()


def test_a_renamed_pdf_is_refused_with_the_readers_message(head, world):
    response = upload(head, world.a1, renamed_pdf(), "entreprises.csv")
    assert response.status_code == 200
    assert "Ce fichier n&#x27;est pas un tableur" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_over_the_pages_row_limit_is_refused(head, world, monkeypatch):
    monkeypatch.setattr(uploads, "SYNC_MAX_ROWS", 3)
    rows = [row(f"E-{n}", "", f"Entreprise {n}") for n in range(4)]
    response = upload(head, world.a1, companies_csv(*rows))
    assert response.status_code == 200
    assert "Le fichier a plus de 3 lignes de données" in response.content.decode()
    assert not ImportRun.objects.exists()
    # At the limit, taken.
    assert upload(head, world.a1, companies_csv(*rows[:3])).status_code == 302


def test_the_page_states_its_limits_and_preselects_the_only_service(head, world):
    page = head.get(reverse("imports:start"))
    text = page.content.decode()
    assert "2 000 lignes de données au plus" in text.replace("\u202f", " ").replace("\xa0", " ")
    assert page.context["form"]["service"].value() == world.a1.pk
    assert page.context["form"].fields["kind"].choices == [("companies", "Entreprises")]


def test_a_service_the_user_may_not_import_in_is_refused(head, world):
    response = upload(head, world.a2, companies_csv(BAKERY))
    assert response.status_code == 200
    assert "service" in response.context["form"].errors
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("role", ["coach", "org_admin", "funder_viewer"])
def test_who_may_not_import_gets_403(client, world, role):
    client.force_login(world.users[role])
    assert client.get(reverse("imports:start")).status_code == 403
    assert client.get(reverse("imports:template_csv", kwargs={"kind": "entreprises"})).status_code == 403


def test_another_users_run_is_not_found(head, client, world):
    run, _page = upload_and_check(head, world.a1, companies_csv(BAKERY))
    client.force_login(world.users["director"])  # may import in A1, but the run is not theirs
    for name in ("imports:run", "imports:columns"):
        assert client.get(reverse(name, kwargs={"pk": run.pk})).status_code == 404
    assert client.post(reverse("imports:confirm", kwargs={"pk": run.pk})).status_code == 404
    assert not Company.objects.exists()


@pytest.mark.parametrize(("extension", "content_type"), [("csv", "text/csv"), ("xlsx", "spreadsheetml")])
def test_the_templates_are_served(head, extension, content_type):
    response = head.get(reverse(f"imports:template_{extension}", kwargs={"kind": "entreprises"}))
    assert response.status_code == 200
    assert content_type in response["Content-Type"]
    assert f'filename="modele-import-entreprises.{extension}"' in response["Content-Disposition"]
    if extension == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
        assert next(sheet.iter_rows(values_only=True))[2] == "Raison sociale"
    assert head.get(reverse(f"imports:template_{extension}", kwargs={"kind": "personnes"})).status_code == 404


def test_the_template_itself_imports_nothing_but_its_example_is_skipped(head, world):
    template = head.get(reverse("imports:template_xlsx", kwargs={"kind": "entreprises"})).content
    response = upload(head, world.a1, template, "modele.xlsx")
    assert response.status_code == 200
    assert "aucune ligne de données" in response.content.decode()


def test_the_navigation_offers_the_import_to_who_may(client, world):
    client.force_login(world.users["head_of_service"])
    assert "Importer des tableurs" in client.get(reverse("people:list")).content.decode()
    client.force_login(world.users["coach"])
    assert "Importer des tableurs" not in client.get(reverse("people:list")).content.decode()


def csv_of(*rows) -> bytes:
    from tests.imports.hostile import csv_bytes

    return csv_bytes(rows)
