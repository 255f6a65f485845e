import io
from html import unescape

import pytest
from django.urls import reverse
from pypdf import PdfReader

from filrouge.audit.models import AuditEntry, Kind
from filrouge.consents import domain as consents
from filrouge.consents.models import DisclosureLevel, Purpose
from filrouge.journal.models import Note
from filrouge.pathways.domain import today
from filrouge.pathways.models import RqthStatus
from filrouge.placements import domain
from filrouge.placements.models import Adjustment, AdjustmentKind, EmployerDisclosure
from tests.consents.factories import give
from tests.employers.factories import CompanyFactory
from tests.pathways.factories import ENTRY, enrol
from tests.placements.factories import PlacementFactory, job_with_tutor, tutor_at
from tests.profiles.factories import barrier

pytestmark = pytest.mark.django_db

ADJUSTMENT = "Arriver à 10 h les jours de traitement."
RQTH = "Reconnaissance de la qualité de travailleur handicapé"


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


@pytest.fixture
def as_coach(client, world):
    client.force_login(world.users["coach"])
    return client


@pytest.fixture
def job(world):
    """A job with a tutor, of a person with an RQTH, a health barrier and a workplace adjustment."""
    enrolment = enrol(world.a1, coach=world.users["coach"], entry=ENTRY | {"rqth_status": RqthStatus.GRANTED})
    placement = job_with_tutor(enrolment)
    Adjustment.objects.create(
        organisation=world.org_a,
        placement=placement,
        kind=AdjustmentKind.HOURS,
        description=ADJUSTMENT,
        agreed_on=today(),
    )
    placement.condition = barrier(enrolment.person, theme="sante").situation.label
    return placement


def sheet_url(placement):
    return reverse("placements:employer_sheet", args=[placement.pk])


def share_with(placement, contact=None, level=None, disclosed=EmployerDisclosure.MANAGER):
    person, coach = placement.enrolment.person, placement.enrolment.primary_coach
    give(person, coach, purpose=Purpose.EMPLOYER_PROGRESS, recipient=contact or placement.tutor)
    if level is not None:
        consents.record_disclosure(person, level=level, decided_on=today(), by=coach)
    if disclosed != EmployerDisclosure.NOT_DISCLOSED:
        domain.record_disclosure(placement, disclosed, today(), coach)


def test_without_the_persons_consent_the_sheet_is_refused_naming_the_consent(as_coach, job):
    response = as_coach.get(sheet_url(job))
    text = " ".join(unescape(response.content.decode()).split())
    assert response.status_code == 403
    assert "Le document « Fiche de liaison employeur » ne peut pas être imprimé pour" in text
    assert "« Partager la progression avec l'employeur ou le tuteur »" in text
    assert reverse("consents:record", args=[job.enrolment.person.pk]) in text


def test_with_consent_the_sheet_says_who_what_when_and_whom_to_call(as_coach, world, job):
    Note.objects.create(
        organisation=world.org_a,
        enrolment=job.enrolment,
        author=world.users["coach"],
        text="Note très privée.",
    )
    job.end_comment = "Commentaire interne."
    job.save()
    share_with(job)
    response = as_coach.get(sheet_url(job))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    person = job.enrolment.person
    for expected in (
        "Fiche de liaison employeur",
        person.first_name,
        person.last_name,
        "Boulanger / Boulangère",
        "24 h",
        world.users["coach"].full_name,
        world.users["coach"].email,
        job.tutor.full_name,
        "au moins une rencontre par mois est prévue",
    ):
        assert expected in text
    assert "Note très privée" not in text and "Commentaire interne" not in text


@pytest.mark.parametrize(
    ("disclosed", "level"),
    [
        (EmployerDisclosure.NOT_DISCLOSED, DisclosureLevel.CONDITION),  # the person told the employer nothing
        (EmployerDisclosure.MANAGER, None),  # never asked what employers may know
        (EmployerDisclosure.MANAGER, DisclosureLevel.SUPPORT),
    ],
)
def test_health_stays_out_unless_disclosed_and_covered(as_coach, job, disclosed, level):
    share_with(job, level=level, disclosed=disclosed)
    text = pdf_text(as_coach.get(sheet_url(job)).content)
    assert ADJUSTMENT not in text and RQTH not in text and job.condition not in text


