from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.accounts.reauth import recent_auth_required
from filrouge.documents.views import in_french
from filrouge.privacy import access, domain, export


def seen_person(request, pk):
    return policy.get_or_404(policy.scoped_people(request.user).select_related("organisation"), pk=pk)


def person_rights(request, pk):
    """The record's tab "Données personnelles": the person's rights, and the actions of those
    who exercise them for the organisation."""
    person = seen_person(request, pk)
    may_remove = policy.may_remove_person_data(request.user, person)
    context = {
        "person": person,
        "reviews_to_do": access.reviews_to_do(request.user, person),
        "may_export": policy.may_exercise_rights(request.user, person),
        "may_remove": may_remove,
        "anonymisation_refusal": domain.anonymisation_refusal(person) if may_remove else None,
        "erasure_refusal": domain.erasure_refusal(person) if may_remove else None,
    }
    return render(request, "privacy/person_rights.html", context)


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def exported(request, pk):
    """The person whose data is exported, and the data. The download is recorded as an export
    in the audit trail by its middleware (these pages are declared in `PrivacyConfig.ready`)."""
    person = policy.get_or_404(
        policy.scoped_rights_people(request.user).select_related("organisation"), pk=pk
    )
    return person, export.export_data(person, request.user)


def filename(person, extension: str) -> str:
    # Never the person's name: file names end up in download lists and logs.
    return f"donnees-personnelles-{person.pk}.{extension}"


def rights_view(view):
    """The rights first (404 for anyone else), then a recent re-authentication."""

    def checked(request, pk):
        policy.get_or_404(policy.scoped_rights_people(request.user), pk=pk)
        return recent_auth_required(view)(request, pk)

    checked.__name__ = checked.__qualname__ = view.__name__
    checked.__doc__ = view.__doc__
    return checked


@rights_view
def export_json(request, pk):
    """The person's data as JSON (schema: filrouge/privacy/export_schema.json)."""
    person, data = exported(request, pk)
    return download(export.export_json(data), "application/json", filename(person, "json"))


@rights_view
@in_french
def export_pdf(request, pk):
    """The person's data as a readable document."""
    person, data = exported(request, pk)
    return download(export.export_pdf(person, data, request), "application/pdf", filename(person, "pdf"))


@rights_view
@in_french
def export_zip(request, pk):
    """One archive: the JSON, the readable document and the attached files."""
    person, data = exported(request, pk)
    content = export.export_zip(person, data, request.user, request)
    return download(content, "application/zip", filename(person, "zip"))


def removable_person(request, pk):
    queryset = policy.scoped_removable_people(request.user).select_related("organisation")
    return policy.get_or_404(queryset, pk=pk)


def anonymise(request, pk):
    person = removable_person(request, pk)
    refusal = domain.anonymisation_refusal(person)
    if request.method == "POST" and refusal is None:
        return recent_auth_required(anonymise_now)(request, person)
    return render(request, "privacy/anonymise_confirm.html", {"person": person, "refusal": refusal})


def anonymise_now(request, person):
    try:
        domain.anonymise(person, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Le dossier est anonymisé : les noms, les coordonnées, les textes et les fichiers sont supprimés."
            ),
        )
    return redirect("privacy:person_rights", pk=person.pk)


def erase(request, pk):
    person = removable_person(request, pk)
    refusal = domain.erasure_refusal(person)
    if request.method == "POST" and refusal is None:
        return recent_auth_required(erase_now)(request, person)
    return render(request, "privacy/erase_confirm.html", {"person": person, "refusal": refusal})


def erase_now(request, person):
    try:
        domain.erase(person, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("privacy:person_rights", pk=person.pk)
    messages.success(request, _("Le dossier est effacé : plus rien n'en est conservé."))
    return redirect("people:list")
