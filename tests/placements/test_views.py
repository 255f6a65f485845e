import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from filrouge.audit.models import AuditEntry, Kind
from filrouge.documents.models import Attachment, AttachmentKind
from filrouge.pathways.domain import today
from filrouge.pathways.models import Phase
from filrouge.placements.models import (
    Adjustment,
    AdjustmentReview,
    EmployerDisclosure,
    Placement,
    PlacementKind,
)
from filrouge.referentials.models import ContractType
from tests.documents.factories import upload
from tests.employers.factories import CompanyFactory
from tests.pathways.factories import enrol
from tests.placements.factories import PlacementFactory, immersion, tutor_at
from tests.profiles.factories import job_title

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def as_coach(client, world):
    client.force_login(world.users["coach"])
    return client


def text_of(response) -> str:
    return " ".join(unescape(response.content.decode()).split())


def new_url(world, kind):
    return reverse("placements:create", args=[world.enrolment.pk, kind])


def job_data(world, **fields) -> dict:
    company = CompanyFactory(organisation=world.org_a)
    return {
        "company": company.pk,
        "tutor": tutor_at(company).pk,
        "job_title": job_title().pk,
        "contract_type": ContractType.CDI,
        "started_on": (today() - timedelta(days=3)).isoformat(),
        "hours_per_week": "24",
        "move_to_employment": "on",
    } | fields


def test_the_tab_lists_placements_by_pathway_with_durable_badge_and_buttons(as_coach, world):
    PlacementFactory(enrolment=world.enrolment)
    PlacementFactory(
        enrolment=world.enrolment,
        contract_type=ContractType.CDD_SHORT,
        planned_end_on=today() + timedelta(days=10),
        ended_on=today() - timedelta(days=1),
        end_reason="resignation",
    )
    response = as_coach.get(reverse("placements:person_placements", args=[world.person.pk]))
    text = text_of(response)
    assert response.status_code == 200
    assert text.count("Emploi durable") == 1
    assert "Démission" in text and "En cours" in text
    for label in ("Nouvelle immersion", "Nouveau stage", "Nouvel emploi"):
        assert label in text
    record = as_coach.get(reverse("people:detail", args=[world.person.pk]))
    assert reverse("placements:person_placements", args=[world.person.pk]) in record.content.decode()


def test_the_tab_is_empty_at_first_and_an_unknown_kind_is_not_found(as_coach, world):
    response = as_coach.get(reverse("placements:person_placements", args=[world.person.pk]))
    assert "Aucune immersion, aucun stage ni emploi pour l'instant." in text_of(response)
    assert as_coach.get(new_url(world, "benevolat")).status_code == 404


def test_a_new_job_moves_the_pathway_to_in_employment(as_coach, world):
    response = as_coach.get(new_url(world, "emploi"))
    assert response.status_code == 200
    assert re.search(
        r'<input type="checkbox" name="move_to_employment"[^>]* checked', response.content.decode()
    )
    response = as_coach.post(new_url(world, "emploi"), job_data(world))
    placement = Placement.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "placements:detail", args=[placement.pk]
    )
    world.enrolment.refresh_from_db()
    assert world.enrolment.phase == Phase.IN_EMPLOYMENT


def test_unticking_the_phase_change_keeps_the_phase(as_coach, world):
    data = job_data(world)
    del data["move_to_employment"]
    assert as_coach.post(new_url(world, "emploi"), data).status_code == 302
    world.enrolment.refresh_from_db()
    assert world.enrolment.phase == Phase.INTAKE


def test_bad_input_is_shown_again_with_clear_messages(as_coach, world):
    response = as_coach.post(new_url(world, "emploi"), job_data(world, hours_per_week="49"))
    assert response.status_code == 200
    assert "Au plus 48 heures par semaine, la durée maximale légale." in text_of(response)
    start = today() - timedelta(days=45)
    data = job_data(world, objective="discover", started_on=start.isoformat())
    data["planned_end_on"] = (start + timedelta(days=40)).isoformat()
    response = as_coach.post(new_url(world, "immersion"), data)
    assert (
        response.status_code == 200
        and "Une immersion dure au plus un mois, de date à date : commencée le" in text_of(response)
    )
    assert not Placement.objects.exists()


def test_an_immersion_with_its_agreement_uploaded_into_the_persons_documents(as_coach, world):
    start = today() - timedelta(days=5)
    data = job_data(world, objective="recruit", started_on=start.isoformat())
    data |= {
        "planned_end_on": (start + timedelta(days=14)).isoformat(),
        "agreement_file": upload("convention.pdf"),
    }
    response = as_coach.post(new_url(world, "immersion"), data)
    assert response.status_code == 302
    placement = Placement.objects.get()
    assert placement.kind == PlacementKind.IMMERSION and placement.agreement.kind == AttachmentKind.AGREEMENT
    assert placement.agreement.person == world.person


