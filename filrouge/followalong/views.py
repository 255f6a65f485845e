from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.core.forms import add_domain_errors
from filrouge.core.pagination import paginate
from filrouge.followalong import domain
from filrouge.followalong.forms import SupportContactForm

PLACEMENT_RELATED = ("enrolment__person", "enrolment__service", "company", "job_title")


def placement_url(placement) -> str:
    return reverse("placements:detail", args=[placement.pk]) + "#suivi"


def contact_list(request, pk):
    """Every follow-along contact about one placement, newest first."""
    placement = policy.get_or_404(
        policy.scoped_placements(request.user).select_related(*PLACEMENT_RELATED), pk=pk
    )
    contacts = policy.scoped_support_contacts(
        request.user, queryset=placement.support_contacts.select_related("by")
    )
    page, query = paginate(request, contacts)
    context = {
        "placement": placement,
        "person": placement.enrolment.person,
        "page": page,
        "query": query,
        "placement_url": placement_url(placement),
        "can_add": policy.scoped_placements(request.user, policy.Action.EDIT_CASES)
        .filter(pk=placement.pk)
        .exists(),
        "editable": set(
            policy.editable_support_contacts(request.user, placement.support_contacts.all()).values_list(
                "pk", flat=True
            )
        ),
    }
    return render(request, "followalong/contact_list.html", context)


def add(request, pk):
    """Records a contact with the person at work, the tutor or the manager."""
    placement = policy.get_or_404(
        policy.scoped_placements(request.user, policy.Action.EDIT_CASES).select_related(*PLACEMENT_RELATED),
        pk=pk,
    )
    form = SupportContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = domain.record_support_contact(placement, request.user, **form.cleaned_data)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(
                request,
                _("Le contact du %(day)s est enregistré : %(kind)s avec %(party)s.")
                % {
                    "day": date_format(contact.contacted_on, "SHORT_DATE_FORMAT"),
                    "kind": contact.get_kind_display().lower(),
                    "party": contact.get_party_display().lower(),
                },
            )
            return redirect(placement_url(placement))
    context = {"placement": placement, "person": placement.enrolment.person, "form": form}
    return render(
        request, "followalong/contact_form.html", context | {"placement_url": placement_url(placement)}
    )


def edit(request, pk):
    """Corrects one's own follow-along contact."""
    contact = policy.get_or_404(
        policy.editable_support_contacts(request.user).select_related(
            *(f"placement__{name}" for name in PLACEMENT_RELATED)
        ),
        pk=pk,
    )
    placement = contact.placement
    form = SupportContactForm.for_contact(contact, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain.update_support_contact(contact, **form.cleaned_data)
        except ValidationError as error:
            add_domain_errors(form, error)
        else:
            messages.success(request, _("Le contact est modifié."))
            return redirect(placement_url(placement))
    context = {
        "placement": placement,
        "person": placement.enrolment.person,
        "form": form,
        "contact": contact,
        "placement_url": placement_url(placement),
    }
    return render(request, "followalong/contact_form.html", context)
