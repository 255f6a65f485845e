from datetime import date
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filrouge import policy
from filrouge.core.forms import add_domain_errors
from filrouge.pathways.domain import today
from filrouge.plans import domain
from filrouge.plans.forms import (
    ActionEditForm,
    ActionForm,
    ActionProgressForm,
    AgreementForm,
    ObjectiveForm,
)
from filrouge.plans.models import ActionPlan, PlanAction, PlanObjective

VIEW, EDIT = policy.Action.VIEW_CASES, policy.Action.EDIT_CASES


# --- Fetching, within the user's reach ----------------------------------------------------------


def reachable_plan(request, pk, action=VIEW) -> ActionPlan:
    plans = ActionPlan.objects.select_related(
        "enrolment__person", "enrolment__service", "created_by", "agreement_recorded_by"
    )
    return policy.get_or_404(policy.scoped_case_records(request.user, plans, action), pk=pk)


def plan_home(plan) -> str:
    """The person's plan page, at this pathway's plan."""
    url = reverse("plans:person_plans", args=[plan.enrolment.person_id])
    return f"{url}#parcours-{plan.enrolment_id}"


def refuse(request, error: ValidationError, to: str):
    messages.error(request, " ".join(error.messages))
    return redirect(to)


def read_only_redirect(request, plan, guard=domain.check_editable, objective=None):
    """Editing pages of a read-only plan (`guard`: or of the content of an agreed one) or of a
    withdrawn objective send back to the plan, saying why."""
    try:
        guard(plan)
        if objective is not None:
            domain.check_not_withdrawn(objective)
    except ValidationError as error:
        return refuse(request, error, reverse("plans:detail", args=[plan.pk]))
    return None


def plan_context(request, plan, versions=None) -> dict:
    plan.can_edit = plan.is_editable and policy.can(request.user, EDIT, plan.enrolment.service)
    outline = domain.plan_outline(plan, include_withdrawn=True)
    return {"plan": plan, "outline": outline, "versions": versions or []}


# --- Reading -------------------------------------------------------------------------------------


def person_plans(request, pk):
    """The current plan of each of the person's pathways the user may see, on one page."""
    person = policy.get_or_404(policy.scoped_people(request.user), pk=pk)
    enrolments = list(policy.scoped_enrolments(request.user).filter(person=person).select_related("service"))
    plans = ActionPlan.objects.filter(enrolment__in=[e.pk for e in enrolments]).select_related(
        "created_by", "agreement_recorded_by"
    )
    by_enrolment = {e.pk: e for e in enrolments}
    for enrolment in enrolments:
        enrolment.can_edit = policy.can(request.user, EDIT, enrolment.service)
        enrolment.plan_context, enrolment.older_plans = None, []
    for plan in plans:
        enrolment = by_enrolment[plan.enrolment_id]
        plan.enrolment = enrolment
        if plan.is_current:
            enrolment.plan_context = plan_context(request, plan)
        else:
            enrolment.older_plans.append(plan)
    context = {"person": person, "enrolments": enrolments, "today": today()}
    return render(request, "plans/person_plans.html", context)


def detail(request, pk):
    """Any version of a plan; older ones are read-only."""
    plan = reachable_plan(request, pk)
    versions = plan.enrolment.plans.order_by("-version")
    context = plan_context(request, plan, versions) | {"person": plan.enrolment.person, "today": today()}
    return render(request, "plans/plan_detail.html", context)


def month_sections(actions, day):
    """The actions by month of their start (or due date), with today's place among them."""
    dated = sorted((a for a in actions if a.timeline_date), key=lambda a: (a.timeline_date, a.pk))
    months = []
    for (year, month), items in groupby(dated, key=lambda a: (a.timeline_date.year, a.timeline_date.month)):
        months.append({"month": dated_month(year, month), "entries": [{"action": a} for a in items]})
    here = dated_month(day.year, day.month)
    section = next((m for m in months if m["month"] == here), None)
    if section is None:
        section = {"month": here, "entries": []}
        months.append(section)
        months.sort(key=lambda m: m["month"])
    before = [e for e in section["entries"] if e["action"].timeline_date < day]
    after = section["entries"][len(before) :]
    section["entries"] = [*before, {"today": day}, *after]
    section["is_current"] = True
    return months


