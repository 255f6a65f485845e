import io
from html import unescape

import pytest
from django.urls import reverse
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from filrouge.documents.models import Attachment
from filrouge.documents.pdf import LocalFetcher, render_pdf
from filrouge.documents.validation import clean_name
from filrouge.profiles.models import BarrierStatus
from tests.documents.factories import attachment, docx_bytes, pdf_bytes, upload
from tests.journal.factories import MeetingFactory, NoteFactory
from tests.plans.factories import ActionFactory, AgreedPlanFactory, ObjectiveFactory
from tests.profiles.factories import barrier

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def send(client, world, file, user="coach", **fields):
    client.force_login(world.users[user])
    data = {"file": file, "kind": "cv", "title": ""} | fields
    return client.post(reverse("documents:upload", args=[world.person.pk]), data)


def test_a_pdf_is_stored_outside_the_static_root_under_a_random_name(client, world, private_media):
    response = send(client, world, upload("Mon CV (2026).pdf"))
    assert response.status_code == 302
    saved = Attachment.objects.get()
    assert saved.content_type == "application/pdf" and saved.original_name == "Mon_CV_2026.pdf"
    assert saved.title == "Mon_CV_2026.pdf" and len(saved.sha256) == 64
    assert "CV" not in saved.file.name and (private_media / saved.file.name).exists()


def test_office_and_image_files_are_accepted_by_their_content(client, world):
    assert send(client, world, upload("cv.docx", docx_bytes())).status_code == 302
    assert Attachment.objects.get().content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cv.pdf", b"MZ\x90\x00" + b"\x00" * 400, "Ce type de fichier n'est pas accepté"),
        ("cv.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 400, "Ce type de fichier n'est pas accepté"),
        ("cv.docx", pdf_bytes(), "ne correspond pas à son extension .docx"),
        ("cv.pdf", b"", "Le fichier soumis est vide."),
    ],
)
def test_a_disguised_or_empty_file_is_refused_and_nothing_is_kept(
    client, world, private_media, name, content, message
):
    response = send(client, world, upload(name, content))
    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert not Attachment.objects.exists()
    assert not private_media.exists() or not any(private_media.rglob("*.*"))


def test_a_file_over_the_limit_is_refused(client, world, settings):
    settings.MAX_UPLOAD_MB = 1
    response = send(client, world, upload("cv.pdf", pdf_bytes() + b"\0" * (1024 * 1024)))
    assert "Le fichier dépasse 1 Mo." in unescape(response.content.decode())
    assert not Attachment.objects.exists()


def test_names_are_sanitised():
    assert clean_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert clean_name("C:\\Users\\x\\Lettre de motivation é.PDF") == "Lettre_de_motivation_é.pdf"
    assert len(clean_name("a" * 400 + ".pdf")) == 150


def test_the_download_goes_through_the_policy(client, world):
    saved = attachment(world.person)
    client.force_login(world.users["coach"])
    response = client.get(reverse("documents:download", args=[saved.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response["X-Content-Type-Options"] == "nosniff"
    assert 'attachment; filename="cv.pdf"' in response["Content-Disposition"]
    client.force_login(world.users["other_org_coach"])
    assert client.get(reverse("documents:download", args=[saved.pk])).status_code == 404


def test_a_file_missing_on_disk_is_a_clean_404(client, world, private_media):
    saved = attachment(world.person)
    (private_media / saved.file.name).unlink()
    client.force_login(world.users["coach"])
    assert client.get(reverse("documents:download", args=[saved.pk])).status_code == 404


def test_an_archived_file_leaves_the_list_but_stays_readable_and_can_come_back(client, world):
    saved = attachment(world.person, title="Ancien CV")
    client.force_login(world.users["coach"])
    client.post(reverse("documents:archive", args=[saved.pk]))
    page = client.get(reverse("documents:person_documents", args=[world.person.pk])).content.decode()
    assert reverse("documents:download", args=[saved.pk]) not in page
    listed = client.get(reverse("documents:person_documents", args=[world.person.pk]), {"archives": "1"})
    assert "Ancien CV" in listed.content.decode()
    assert client.get(reverse("documents:download", args=[saved.pk])).status_code == 200
    client.post(reverse("documents:restore", args=[saved.pk]))
    assert (
        "Ancien CV"
        in client.get(reverse("documents:person_documents", args=[world.person.pk])).content.decode()
    )


def test_the_pdf_fetcher_refuses_the_network_and_files_outside_static():
    fetcher = LocalFetcher()
    for url in ("http://example.org/x.css", "https://example.org/x.css", "file:///etc/passwd"):
        with pytest.raises(FatalURLFetchingError, match="Refused"):
            fetcher.fetch(url)


def test_a_rendered_pdf_has_french_text_the_organisation_and_page_numbers(world):
    content = render_pdf(
        "documents/report_pdf.html",
        {
            "person": world.person,
            "enrolment": world.enrolment,
            "organisation": world.org_a,
            "service": world.a1,
            "report": __import__("filrouge.documents.reports", fromlist=["x"]).support_report(
                world.enrolment
            ),
        },
    )
    text = pdf_text(content)
    assert "Bilan d'accompagnement" in text and "Organisation A" in text
    assert "Page 1 / " in text and "Situation à l'entrée" in text


@pytest.fixture
def secrets(world):
    plan = AgreedPlanFactory(enrolment=world.enrolment)
    objective = ObjectiveFactory(plan=plan, custom_label="Trouver un emploi en boulangerie")
    ActionFactory(objective=objective, custom_label="Contacter trois boulangeries", status="done")
    barrier(world.person, status=BarrierStatus.RESOLVED, theme="mobilite")
    NoteFactory(
        enrolment=world.enrolment, author=world.users["psychologist"], restricted=True, text="SECRETPSY"
    )
    NoteFactory(enrolment=world.enrolment, author=world.users["coach"], text="NOTEEQUIPE")
    MeetingFactory(enrolment=world.enrolment, summary="RESUMEENTRETIEN")
    return plan


@pytest.mark.parametrize("user", ["coach", "psychologist"])
def test_the_plan_and_the_report_never_print_notes_or_meeting_summaries(client, world, secrets, user):
    client.force_login(world.users[user])
    plan = pdf_text(client.get(reverse("documents:plan_pdf", args=[secrets.pk])).content)
    report = pdf_text(client.get(reverse("documents:report_pdf", args=[world.enrolment.pk])).content)
    assert "Trouver un emploi en boulangerie" in plan and "Contacter trois boulangeries" in plan
    assert "Accord donné le" in plan
    assert "Freins levés" in report and "Contacter trois boulangeries" in report
    assert "Individuel au bureau" in report  # meetings are counted by kind
    for marker in ("SECRETPSY", "NOTEEQUIPE", "RESUMEENTRETIEN"):
        assert marker not in plan and marker not in report


def test_the_documents_tab_lists_the_printable_documents(client, world, secrets):
    client.force_login(world.users["coach"])
    page = client.get(reverse("documents:person_documents", args=[world.person.pk])).content.decode()
    assert reverse("documents:report_pdf", args=[world.enrolment.pk]) in page
    assert reverse("documents:plan_pdf", args=[secrets.pk]) in page
