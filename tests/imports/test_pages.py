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
from filrouge.imports.models import ImportMapping, ImportRun, ImportSource, RunStatus, SourceKind
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
    """The columns page's choices as it preselected them, every source's form with its prefix."""
    data = {}
    for item in response.context["sources"]:
        form = item["form"]
        data |= {form.add_prefix(name): form[name].value() or "" for name in form.fields}
    return data


def column(response, position: int, number: int = 0) -> str:
    """The name posted for a header of the page's `number`-th source."""
    return response.context["sources"][number]["form"].add_prefix(f"colonne_{position}")


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
    assert "Import terminé : 2 lignes créées, 0 modifiées, 0 inchangées." in text
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
    assert data[column(page, 1)] == ""
    data[column(page, 1)] = "name"
    head.post(response["Location"], data)
    assert ImportMapping.objects.get(service=world.a1, kind="companies").mapping == {
        "external_id": "Réf",
        "name": "Nom commercial",
        "siret": "N° SIRET",
    }

    response = upload(head, world.a1, content)
    page = head.get(response["Location"])
    assert mapping_data(page)[column(page, 1)] == "name"
    # Another service does not inherit it (the director may import in both).
    client.force_login(world.users["director"])
    response = upload(client, world.a2, content)
    page = client.get(response["Location"])
    assert mapping_data(page)[column(page, 1)] == ""


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