def dated_month(year, month) -> date:
    return date(year, month, 1)


def timeline(request, pk):
    """The plan as a timeline: its actions month by month, and where today stands."""
    plan = reachable_plan(request, pk)
    actions = list(
        PlanAction.objects.in_plan()
        .filter(objective__plan=plan)
        .select_related("objective__theme", "objective__objective", "action_kind", "partner")
    )
    day = today()
    context = {
        "plan": plan,
        "person": plan.enrolment.person,
        "months": month_sections(actions, day),
        "undated": [a for a in actions if not a.timeline_date],
        "today": day,
    }
    return render(request, "plans/plan_timeline.html", context)


# --- Changing --------------------------------------------------------------------------------


def start(request, pk):
    enrolment = policy.get_or_404(
        policy.scoped_enrolments(request.user, EDIT).select_related("person", "service"), pk=pk
    )
    back = reverse("plans:person_plans", args=[enrolment.person_id])
    if request.method == "POST":
        try:
            plan = domain.start_plan(enrolment, request.user)
        except ValidationError as error:
            return refuse(request, error, back)
        messages.success(
            request, _("Le plan d'action est commencé : ajoutez-y les objectifs de la personne.")
        )
        return redirect(plan_home(plan))
    context = {"enrolment": enrolment, "person": enrolment.person, "cancel_url": back}
    return render(request, "plans/plan_start.html", context)


def objective_add(request, pk):
    plan = reachable_plan(request, pk, EDIT)
    if refused := read_only_redirect(request, plan, domain.check_content_editable):
        return refused
    form = ObjectiveForm(request.POST or None, service=plan.enrolment.service)
    if request.method == "POST" and form.is_valid():
        try:
            domain.add_objective(plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("L'objectif est ajouté au plan."))
            return redirect(plan_home(plan))
    context = {"plan": plan, "person": plan.enrolment.person, "form": form}
    return render(request, "plans/objective_form.html", context)


def reachable_objective(request, pk) -> PlanObjective:
    objectives = PlanObjective.objects.select_related(
        "plan__enrolment__person", "plan__enrolment__service", "theme", "objective"
    )
    return policy.get_or_404(policy.scoped_plan_objectives(request.user, objectives, EDIT), pk=pk)


def objective_edit(request, pk):
    plan_objective = reachable_objective(request, pk)
    plan = plan_objective.plan
    if refused := read_only_redirect(request, plan, domain.check_content_editable, plan_objective):
        return refused
    initial = {
        "theme": plan_objective.theme_id,
        "objective": plan_objective.objective_id,
        "custom_label": plan_objective.custom_label,
    }
    form = ObjectiveForm(request.POST or None, initial=initial, service=plan.enrolment.service)
    if request.method == "POST" and form.is_valid():
        try:
            domain.update_objective(plan_objective, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("L'objectif est enregistré."))
            return redirect(plan_home(plan))
    context = {"plan": plan, "plan_objective": plan_objective, "person": plan.enrolment.person, "form": form}
    return render(request, "plans/objective_form.html", context)


