import io
from datetime import date, timedelta
from html import unescape

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from filrouge.documents.models import Attachment
from filrouge.documents.pdf import LocalFetcher, render_pdf
from filrouge.documents.reports import Period, employment_periods, support_report
from filrouge.documents.validation import clean_name
from filrouge.journal.models import MeetingKind
from filrouge.pathways import domain as pathways
from filrouge.pathways.models import ExitOutcome, Phase, PhaseChange
from filrouge.plans import domain as plans
from filrouge.profiles.models import BarrierStatus
from tests.documents.factories import attachment, docx_bytes, pdf_bytes, upload
from tests.journal.factories import MeetingFactory, NoteFactory
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory
from tests.plans.factories import ActionFactory, AgreedPlanFactory, ObjectiveFactory, PlanFactory
from tests.profiles.factories import barrier

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def flat(text: str) -> str:
    """The text on one line: a sentence may wrap anywhere in the PDF."""
    return " ".join(text.split())


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def send(client, world, file, user="coach", **fields):
    client.force_login(world.users[user])
    data = {"file": file, "kind": "cv", "title": ""} | fields
    return client.post(reverse("documents:upload", args=[world.person.pk]), data)


def test_a_pdf_is_stored_outside_the_static_root_under_a_random_name(
    client, world, private_media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, world, upload("Mon CV (2026).pdf"))
    assert response.status_code == 302
    saved = Attachment.objects.get()
    assert saved.content_type == "application/pdf" and saved.original_name == "Mon_CV_2026.pdf"
    assert saved.title == "Mon_CV_2026.pdf" and len(saved.sha256) == 64
    assert "CV" not in saved.file.name and stored_files(private_media) == [private_media / saved.file.name]


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
    for path in stored_files(private_media):
        path.unlink()
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


def test_a_file_cannot_go_on_another_persons_pathway(client, world, private_media):
    other = enrol(world.a1)
    with pytest.raises(ValidationError) as refused:
        attachment(world.person, enrolment=other)
    assert "Ce parcours n'est pas celui de la personne." in refused.value.message_dict["enrolment"]
    # The page offers only the person's own pathways.
    response = send(client, world, upload(), enrolment=other.pk)
    assert response.status_code == 200 and "Sélectionnez un choix valide" in unescape(
        response.content.decode()
    )
    assert not Attachment.objects.exists() and stored_files(private_media) == []


def test_a_row_that_cannot_be_saved_leaves_no_file_on_disk(world, private_media, monkeypatch):
    def full_disk(*args, **kwargs):
        raise DatabaseError("database or disk is full")

    monkeypatch.setattr(Attachment, "save", full_disk)
    with pytest.raises(DatabaseError):
        attachment(world.person)
    assert stored_files(private_media) == []


def test_the_file_of_a_rolled_back_upload_goes_when_the_request_ends(client, world, private_media):
    with pytest.raises(RuntimeError), transaction.atomic():
        rolled_back = private_media / f"{attachment(world.person).file.name}.part"
        raise RuntimeError("a later step failed")
    assert rolled_back.exists() and not Attachment.objects.exists()
    kept = private_media / f"{attachment(world.person).file.name}.part"  # its transaction is still open
    client.force_login(world.users["coach"])
    client.get(reverse("documents:person_documents", args=[world.person.pk]))
    assert stored_files(private_media) == [kept]


# --- What the documents say -------------------------------------------------------------------------


def report_text(client, world, user="coach") -> str:
    client.force_login(world.users[user])
    response = client.get(reverse("documents:report_pdf", args=[world.enrolment.pk]))
    assert response.status_code == 200
    return flat(pdf_text(response.content))


@pytest.mark.parametrize("user", ["coach", "psychologist"])
def test_a_meeting_kept_for_a_profession_is_neither_counted_nor_printed(client, world, user):
    MeetingFactory(enrolment=world.enrolment, kind=MeetingKind.PHONE, summary="RESUMEEQUIPE")
    MeetingFactory(
        enrolment=world.enrolment,
        kind=MeetingKind.HOME_VISIT,
        restricted=True,
        created_by=world.users["psychologist"],
        summary="SECRETPSY",
    )
    assert [(kind, count) for kind, _attendance, count in support_report(world.enrolment).meeting_counts] == [
        ("Téléphone", 1)
    ]
    report = report_text(client, world, user)
    assert "Téléphone" in report
    for hidden in ("Visite à domicile", "SECRETPSY", "RESUMEEQUIPE"):
        assert hidden not in report


