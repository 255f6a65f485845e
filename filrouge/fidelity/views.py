"""The IPS fidelity review pages: a service's reviews, creating and scoring one, finalising it,
comparing reviews side by side, and the improvement plan.

Reviews are read by the service's team (VIEW_CASES) and written by heads of service and
directors (REVIEW_FIDELITY), through `fidelity.access`; a review outside the user's reach is a 404.
"""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filrouge import policy
from filrouge.accounts.models import User
from filrouge.core.forms import add_domain_errors
from filrouge.fidelity import domain, scale
from filrouge.fidelity.forms import (
    CompareForm,
    ImprovementActionForm,
    ReviewCreateForm,
    ReviewDetailsForm,
    SectionForm,
)
from filrouge.fidelity.models import ActionStatus, ImprovementAction, ReviewItem, ReviewStatus
from filrouge.organisations.models import Membership, Role
from filrouge.pathways.domain import today

VIEW, REVIEW = policy.Action.VIEW_CASES, policy.Action.REVIEW_FIDELITY


def service_of(request, pk, action=VIEW):
    return policy.get_or_404(policy.scoped_services(request.user, action), pk=pk)


def review_of(request, pk, action=VIEW):
    return policy.get_or_404(policy.scoped_reviews(request.user, action).select_related("service"), pk=pk)


def reviewer_staff(service):
    """Who may be named as a reviewer: the service's team and the organisation's directors."""
    memberships = Membership.objects.active().filter(
        Q(service=service) | Q(service__isnull=True, role=Role.DIRECTOR),
        organisation_id=service.organisation_id,
    )
    return User.objects.filter(pk__in=memberships.values("user"), is_active=True).order_by("full_name", "pk")


def scores_by_review(reviews) -> dict[int, dict[str, int | None]]:
    """The scores of several reviews, in one query."""
    scores = defaultdict(dict)
    for review_id, code, score in ReviewItem.objects.filter(review__in=reviews).values_list(
        "review_id", "code", "score"
    ):
        scores[review_id][code] = score
    return scores


def sections_of(review):
    """The review's rows, section by section, in the scale's order."""
    rows = {row.code: row for row in review.items.all()}
    return [
        (section, [rows[item.code] for item in section.items if item.code in rows])
        for section in scale.SECTIONS
    ]


# --- Lists -------------------------------------------------------------------------------------


def index(request):
    """The services whose reviews the user may read, with their latest review."""
    policy.require_case_worker(request.user)
    services = list(policy.scoped_services(request.user, VIEW).order_by("name", "pk"))
    reviews = policy.scoped_reviews(request.user).kept().filter(service__in=services)
    latest = {}
    for review in reviews.order_by("reviewed_on", "pk"):
        latest[review.service_id] = review
    scores = scores_by_review([review.pk for review in latest.values()])
    rows = [
        {
            "service": service,
            "latest": latest.get(service.pk),
            "totals": domain.totals(scores[latest[service.pk].pk]),
        }
        if service.pk in latest
        else {"service": service, "latest": None, "totals": None}
        for service in services
    ]
    return render(request, "fidelity/index.html", {"rows": rows})


def review_list(request, pk):
    service = service_of(request, pk)
    reviews = list(policy.scoped_reviews(request.user).filter(service=service))
    scores = scores_by_review(reviews)
    rows = [{"review": review, "totals": domain.totals(scores[review.pk])} for review in reviews]
    comparable = [review for review in reviews if review.status != ReviewStatus.ABANDONED]
    context = {
        "service": service,
        "rows": rows,
        "compare_form": CompareForm(reviews=comparable) if len(comparable) >= 2 else None,
        "can_review": policy.can(request.user, REVIEW, service),
    }
    return render(request, "fidelity/review_list.html", context)


# --- A review ----------------------------------------------------------------------------------