def objective_withdraw(request, pk):
    """Confirms, then takes the objective and its actions out of the plan (kept, restorable)."""
    plan_objective = reachable_objective(request, pk)
    plan = plan_objective.plan
    if refused := read_only_redirect(request, plan, domain.check_content_editable):
        return refused
    if request.method == "POST":
        try:
            domain.withdraw_objective(plan_objective, request.user)
        except ValidationError as error:
            return refuse(request, error, reverse("plans:detail", args=[plan.pk]))
        messages.success(
            request,
            _("L'objectif « %(label)s » est retiré du plan : il reste consultable et peut être rétabli.")
            % {"label": plan_objective.label},
        )
        return redirect(plan_home(plan))
    context = {
        "plan": plan,
        "plan_objective": plan_objective,
        "person": plan.enrolment.person,
        "cancel_url": plan_home(plan),
    }
    return render(request, "plans/objective_withdraw.html", context)


@require_POST
def objective_restore(request, pk):
    plan_objective = reachable_objective(request, pk)
    plan = plan_objective.plan
    try:
        domain.restore_objective(plan_objective, request.user)
    except ValidationError as error:
        return refuse(request, error, reverse("plans:detail", args=[plan.pk]))
    messages.success(
        request, _("L'objectif « %(label)s » est rétabli dans le plan.") % {"label": plan_objective.label}
    )
    return redirect(plan_home(plan))


def action_add(request, pk):
    objective = reachable_objective(request, pk)
    plan = objective.plan
    if refused := read_only_redirect(request, plan, domain.check_content_editable, objective):
        return refused
    form = ActionForm(
        request.POST or None,
        service=plan.enrolment.service,
        contacts=policy.scoped_contacts(request.user),
        first_theme_id=objective.theme_id,
    )
    if request.method == "POST" and form.is_valid():
        try:
            domain.add_action(objective, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("L'action est ajoutée au plan."))
            return redirect(plan_home(plan))
    context = {"plan": plan, "objective": objective, "person": plan.enrolment.person, "form": form}
    return render(request, "plans/action_form.html", context)


def action_edit(request, pk):
    actions = PlanAction.objects.select_related(
        "objective__plan__enrolment__person", "objective__plan__enrolment__service", "objective__theme"
    )
    action = policy.get_or_404(policy.scoped_plan_actions(request.user, actions, EDIT), pk=pk)
    plan = action.objective.plan
    if refused := read_only_redirect(request, plan, objective=action.objective):
        return refused
    label = action.label
    if plan.is_agreed:  # the action stays as agreed: only its progress is followed
        form = ActionProgressForm(request.POST or None, instance=action)
    else:
        form = ActionEditForm(
            request.POST or None,
            instance=action,
            service=plan.enrolment.service,
            contacts=policy.scoped_contacts(request.user),
        )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            domain.update_action(action, by=request.user, version=form.cleaned_data["version"], **changes)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("L'action est enregistrée."))
            return redirect(plan_home(plan))
    context = {
        "plan": plan,
        "objective": action.objective,
        "action": action,
        "label": label,
        "person": plan.enrolment.person,
        "form": form,
    }
    return render(request, "plans/action_form.html", context)


def agreement(request, pk):
    plan = reachable_plan(request, pk, EDIT)
    if refused := read_only_redirect(request, plan):
        return refused
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain.record_agreement(
                plan, form.cleaned_data["agreed_on"], form.cleaned_data["agreement_method"], request.user
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("L'accord de la personne est enregistré."))
            return redirect(plan_home(plan))
    context = {"plan": plan, "person": plan.enrolment.person, "form": form}
    return render(request, "plans/agreement_form.html", context)


def new_version(request, pk):
    plan = reachable_plan(request, pk, EDIT)
    if refused := read_only_redirect(request, plan):
        return refused
    if request.method == "POST":
        try:
            successor = domain.new_version(plan, request.user)
        except ValidationError as error:
            return refuse(request, error, reverse("plans:detail", args=[plan.pk]))
        messages.success(
            request,
            _("La version %(version)s du plan est créée ; la précédente reste consultable.")
            % {"version": successor.version},
        )
        return redirect(plan_home(successor))
    context = {"plan": plan, "person": plan.enrolment.person, "cancel_url": plan_home(plan)}
    return render(request, "plans/new_version.html", context)
