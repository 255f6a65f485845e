from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from filrouge.pathways import domain as pathways
from filrouge.plans import domain
from filrouge.plans.models import (
    ActionPlan,
    ActionStatus,
    AgreementMethod,
    Carrier,
    PlanAction,
    PlanObjective,
)
from filrouge.referentials.models import ActionKind, Objective, Theme
from tests.people.factories import ContactFactory
from tests.plans.factories import ActionFactory, AgreedPlanFactory, ObjectiveFactory, PlanFactory

pytestmark = pytest.mark.django_db
TODAY = pathways.today()


def errors(excinfo) -> dict:
    return excinfo.value.message_dict


@pytest.fixture
def plan(world):
    return domain.start_plan(world.enrolment, world.users["coach"])


@pytest.fixture
def objective(plan):
    return domain.add_objective(
        plan, theme=Theme.objects.get(code="sante"), custom_label="Prendre soin de soi"
    )


def action_fields(**overrides):
    return {"custom_label": "Prendre rendez-vous", "carrier": Carrier.PERSON} | overrides


# --- Starting ----------------------------------------------------------------------------------


def test_a_plan_starts_at_version_one_with_no_agreement(world, plan):
    assert (plan.version, plan.is_current, plan.agreed_on, plan.created_by) == (
        1,
        True,
        None,
        world.users["coach"],
    )
    assert plan.organisation == world.org_a


def test_a_second_plan_for_the_same_pathway_is_refused(world, plan):
    with pytest.raises(ValidationError, match="déjà un plan d'action"):
        domain.start_plan(world.enrolment, None)
    assert ActionPlan.objects.filter(enrolment=world.enrolment).count() == 1


def test_an_ended_pathway_gets_no_plan(world):
    pathways.record_exit(world.enrolment, on=TODAY, outcome="moved", by=None)
    with pytest.raises(ValidationError, match="terminé"):
        domain.start_plan(world.enrolment, None)
    assert not ActionPlan.objects.exists()