def test_a_refused_immersion_keeps_no_agreement(as_coach, world):
    start = today() - timedelta(days=5)
    data = job_data(world, objective="", started_on=start.isoformat())
    data |= {
        "planned_end_on": (start + timedelta(days=60)).isoformat(),
        "agreement_file": upload("convention.pdf"),
    }
    assert as_coach.post(new_url(world, "immersion"), data).status_code == 200
    assert not Attachment.objects.exists()


def test_the_detail_page_shows_the_placement_its_disclosure_adjustments_and_the_panel(as_coach, world):
    placement = PlacementFactory(enrolment=world.enrolment)
    Adjustment.objects.create(
        organisation=world.org_a,
        placement=placement,
        kind="pace",
        description="Pauses fréquentes.",
        agreed_on=today(),
    )
    response = as_coach.get(reverse("placements:detail", args=[placement.pk]))
    text = text_of(response)
    assert response.status_code == 200
    assert "Emploi durable" in text and "Non divulgué" in text and "Pauses fréquentes." in text
    assert "Fiche de liaison employeur" in text
    assert [t.name for t in response.templates].count("followalong/_placement_panel.html") == 1


def test_the_disclosure_form_records_the_choice_and_its_date(as_coach, world):
    placement = PlacementFactory(enrolment=world.enrolment)
    url = reverse("placements:disclosure", args=[placement.pk])
    response = as_coach.post(
        url, {"disclosure": "team", "decided_on": (today() + timedelta(days=1)).isoformat()}
    )
    assert response.status_code == 200 and "futur" in text_of(response)
    response = as_coach.post(url, {"disclosure": "team", "decided_on": today().isoformat()})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert (placement.disclosure, placement.disclosure_decided_on) == (EmployerDisclosure.TEAM, today())


def test_adjustments_and_reviews_through_their_forms(as_coach, world):
    placement = PlacementFactory(enrolment=world.enrolment)
    data = {"kind": "equipment", "description": "Un écran plus grand.", "agreed_on": today().isoformat()}
    response = as_coach.post(
        reverse("placements:adjustment_add", args=[placement.pk]), data | {"status": "planned"}
    )
    assert response.status_code == 302
    adjustment = Adjustment.objects.get()
    url = reverse("placements:adjustment_status", args=[adjustment.pk])
    assert as_coach.post(url, {"status": "planned"}).status_code == 200  # the same status: said so
    assert as_coach.post(url, {"status": "in_place"}).status_code == 302
    url = reverse("placements:review_add", args=[adjustment.pk])
    response = as_coach.post(
        url, {"reviewed_on": (today() - timedelta(days=1)).isoformat(), "outcome": "works"}
    )
    assert response.status_code == 200 and "précéder la décision" in text_of(response)
    assert as_coach.post(url, {"reviewed_on": today().isoformat(), "outcome": "works"}).status_code == 302
    assert AdjustmentReview.objects.get().by == world.users["coach"]


def test_ending_the_last_job_offers_job_search_first_and_keep_phase(as_coach, world):
    as_coach.post(new_url(world, "emploi"), job_data(world))
    placement = Placement.objects.get()
    url = reverse("placements:end", args=[placement.pk])
    page = as_coach.get(url).content.decode()
    assert 'value="job_search" selected' in page and 'value="keep"' in page
    assert reverse("pathways:exit", args=[world.enrolment.pk]) in page
    data = {"ended_on": today().isoformat(), "reason": "end_of_trial", "next_phase": "job_search"}
    assert as_coach.post(url, data).status_code == 302
    world.enrolment.refresh_from_db()
    assert world.enrolment.phase == Phase.JOB_SEARCH
    assert as_coach.get(url).status_code == 302  # already ended


def test_ending_with_keep_phase_keeps_it(as_coach, world):
    as_coach.post(new_url(world, "emploi"), job_data(world))
    placement = Placement.objects.get()
    data = {"ended_on": today().isoformat(), "reason": "dismissal", "next_phase": "keep"}
    assert as_coach.post(reverse("placements:end", args=[placement.pk]), data).status_code == 302
    world.enrolment.refresh_from_db()
    assert world.enrolment.phase == Phase.IN_EMPLOYMENT


def test_an_end_before_the_start_is_shown_again(as_coach, world):
    placement = immersion(world.enrolment)
    data = {
        "ended_on": (placement.started_on - timedelta(days=1)).isoformat(),
        "reason": "end_of_term",
        "assessment": "completed",
        "led_to_job": "yes",
        "next_phase": "keep",
    }
    response = as_coach.post(reverse("placements:end", args=[placement.pk]), data)
    assert response.status_code == 200 and "La fin ne peut pas précéder le début" in text_of(response)


