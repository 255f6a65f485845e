"""An action's outcome note is encrypted at rest (issue 17): the database holds ciphertext, every
reader (the plan's pages, a new version, the audit, the export) the text."""

import html
import json

import pytest
from django.urls import reverse

from filrouge.audit.models import AuditEntry, Kind
from filrouge.plans import domain
from filrouge.plans.models import ActionStatus, PlanAction
from tests.core.encrypted_fields import clear_in_database, exported, raw, rotate_to_a_new_key, run_steps
from tests.plans.factories import ActionFactory, AgreedPlanFactory, ObjectiveFactory, PlanFactory

pytestmark = pytest.mark.django_db

NOTE = "Rendez-vous au CMP reporté : hospitalisation de deux semaines."
MIGRATION = "plans.migrations.0003_encrypt_action_outcome_note"


@pytest.fixture
def action(world):
    objective = ObjectiveFactory(plan=PlanFactory(enrolment=world.enrolment))
    return ActionFactory(objective=objective, custom_label="Voir le médecin")


def test_an_outcome_written_through_the_form_is_stored_encrypted_and_shown_in_clear(client, world, action):
    client.force_login(world.users["coach"])
    data = {
        "version": action.version,
        "custom_label": action.custom_label,
        "carrier": action.carrier,
        "status": ActionStatus.IN_PROGRESS,
        "outcome_note": NOTE,
    }
    assert client.post(reverse("plans:action_edit", args=[action.pk]), data).status_code == 302
    held = raw(PlanAction, "outcome_note", action.pk)
    assert held.startswith("enc:") and "hospitalisation" not in held
    assert PlanAction.objects.get(pk=action.pk).outcome_note == NOTE
    page = client.get(reverse("plans:detail", args=[action.objective.plan_id]))
    assert NOTE in html.unescape(page.content.decode())


def test_a_new_version_copies_the_outcome_encrypted(world):
    objective = ObjectiveFactory(plan=AgreedPlanFactory(enrolment=world.enrolment))
    action = ActionFactory(objective=objective, outcome_note=NOTE)
    plan = domain.new_version(action.objective.plan, world.users["coach"])
    copy = PlanAction.objects.get(objective__plan=plan, origin=action)
    assert raw(PlanAction, "outcome_note", copy.pk).startswith("enc:")
    assert copy.outcome_note == NOTE


def test_the_migration_encrypts_outcomes_stored_in_clear_and_reverses(action):
    clear_in_database(PlanAction, action.pk, outcome_note=NOTE)
    run_steps(MIGRATION)
    assert raw(PlanAction, "outcome_note", action.pk).startswith("enc:")
    assert PlanAction.objects.get(pk=action.pk).outcome_note == NOTE
    run_steps(MIGRATION, backwards=True)
    assert raw(PlanAction, "outcome_note", action.pk) == NOTE


def test_the_audit_trail_keeps_the_old_and_new_outcome(world, action):
    domain.update_action(action, by=world.users["coach"], outcome_note=NOTE)
    entry = AuditEntry.objects.filter(kind=Kind.UPDATE, object_type="plans.planaction", object_id=action.pk)
    assert json.loads(entry.latest("pk").changes)["values"]["outcome_note"] == ["", NOTE]


def test_the_personal_data_export_holds_the_outcome_in_clear(world, action):
    domain.update_action(action, by=world.users["coach"], outcome_note=NOTE)
    assert NOTE in exported(world.person, world.users["head_of_service"])


def test_key_rotation_re_encrypts_the_outcome(world, action, settings):
    domain.update_action(action, by=world.users["coach"], outcome_note=NOTE)
    before = raw(PlanAction, "outcome_note", action.pk)
    assert "plans.PlanAction: 1 re-encrypted" in rotate_to_a_new_key(settings)
    assert raw(PlanAction, "outcome_note", action.pk) != before
    assert PlanAction.objects.get(pk=action.pk).outcome_note == NOTE  # with the new key alone
