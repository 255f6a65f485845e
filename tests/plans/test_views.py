import html
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from filrouge.pathways import domain as pathways
from filrouge.people.timeline import timeline
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
from tests.plans.factories import ActionFactory, AgreedPlanFactory, ObjectiveFactory, PlanFactory

pytestmark = pytest.mark.django_db
TODAY = pathways.today()


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def coach_client(client, world):
    client.force_login(world.users["coach"])
    return client


@pytest.fixture
def plan(world):
    plan = PlanFactory(enrolment=world.enrolment)
    health = ObjectiveFactory(
        plan=plan, theme=Theme.objects.get(code="sante"), custom_label="Retrouver le sommeil"
    )
    ActionFactory(objective=health, custom_label="Voir le médecin", due_date=TODAY - timedelta(days=2))
    ActionFactory(
        objective=health,
        custom_label="Bilan au CMP",
        carrier=Carrier.PARTNER,
        partner=world.contact,
        planned_start=TODAY + timedelta(days=40),
        status=ActionStatus.ON_HOLD,
    )
    job = ObjectiveFactory(plan=plan, custom_label="Trouver un emploi à mi-temps")
    ActionFactory(
        objective=job, custom_label="Refaire le CV", status=ActionStatus.DONE, outcome_note="CV prêt"
    )
    return plan


def test_the_person_without_a_plan_is_offered_to_start_one(coach_client, world):
    response = coach_client.get(reverse("plans:person_plans", args=[world.person.pk]))
    page = text(response)
    assert "Aucun plan d'action pour le moment." in page
    assert reverse("plans:start", args=[world.enrolment.pk]) in page
    assert 'aria-current="page">Plan d\'action</a>' in page


def test_starting_a_plan_after_confirmation(coach_client, world):
    url = reverse("plans:start", args=[world.enrolment.pk])
    assert "Commencer le plan d'action" in text(coach_client.get(url))
    response = coach_client.post(url)
    plan = ActionPlan.objects.get(enrolment=world.enrolment)
    assert response["Location"].endswith(f"#parcours-{world.enrolment.pk}")
    assert plan.version == 1
    again = coach_client.post(url, follow=True)
    assert "déjà un plan d'action" in text(again)
    assert ActionPlan.objects.count() == 1


def test_the_plan_page_shows_objectives_by_theme_with_their_actions(coach_client, world, plan):
    page = text(coach_client.get(reverse("plans:person_plans", args=[world.person.pk])))
    for expected in (
        "Santé",
        "Retrouver le sommeil",
        "Voir le médecin",
        "En retard",
        "Bilan au CMP",
        world.contact.full_name,
        "En attente",
        "Refaire le CV",
        "Réalisée",
        "CV prêt",
        "Pas encore d'accord enregistré",
    ):
        assert expected in page, expected
    assert page.count("En retard") == 1  # the action on hold and the done one are not late
    assert reverse("plans:objective_add", args=[plan.pk]) in page
    assert reverse("plans:agreement", args=[plan.pk]) in page


def test_the_plan_page_costs_the_same_queries_for_many_actions(coach_client, world, plan):
    url = reverse("plans:person_plans", args=[world.person.pk])
    coach_client.get(url)
    with CaptureQueriesContext(connection) as few:
        coach_client.get(url)
    for objective in plan.objectives.all():
        for _ in range(15):
            ActionFactory(objective=objective, partner=world.contact, carrier=Carrier.PARTNER)
    ObjectiveFactory(plan=plan, objective=Objective.objects.first(), custom_label="")
    with CaptureQueriesContext(connection) as many:
        response = coach_client.get(url)
    assert response.status_code == 200
    # 19: with the navigation's one question to the policy (does the user work cases anywhere?)
    # and the audit trail's read entry (3).
    assert len(many.captured_queries) == len(few.captured_queries) <= 19


def test_the_detail_and_timeline_pages_stay_within_a_few_queries(
    coach_client, plan, django_assert_max_num_queries
):
    for week in range(30):
        ActionFactory(objective=plan.objectives.first(), due_date=TODAY + timedelta(weeks=week))
    coach_client.get(reverse("plans:detail", args=[plan.pk]))
    with django_assert_max_num_queries(19):  # +4: the audit trail's entry and whose record it is
        coach_client.get(reverse("plans:detail", args=[plan.pk]))
    with django_assert_max_num_queries(17):  # the navigation's question and the audit entry included
        coach_client.get(reverse("plans:timeline", args=[plan.pk]))