def test_the_database_keeps_one_current_plan_per_pathway(world, plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionPlan.objects.create(organisation=world.org_a, enrolment=world.enrolment, version=2)


# --- Objectives --------------------------------------------------------------------------------


def test_an_objective_from_the_referential_takes_its_theme(plan):
    item = Objective.objects.national().first()
    added = domain.add_objective(plan, objective=item)
    assert (added.theme, added.label, added.position) == (item.theme, item.label, 1)


def test_an_objective_under_another_theme_is_refused_on_the_objective(plan):
    item = Objective.objects.national().exclude(theme__code="sante").first()
    with pytest.raises(ValidationError) as excinfo:
        domain.add_objective(plan, theme=Theme.objects.get(code="sante"), objective=item)
    assert "relève de la thématique" in errors(excinfo)["objective"][0]
    assert not PlanObjective.objects.exists()


def test_an_objective_is_either_from_the_referential_or_written(plan):
    theme = Theme.objects.get(code="sante")
    with pytest.raises(ValidationError) as excinfo:
        domain.add_objective(plan, theme=theme)
    assert "objective" in errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        domain.add_objective(plan, objective=Objective.objects.first(), custom_label="Et ceci")
    assert "custom_label" in errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        domain.add_objective(plan, custom_label="Sans thématique")
    assert "theme" in errors(excinfo)
    assert not PlanObjective.objects.exists()


def test_another_services_own_objective_is_unknown_here(world, plan):
    theme = Theme.objects.get(code="sante")
    elsewhere = Objective.objects.create(
        theme=theme, label="Objectif d'A2", organisation=world.org_a, service=world.a2
    )
    own = Objective.objects.create(
        theme=theme, label="Objectif d'A1", organisation=world.org_a, service=world.a1
    )
    with pytest.raises(ValidationError) as excinfo:
        domain.add_objective(plan, objective=elsewhere)
    assert "n'existe pas dans le référentiel de ce service" in errors(excinfo)["objective"][0]
    assert domain.add_objective(plan, objective=own).label == "Objectif d'A1"


def test_an_archived_referential_objective_can_no_longer_be_chosen(world, plan):
    own = Objective.objects.create(
        theme=Theme.objects.get(code="sante"),
        label="Ancien objectif",
        organisation=world.org_a,
        service=world.a1,
        archived_at=pathways.timezone.now(),
    )
    with pytest.raises(ValidationError, match="archivé"):
        domain.add_objective(plan, objective=own)


def test_the_database_refuses_an_objective_with_both_or_neither_label(plan):
    theme = Theme.objects.get(code="sante")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanObjective.objects.create(organisation=plan.organisation, plan=plan, theme=theme)


# --- Actions -----------------------------------------------------------------------------------


def test_an_action_is_added_with_its_status_dated_today(objective, world):
    action = domain.add_action(objective, by=world.users["coach"], **action_fields(due_date=TODAY))
    assert (action.status, action.status_changed_on, action.updated_by) == (
        ActionStatus.PLANNED,
        TODAY,
        world.users["coach"],
    )


def test_due_before_start_is_refused_on_the_due_date_and_nothing_is_written(objective):
    with pytest.raises(ValidationError) as excinfo:
        domain.add_action(
            objective, by=None, **action_fields(planned_start=TODAY, due_date=TODAY - timedelta(days=1))
        )
    assert "ne peut pas précéder le début prévu" in errors(excinfo)["due_date"][0]
    assert not PlanAction.objects.exists()


def test_the_database_refuses_due_before_start(objective):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(objective=objective, planned_start=TODAY, due_date=TODAY - timedelta(days=2))


def test_a_partner_is_required_exactly_when_a_partner_carries_the_action(objective, world):
    with pytest.raises(ValidationError) as excinfo:
        domain.add_action(objective, by=None, **action_fields(carrier=Carrier.PARTNER))
    assert "partner" in errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        domain.add_action(objective, by=None, **action_fields(carrier=Carrier.COACH, partner=world.contact))
    assert "partner" in errors(excinfo)
    outsider = ContactFactory(organisation=world.org_b)
    with pytest.raises(ValidationError) as excinfo:
        domain.add_action(objective, by=None, **action_fields(carrier=Carrier.PARTNER, partner=outsider))
    assert "annuaire" in errors(excinfo)["partner"][0]
    action = domain.add_action(
        objective, by=None, **action_fields(carrier=Carrier.PARTNER, partner=world.contact)
    )
    assert action.partner == world.contact


def test_an_action_kind_must_come_from_the_services_referential(objective, world):
    theme = Theme.objects.get(code="sante")
    elsewhere = ActionKind.objects.create(
        theme=theme, label="Action d'A2", organisation=world.org_a, service=world.a2
    )
    with pytest.raises(ValidationError) as excinfo:
        domain.add_action(objective, by=None, action_kind=elsewhere, carrier=Carrier.PERSON)
    assert "n'existe pas dans le référentiel de ce service" in errors(excinfo)["action_kind"][0]
    national = ActionKind.objects.national().first()
    assert (
        domain.add_action(objective, by=None, action_kind=national, carrier="person").label == national.label
    )
    with pytest.raises(ValidationError) as excinfo:
        domain.add_action(objective, by=None, carrier="person")
    assert "action_kind" in errors(excinfo)


def test_changing_the_status_dates_the_change_and_keeps_the_date_otherwise(objective):
    action = ActionFactory(objective=objective, status_changed_on=TODAY - timedelta(days=10))
    action = domain.update_action(action, by=None, outcome_note="Rendez-vous pris")
    assert action.status_changed_on == TODAY - timedelta(days=10)
    assert action.version == 2
    action = domain.update_action(action, by=None, status=ActionStatus.DONE)
    assert (action.status, action.status_changed_on, action.version) == (ActionStatus.DONE, TODAY, 3)


def test_a_refused_update_leaves_the_action_as_it_was(objective):
    action = ActionFactory(objective=objective, planned_start=TODAY)
    with pytest.raises(ValidationError) as excinfo:
        domain.update_action(action, by=None, due_date=TODAY - timedelta(days=5), status=ActionStatus.DONE)
    assert "due_date" in errors(excinfo)
    action.refresh_from_db()
    assert (action.due_date, action.status, action.version) == (None, ActionStatus.PLANNED, 1)


# --- Agreement ---------------------------------------------------------------------------------


def test_the_agreement_is_recorded_with_its_date_and_method(plan, objective, world):
    domain.record_agreement(plan, TODAY, AgreementMethod.SIGNED_PAPER, world.users["coach"])
    plan.refresh_from_db()
    assert (plan.agreed_on, plan.agreement_method, plan.agreement_recorded_by) == (
        TODAY,
        AgreementMethod.SIGNED_PAPER,
        world.users["coach"],
    )


def test_an_agreement_in_the_future_or_before_the_plan_is_refused(plan, objective):
    with pytest.raises(ValidationError) as excinfo:
        domain.record_agreement(plan, TODAY + timedelta(days=1), AgreementMethod.SIGNED_PAPER, None)
    assert "futur" in errors(excinfo)["agreed_on"][0]
    with pytest.raises(ValidationError) as excinfo:
        domain.record_agreement(plan, TODAY - timedelta(days=1), AgreementMethod.SIGNED_PAPER, None)
    assert "création de cette version" in errors(excinfo)["agreed_on"][0]
    plan.refresh_from_db()
    assert plan.agreed_on is None


def test_an_empty_plan_cannot_be_agreed_nor_agreed_twice(plan):
    with pytest.raises(ValidationError, match="au moins un objectif"):
        domain.record_agreement(plan, TODAY, AgreementMethod.SIGNED_PAPER, None)
    domain.add_objective(plan, theme=Theme.objects.get(code="sante"), custom_label="Dormir mieux")
    domain.record_agreement(plan, TODAY, AgreementMethod.SIGNED_ON_SCREEN, None)
    with pytest.raises(ValidationError, match="déjà enregistré"):
        domain.record_agreement(plan, TODAY, AgreementMethod.SIGNED_PAPER, None)


def test_the_database_wants_both_the_date_and_the_method_of_an_agreement(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionPlan.objects.filter(pk=plan.pk).update(agreed_on=TODAY)


# --- Versions ----------------------------------------------------------------------------------


def agreed_plan_with_actions(world):
    plan = AgreedPlanFactory(enrolment=world.enrolment)
    health = ObjectiveFactory(plan=plan, theme=Theme.objects.get(code="sante"), custom_label="Santé")
    job = ObjectiveFactory(plan=plan, custom_label="Emploi")
    ActionFactory(objective=health, custom_label="En cours", status=ActionStatus.IN_PROGRESS)
    ActionFactory(objective=health, custom_label="Faite", status=ActionStatus.DONE, outcome_note="Bien")
    ActionFactory(
        objective=job, custom_label="Par un partenaire", carrier=Carrier.PARTNER, partner=world.contact
    )
    ActionFactory(objective=job, custom_label="Annulée", status=ActionStatus.CANCELLED)
    return plan


def test_a_new_version_copies_everything_and_keeps_the_old_one_readable(world):
    old = agreed_plan_with_actions(world)
    new = domain.new_version(old, world.users["coach"])
    old.refresh_from_db()
    assert old.superseded_at is not None and not old.is_current
    assert (new.version, new.is_current, new.agreed_on, new.agreement_method) == (2, True, None, "")
    assert old.agreed_on == TODAY  # the old agreement stays with the old version
    copied = {(a.objective.label, a.label, a.status, a.outcome_note, a.partner_id) for a in
              PlanAction.objects.filter(objective__plan=new).select_related("objective")}  # fmt: skip
    original = {(a.objective.label, a.label, a.status, a.outcome_note, a.partner_id) for a in
                PlanAction.objects.filter(objective__plan=old).select_related("objective")}  # fmt: skip
    assert copied == original and len(copied) == 4
    assert [g.theme.code for g in domain.plan_outline(new)] == [
        g.theme.code for g in domain.plan_outline(old)
    ]
    origins = set(PlanAction.objects.filter(objective__plan=new).values_list("origin_id", flat=True))
    assert origins == set(PlanAction.objects.filter(objective__plan=old).values_list("pk", flat=True))


def test_a_superseded_plan_refuses_every_change(world):
    old = agreed_plan_with_actions(world)
    domain.new_version(old, None)
    old.refresh_from_db()
    objective = old.objectives.first()
    action = PlanAction.objects.filter(objective__plan=old).first()
    refusals = [
        lambda: domain.add_objective(old, theme=objective.theme, custom_label="Encore"),
        lambda: domain.add_action(objective, by=None, **action_fields()),
        lambda: domain.update_action(action, by=None, status=ActionStatus.DONE),
        lambda: domain.record_agreement(old, TODAY, AgreementMethod.SIGNED_PAPER, None),
        lambda: domain.new_version(old, None),
    ]
    for attempt in refusals:
        with pytest.raises(ValidationError, match="remplacée"):
            attempt()
    assert ActionPlan.objects.filter(enrolment=world.enrolment).count() == 2
    assert PlanAction.objects.get(pk=action.pk).version == 1


def test_a_version_not_yet_agreed_is_edited_rather_than_replaced(plan, objective):
    with pytest.raises(ValidationError, match="pas encore été acceptée"):
        domain.new_version(plan, None)
    assert ActionPlan.objects.count() == 1


def test_the_plan_of_an_ended_pathway_is_read_only(world, plan, objective):
    pathways.record_exit(world.enrolment, on=TODAY, outcome="moved", by=None)
    with pytest.raises(ValidationError, match="terminé"):
        domain.add_action(objective, by=None, **action_fields())


def test_the_outline_groups_objectives_by_theme_in_two_queries(world, django_assert_num_queries):
    plan = agreed_plan_with_actions(world)
    ObjectiveFactory(plan=plan, theme=Theme.objects.get(code="sante"), custom_label="Santé encore")
    with django_assert_num_queries(2):
        outline = domain.plan_outline(plan)
        shape = [
            (g.theme.code, [(o.label, [a.label for a in o.action_list]) for o in g.objectives])
            for g in outline
        ]
    assert shape == [
        ("sante", [("Santé", ["En cours", "Faite"]), ("Santé encore", [])]),
        ("trouver_un_emploi", [("Emploi", ["Par un partenaire", "Annulée"])]),
    ]


def test_plan_factories_make_a_consistent_plan(world):
    plan = PlanFactory(enrolment=world.enrolment)
    assert plan.organisation == world.org_a and plan.is_editable


# --- An agreed version -------------------------------------------------------------------------


def agreed(plan):
    return domain.record_agreement(plan, TODAY, AgreementMethod.AGREED_IN_MEETING, None)


def test_an_agreed_version_refuses_new_objectives_and_actions(plan, objective):
    agreed(plan)
    with pytest.raises(ValidationError, match="a accepté cette version du plan") as excinfo:
        domain.add_objective(plan, theme=objective.theme, custom_label="Après l'accord")
    assert "nouvelle version" in excinfo.value.messages[0]
    with pytest.raises(ValidationError, match="a accepté cette version du plan"):
        domain.add_action(objective, by=None, **action_fields())
    assert PlanObjective.objects.count() == 1 and not PlanAction.objects.exists()


def test_an_agreed_version_follows_the_progress_of_its_actions(plan, objective):
    action = domain.add_action(objective, by=None, **action_fields(due_date=TODAY))
    agreed(plan)
    PlanAction.objects.filter(pk=action.pk).update(status_changed_on=TODAY - timedelta(days=3))
    action = domain.update_action(action, by=None, status=ActionStatus.DONE, outcome_note="Fait")
    assert (action.status, action.outcome_note, action.status_changed_on, action.version) == (
        ActionStatus.DONE,
        "Fait",
        TODAY,
        2,
    )
    # The whole form sent again, with the content as agreed, is progress only.
    same = {name: getattr(action, name) for name in domain.ACTION_FIELDS}
    same["custom_label"] = f"  {action.custom_label} "
    action = domain.update_action(action, by=None, **same | {"outcome_note": "Fait, CV envoyé"})
    assert (action.outcome_note, action.custom_label, action.version) == (
        "Fait, CV envoyé",
        "Prendre rendez-vous",
        3,
    )


@pytest.mark.parametrize(
    "change",
    [
        {"custom_label": "Autre chose"},
        {"carrier": Carrier.COACH},
        {"planned_start": TODAY - timedelta(days=1)},
        {"due_date": TODAY + timedelta(days=30)},
        {"due_date": None},
        {"custom_label": "", "action_kind": "national"},
        {"carrier": Carrier.PARTNER, "partner": "contact"},
    ],
)
def test_an_agreed_version_keeps_its_actions_as_agreed(world, plan, objective, change):
    action = domain.add_action(objective, by=None, **action_fields(due_date=TODAY))
    agreed(plan)
    replacements = {"national": ActionKind.objects.national().first(), "contact": world.contact}
    change = {
        name: replacements.get(value, value) if isinstance(value, str) else value
        for name, value in change.items()
    }
    with pytest.raises(ValidationError, match="a accepté cette version du plan"):
        domain.update_action(action, by=None, status=ActionStatus.DONE, **change)
    saved = PlanAction.objects.get(pk=action.pk)
    assert (saved.custom_label, saved.carrier, saved.due_date, saved.status, saved.version) == (
        "Prendre rendez-vous",
        Carrier.PERSON,
        TODAY,
        ActionStatus.PLANNED,
        1,
    )


def test_an_agreed_version_still_refuses_an_unknown_status(plan, objective):
    action = domain.add_action(objective, by=None, **action_fields())
    agreed(plan)
    with pytest.raises(ValidationError) as excinfo:
        domain.update_action(action, by=None, status="forgotten")
    assert "status" in errors(excinfo)


# --- Editing and withdrawing an objective ------------------------------------------------------


def test_an_objective_is_edited_by_the_rules_of_its_addition(plan, objective):
    item = Objective.objects.national().exclude(theme__code="sante").first()
    with pytest.raises(ValidationError) as excinfo:
        domain.update_objective(objective, theme=objective.theme, objective=item)
    assert "relève de la thématique" in errors(excinfo)["objective"][0]
    with pytest.raises(ValidationError) as excinfo:
        domain.update_objective(objective, theme=objective.theme, custom_label="  ")
    assert "objective" in errors(excinfo)
    assert PlanObjective.objects.get(pk=objective.pk).label == "Prendre soin de soi"

    changed = domain.update_objective(objective, objective=item)
    assert (changed.objective, changed.theme, changed.custom_label, changed.position) == (
        item,
        item.theme,
        "",
        1,
    )
    changed = domain.update_objective(objective, theme=objective.theme, custom_label=" Dormir mieux ")
    assert (changed.objective, changed.theme.code, changed.label) == (None, "sante", "Dormir mieux")


def test_a_withdrawn_objective_is_kept_with_its_actions_and_can_be_restored(plan, objective):
    late = domain.add_action(objective, by=None, **action_fields(due_date=TODAY - timedelta(days=3)))
    assert late.is_overdue and PlanAction.objects.overdue_on(TODAY).filter(pk=late.pk).exists()

    withdrawn = domain.withdraw_objective(objective)
    assert withdrawn.is_withdrawn
    first_withdrawal = withdrawn.withdrawn_at
    assert domain.withdraw_objective(objective).withdrawn_at == first_withdrawal  # again: no change
    late = PlanAction.objects.select_related("objective").get(pk=late.pk)
    assert not late.is_overdue  # no longer awaited
    assert not PlanAction.objects.overdue_on(TODAY).exists()
    assert domain.plan_outline(plan) == []  # the printout leaves it out
    assert [o.label for g in domain.plan_outline(plan, include_withdrawn=True) for o in g.objectives] == [
        "Prendre soin de soi"
    ]

    restored = domain.restore_objective(objective)
    assert not restored.is_withdrawn
    assert PlanAction.objects.overdue_on(TODAY).filter(pk=late.pk).exists()


def test_a_withdrawn_objective_takes_no_change_until_restored(plan, objective):
    action = domain.add_action(objective, by=None, **action_fields())
    domain.withdraw_objective(objective)
    refusals = [
        lambda: domain.add_action(objective, by=None, **action_fields()),
        lambda: domain.update_action(action, by=None, status=ActionStatus.DONE),
        lambda: domain.update_objective(objective, theme=objective.theme, custom_label="Autre"),
    ]
    for attempt in refusals:
        with pytest.raises(ValidationError, match="retiré du plan"):
            attempt()
    assert PlanAction.objects.count() == 1 and PlanAction.objects.get().version == 1
    assert PlanObjective.objects.get().custom_label == "Prendre soin de soi"


def test_a_plan_whose_objectives_are_all_withdrawn_cannot_be_agreed(plan, objective):
    domain.withdraw_objective(objective)
    with pytest.raises(ValidationError, match="au moins un objectif"):
        agreed(plan)
    plan.refresh_from_db()
    assert not plan.is_agreed


def test_objectives_of_an_agreed_or_superseded_version_are_neither_edited_nor_withdrawn(world):
    old = agreed_plan_with_actions(world)
    objective = old.objectives.first()
    for attempt in (
        lambda: domain.update_objective(objective, theme=objective.theme, custom_label="Autre"),
        lambda: domain.withdraw_objective(objective),
        lambda: domain.restore_objective(objective),
    ):
        with pytest.raises(ValidationError, match="a accepté cette version"):
            attempt()
    domain.new_version(old, None)
    objective.plan.refresh_from_db()
    for attempt in (
        lambda: domain.update_objective(objective, theme=objective.theme, custom_label="Autre"),
        lambda: domain.withdraw_objective(objective),
    ):
        with pytest.raises(ValidationError, match="remplacée"):
            attempt()
    saved = PlanObjective.objects.get(pk=objective.pk)
    assert (saved.custom_label, saved.withdrawn_at) == ("Santé", None)


def test_a_new_version_keeps_a_withdrawn_objective_withdrawn(world, plan, objective):
    kept = domain.add_objective(plan, theme=objective.theme, custom_label="Gardé")
    domain.withdraw_objective(objective)
    agreed(plan)
    new = domain.new_version(plan, None)
    assert {(o.label, o.is_withdrawn) for o in new.objectives.all()} == {
        ("Prendre soin de soi", True),
        (kept.label, False),
    }