def review_create(request, pk):
    service = service_of(request, pk, REVIEW)
    staff = reviewer_staff(service)
    initial = ReviewCreateForm.defaults(today())
    if staff.filter(pk=request.user.pk).exists():
        initial["reviewers"] = [request.user.pk]
    form = ReviewCreateForm(request.POST or None, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = domain.create_review(
                service,
                start=data["period_start"],
                end=data["period_end"],
                reviewed_on=data["reviewed_on"],
                reviewers=data["reviewers"],
                external_reviewers=data["external_reviewers"],
                by=request.user,
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request, _("La revue est créée ; les items que les données mesurent sont pré-remplis.")
            )
            return redirect("fidelity:score", pk=review.pk, section=scale.SECTIONS[0].key)
    return render(request, "fidelity/review_form.html", {"form": form, "service": service, "review": None})


def review_edit(request, pk):
    review = review_of(request, pk, REVIEW)
    if not review.is_draft:
        messages.info(
            request, _("Cette revue n'est plus en cours de notation : elle ne peut plus être modifiée.")
        )
        return redirect("fidelity:detail", pk=review.pk)
    initial = {
        "reviewed_on": review.reviewed_on,
        "reviewers": list(review.reviewers.values_list("pk", flat=True)),
        "external_reviewers": review.external_reviewers,
    }
    form = ReviewDetailsForm(request.POST or None, staff=reviewer_staff(review.service), initial=initial)
    if request.method == "POST" and form.is_valid():
        domain.edit_details(review, **form.cleaned_data)
        messages.success(request, _("La revue est enregistrée."))
        return redirect("fidelity:detail", pk=review.pk)
    context = {"form": form, "service": review.service, "review": review}
    return render(request, "fidelity/review_form.html", context)


def review_detail(request, pk):
    review = review_of(request, pk)
    context = {
        "review": review,
        "service": review.service,
        "sections": sections_of(review),
        "totals": domain.review_totals(review),
        "reviewers": review.reviewers.order_by("full_name"),
        "open_actions": review.actions.exclude(status__in=[ActionStatus.DONE, ActionStatus.DROPPED]).count(),
        "can_review": policy.can(request.user, REVIEW, review.service),
    }
    return render(request, "fidelity/review_detail.html", context)


def review_score(request, pk, section):
    review = review_of(request, pk, REVIEW)
    current = scale.SECTIONS_BY_KEY.get(section)
    if current is None:
        raise Http404
    if not review.is_draft:
        messages.info(
            request, _("Cette revue n'est plus en cours de notation : elle ne peut plus être modifiée.")
        )
        return redirect("fidelity:detail", pk=review.pk)
    codes = [item.code for item in current.items]
    rows = sorted(review.items.filter(code__in=codes), key=lambda row: codes.index(row.code))
    form = SectionForm(request.POST if request.method == "POST" else None, items=rows)
    keys = [s.key for s in scale.SECTIONS]
    following = keys[keys.index(section) + 1] if keys.index(section) + 1 < len(keys) else None
    if request.method == "POST" and form.is_valid():
        try:
            domain.save_scores(review, form.changed_items())
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Les notes de la section « %(section)s » sont enregistrées.") % {"section": current.title},
            )
            if following and "next" in request.POST:
                return redirect("fidelity:score", pk=review.pk, section=following)
            return redirect("fidelity:detail", pk=review.pk)
    context = {
        "review": review,
        "service": review.service,
        "section": current,
        "sections": scale.SECTIONS,
        "form": form,
        "following": scale.SECTIONS_BY_KEY.get(following),
    }
    return render(request, "fidelity/review_score.html", context)


def confirm(request, review, *, action, template, success):
    """The confirmation page of a consequential step on a draft, then the step."""
    if not review.is_draft:
        messages.info(
            request, _("Cette revue n'est plus en cours de notation : elle ne peut plus être modifiée.")
        )
        return redirect("fidelity:detail", pk=review.pk)
    if request.method == "POST":
        try:
            result = action()
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, success(result))
        return redirect("fidelity:detail", pk=review.pk)
    context = {"review": review, "service": review.service, "totals": domain.review_totals(review)}
    return render(request, template, context)


