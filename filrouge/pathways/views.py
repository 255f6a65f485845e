from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from filrouge import policy
from filrouge.core.forms import add_domain_errors
from filrouge.core.pagination import paginate, wants_fragment
from filrouge.organisations.models import Membership, Role
from filrouge.pathways import caseload, closing, domain
from filrouge.pathways.forms import (
    CaseloadFilterForm,
    EndSuspensionForm,
    EnrolmentEditForm,
    ExitConfirmForm,
    ExitForm,
    PhaseForm,
    ReassignForm,
    RenewalForm,
    ReopenForm,
    SuspensionForm,
)
from filrouge.pathways.models import ExitOutcome

# The pathways without a lead coach listed on a coach's caseload; the count says if there are more.
LEADERLESS_SHOWN = 10


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


def exit_day(request):
    """The exit date the page works with: the one sent, when it reads as a date; else today."""
    try:
        return ExitForm.base_fields["exit_date"].clean(request.POST.get("exit_date")) or domain.today()
    except ValidationError:
        return domain.today()


def record_exit(request, pk):
    """The exit as a confirmation step: the outcome the jobs support, what is still open with a
    choice for each, all applied with the exit at once (`closing.close`)."""
    enrolment = editable_enrolment(request, pk)
    if not enrolment.is_current:
        messages.info(request, _("Ce parcours est déjà terminé."))
        return redirect("people:detail", pk=enrolment.person_id)
    on = exit_day(request) if request.method == "POST" else domain.today()
    items = closing.open_items(enrolment, on, request.user)
    proposed = closing.proposed_outcome(enrolment, on)
    initial = {"exit_date": on, "outcome": proposed}
    # The list is built for the date sent: a new date, or a list changed since the page was shown,
    # shows the choices again (the values typed kept) before anything is applied.
    shown = set(request.POST.get("shown_items", "").split())
    changed = request.method == "POST" and shown != {item.key for item in items}
    if request.method == "POST" and ("refresh" in request.POST or changed):
        if changed and "refresh" not in request.POST:
            messages.warning(
                request,
                _("Ce qui reste ouvert a changé pour cette date : vérifiez les choix, puis confirmez."),
            )
        kept = {name: request.POST.get(name, "") for name in ("outcome", "reoriented_to", "comment")}
        form = ExitConfirmForm(items=items, initial=initial | {k: v for k, v in kept.items() if v})
    else:
        form = ExitConfirmForm(request.POST or None, items=items, initial=initial)
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            done = closing.close(
                enrolment,
                on=data["exit_date"],
                outcome=data["outcome"],
                by=request.user,
                choices=form.choices(),
                comment=data["comment"],
                reoriented_to=data["reoriented_to"],
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            changes = sum(1 for item in done if form.choices()[item.key] != closing.KEEP)
            success = _("La sortie est enregistrée. Le parcours reste consultable.")
            messages.success(
                request,
                success
                if not changes
                else ngettext(
                    "La sortie est enregistrée, avec %(count)s élément annulé, libéré ou terminé. Le parcours reste consultable.",
                    "La sortie est enregistrée, avec %(count)s éléments annulés, libérés ou terminés. Le parcours reste consultable.",
                    changes,
                )
                % {"count": changes},
            )
            return redirect("people:detail", pk=enrolment.person_id)
    context = {
        "enrolment": enrolment,
        "person": enrolment.person,
        "form": form,
        "exit_day": on,
        "proposed": ExitOutcome(proposed).label if proposed else "",
    }
    return render(request, "pathways/exit_form.html", context)


def reopen(request, pk):
    """A pathway closed by mistake, reopened with a reason (`policy.may_reopen` says by whom)."""
    enrolments = policy.scoped_reopenable_enrolments(request.user, domain.today()).select_related(
        "person", "service"
    )
    enrolment = policy.get_or_404(enrolments, pk=pk)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = domain.reopen(enrolment, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Le parcours est rouvert, à l'étape « %(phase)s ». La sortie ne compte plus dans les chiffres."
                )
                % {"phase": change.get_phase_display()},
            )
            return redirect("people:detail", pk=enrolment.person_id)
    return render(
        request,
        "pathways/reopen_form.html",
        {"enrolment": enrolment, "person": enrolment.person, "form": form},
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
            domain.link_referrer(enrolment)
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
        domain.reassign(enrolment, form.cleaned_data["primary_coach"], request.user)
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


@require_POST
def take_lead(request, pk):
    """A coach becomes the lead coach of a pathway that had none ("Je prends en charge")."""
    enrolments = policy.scoped_leaderless_enrolments(request.user).select_related("person")
    enrolment = policy.get_or_404(enrolments, pk=pk)
    try:
        domain.take_lead(enrolment, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Vous êtes maintenant job coach référent·e de %(person)s.")
            % {"person": enrolment.person.full_name},
        )
    return redirect("people:detail", pk=enrolment.person_id)


def caseload_page(request, extra_context=None):
    """The home page of case work: the people the user follows, with what needs attention
    (`extra_context`: what the home adds above it, the work list)."""
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
    leaderless = policy.scoped_leaderless_enrolments(request.user).select_related("person", "service")
    context = {
        "page": page,
        "query": query,
        "filters": filters,
        "loads": loads,
        "today": today,
        "leaderless": leaderless.order_by("referral_date", "pk")[:LEADERLESS_SHOWN],
        "leaderless_count": leaderless.count(),
    }
    context |= extra_context or {}
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
    leaderless_count = enrolments.filter(primary_coach__isnull=True).count()
    coach = request.GET.get("coach")
    if coach == "none":
        enrolments = enrolments.filter(primary_coach__isnull=True)
    elif coach and coach.isdigit():
        enrolments = enrolments.filter(primary_coach_id=int(coach))
    page, query = paginate(
        request, enrolments.order_by("primary_coach__full_name", "person__sort_name", "pk")
    )
    context = {
        "service": service,
        "loads": caseload.coach_loads(service),
        "page": page,
        "query": query,
        "coach": coach,
        "today": today,
        "target_per_coach": caseload.TARGET_PER_FULL_TIME_COACH,
        "leaderless_count": leaderless_count,
    }
    return render(request, "pathways/service_caseloads.html", context)