def test_documents_are_in_french_whatever_the_interface_language(client, world, secrets):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.users["coach"])
    page = client.get(reverse("documents:person_documents", args=[world.person.pk]))
    assert page["Content-Language"] == "en"  # the interface speaks English
    response = client.get(reverse("documents:report_pdf", args=[world.enrolment.pk]))
    assert response["Content-Language"] == "fr"
    report = flat(pdf_text(response.content))
    with translation.override("fr"):
        referral = date_format(world.enrolment.referral_date, "DATE_FORMAT")
        generated = date_format(timezone.localdate(), "DATE_FORMAT")
    assert "Bilan d'accompagnement" in report and "Situation à l'entrée" in report
    assert "Individuel au bureau" in report and "Sans emploi" in report  # values gathered in Python too
    assert f"Orientation le {referral}." in report and f"Document établi le {generated}" in report
    assert "Support report" not in report and "Situation at entry" not in report
    plan = flat(pdf_text(client.get(reverse("documents:plan_pdf", args=[secrets.pk])).content))
    assert "Plan d'action — version 1" in plan and "Accord donné le" in plan
    assert "Action plan" not in plan


def test_the_organisations_address_heads_the_documents(client, world, secrets):
    assert "69003 Lyon" not in report_text(client, world)  # no street: no address line at all
    world.org_a.address = "12 rue des Tanneurs"
    world.org_a.save()
    plan = flat(pdf_text(client.get(reverse("documents:plan_pdf", args=[secrets.pk])).content))
    for text in (report_text(client, world), plan):
        assert "Organisation A — 12 rue des Tanneurs, 69003 Lyon" in text


# --- Employment in the report -----------------------------------------------------------------------

DAY = date(2026, 1, 5)


def history(*steps) -> list[PhaseChange]:
    """Unsaved phase changes, oldest first: (phase, days after DAY)."""
    return [PhaseChange(phase=phase, changed_on=DAY + timedelta(days=days)) for phase, days in steps]


def test_employment_periods_run_from_their_change_to_the_next_one():
    changes = history(
        (Phase.REFERRAL, 0),
        (Phase.JOB_SEARCH, 30),
        (Phase.ACCESS, 40),
        (Phase.IN_EMPLOYMENT, 50),
        (Phase.JOB_SEARCH, 80),  # the job ended
        (Phase.ACCESS, 90),
    )
    assert employment_periods(changes, until=DAY + timedelta(days=100)) == [
        Period(Phase.ACCESS, DAY + timedelta(days=40), DAY + timedelta(days=50), 10),
        Period(Phase.IN_EMPLOYMENT, DAY + timedelta(days=50), DAY + timedelta(days=80), 30),
        Period(Phase.ACCESS, DAY + timedelta(days=90), None, 10),  # still going on
    ]


def test_an_employment_period_ends_with_the_exit():
    changes = history((Phase.REFERRAL, 0), (Phase.IN_EMPLOYMENT, 20), (Phase.EXIT, 70))
    assert employment_periods(changes, exit_date=DAY + timedelta(days=70)) == [
        Period(Phase.IN_EMPLOYMENT, DAY + timedelta(days=20), DAY + timedelta(days=70), 50)
    ]
    assert employment_periods(history((Phase.REFERRAL, 0), (Phase.JOB_SEARCH, 9))) == []


def section(report: str) -> str:
    return report[report.index("Emploi et mises en situation") : report.index("Issue de l'accompagnement")]


def test_the_report_shows_the_time_spent_in_employment_then_the_exit(client, world):
    assert "Aucune période d'accès à l'emploi ou en emploi n'est enregistrée." in section(
        report_text(client, world)
    )
    today = pathways.today()
    pathways.change_phase(world.enrolment, Phase.ACCESS, today - timedelta(days=20), None)
    pathways.change_phase(world.enrolment, Phase.IN_EMPLOYMENT, today - timedelta(days=8), None)
    # The job the exit into employment needs: a CDI (durable employment), begun with the phase.
    PlacementFactory(enrolment=world.enrolment, started_on=today - timedelta(days=8))
    ongoing = section(report_text(client, world))
    assert "Accès à l'emploi" in ongoing and "12 jours" in ongoing
    assert "En emploi (suivi)" in ongoing and "en cours 8 jours" in ongoing
    assert "Sortie le" not in ongoing

    pathways.record_exit(world.enrolment, on=today, outcome=ExitOutcome.DURABLE_EMPLOYMENT, by=None)
    with translation.override("fr"):
        exit_day = date_format(today, "DATE_FORMAT")
    closed = section(report_text(client, world))
    assert "en cours" not in closed and "8 jours" in closed
    assert f"Sortie le {exit_day} : Emploi durable." in closed


def test_the_report_leaves_out_the_actions_of_a_withdrawn_objective(client, world):
    plan = PlanFactory(enrolment=world.enrolment)
    kept = ActionFactory(objective=ObjectiveFactory(plan=plan), custom_label="Action toujours prévue")
    dropped = ActionFactory(objective=ObjectiveFactory(plan=plan), custom_label="Action d'un objectif retiré")
    plans.withdraw_objective(dropped.objective, world.users["coach"])
    text = report_text(client, world)
    assert kept.custom_label in text
    assert dropped.custom_label not in text
