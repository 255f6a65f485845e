from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.core.forms import add_domain_errors
from filrouge.core.geo import coordinates_of
from filrouge.matching import domain, ranking
from filrouge.matching.forms import AnswerForm, ProposeForm
from filrouge.matching.models import Proposal

VIEW, EDIT = policy.Action.VIEW_CASES, policy.Action.EDIT_CASES


def editable_service_ids(user) -> set[int]:
    return set(policy.scoped_services(user, EDIT).values_list("pk", flat=True))


def proposals_of(user, person):
    proposals = Proposal.objects.filter(enrolment__person=person).select_related(
        "opening__job_title", "opening__company", "enrolment__service", "proposed_by"
    )
    return policy.scoped_case_records(user, proposals)


def person_suggestions(request, pk):
    """The record's "Offres suggérées" tab: the open openings best fitting the person's target
    jobs, with why they fit and what does not, and the person's proposals with their answers."""
    person = policy.get_or_404(policy.scoped_people(request.user), pk=pk)
    targets = domain.targets_of(person)
    editable = editable_service_ids(request.user)
    enrolments = [
        e
        for e in policy.scoped_enrolments(request.user, queryset=person.enrolments.current()).select_related(
            "service"
        )
        if e.service_id in editable
    ]
    proposals = list(proposals_of(request.user, person))
    proposed = {}
    for proposal in proposals:
        proposal.can_answer = proposal.enrolment.service_id in editable
        proposed.setdefault(proposal.opening_id, proposal)
    suggestions = [
        {"fit": fit, "opening": fit.opening, "proposal": proposed.get(fit.opening.pk)}
        for fit in domain.suggestions_for(person, request.user, targets=targets)
    ]
    context = {
        "person": person,
        "targets": targets,
        "suggestions": suggestions,
        "enrolments": enrolments,
        "proposals": proposals,
        "home_known": coordinates_of(person) is not None,
    }
    return render(request, "matching/person_suggestions.html", context)


def next_url(request, candidate: str, default: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def propose(request, pk, opening_pk):
    """Records that the person was proposed to the opening (the form asks the pathway when the
    person has several current ones in the user's services)."""
    person = policy.get_or_404(policy.scoped_people(request.user, EDIT), pk=pk)
    opening = policy.get_or_404(
        policy.scoped_openings(request.user, EDIT).select_related("job_title", "company"), pk=opening_pk
    )
    enrolments = policy.scoped_enrolments(request.user, EDIT, person.enrolments.current()).select_related(
        "service"
    )
    default = reverse("matching:person_suggestions", args=[person.pk])
    form = ProposeForm(
        request.POST or None, enrolments=enrolments, initial={"next": request.GET.get("suivant", "")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            domain.propose(
                data["enrolment"], opening, by=request.user, on=data["proposed_on"], comment=data["comment"]
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("La candidature de %(person)s est enregistrée pour l'offre « %(opening)s ».")
                % {"person": person.full_name, "opening": opening},
            )
            return redirect(next_url(request, data["next"], default))
    fit = ranking.best_fit(domain.targets_of(person), opening, coordinates_of(person))
    context = {"person": person, "opening": opening, "form": form, "fit": fit, "back": default}
    return render(request, "matching/propose.html", context)


def answer(request, pk):
    """Records the answer to a proposal: interview, hiring, or no follow-up."""
    proposals = Proposal.objects.select_related(
        "enrolment__person", "enrolment__service", "opening__job_title", "opening__company", "proposed_by"
    )
    proposal = policy.get_or_404(policy.scoped_case_records(request.user, proposals, EDIT), pk=pk)
    person = proposal.enrolment.person
    initial = {"answer": proposal.answer if proposal.answered_on else None, "comment": proposal.comment}
    form = AnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            domain.answer(
                proposal, data["answer"], on=data["answered_on"], comment=data["comment"], by=request.user
            )
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Réponse enregistrée pour l'offre « %(opening)s » : %(answer)s.")
                % {"opening": proposal.opening, "answer": proposal.get_answer_display().lower()},
            )
            return redirect(reverse("matching:person_suggestions", args=[person.pk]) + "#propositions")
    return render(request, "matching/answer.html", {"person": person, "proposal": proposal, "form": form})
