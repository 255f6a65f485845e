"""Reports and exports: the periodic activity report (a page, a PDF, an XLSX workbook) and the CSV
lists of the head of service.

The report's figures are `outcomes.measures.summary`'s, laid out by `reports.activity`; who sees
them is `Action.VIEW_FIGURES` on every service of the scope, without names when
`policy.figures_without_names` says so. The lists need `Action.EXPORT_LISTS`; the people's
transfer export, which holds health-related data (RQTH, AAH), a recent re-authentication too.
Every file produced is recorded in the audit trail as an export, once the response is ready.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation

from filrouge import policy
from filrouge.accounts.reauth import recent_auth_required
from filrouge.audit.api import record_after_response
from filrouge.audit.models import Kind
from filrouge.core.crypto import DecryptionError
from filrouge.core.pagination import wants_fragment
from filrouge.outcomes import periods
from filrouge.pathways.domain import today
from filrouge.reports import activity, csv_files, files, lists
from filrouge.reports.forms import ActivityForm, ExportForm
from filrouge.reports.models import CONTENT_TYPES, ReportFile, ReportStatus
from filrouge.reports.tasks import build_report_file

logger = logging.getLogger(__name__)

FIGURES, EXPORT = policy.Action.VIEW_FIGURES, policy.Action.EXPORT_LISTS
SCOPE_FIELDS = ("service", "programme", "periode", "du", "au")


def index(request):
    """Links to the activity report and the lists, with the choosers of each."""
    figure_services = policy.scoped_services(request.user, FIGURES).order_by("name")
    export_services = policy.scoped_services(request.user, EXPORT).order_by("name")
    if not figure_services.exists() and not export_services.exists():
        raise PermissionDenied
    context = {
        "activity_form": ActivityForm(
            services=figure_services, today=today(), initial=initial_activity(figure_services)
        )
        if figure_services.exists()
        else None,
        # Its own ids: the page holds both choosers, each with a "service" field.
        "export_form": ExportForm(services=export_services, auto_id="export_%s")
        if export_services.exists()
        else None,
        "exports": [(kind, reverse(EXPORT_URLS[kind.key])) for kind in lists.KINDS],
        "transfer_exports": [(kind, reverse(EXPORT_URLS[kind.key])) for kind in lists.TRANSFER_KINDS],
    }
    return render(request, "reports/index.html", context)


def initial_activity(services) -> dict:
    only = list(services[:2])
    return {"periode": periods.current_year(today()).key} | ({"service": only[0]} if len(only) == 1 else {})


def figure_services_of(user):
    services = policy.scoped_services(user, FIGURES).order_by("name")
    if not services.exists():
        raise PermissionDenied
    return services


def chosen_scope(request, services, always_bound=False) -> ActivityForm:
    """The chooser read from the query. The page opens on it empty; a file asked without a scope
    answers the chooser's errors."""
    if not always_bound and not any(name in request.GET for name in SCOPE_FIELDS):
        return ActivityForm(services=services, today=today(), initial=initial_activity(services))
    form = ActivityForm(request.GET, services=services, today=today())
    form.is_valid()
    return form


def report_of(request, form) -> activity.Report | None:
    """The report the chooser asks for (None until it is valid), in the active language."""
    return files.report_for(request.user, form)


def activity_page(request):
    form = chosen_scope(request, figure_services_of(request.user))
    return render(request, "reports/activity.html", page_context(request, form, report_of(request, form)))


def page_context(request, form, report) -> dict:
    query = request.GET.urlencode() if report is not None else ""
    return {"form": form, "report": report, "query": query}


def activity_file(request, produce):
    """The PDF or the workbook, always in French; or the chooser with its errors (400)."""
    form = chosen_scope(request, figure_services_of(request.user), always_bound=True)
    if not form.is_valid():
        return render(request, "reports/activity.html", page_context(request, form, None), status=400)
    kind = files.KIND_OF_VIEW[request.resolver_match.view_name]
    if files.is_large(form):
        # Too long for a request: prepared by the worker, offered on its own page.
        report_file = files.request_file(request.user, form, kind)
        return redirect("reports:report_file", pk=report_file.pk)
    with translation.override("fr"):
        form.full_clean()  # the scope's label, read again in French
        response = produce(request, form, report_of(request, form))
    chosen = form.cleaned_data["services"]
    record_after_response(
        kind=Kind.EXPORT,
        organisation_id=request.user.organisation_id,
        object_type="organisations.service" if len(chosen) == 1 else "",
        object_id=chosen[0].pk if len(chosen) == 1 else None,
        detail=f"{request.resolver_match.view_name} {scope_detail(form)}",
    )
    return response


scope_detail, file_name = files.scope_detail, files.file_name


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Language"] = "fr"
    return response


def produce_pdf(request, form, report) -> HttpResponse:
    content = files.pdf_content(request.user, report, request)
    return attachment(content, CONTENT_TYPES["pdf"], file_name(form, "pdf"))


def produce_xlsx(request, form, report) -> HttpResponse:
    content = files.xlsx_content(request.user, report)
    return attachment(content, CONTENT_TYPES["xlsx"], file_name(form, "xlsx"))


def activity_pdf(request):
    return activity_file(request, produce_pdf)


def activity_xlsx(request):
    return activity_file(request, produce_xlsx)


# --- The CSV lists ---------------------------------------------------------------------------