def test_adding_an_objective_from_the_referential_grouped_by_theme(coach_client, plan):
    url = reverse("plans:objective_add", args=[plan.pk])
    page = text(coach_client.get(url))
    assert '<optgroup label="Santé">' in page
    item = Objective.objects.national().first()
    response = coach_client.post(url, {"objective": item.pk})
    assert response.status_code == 302
    assert plan.objectives.filter(objective=item, theme=item.theme).exists()


def test_an_unknown_referential_objective_is_refused_with_a_clear_message(coach_client, world, plan):
    elsewhere = Objective.objects.create(
        theme=Theme.objects.get(code="sante"), label="D'A2", organisation=world.org_a, service=world.a2
    )
    before = PlanObjective.objects.count()
    response = coach_client.post(reverse("plans:objective_add", args=[plan.pk]), {"objective": elsewhere.pk})
    assert response.status_code == 200
    assert "n'existe pas dans le référentiel de ce service" in text(response)
    assert PlanObjective.objects.count() == before


def test_a_theme_that_does_not_match_the_objective_is_shown_on_the_field(coach_client, plan):
    item = Objective.objects.national().exclude(theme__code="sante").first()
    response = coach_client.post(
        reverse("plans:objective_add", args=[plan.pk]),
        {"theme": Theme.objects.get(code="sante").pk, "objective": item.pk},
    )
    assert "relève de la thématique" in response.context["form"].errors["objective"][0]


def test_adding_an_action_and_refusing_due_before_start(coach_client, world, plan):
    objective = plan.objectives.first()
    url = reverse("plans:action_add", args=[objective.pk])
    page = text(coach_client.get(url))
    assert page.index('<optgroup label="Santé">') < page.index('<optgroup label="Emploi">')  # its theme first
    data = {
        "custom_label": "Appeler la CPAM",
        "carrier": Carrier.COACH,
        "planned_start": TODAY.isoformat(),
        "due_date": (TODAY - timedelta(days=3)).isoformat(),
        "status": ActionStatus.PLANNED,
    }
    response = coach_client.post(url, data)
    assert "ne peut pas précéder le début prévu" in response.context["form"].errors["due_date"][0]
    assert not PlanAction.objects.filter(custom_label="Appeler la CPAM").exists()
    kind = ActionKind.objects.national().filter(theme__code="sante").first()
    response = coach_client.post(url, data | {"custom_label": "", "action_kind": kind.pk, "due_date": ""})
    assert response.status_code == 302
    assert objective.actions.filter(action_kind=kind, carrier=Carrier.COACH).exists()


def test_a_partner_of_another_organisation_cannot_be_chosen(coach_client, world, plan):
    from tests.people.factories import ContactFactory

    outsider = ContactFactory(organisation=world.org_b)
    response = coach_client.post(
        reverse("plans:action_add", args=[plan.objectives.first().pk]),
        {"custom_label": "X", "carrier": Carrier.PARTNER, "partner": outsider.pk, "status": "planned"},
    )
    assert "partner" in response.context["form"].errors


def test_editing_an_action_dates_its_new_status(coach_client, plan):
    action = PlanAction.objects.get(custom_label="Voir le médecin")
    url = reverse("plans:action_edit", args=[action.pk])
    assert coach_client.get(url).status_code == 200
    data = {
        "version": action.version,
        "custom_label": action.custom_label,
        "carrier": action.carrier,
        "due_date": action.due_date.isoformat(),
        "status": ActionStatus.DONE,
        "outcome_note": "Rendez-vous fait",
    }
    assert coach_client.post(url, data).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.status_changed_on, action.outcome_note, action.version) == (
        ActionStatus.DONE,
        TODAY,
        "Rendez-vous fait",
        2,
    )


def test_an_action_edited_twice_at_once_shows_the_conflict(coach_client, plan):
    action = PlanAction.objects.get(custom_label="Voir le médecin")
    url = reverse("plans:action_edit", args=[action.pk])
    base = {"version": 1, "custom_label": action.custom_label, "carrier": "person", "status": "planned"}
    assert coach_client.post(url, base | {"outcome_note": "Première"}).status_code == 302
    response = coach_client.post(url, base | {"outcome_note": "Seconde"})
    assert response.status_code == 200
    assert [(row["saved"], row["yours"]) for row in response.context["form"].conflict] == [
        ("Première", "Seconde")
    ]
    assert "Les deux versions" in text(response)
    action.refresh_from_db()
    assert action.outcome_note == "Première"


