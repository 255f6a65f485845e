import logging
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.consents import sharing
from filrouge.consents.views import share_refused
from filrouge.core.crypto import DecryptionError
from filrouge.core.forms import add_domain_errors
from filrouge.core.pagination import paginate
from filrouge.documents import domain
from filrouge.documents.forms import UploadForm
from filrouge.documents.models import AttachmentKind
from filrouge.documents.pdf import render_pdf
from filrouge.documents.reports import support_report
from filrouge.pathways.models import Enrolment
from filrouge.plans.domain import plan_outline
from filrouge.plans.models import ActionPlan

VIEW, EDIT = policy.Action.VIEW_CASES, policy.Action.EDIT_CASES

logger = logging.getLogger("filrouge.documents")


def reachable_attachment(request, pk, action=VIEW):
    return policy.get_or_404(policy.scoped_attachments(request.user, action).select_related("person"), pk=pk)


def person_documents(request, pk):
    """The person's files (archived ones on request), and the documents filrouge can print."""
    person = policy.get_or_404(policy.scoped_people(request.user), pk=pk)
    files = (
        policy.scoped_attachments(request.user)
        .filter(person=person)
        .select_related("uploaded_by", "enrolment__service")
    )
    show_archived = request.GET.get("archives") == "1"
    files = files if show_archived else files.active()
    kind = request.GET.get("type", "")
    if kind in AttachmentKind.values:
        files = files.filter(kind=kind)
    enrolments = policy.scoped_enrolments(request.user).filter(person=person).select_related("service")
    plans = ActionPlan.objects.filter(enrolment__in=enrolments, superseded_at__isnull=True)
    page, params = paginate(request, files)
    context = {
        "person": person,
        "page": page,
        "params": params,
        "kinds": AttachmentKind.choices,
        "kind": kind,
        "show_archived": show_archived,
        "enrolments": [(e, next((p for p in plans if p.enrolment_id == e.pk), None)) for e in enrolments],
        "can_edit": policy.scoped_people(request.user, EDIT).filter(pk=person.pk).exists(),
    }
    return render(request, "documents/person_documents.html", context)


def upload(request, pk):
    person = policy.get_or_404(policy.scoped_people(request.user, EDIT), pk=pk)
    enrolments = policy.scoped_enrolments(request.user, EDIT).filter(person=person).select_related("service")
    form = UploadForm(request.POST or None, request.FILES or None, enrolments=enrolments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            domain.attach(
                person,
                data["file"],
                kind=data["kind"],
                title=data["title"],
                by=request.user,
                enrolment=data["enrolment"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_domain_errors(form, error)
            else:
                form.add_error("file", error)
        else:
            messages.success(request, _("Le document est ajouté."))
            return redirect("documents:person_documents", pk=person.pk)
    return render(request, "documents/upload.html", {"person": person, "form": form})


def download(request, pk):
    attachment = reachable_attachment(request, pk)
    try:
        handle = attachment.file.storage.open_clear(attachment.file.name)
    except FileNotFoundError:
        raise Http404 from None
    except DecryptionError as error:
        # Which document and why, never its content: a damaged file is not served, even in part.
        logger.error("Attachment %s is not served: %s", attachment.pk, error)
        context = {"attachment": attachment, "person": attachment.person}
        return render(request, "documents/damaged_file.html", context, status=500)
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["Content-Length"] = handle.size
    response["X-Content-Type-Options"] = "nosniff"
    return response


def archive(request, pk):
    attachment = reachable_attachment(request, pk, EDIT)
    if request.method == "POST":
        domain.archive(attachment)
        messages.success(request, _("Le document « %(title)s » est archivé.") % {"title": attachment.title})
        return redirect("documents:person_documents", pk=attachment.person_id)
    return render(
        request, "documents/archive_confirm.html", {"attachment": attachment, "person": attachment.person}
    )


def restore(request, pk):
    attachment = reachable_attachment(request, pk, EDIT)
    if request.method != "POST":
        return redirect("documents:person_documents", pk=attachment.person_id)
    domain.restore(attachment)
    messages.success(request, _("Le document « %(title)s » est rétabli.") % {"title": attachment.title})
    return redirect("documents:person_documents", pk=attachment.person_id)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Language"] = "fr"
    return response


def document_context(enrolment) -> dict:
    return {
        "enrolment": enrolment,
        "person": enrolment.person,
        "organisation": enrolment.service.organisation,
        "service": enrolment.service,
        "generated_at": timezone.localtime(),
    }


def in_french(view):
    """A document leaves the service (for the person, the funder): French whatever the user's
    interface language, its labels, dates and the values gathered for it alike."""

    @wraps(view)
    def in_french_view(request, *args, **kwargs):
        with translation.override("fr"):
            return view(request, *args, **kwargs)

    return in_french_view


def plan_pdf(request, pk):
    """The action plan, any version: for the service and the person, or, with `?destinataire=`,
    for a partner of the person, if their consent covers it (`consents.sharing`)."""
    plans = ActionPlan.objects.select_related(
        "enrolment__person", "enrolment__service__organisation", "enrolment__primary_coach"
    )
    plan = policy.get_or_404(policy.scoped_case_records(request.user, plans), pk=pk)
    person = plan.enrolment.person
    recipient = sharing.chosen_recipient(person, sharing.PLAN, request.GET.get("destinataire"))
    if recipient is not None and not recipient.allowed:
        return share_refused(request, person, recipient, _("Le plan d'action"))
    # A document leaves the service: French whatever the interface language (refusals aside).
    with translation.override("fr"):
        outline = sharing.plan_for(plan_outline(plan), recipient)
        context = document_context(plan.enrolment) | {"plan": plan, "outline": outline, "share": recipient}
        return pdf_response(
            render_pdf("documents/plan_pdf.html", context, request), f"plan-action-v{plan.version}.pdf"
        )


def report_pdf(request, pk):
    """The support report of one pathway: for the service, the person and the funder, or, with
    `?destinataire=`, for a partner of the person, if their consent covers it."""
    enrolments = Enrolment.objects.select_related("person", "service__organisation", "primary_coach")
    enrolment = policy.get_or_404(policy.scoped_enrolments(request.user, queryset=enrolments), pk=pk)
    recipient = sharing.chosen_recipient(enrolment.person, sharing.REPORT, request.GET.get("destinataire"))
    if recipient is not None and not recipient.allowed:
        return share_refused(request, enrolment.person, recipient, _("Le bilan d'accompagnement"))
    with translation.override("fr"):
        report = sharing.report_for(support_report(enrolment), recipient)
        context = document_context(enrolment) | {
            "report": report,
            "share": recipient,
            "benefits": sharing.benefits_for(report.entry, recipient),
        }
        return pdf_response(
            render_pdf("documents/report_pdf.html", context, request), "bilan-accompagnement.pdf"
        )
