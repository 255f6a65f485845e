"""Reopening a pathway closed by mistake: a head of service whenever, its coaches within 7 days
of the exit; a reason is required; the history and the audit trail record it; the figures no
longer count the exit."""

import html
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from filrouge import policy
from filrouge.audit.models import AuditEntry
from filrouge.organisations.models import Service
from filrouge.outcomes.measures import Scope
from filrouge.outcomes.measures.durations import flows
from filrouge.outcomes.periods import parse
from filrouge.pathways import domain
from filrouge.pathways.models import ExitOutcome, Phase
from tests.pathways.factories import enrol

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def exited(world, days_ago=0, coach="coach"):
    enrolment = enrol(world.a1, coach=world.users[coach])
    domain.change_phase(enrolment, Phase.JOB_SEARCH, domain.today() - timedelta(days=days_ago + 1), None)
    domain.record_exit(
        enrolment,
        on=domain.today() - timedelta(days=days_ago),
        outcome=ExitOutcome.REORIENTATION_ESAT,
        by=None,
        comment="Orientée vers l'ESAT.",
        reoriented_to="ESAT des Tilleuls",
    )
    return enrolment


def test_reopening_clears_the_exit_and_returns_to_the_phase_before_it(world):
    enrolment = exited(world, days_ago=3)
    change = domain.reopen(
        enrolment, by=world.users["coach"], reason="Sortie saisie sur la mauvaise personne."
    )
    enrolment.refresh_from_db()
    assert enrolment.is_current
    assert (enrolment.exit_outcome, enrolment.exit_comment, enrolment.reoriented_to) == ("", "", "")
    assert enrolment.phase == Phase.JOB_SEARCH
    assert (change.phase, change.changed_on) == (Phase.JOB_SEARCH, domain.today())
    assert "Sortie saisie sur la mauvaise personne." in change.comment
    # The history keeps the exit, then the reopening.
    assert [c.phase for c in enrolment.phase_changes.order_by("-changed_on", "-pk")][:2] == [
        Phase.JOB_SEARCH,
        Phase.EXIT,
    ]
    assert AuditEntry.objects.filter(object_type="pathways.enrolment", object_id=enrolment.pk).exists()
    assert AuditEntry.objects.filter(object_type="pathways.phasechange", object_id=change.pk).exists()


def test_a_reason_is_required(world):
    enrolment = exited(world)
    with pytest.raises(ValidationError) as refusal:
        domain.reopen(enrolment, by=None, reason="  ")
    assert "reason" in refusal.value.message_dict
    enrolment.refresh_from_db()
    assert not enrolment.is_current


def test_a_current_pathway_or_one_with_a_newer_pathway_is_not_reopened(world):
    with pytest.raises(ValidationError):
        domain.reopen(world.enrolment, by=None, reason="Erreur.")
    enrolment = exited(world)
    enrol(world.a1, person=enrolment.person)  # a new pathway in the same service since
    with pytest.raises(ValidationError, match="autre parcours en cours"):
        domain.reopen(enrolment, by=None, reason="Erreur.")


def test_the_figures_no_longer_count_the_exit(world):
    enrolment = exited(world)
    scope = Scope.of(Service.objects.filter(pk=world.a1.pk), parse(str(domain.today().year)))
    assert flows(scope).exits == 1
    domain.reopen(enrolment, by=None, reason="Erreur de saisie.")
    assert flows(scope).exits == 0


@pytest.mark.parametrize(
    ("subject", "days_ago", "allowed"),
    [
        ("head_of_service", 30, True),
        ("director", 30, True),
        ("coach", 0, True),
        ("coach", 7, True),
        ("coach", 8, False),
        ("psychologist", 0, False),  # not in the pathway's team
        ("other_service_coach", 0, False),
        ("other_org_coach", 0, False),
    ],
)
def test_who_may_reopen(world, subject, days_ago, allowed):
    enrolment = exited(world, days_ago=days_ago)
    assert policy.may_reopen(world.users[subject], enrolment, domain.today()) is allowed


def test_a_team_member_may_reopen_within_7_days(world):
    enrolment = exited(world, days_ago=2)
    enrolment.team.add(world.users["psychologist"])
    assert policy.may_reopen(world.users["psychologist"], enrolment, domain.today())


def test_the_page_reopens_with_a_reason_and_shows_the_link_to_who_may(client, world):
    enrolment = exited(world)
    client.force_login(world.users["coach"])
    record = text(client.get(reverse("people:detail", args=[enrolment.person_id])))
    assert reverse("pathways:reopen", args=[enrolment.pk]) in record
    url = reverse("pathways:reopen", args=[enrolment.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and refused.context["form"].errors["reason"]
    response = client.post(url, {"reason": "Sortie enregistrée par erreur."})
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.is_current


def test_a_coach_too_late_sees_no_link_and_gets_a_404(client, world):
    enrolment = exited(world, days_ago=10)
    client.force_login(world.users["coach"])
    record = text(client.get(reverse("people:detail", args=[enrolment.person_id])))
    assert reverse("pathways:reopen", args=[enrolment.pk]) not in record
    assert (
        client.post(reverse("pathways:reopen", args=[enrolment.pk]), {"reason": "Erreur."}).status_code == 404
    )
    enrolment.refresh_from_db()
    assert not enrolment.is_current
