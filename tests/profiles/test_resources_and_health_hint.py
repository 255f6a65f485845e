"""Resources ("Permis B") apart from barriers in the diagnostic; the hint under the health theme."""

from html import unescape

import pytest
from django.urls import reverse

from filrouge.documents.reports import support_report
from filrouge.profiles.models import Barrier, BarrierStatus
from filrouge.referentials.models import Situation
from tests.profiles.factories import barrier
from tests.profiles.test_profile import form_data, nothing_saved, post

pytestmark = pytest.mark.django_db


def permis_b():
    return Situation.objects.get(code="mobilite.permis-b")


def section(page: str, heading_id: str) -> str:
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


def test_the_edit_page_shows_resources_in_their_own_group_with_their_own_statuses(client, world):
    client.force_login(world.users["coach"])
    page = unescape(client.get(reverse("profiles:edit", args=[world.person.pk])).content.decode())
    resources, barriers = section(page, "resources"), section(page, "barriers")
    assert "Permis B" in resources and "Dispose d'un ordinateur" in resources
    assert "Permis B" not in barriers and "Sans aucune ressource" in barriers
    assert "Présente : c'est un atout" in resources and "Absente" in resources
    assert "Levé" not in resources and "En cours de traitement" in barriers


def test_a_resource_is_saved_present_or_absent_and_shown_as_such(client, world):
    response = post(client, world, form_data() | {f"barriers-status_{permis_b().pk}": BarrierStatus.ABSENT})
    assert response.status_code == 302
    assert Barrier.objects.get(person=world.person).status == BarrierStatus.ABSENT
    page = unescape(client.get(reverse("profiles:detail", args=[world.person.pk])).content.decode())
    assert "Permis B</strong> : Absente" in section(page, "resources")
    assert "Permis B" not in section(page, "barriers")


@pytest.mark.parametrize("status", [BarrierStatus.WORKING_ON, BarrierStatus.RESOLVED])
def test_a_resource_cannot_be_worked_on_nor_lifted(client, world, status):
    response = post(client, world, form_data(skills="x") | {f"barriers-status_{permis_b().pk}": status})
    assert response.status_code == 200
    assert "Le profil n'est pas enregistré" in unescape(response.content.decode())
    assert nothing_saved(world)


def test_a_barrier_cannot_be_absent(client, world):
    poor = Situation.objects.get(code="difficulte_financiere.sans-aucune-ressource")
    response = post(
        client, world, form_data(skills="x") | {f"barriers-status_{poor.pk}": BarrierStatus.ABSENT}
    )
    assert response.status_code == 200
    assert nothing_saved(world)


def test_a_status_recorded_before_the_resources_existed_is_kept_until_changed(client, world):
    Barrier.objects.create(
        person=world.person, organisation=world.person.organisation, situation=permis_b(), status="working_on"
    )
    response = post(client, world, form_data() | {f"barriers-status_{permis_b().pk}": "working_on"})
    assert response.status_code == 302
    assert Barrier.objects.get(person=world.person, situation=permis_b()).status == "working_on"


def test_the_support_report_counts_barriers_not_resources(world):
    open_barrier = barrier(world.person, status=BarrierStatus.PRESENT, theme="mobilite")
    Barrier.objects.create(
        person=world.person, organisation=world.person.organisation, situation=permis_b(), status="present"
    )
    report = support_report(world.enrolment)
    assert [b.situation for b in report.barriers_open] == [open_barrier.situation]
    assert report.barriers_lifted == []


def test_the_health_theme_says_to_keep_medical_detail_in_a_restricted_note(client, world):
    client.force_login(world.users["coach"])
    page = unescape(client.get(reverse("profiles:edit", args=[world.person.pk])).content.decode())
    hint = page[page.index('id="barriers-health-hint"') :]
    hint = hint[: hint.index("</p>")]
    assert "jamais de détail médical" in hint and "« Réservée à ma profession »" in hint
    assert reverse("journal:person_journal", args=[world.person.pk]) in hint
    assert 'aria-describedby="barriers-health-hint"' in page
    # Only under the health theme.
    assert page.count("jamais de détail médical") == 2  # the barriers' and the resources' health groups