def test_recording_the_agreement(coach_client, world, plan):
    url = reverse("plans:agreement", args=[plan.pk])
    response = coach_client.post(
        url, {"agreed_on": (TODAY + timedelta(days=2)).isoformat(), "agreement_method": "signed_paper"}
    )
    assert "futur" in response.context["form"].errors["agreed_on"][0]
    response = coach_client.post(url, {"agreed_on": TODAY.isoformat(), "agreement_method": "signed_paper"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.agreed_on, plan.agreement_method, plan.agreement_recorded_by) == (
        TODAY,
        AgreementMethod.SIGNED_PAPER,
        world.users["coach"],
    )
    page = text(coach_client.get(reverse("plans:person_plans", args=[world.person.pk])))
    assert "Accepté par la personne" in page and "Signé sur papier" in page


def test_a_new_version_keeps_the_old_one_readable_without_edit_links(coach_client, world, plan):
    domain.record_agreement(plan, TODAY, AgreementMethod.AGREED_IN_MEETING, None)
    url = reverse("plans:new_version", args=[plan.pk])
    assert "Créer la nouvelle version" in text(coach_client.get(url))
    assert coach_client.post(url).status_code == 302
    new = ActionPlan.objects.current().get(enrolment=world.enrolment)
    assert new.version == 2
    person_page = text(coach_client.get(reverse("plans:person_plans", args=[world.person.pk])))
    assert "Version 1, remplacée le" in person_page and reverse("plans:detail", args=[plan.pk]) in person_page
    old_page = text(coach_client.get(reverse("plans:detail", args=[plan.pk])))
    assert "Version 1, remplacée le" in old_page and "Voir le médecin" in old_page
    assert "/modifier/" not in old_page and reverse("plans:objective_add", args=[plan.pk]) not in old_page
    # Editing pages of the old version send back to it, saying why; nothing is written.
    response = coach_client.post(
        reverse("plans:objective_add", args=[plan.pk]),
        {"theme": Theme.objects.get(code="sante").pk, "custom_label": "Trop tard"},
        follow=True,
    )
    assert "ne peut plus être modifiée" in text(response)
    assert not PlanObjective.objects.filter(custom_label="Trop tard").exists()


def test_the_timeline_lists_actions_by_month_with_today(coach_client, plan):
    page = text(coach_client.get(reverse("plans:timeline", args=[plan.pk])))
    assert 'aria-current="date"' in page and "Aujourd'hui" in page
    assert page.index("Voir le médecin") < page.index("Aujourd'hui") < page.index("Bilan au CMP")
    assert "Actions sans date" in page and "Refaire le CV" in page


def test_the_person_timeline_shows_versions_agreements_and_finished_actions_once(world, plan):
    domain.record_agreement(plan, TODAY, AgreementMethod.SIGNED_ON_SCREEN, world.users["coach"])
    domain.new_version(plan, world.users["coach"])
    events = [
        e for e in timeline(world.person, world.enrolment.person.enrolments.all(), None) if e.kind == "plan"
    ]
    titles = [e.title for e in events]
    assert "Plan d'action : version 1 créée" in titles and "Plan d'action : version 2 créée" in titles
    assert sum("Accord de la personne" in t for t in titles) == 1
    assert sum("Refaire le CV" in t for t in titles) == 1  # copied into version 2, counted once


def test_the_plan_timeline_provider_costs_two_queries(world, plan, django_assert_num_queries):
    from filrouge.plans.timeline_events import plan_events

    for _ in range(10):
        ActionFactory(objective=plan.objectives.first(), status=ActionStatus.DONE)
    with django_assert_num_queries(2):
        list(plan_events(world.person, world.person.enrolments.all(), None))


def test_someone_of_another_service_cannot_reach_the_plan(client, world, plan):
    client.force_login(world.users["other_service_coach"])
    action = PlanAction.objects.first()
    for url in (
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:action_edit", args=[action.pk]),
        reverse("plans:person_plans", args=[world.person.pk]),
    ):
        assert client.get(url).status_code == 404


def test_plans_of_an_ended_pathway_are_read_only_pages(coach_client, world, plan):
    pathways.record_exit(world.enrolment, on=TODAY, outcome="moved", by=None)
    page = text(coach_client.get(reverse("plans:detail", args=[plan.pk])))
    assert "Ce parcours est terminé" in page and "/modifier/" not in page


def test_an_agreed_plan_offers_a_revision_instead_of_an_agreement(coach_client, world):
    agreed = AgreedPlanFactory(enrolment=world.enrolment)
    page = text(coach_client.get(reverse("plans:person_plans", args=[world.person.pk])))
    assert reverse("plans:new_version", args=[agreed.pk]) in page
    assert reverse("plans:agreement", args=[agreed.pk]) not in page


# --- An agreed version -------------------------------------------------------------------------


def test_an_agreed_version_offers_no_content_change_and_says_why(coach_client, world, plan):
    domain.record_agreement(plan, TODAY, AgreementMethod.AGREED_IN_MEETING, None)
    objective = plan.objectives.first()
    for url in (
        reverse("plans:person_plans", args=[world.person.pk]),
        reverse("plans:detail", args=[plan.pk]),
    ):
        page = text(coach_client.get(url))
        assert "La personne a accepté cette version" in page
        assert reverse("plans:new_version", args=[plan.pk]) in page
        for hidden in ("plans:objective_add", "plans:agreement"):
            assert reverse(hidden, args=[plan.pk]) not in page
        for hidden in ("plans:action_add", "plans:objective_edit", "plans:objective_withdraw"):
            assert reverse(hidden, args=[objective.pk]) not in page
        # Following the actions goes on.
        assert reverse("plans:action_edit", args=[objective.actions.first().pk]) in page


def test_an_agreed_version_sends_its_content_pages_back_to_the_plan(coach_client, world, plan):
    domain.record_agreement(plan, TODAY, AgreementMethod.AGREED_IN_MEETING, None)
    objective = plan.objectives.first()
    before = (PlanObjective.objects.count(), PlanAction.objects.count())
    attempts = [
        (
            reverse("plans:objective_add", args=[plan.pk]),
            {"theme": objective.theme_id, "custom_label": "Après"},
        ),
        (
            reverse("plans:action_add", args=[objective.pk]),
            {"custom_label": "Après", "carrier": "person", "status": "planned"},
        ),
        (
            reverse("plans:objective_edit", args=[objective.pk]),
            {"theme": objective.theme_id, "custom_label": "Après"},
        ),
        (reverse("plans:objective_withdraw", args=[objective.pk]), {}),
        (reverse("plans:objective_restore", args=[objective.pk]), {}),
    ]
    for url, data in attempts:
        if "retablir" not in url:
            response = coach_client.get(url)
            assert response.status_code == 302 and response["Location"] == reverse(
                "plans:detail", args=[plan.pk]
            )
        response = coach_client.post(url, data, follow=True)
        assert "a accepté cette version du plan" in text(response), url
        assert "créez une nouvelle version" in text(response)
    assert (PlanObjective.objects.count(), PlanAction.objects.count()) == before
    objective.refresh_from_db()
    assert (objective.custom_label, objective.withdrawn_at) == ("Retrouver le sommeil", None)


def test_on_an_agreed_version_an_action_form_holds_only_its_progress(coach_client, plan):
    domain.record_agreement(plan, TODAY, AgreementMethod.AGREED_IN_MEETING, None)
    action = PlanAction.objects.get(custom_label="Voir le médecin")
    url = reverse("plans:action_edit", args=[action.pk])
    response = coach_client.get(url)
    assert set(response.context["form"].fields) == {"version", "status", "outcome_note"}
    assert "l'action reste telle qu'acceptée" in text(response)
    data = {
        "version": 1,
        "status": ActionStatus.DONE,
        "outcome_note": "Rendez-vous fait",
        # Sent anyway (an old page, a crafted request): not part of this form.
        "custom_label": "Autre chose",
        "due_date": (TODAY + timedelta(days=60)).isoformat(),
    }
    assert coach_client.post(url, data).status_code == 302
    saved = PlanAction.objects.get(pk=action.pk)
    assert (saved.status, saved.outcome_note, saved.custom_label, saved.due_date) == (
        ActionStatus.DONE,
        "Rendez-vous fait",
        "Voir le médecin",
        action.due_date,
    )


# --- Objectives: editing, withdrawing, restoring -----------------------------------------------


def test_editing_an_objective_starts_from_it_and_follows_the_rules(coach_client, plan):
    objective = PlanObjective.objects.get(custom_label="Retrouver le sommeil")
    url = reverse("plans:objective_edit", args=[objective.pk])
    form = coach_client.get(url).context["form"]
    assert (form["theme"].value(), form["custom_label"].value()) == (
        objective.theme_id,
        "Retrouver le sommeil",
    )
    response = coach_client.post(url, {"theme": objective.theme_id, "custom_label": ""})
    assert response.status_code == 200
    assert "Choisissez un objectif du référentiel, ou écrivez-en un." in text(response)
    item = Objective.objects.national().exclude(theme=objective.theme).first()
    response = coach_client.post(url, {"theme": objective.theme_id, "objective": item.pk})
    assert "relève de la thématique" in response.context["form"].errors["objective"][0]
    objective.refresh_from_db()
    assert (objective.custom_label, objective.objective_id) == ("Retrouver le sommeil", None)

    response = coach_client.post(url, {"theme": objective.theme_id, "custom_label": "Dormir mieux"})
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.label == "Dormir mieux" and objective.actions.count() == 2


def test_withdrawing_an_objective_after_confirmation_keeps_it_readable_and_restorable(
    coach_client, world, plan
):
    objective = PlanObjective.objects.get(custom_label="Retrouver le sommeil")
    url = reverse("plans:objective_withdraw", args=[objective.pk])
    page = text(coach_client.get(url))
    assert "Retirer un objectif" in page and "Rien n'est effacé" in page
    objective.refresh_from_db()
    assert objective.withdrawn_at is None  # GET only asks

    response = coach_client.post(url, follow=True)
    page = text(response)
    assert "est retiré du plan" in page
    objective.refresh_from_db()
    assert objective.is_withdrawn and objective.actions.count() == 2
    assert "retiré du plan" in page and "Voir le médecin" in page  # still readable
    assert "En retard" not in page  # its late action is no longer awaited
    restore = reverse("plans:objective_restore", args=[objective.pk])
    assert restore in page
    assert reverse("plans:action_add", args=[objective.pk]) not in page
    assert reverse("plans:action_edit", args=[objective.actions.first().pk]) not in page
    assert "Voir le médecin" not in text(coach_client.get(reverse("plans:timeline", args=[plan.pk])))
    # Its pages send back to the plan.
    response = coach_client.post(
        reverse("plans:action_add", args=[objective.pk]),
        {"custom_label": "Encore", "carrier": "person", "status": "planned"},
        follow=True,
    )
    assert "rétablissez-le d'abord" in text(response)
    assert not PlanAction.objects.filter(custom_label="Encore").exists()

    assert coach_client.get(restore).status_code == 405
    response = coach_client.post(restore, follow=True)
    assert "est rétabli dans le plan" in text(response)
    objective.refresh_from_db()
    assert not objective.is_withdrawn
    assert "En retard" in text(response)


def test_adding_an_action_with_its_outcome_note(coach_client, plan):
    objective = plan.objectives.first()
    url = reverse("plans:action_add", args=[objective.pk])
    assert "outcome_note" in coach_client.get(url).context["form"].fields
    data = {
        "custom_label": "Appel CPAM",
        "carrier": "coach",
        "status": "done",
        "outcome_note": "Dossier envoyé",
    }
    assert coach_client.post(url, data).status_code == 302
    assert objective.actions.get(custom_label="Appel CPAM").outcome_note == "Dossier envoyé"


def test_editing_an_action_to_end_before_it_starts_is_refused_and_keeps_it(coach_client, plan):
    action = PlanAction.objects.get(custom_label="Bilan au CMP")
    url = reverse("plans:action_edit", args=[action.pk])
    data = {
        "version": action.version,
        "custom_label": action.custom_label,
        "carrier": action.carrier,
        "partner": action.partner_id,
        "planned_start": action.planned_start.isoformat(),
        "due_date": (action.planned_start - timedelta(days=1)).isoformat(),
        "status": ActionStatus.IN_PROGRESS,
        "outcome_note": "Ne doit pas être gardé",
    }
    response = coach_client.post(url, data)
    assert response.status_code == 200
    assert "ne peut pas précéder le début prévu" in response.context["form"].errors["due_date"][0]
    assert "ne peut pas précéder le début prévu" in text(response)
    saved = PlanAction.objects.get(pk=action.pk)
    assert (saved.due_date, saved.status, saved.outcome_note, saved.version) == (
        None,
        ActionStatus.ON_HOLD,
        "",
        1,
    )