EXPORT_URLS = {
    lists.PEOPLE.key: "reports:export_people",
    lists.PLACEMENTS.key: "reports:export_placements",
    lists.EMPLOYER_CONTACTS.key: "reports:export_employer_contacts",
    lists.PEOPLE_TRANSFER.key: "reports:export_people_transfer",
    lists.COMPANIES.key: "reports:export_companies",
    lists.PLACEMENTS_TRANSFER.key: "reports:export_placements_transfer",
}


def chosen_services(request):
    """The service chosen (None: all of them) and the services exported; 403 for whoever may
    export nowhere, 404 for a service outside the user's exports."""
    services = policy.scoped_services(request.user, EXPORT).order_by("name")
    if not services.exists():
        raise PermissionDenied
    form = ExportForm(request.GET, services=services)
    if not form.is_valid():
        raise Http404
    service = form.cleaned_data["service"]
    return service, [service] if service else list(services)


def export_list(request, key: str):
    """One list as CSV, for the chosen service or every service where the user may export (the
    companies: the organisation's directory, whatever the service chosen)."""
    service, chosen = chosen_services(request)
    with translation.override("fr"):
        table = lists.build(key, request.user, chosen)
        content = csv_files.write(table.headers, table.rows)
    if not lists.BY_KEY[key].per_service:
        service, scope = None, "organisation"
    else:
        scope = f"service-{service.pk}" if service else "tous-services"
    response = attachment(content, "text/csv; charset=utf-8", f"{key}-{scope}-{today().isoformat()}.csv")
    record_after_response(
        kind=Kind.EXPORT,
        organisation_id=request.user.organisation_id,
        object_type="organisations.service" if service else "",
        object_id=service.pk if service else None,
        detail=f"{request.resolver_match.view_name} {scope} lignes={len(table.rows)}",
    )
    return response


def export_people(request):
    return export_list(request, lists.PEOPLE.key)


def export_placements(request):
    return export_list(request, lists.PLACEMENTS.key)


def export_employer_contacts(request):
    return export_list(request, lists.EMPLOYER_CONTACTS.key)


def export_people_transfer(request):
    """Health-related data (RQTH, AAH): who may not export is refused first, then whoever may
    confirms who they are, like the personal-data exports (`accounts.reauth`)."""
    chosen_services(request)
    return recent_auth_required(export_list)(request, lists.PEOPLE_TRANSFER.key)


def export_companies(request):
    return export_list(request, lists.COMPANIES.key)


def export_placements_transfer(request):
    return export_list(request, lists.PLACEMENTS_TRANSFER.key)


# --- The report files prepared in the background ---------------------------------------------


def own_report_files(user):
    """Expired files are never offered, even before the cleanup removes them."""
    return policy.scoped_report_files(user, ReportFile.objects.live())


def reachable_report_file(request, pk) -> ReportFile:
    """A file the policy lets the user see (`policy.may_see_report_file`); otherwise not found."""
    report_file = policy.get_or_404(own_report_files(request.user), pk=pk)
    if not policy.may_see_report_file(request.user, report_file):
        raise Http404
    return report_file


def report_file_page(request, pk):
    """ "Votre rapport est en cours de préparation": the page htmx asks again every few seconds
    while the file is pending (the status part alone), with a link to reload it without script."""
    report_file = reachable_report_file(request, pk)
    context = {"report_file": report_file, "statuses": ReportStatus}
    if wants_fragment(request):
        if report_file.status == ReportStatus.PENDING:
            # Nothing changed: htmx swaps nothing, so the region announces nothing, and asks again.
            return HttpResponse(status=204)
        return render(request, "reports/_report_file_status.html", context)
    return render(request, "reports/report_file.html", context)


def report_file_download(request, pk):
    report_file = reachable_report_file(request, pk)
    if report_file.status != ReportStatus.READY or not report_file.file:
        raise Http404
    try:
        handle = report_file.file.storage.open_clear(report_file.file.name)
    except FileNotFoundError:
        raise Http404 from None
    except DecryptionError as error:
        logger.error("Report file %s is not served: %s", report_file.pk, error)
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=report_file.filename, content_type=report_file.content_type
    )
    response["Content-Length"] = handle.size
    response["Content-Language"] = "fr"
    response["X-Content-Type-Options"] = "nosniff"
    single = report_file.service_ids[0] if len(report_file.service_ids) == 1 else None
    # As the direct download: the same kind of entry, the same detail, and the prepared file's id.
    record_after_response(
        kind=Kind.EXPORT,
        organisation_id=report_file.organisation_id,
        object_type="organisations.service" if single else "",
        object_id=single,
        detail=f"{report_file.audit_detail} fichier={report_file.pk}"[:200],
    )
    return response


def report_file_retry(request, pk):
    """After a failed build: the same file asked again (POST only)."""
    report_file = reachable_report_file(request, pk)
    if request.method != "POST":
        return redirect("reports:report_file", pk=report_file.pk)
    retried = ReportFile.objects.filter(pk=report_file.pk, status=ReportStatus.FAILED).update(
        status=ReportStatus.PENDING
    )
    if retried:
        build_report_file.enqueue(
            report_file_id=str(report_file.pk), organisation_id=report_file.organisation_id
        )
    return redirect("reports:report_file", pk=report_file.pk)


def report_file_list(request):
    """ "Mes rapports préparés": the user's latest prepared files, with their status."""
    figure_services_of(request.user)
    report_files = own_report_files(request.user)[:20]
    return render(
        request, "reports/report_file_list.html", {"report_files": report_files, "statuses": ReportStatus}
    )