def review_recalculate(request, pk):
    review = review_of(request, pk, REVIEW)

    def done(reset):
        text = _("Les données sont recalculées.")
        if reset:
            titles = ", ".join(f"« {row.item.title} »" for row in reset)
            text += " " + _(
                "Notes à reprendre (elles différaient de la nouvelle proposition sans justification) : %(items)s."
            ) % {"items": titles}
        return text

    return confirm(
        request,
        review,
        action=lambda: domain.recalculate(review),
        template="fidelity/review_recalculate.html",
        success=done,
    )


def review_finalise(request, pk):
    review = review_of(request, pk, REVIEW)
    return confirm(
        request,
        review,
        action=lambda: domain.finalise(review, by=request.user),
        template="fidelity/review_finalise.html",
        success=lambda result: _("La revue est finalisée : elle ne peut plus être modifiée."),
    )


def review_abandon(request, pk):
    review = review_of(request, pk, REVIEW)
    return confirm(
        request,
        review,
        action=lambda: domain.abandon(review),
        template="fidelity/review_abandon.html",
        success=lambda result: _("La revue est abandonnée ; elle reste consultable."),
    )


# --- Comparison --------------------------------------------------------------------------------


def change(first, last) -> str:
    if first is None or last is None:
        return "—"
    difference = last - first
    return f"+{difference}" if difference > 0 else ("=" if difference == 0 else f"−{-difference}")


def review_compare(request, pk):
    service = service_of(request, pk)
    reviews = list(
        policy.scoped_reviews(request.user).kept().filter(service=service).order_by("reviewed_on", "pk")
    )
    form = CompareForm(request.GET or None, reviews=reviews)
    context = {"service": service, "form": form, "table": None}
    if form.is_valid():
        chosen = [review for review in reviews if review.pk in set(form.cleaned_data["revues"])]
        scores = scores_by_review(chosen)
        all_totals = [domain.totals(scores[review.pk]) for review in chosen]
        sections = []
        for index, section in enumerate(scale.SECTIONS):
            items = []
            for item in section.items:
                values = [scores[review.pk].get(item.code) for review in chosen]
                items.append({"item": item, "values": values, "change": change(values[0], values[-1])})
            subtotals = [totals.sections[index].subtotal for totals in all_totals]
            sections.append(
                {
                    "section": section,
                    "items": items,
                    "subtotals": subtotals,
                    "change": change(subtotals[0], subtotals[-1]),
                }
            )
        context["table"] = {
            "reviews": chosen,
            "sections": sections,
            "totals": all_totals,
            "change": change(all_totals[0].total, all_totals[-1].total),
        }
    return render(request, "fidelity/review_compare.html", context)


# --- The improvement plan ----------------------------------------------------------------------


def plan(request, pk):
    review = review_of(request, pk)
    context = {
        "review": review,
        "service": review.service,
        "actions": review.actions.all(),
        "can_plan": policy.can(request.user, REVIEW, review.service) and domain.may_plan(review),
    }
    return render(request, "fidelity/plan.html", context)


def action_form(request, pk=None, action_pk=None):
    if action_pk is not None:
        action = policy.get_or_404(
            policy.scoped_improvement_actions(request.user, REVIEW).select_related("review__service"),
            pk=action_pk,
        )
        review = action.review
    else:
        review = review_of(request, pk, REVIEW)
        action = ImprovementAction(review=review)
    if not domain.may_plan(review):
        messages.info(request, _("Cette revue est abandonnée : son plan d'amélioration est clos."))
        return redirect("fidelity:plan", pk=review.pk)
    initial = {"item_code": request.GET.get("item", "")} if action.pk is None else {}
    form = ImprovementActionForm(request.POST or None, instance=action, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            domain.save_action(form.save(commit=False), by=request.user)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("L'action d'amélioration est enregistrée."))
            return redirect("fidelity:plan", pk=review.pk)
    context = {
        "form": form,
        "review": review,
        "service": review.service,
        "action": action if action.pk else None,
    }
    return render(request, "fidelity/action_form.html", context)


@require_POST
def action_complete(request, pk):
    action = policy.get_or_404(
        policy.scoped_improvement_actions(request.user, REVIEW).select_related("review"), pk=pk
    )
    try:
        domain.complete_action(action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("L'action est notée comme réalisée."))
    return redirect("fidelity:plan", pk=action.review_id)
