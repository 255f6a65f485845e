"""The right of access answered whole: the data protection officer's requests, and the reviews
of the professionals whose writings are kept for their profession.

The officer's pages are pages of the organisation (403 for anyone else, 404 for another
organisation's request). A review page opens only to whoever may review that writing (404 for
anyone else, the officer included). Every page naming the person is recorded in the audit
trail, and each download of the complete export as an export (`PrivacyConfig.ready`).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from filrouge import policy
from filrouge.accounts.reauth import recent_auth_required
from filrouge.core.forms import add_domain_errors
from filrouge.documents.views import in_french
from filrouge.privacy import access, export
from filrouge.privacy.forms import ExtendForm, OpenRequestForm, ReviewForm
from filrouge.privacy.views import download

ANSWER = policy.Action.ANSWER_ACCESS_REQUESTS


def request_of(request, pk):
    policy.require(request.user, ANSWER)
    queryset = policy.scoped_access_requests(request.user).select_related(
        "person", "organisation", "opened_by", "answered_by"
    )
    return policy.get_or_404(queryset, pk=pk)


# --- The data protection officer --------------------------------------------------------------


def requests(request):
    """The requests, the open ones first, with their due dates; and a search to open one."""
    policy.require(request.user, ANSWER)
    found = policy.scoped_access_requests(request.user).select_related("person")
    unanswered = [r for r in found if not r.is_answered]
    for access_request in unanswered:
        access.sync_reviews(access_request)  # a writing kept since the last visit reopens it
    answered = [r for r in found if r.is_answered]
    searched = request.GET.get("q", "").strip()
    people = list(policy.scoped_access_people(request.user).search(searched)[:20]) if searched else []
    return render(
        request,
        "privacy/access_requests.html",
        {
            "unanswered": sorted(unanswered, key=lambda r: (r.due_on, r.pk)),
            "answered": answered,
            "searched": searched,
            "people": people,
        },
    )


def open_request(request, pk):
    """Opens a request for this person: when and how it was received."""
    policy.require(request.user, ANSWER)
    person = policy.get_or_404(policy.scoped_access_people(request.user), pk=pk)
    form = OpenRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opened = access.open_request(
                person,
                received_on=form.cleaned_data["received_on"],
                requested_by=form.cleaned_data["requested_by"],
                by=request.user,
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("La demande est ouverte. Les écrits réservés sont à relire."))
            return redirect("privacy:access_request", pk=opened.pk)
    return render(request, "privacy/access_open.html", {"person": person, "form": form})


def request_detail(request, pk):
    """One request: its deadline, the writings to review and who may review them, the export."""
    access_request = request_of(request, pk)
    reviews = access.sync_reviews(access_request)
    rows = [{"review": review, "reviewers": policy.access_reviewers(review.writing)} for review in reviews]
    return render(
        request,
        "privacy/access_request.html",
        {
            "access_request": access_request,
            "rows": rows,
            "waiting": len(access.pending(reviews)),
            "refusal": access.export_refusal(reviews),
            "may_extend": not access_request.is_answered and not access_request.extended_on,
        },
    )


def extend(request, pk):
    access_request = request_of(request, pk)
    form = ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            access.extend(access_request, reason=form.cleaned_data["extension_reason"])
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Le délai est prolongé de deux mois. Informez-en la personne."))
            return redirect("privacy:access_request", pk=access_request.pk)
    return render(request, "privacy/access_extend.html", {"access_request": access_request, "form": form})


def answer(request, pk):
    """Records that the person received the answer, after a confirmation."""
    access_request = request_of(request, pk)
    refusal = (
        None if access_request.is_answered else access.export_refusal(access.sync_reviews(access_request))
    )
    if request.method == "POST":
        try:
            access.answer(access_request, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("La réponse à la demande est enregistrée."))
        return redirect("privacy:access_request", pk=access_request.pk)
    return render(
        request, "privacy/access_answer.html", {"access_request": access_request, "refusal": refusal}
    )


def complete_view(view):
    """The request first (403 or 404 for anyone else), then a recent re-authentication, then every
    restricted writing reviewed."""

    def checked(request, pk):
        access_request = request_of(request, pk)

        def ready(request, pk):
            refusal = access.export_refusal(access.sync_reviews(access_request))
            if refusal:
                messages.error(request, refusal)
                return redirect("privacy:access_request", pk=pk)
            return view(request, access_request, access.complete_export(access_request, request.user))

        return recent_auth_required(ready)(request, pk)

    checked.__name__ = checked.__qualname__ = view.__name__
    checked.__doc__ = view.__doc__
    return checked


def filename(access_request, extension: str) -> str:
    # Never the person's name: file names end up in download lists and logs.
    return f"droit-d-acces-{access_request.person_id}-{access_request.pk}.{extension}"


@require_GET
@complete_view
def export_json(request, access_request, data):
    """The complete answer as JSON (schema: filrouge/privacy/export_schema.json)."""
    return download(export.export_json(data), "application/json", filename(access_request, "json"))


@require_GET
@in_french
@complete_view
def export_pdf(request, access_request, data):
    """The complete answer as a readable document."""
    content = export.export_pdf(access_request.person, data, request)
    return download(content, "application/pdf", filename(access_request, "pdf"))


@require_GET
@in_french
@complete_view
def export_zip(request, access_request, data):
    """The complete answer in one archive: the JSON, the readable document and every file."""
    scope = access.CompleteScope(request.user, access_request)
    content = export.export_zip(access_request.person, data, request.user, request, scope)
    return download(content, "application/zip", filename(access_request, "zip"))


# --- The reviewing professionals ----------------------------------------------------------------


def reviews(request):
    """The writings of one's profession (or one's own) waiting for a review, request by request."""
    if not policy.may_review_for_access(request.user):
        raise PermissionDenied
    found = access.reviews_to_do(request.user)
    return render(request, "privacy/access_reviews.html", {"reviews": found})


def review(request, pk):
    """One writing kept for the reviewer's profession, read in full, and the decision on it."""
    queryset = policy.scoped_access_reviews(request.user).select_related(
        "request__person", "note__enrolment__service", "meeting__enrolment__service", "reviewed_by"
    )
    found = policy.get_or_404(queryset, pk=pk)
    initial = {
        "decision": found.decision,
        "ground": found.ground,
        "explanation": found.explanation,
        "withheld_passages": found.withheld_passages,
        "writing_version": found.writing.version,
    }
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and not found.request.is_answered and form.is_valid():
        try:
            access.record_review(found, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_domain_errors(form, error)
            # The page shows the writing as it is now: sending again decides on that version.
            form.data = form.data.copy()
            form.data["writing_version"] = found.writing.version
        else:
            messages.success(request, _("Votre relecture est enregistrée."))
            return redirect("privacy:access_reviews")
    return render(
        request,
        "privacy/access_review.html",
        {"review": found, "writing": found.writing, "person": found.request.person, "form": form},
    )