def test_each_level_adds_its_own_health_content(as_coach, job):
    share_with(job, level=DisclosureLevel.RQTH)
    text = pdf_text(as_coach.get(sheet_url(job)).content)
    assert RQTH in text and "Obtenue" in text
    assert ADJUSTMENT not in text and job.condition not in text

    consents.record_disclosure(
        job.enrolment.person,
        level=DisclosureLevel.ADJUSTMENTS,
        decided_on=today(),
        by=job.enrolment.primary_coach,
    )
    text = pdf_text(as_coach.get(sheet_url(job)).content)
    assert RQTH in text and ADJUSTMENT in text and job.condition not in text

    consents.record_disclosure(
        job.enrolment.person,
        level=DisclosureLevel.CONDITION,
        decided_on=today(),
        by=job.enrolment.primary_coach,
    )
    text = pdf_text(as_coach.get(sheet_url(job)).content)
    assert RQTH in text and ADJUSTMENT in text and job.condition in text


def test_the_decision_for_another_employer_does_not_apply(as_coach, world, job):
    share_with(job)
    elsewhere = tutor_at(CompanyFactory(organisation=world.org_a))
    consents.record_disclosure(
        job.enrolment.person,
        level=DisclosureLevel.CONDITION,
        decided_on=today(),
        by=world.users["coach"],
        employer=elsewhere,
    )
    assert ADJUSTMENT not in pdf_text(as_coach.get(sheet_url(job)).content)


def test_another_contact_of_the_company_needs_their_own_consent(as_coach, job):
    share_with(job)
    manager = tutor_at(job.company, full_name="Responsable du magasin")
    assert as_coach.get(sheet_url(job), {"destinataire": manager.pk}).status_code == 403
    give(
        job.enrolment.person,
        job.enrolment.primary_coach,
        purpose=Purpose.EMPLOYER_PROGRESS,
        recipient=manager,
    )
    response = as_coach.get(sheet_url(job), {"destinataire": manager.pk})
    assert response.status_code == 200 and "Responsable du magasin" in pdf_text(response.content)


@pytest.mark.parametrize("value", ["abc", "99999999", "1" * 30])
def test_an_unknown_recipient_is_not_found(as_coach, job, value):
    assert as_coach.get(sheet_url(job), {"destinataire": value}).status_code == 404


def test_a_contact_of_another_company_is_not_found(as_coach, world, job):
    other = tutor_at(CompanyFactory(organisation=world.org_a))
    give(
        job.enrolment.person, job.enrolment.primary_coach, purpose=Purpose.EMPLOYER_PROGRESS, recipient=other
    )
    assert as_coach.get(sheet_url(job), {"destinataire": other.pk}).status_code == 404


def test_without_a_tutor_the_user_is_sent_to_choose_a_recipient(as_coach, world):
    placement = PlacementFactory(enrolment=world.enrolment)
    response = as_coach.get(sheet_url(placement))
    assert response.status_code == 302
    assert response["Location"] == reverse("placements:detail", args=[placement.pk]) + "#fiche"


def test_the_detail_page_offers_the_sheet_only_where_consent_is_given(as_coach, job):
    manager = tutor_at(job.company)
    share_with(job)
    page = as_coach.get(reverse("placements:detail", args=[job.pk])).content.decode()
    assert f"?destinataire={job.tutor.pk}" in page and f"?destinataire={manager.pk}" not in page


def test_printing_the_sheet_is_an_export_in_the_audit_trail(as_coach, job):
    share_with(job)
    as_coach.get(sheet_url(job))
    export = AuditEntry.objects.filter(kind=Kind.EXPORT).latest("pk")
    assert (export.object_type, export.object_id, export.person_id) == (
        "placements.placement",
        job.pk,
        job.enrolment.person.pk,
    )


def test_a_withdrawn_consent_stops_the_sheet(as_coach, job):
    share_with(job)
    consent = consents.current_consent(job.enrolment.person, Purpose.EMPLOYER_PROGRESS, job.tutor)
    consents.withdraw(consent, by=job.enrolment.primary_coach, on=today())
    assert as_coach.get(sheet_url(job)).status_code == 403