def test_editing_keeps_the_rules_and_an_ended_placement_is_not_edited(as_coach, world):
    placement = PlacementFactory(enrolment=world.enrolment)
    url = reverse("placements:edit", args=[placement.pk])
    assert as_coach.get(url).status_code == 200
    data = {
        "company": placement.company.pk,
        "job_title": placement.job_title.pk,
        "contract_type": "cdi",
        "started_on": placement.started_on.isoformat(),
        "hours_per_week": "30",
    }
    assert as_coach.post(url, data | {"hours_per_week": "49"}).status_code == 200
    assert as_coach.post(url, data).status_code == 302
    placement.refresh_from_db()
    assert placement.hours_per_week == 30


@pytest.mark.parametrize("subject", ["other_service_coach", "other_org_coach", "funder_viewer"])
def test_placements_of_another_service_or_organisation_are_not_found(client, world, subject):
    placement = PlacementFactory(enrolment=world.enrolment)
    client.force_login(world.users[subject])
    for name in ("placements:detail", "placements:employer_sheet", "placements:end"):
        assert client.get(reverse(name, args=[placement.pk])).status_code == 404
    assert client.get(reverse("placements:person_placements", args=[world.person.pk])).status_code == 404


def test_a_placement_of_another_service_stays_out_of_a_coach_of_both_persons_services(client, world):
    """A person supported in A1 and A2: A2's coach sees the A2 placement only."""
    other = enrol(world.a2, person=world.person, coach=world.users["other_service_coach"])
    mine, theirs = PlacementFactory(enrolment=other), PlacementFactory(enrolment=world.enrolment)
    client.force_login(world.users["other_service_coach"])
    text = text_of(client.get(reverse("placements:person_placements", args=[world.person.pk])))
    assert reverse("placements:detail", args=[mine.pk]) in text
    assert reverse("placements:detail", args=[theirs.pk]) not in text
    assert client.get(reverse("placements:detail", args=[theirs.pk])).status_code == 404


def test_the_timeline_shows_the_start_and_the_end(as_coach, world):
    PlacementFactory(enrolment=world.enrolment, ended_on=today(), end_reason="resignation")
    text = text_of(as_coach.get(reverse("people:timeline", args=[world.person.pk])))
    assert "Début : Emploi — Boulanger / Boulangère chez" in text
    assert "Fin : Emploi — Boulanger / Boulangère chez" in text and "Démission" in text


def test_reading_a_placement_and_changing_it_are_in_the_audit_trail(as_coach, world):
    placement = PlacementFactory(enrolment=world.enrolment)
    as_coach.get(reverse("placements:detail", args=[placement.pk]))
    read = AuditEntry.objects.filter(kind=Kind.READ).latest("pk")
    assert (read.object_type, read.object_id, read.person_id) == (
        "placements.placement",
        placement.pk,
        world.person.pk,
    )
    as_coach.post(
        reverse("placements:disclosure", args=[placement.pk]),
        {"disclosure": "manager", "decided_on": today()},
    )
    change = (
        AuditEntry.objects.filter(object_type="placements.placement").exclude(kind=Kind.READ).latest("pk")
    )
    assert change.person_id == world.person.pk and "disclosure" in change.fields


def test_the_tab_makes_the_same_number_of_queries_whatever_the_number_of_placements(as_coach, world):
    url = reverse("placements:person_placements", args=[world.person.pk])
    PlacementFactory(enrolment=world.enrolment)
    as_coach.get(url)
    with CaptureQueriesContext(connection) as one:
        as_coach.get(url)
    for _ in range(4):
        job = PlacementFactory(enrolment=world.enrolment)
        job.tutor = tutor_at(job.company)
        job.save()
    with CaptureQueriesContext(connection) as five:
        as_coach.get(url)
    assert len(five) == len(one)


def test_a_job_found_through_an_opening_starts_from_its_details(as_coach, world):
    from tests.employers.factories import OpeningFactory

    opening = OpeningFactory(company=CompanyFactory(organisation=world.org_a), hours_per_week=30)
    page = as_coach.get(new_url(world, "emploi"), {"offre": opening.pk}).content.decode()
    assert f'<option value="{opening.company.pk}" selected>' in page and 'value="30"' in page
    data = job_data(world, company=opening.company.pk, tutor="", opening=opening.pk)
    assert as_coach.post(new_url(world, "emploi"), data).status_code == 302
    assert Placement.objects.get().opening == opening
    elsewhere = OpeningFactory(company=CompanyFactory(organisation=world.org_b))
    assert as_coach.get(new_url(world, "emploi"), {"offre": elsewhere.pk}).status_code == 200
