from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.core.forms import add_domain_errors
from filrouge.core.pagination import paginate, wants_fragment
from filrouge.organisations.models import Membership, Role
from filrouge.pathways import caseload, domain
from filrouge.pathways.forms import (
    CaseloadFilterForm,
    EndSuspensionForm,
    EnrolmentEditForm,
    ExitForm,
    PhaseForm,
    ReassignForm,
    RenewalForm,
    SuspensionForm,
)


def editable_enrolment(request, pk, action=policy.Action.EDIT_CASES):
    enrolments = policy.scoped_enrolments(request.user, action).select_related("person", "service")
    return policy.get_or_404(enrolments, pk=pk)


def pathway_form_view(request, pk, form_class, template, act, success, initial=None):
    """The shape of every pathway action: a form, a domain rule, back to the record."""
    enrolment = editable_enrolment(request, pk)
    form = form_class(request.POST or None, initial=initial or {})
    if request.method == "POST" and form.is_valid():
        try:
            act(enrolment, form.cleaned_data)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("people:detail", pk=enrolment.person_id)
    return render(request, template, {"enrolment": enrolment, "person": enrolment.person, "form": form})


def change_phase(request, pk):
    return pathway_form_view(
        request,
        pk,
        PhaseForm,
        "pathways/phase_form.html",
        lambda e, d: domain.change_phase(e, d["phase"], d["changed_on"], request.user, d["comment"]),
        _("L'étape du parcours est enregistrée."),
        initial={"changed_on": domain.today()},
    )


def record_exit(request, pk):
    return pathway_form_view(
        request,
        pk,
        ExitForm,
        "pathways/exit_form.html",
        lambda e, d: domain.record_exit(
            e,
            on=d["exit_date"],
            outcome=d["outcome"],
            by=request.user,
            comment=d["comment"],
            reoriented_to=d["reoriented_to"],
        ),
        _("La sortie est enregistrée. Le parcours reste consultable."),
        initial={"exit_date": domain.today()},
    )


def suspend(request, pk):
    return pathway_form_view(
        request,
        pk,
        SuspensionForm,
        "pathways/suspension_form.html",
        lambda e, d: domain.suspend(
            e,
            start=d["start_date"],
            end=d["end_date"],
            reason=d["reason"],
            by=request.user,
            comment=d["comment"],
        ),
        _("La suspension est enregistrée."),
        initial={"start_date": domain.today()},
    )


def renew(request, pk):
    return pathway_form_view(
        request,
        pk,
        RenewalForm,
        "pathways/renewal_form.html",
        lambda e, d: domain.renew(
            e,
            decided_on=d["decided_on"],
            renewed=d["renewed"],
            new_end_date=d["new_end_date"],
            by=request.user,
            comment=d["comment"],
        ),
        _("La décision de renouvellement est enregistrée."),
        initial={"decided_on": domain.today()},
    )


def end_suspension(request, pk, suspension_pk):
    enrolment = editable_enrolment(request, pk)
    suspension = policy.get_or_404(enrolment.suspensions.all(), pk=suspension_pk)
    form = EndSuspensionForm(request.POST or None, initial={"end_date": domain.today()})
    if request.method == "POST" and form.is_valid():
        try:
            domain.end_suspension(suspension, form.cleaned_data["end_date"])
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("La suspension est terminée."))
            return redirect("people:detail", pk=enrolment.person_id)
    context = {"enrolment": enrolment, "person": enrolment.person, "form": form, "suspension": suspension}
    return render(request, "pathways/end_suspension_form.html", context)


def edit(request, pk):
    enrolment = editable_enrolment(request, pk)
    form = EnrolmentEditForm(
        request.POST or None,
        instance=enrolment,
        contacts=policy.scoped_contacts(request.user),
        team=Membership.objects.active()
        .filter(service=enrolment.service, role__in=policy.CASE_ROLES)
        .users(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Le parcours est enregistré."))
            return redirect("people:detail", pk=enrolment.person_id)
    return render(
        request,
        "pathways/enrolment_form.html",
        {"enrolment": enrolment, "person": enrolment.person, "form": form},
    )


def reassign(request, pk):
    enrolment = editable_enrolment(request, pk, policy.Action.MANAGE_CASELOADS)
    form = ReassignForm(
        request.POST or None,
        coaches=Membership.objects.active().filter(service=enrolment.service, role=Role.COACH).users(),
        initial={"primary_coach": enrolment.primary_coach},
    )
    if request.method == "POST" and form.is_valid():
        domain.reassign(enrolment, form.cleaned_data["primary_coach"])
        messages.success(
            request,
            _("%(person)s est maintenant suivi·e par %(coach)s.")
            % {"person": enrolment.person.full_name, "coach": enrolment.primary_coach.full_name},
        )
        return redirect("pathways:service_caseloads", pk=enrolment.service_id)
    return render(
        request,
        "pathways/reassign_form.html",
        {"enrolment": enrolment, "person": enrolment.person, "form": form},
    )


def caseload_page(request):
    """The home page of case work: the people the user follows, with what needs attention."""
    today = domain.today()
    enrolments = policy.scoped_enrolments(request.user).current()
    mine = enrolments.filter(primary_coach=request.user) | enrolments.filter(team=request.user)
    mine = caseload.with_alerts(mine.distinct(), today).select_related("person", "service", "primary_coach")
    filters = CaseloadFilterForm(request.GET or None)
    page, query = paginate(request, filters.apply(mine))
    coached = policy.scoped_services(request.user, policy.Action.VIEW_CASES).filter(
        memberships__user=request.user, memberships__role=Role.COACH
    )
    loads = [
        {"service": service, **load}
        for service in coached
        for load in caseload.coach_loads(service, request.user)
    ]
    context = {"page": page, "query": query, "filters": filters, "loads": loads, "today": today}
    template = "pathways/_caseload_rows.html" if wants_fragment(request) else "pathways/caseload.html"
    return render(request, template, context)


def service_caseloads(request, pk):
    """For heads of service: every coach's caseload against the target, and reassignment."""
    service = policy.get_or_404(policy.scoped_services(request.user, policy.Action.MANAGE_CASELOADS), pk=pk)
    today = domain.today()
    enrolments = caseload.with_alerts(
        policy.scoped_enrolments(request.user, policy.Action.MANAGE_CASELOADS)
        .current()
        .filter(service=service),
        today,
    ).select_related("person", "primary_coach")
    coach = request.GET.get("coach")
    if coach == "none":
        enrolments = enrolments.filter(primary_coach__isnull=True)
    elif coach and coach.isdigit():
        enrolments = enrolments.filter(primary_coach_id=int(coach))
    page, query = paginate(
        request, enrolments.order_by("primary_coach__full_name", "person__birth_name", "pk")
    )
    context = {
        "service": service,
        "loads": caseload.coach_loads(service),
        "page": page,
        "query": query,
        "coach": coach,
        "today": today,
        "target_per_coach": caseload.TARGET_PER_FULL_TIME_COACH,
    }
    return render(request, "pathways/service_caseloads.html", context)