def test_over_the_row_limit_is_refused(head, world, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [row(f"E-{n}", "", f"Entreprise {n}") for n in range(4)]
    response = upload(head, world.a1, companies_csv(*rows))
    assert response.status_code == 200
    assert "Le fichier dépasse la limite de 3 lignes de données" in response.content.decode()
    assert not ImportRun.objects.exists()
    # At the limit, taken.
    assert upload(head, world.a1, companies_csv(*rows[:3])).status_code == 302


def test_the_page_states_its_limits_and_preselects_the_only_service(head, world, settings):
    settings.IMPORT_MAX_ROWS = 150_000
    settings.IMPORT_BACKGROUND_ROWS = 2_500
    page = head.get(reverse("imports:start"))
    text = page.content.decode().replace("\u202f", " ").replace("\xa0", " ")
    assert "150 000 lignes de données au plus" in text
    assert "Au-delà de 2 500 lignes en tout, la vérification et l'import se font en arrière-plan" in text
    assert page.context["form"]["service"].value() == world.a1.pk
    assert page.context["form"].fields["kind"].choices == [
        ("", "Reconnaître d'après le fichier"),
        *[(kind, SourceKind(kind).label) for kind in uploads.IMPORTABLE],
    ]


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
    assert head.get(reverse(f"imports:template_{extension}", kwargs={"kind": "inconnu"})).status_code == 404


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


# --- Several files in one run ----------------------------------------------------------------------

PLACEMENTS_HEADER = [
    "N° de parcours",
    "Entreprise",
    "Type d'expérience",
    "Début",
    "Heures par semaine",
    "Poste",
]
UNKNOWN_PATHWAY_JOB = ["PARC-404", "Boulangerie du Pont", "Emploi", "02/02/2026", "20", "Boulanger"]


def upload_files(client, service, *files):
    """`files`: (content, name, kind) each; kind "" lets the page recognise it."""
    data = {"service": service.pk}
    for number, (content, name, kind) in enumerate(files, start=1):
        suffix = "" if number == 1 else f"_{number}"
        data[f"file{suffix}"] = SimpleUploadedFile(name, content)
        data[f"kind{suffix}"] = kind
    return client.post(reverse("imports:start"), data)


def check_all(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"])
    response = client.post(response["Location"], mapping_data(page))
    assert response.status_code == 302
    return ImportRun.objects.latest("created_at"), client.get(response["Location"])


def test_the_kind_is_recognised_from_the_headers(head, world):
    run, page = check_all(
        head, upload_files(head, world.a1, (companies_csv(BAKERY), "mes-entreprises.csv", ""))
    )
    assert [source.kind for source in run.sources.all()] == ["companies"]
    assert run.status == RunStatus.CHECKED
    assert "Confirmer l'import (1 ligne)" in page.content.decode()


def test_headers_that_name_no_kind_ask_for_the_content(head, world):
    response = upload_files(head, world.a1, (csv_of(["Couleur", "Saveur"], ["bleu", "sucré"]), "x.csv", ""))
    assert response.status_code == 200
    assert "n&#x27;a pas été reconnu d&#x27;après ses en-têtes" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_two_files_of_the_same_kind_are_refused(head, world):
    response = upload_files(
        head,
        world.a1,
        (companies_csv(BAKERY), "a.csv", "companies"),
        (companies_csv(GARAGE), "b.csv", ""),
    )
    assert response.status_code == 200
    assert "Il y a plusieurs fichiers ou feuilles « Entreprises »" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_workbook_is_read_sheet_by_sheet_and_reported_per_kind(head, world):
    if "placements" not in uploads.IMPORTABLE:
        pytest.skip("placements are not importable yet")
    workbook = xlsx_bytes(
        {
            "Entreprises": [HEADER, BAKERY, GARAGE],
            "Emplois et immersions": [PLACEMENTS_HEADER, UNKNOWN_PATHWAY_JOB],
            "Notes": [["Ce que je dois encore vérifier"]],  # a sheet named for no kind: left alone
        }
    )
    response = upload_files(head, world.a1, (workbook, "reprise.xlsx", ""))
    assert response.status_code == 302, response.content.decode()[:2000]
    columns_page = head.get(response["Location"])
    sources = columns_page.context["sources"]
    assert [(item["source"].kind, item["source"].sheet) for item in sources] == [
        ("companies", "Entreprises"),
        ("placements", "Emplois et immersions"),
    ]
    # One stored file for the workbook's sheets.
    assert len({item["source"].file.name for item in sources}) == 1
    text = columns_page.content.decode()
    assert "feuille « Emplois et immersions »" in text and "Vérifier les fichiers" in text

    run, page = check_all(head, response)
    assert run.status == RunStatus.REFUSED
    assert set(run.counts) == {"companies", "placements"}
    assert run.counts["companies"]["created"] == 2 and run.counts["placements"]["refused"] == 1
    text = page.content.decode()
    assert "Ce qui est refusé : Emplois, stages et immersions" in text
    assert "Ligne 2" in text
    assert "Ce qui est refusé : Entreprises" not in text
    assert "Confirmer l'import" not in text
    assert not Company.objects.exists()


def test_the_all_kinds_template_with_one_sheet_filled_imports_that_sheet(head, world):
    template = head.get(reverse("imports:template_all")).content
    book = openpyxl.load_workbook(io.BytesIO(template))
    book["Entreprises"].append(BAKERY)
    buffer = io.BytesIO()
    book.save(buffer)
    run, page = check_all(head, upload_files(head, world.a1, (buffer.getvalue(), "modele-complet.xlsx", "")))
    assert [(source.kind, source.sheet) for source in run.sources.all()] == [("companies", "Entreprises")]
    assert run.status == RunStatus.CHECKED, run.report
    head.post(reverse("imports:confirm", kwargs={"pk": run.pk}))
    assert Company.objects.get().name == "Boulangerie du Pont"


def test_a_kind_chosen_for_a_workbook_takes_its_sheet(head, world):
    workbook = xlsx_bytes({"Lisez-moi": [["Bonjour"]], "Entreprises": [HEADER, BAKERY]})
    run, _page = check_all(head, upload_files(head, world.a1, (workbook, "reprise.xlsx", "companies")))
    assert [(source.kind, source.sheet) for source in run.sources.all()] == [("companies", "Entreprises")]


def test_each_source_has_its_own_mapping_form(head, world):
    if "placements" not in uploads.IMPORTABLE:
        pytest.skip("placements are not importable yet")
    response = upload_files(
        head,
        world.a1,
        (companies_csv(BAKERY), "entreprises.csv", "companies"),
        (csv_of(PLACEMENTS_HEADER, UNKNOWN_PATHWAY_JOB), "emplois.csv", "placements"),
    )
    page = head.get(response["Location"])
    data = mapping_data(page)
    # A required column of the second file unmapped: the page answers with that form's error.
    data[column(page, 2, number=1)] = ""
    again = head.post(response["Location"], data)
    assert again.status_code == 200
    assert "La colonne « Type d&#x27;expérience » est obligatoire" in again.content.decode()
    assert ImportRun.objects.get().status == RunStatus.UPLOADED
    assert not ImportMapping.objects.exists()  # nothing kept until every form is valid


# --- In the background -----------------------------------------------------------------------------


def test_the_confirmation_of_a_large_import_warns_about_other_users_saves(head, world, settings):
    settings.IMPORT_BACKGROUND_ROWS = 1
    run, page = upload_and_check(head, world.a1, companies_csv(BAKERY, GARAGE))
    assert run.status == RunStatus.CHECKED  # checked by the task (run at once in tests)
    text = page.content.decode()
    assert "les enregistrements des autres utilisateurs de l'organisation attendent" in text
    assert "Confirmer l'import (2 lignes)" in text
    # A small one does not warn.
    settings.IMPORT_BACKGROUND_ROWS = 2_000
    _run, page = upload_and_check(head, world.a1, companies_csv(BAKERY))
    assert "autres utilisateurs" not in page.content.decode()


def test_a_workbook_of_people_and_companies_is_imported_in_one_run(head, world):
    from filrouge.people.models import Person
    from tests.imports.people import COLUMNS, person

    if "people" not in uploads.IMPORTABLE:
        pytest.skip("people are not importable yet")
    camille = person(external_id="P-1", pathway_external_id="PARC-1")
    keys = list(camille)
    workbook = xlsx_bytes(
        {
            "Personnes": [[COLUMNS[key] for key in keys], [camille[key] for key in keys]],
            "Entreprises": [HEADER, BAKERY, GARAGE],
        }
    )
    run, page = check_all(head, upload_files(head, world.a1, (workbook, "reprise.xlsx", "")))
    assert [source.kind for source in uploads.sources_of(run)] == ["companies", "people"]
    assert run.status == RunStatus.CHECKED, run.report
    assert "Confirmer l'import (3 lignes)" in page.content.decode()
    assert not Person.objects.filter(first_name="Camille", birth_name="Lefèvre").exists()

    head.post(reverse("imports:confirm", kwargs={"pk": run.pk}))
    run.refresh_from_db()
    assert run.status == RunStatus.APPLIED
    assert run.counts["people"]["created"] == 1 and run.counts["companies"]["created"] == 2
    assert Person.objects.filter(
        organisation=world.org_a, first_name="Camille", birth_name="Lefèvre"
    ).exists()
    assert Company.objects.filter(organisation=world.org_a).count() == 2
    text = head.get(reverse("imports:run", kwargs={"pk": run.pk})).content.decode()
    assert "Import terminé : 3 lignes créées, 0 modifiées, 0 inchangées." in text
    assert reverse("people:list") in text and reverse("employers:list") in text
    # The mapping of each kind is remembered for the service.
    assert set(ImportMapping.objects.filter(service=world.a1).values_list("kind", flat=True)) == {
        "people",
        "companies",
    }
