"""Reports and exports: the periodic activity report (a page, a PDF, an XLSX workbook) and the CSV
lists of the head of service.

The report's figures are `outcomes.measures.summary`'s, laid out by `reports.activity`; who sees
them is `Action.VIEW_FIGURES` on every service of the scope, without names when
`policy.figures_without_names` says so. The lists need `Action.EXPORT_LISTS`. Every file produced
is recorded in the audit trail as an export, once the response is ready.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation

from filrouge import policy
from filrouge.audit.api import record_after_response
from filrouge.audit.models import Kind
from filrouge.documents.pdf import render_pdf
from filrouge.outcomes import measures, periods
from filrouge.pathways.domain import today
from filrouge.reports import activity, csv_files, lists, workbook
from filrouge.reports.forms import ActivityForm, ExportForm

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
    if not form.is_bound or not form.is_valid():
        return None
    chosen, period = form.cleaned_data["services"], form.cleaned_data["period"]
    return activity.build(
        measures.summary(measures.Scope.of(chosen, period)),
        period=period,
        scope_label=form.cleaned_data["scope_label"],
        services=[service.name for service in chosen],
        hide=policy.figures_without_names(request.user, chosen),
    )


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


def scope_detail(form) -> str:
    """What the audit says of a report's scope: ids and codes, never a name."""
    data = form.cleaned_data
    chosen = f"programme={data['programme']}" if data.get("programme") else f"service={data['service'].pk}"
    return f"{chosen} periode={data['period'].key}"


def file_name(form, report, extension: str) -> str:
    data = form.cleaned_data
    scope = data["programme"] or f"service-{data['service'].pk}"
    return f"rapport-activite-{scope}-{report.period.key}.{extension}"


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Language"] = "fr"
    return response


def produce_pdf(request, form, report) -> HttpResponse:
    context = {
        "report": report,
        "organisation": request.user.organisation,
        "generated_at": timezone.localtime(),
    }
    return attachment(
        render_pdf("reports/activity_pdf.html", context, request),
        "application/pdf",
        file_name(form, report, "pdf"),
    )


def produce_xlsx(request, form, report) -> HttpResponse:
    content = workbook.write(report, organisation=request.user.organisation.name, generated_at=timezone.now())
    return attachment(
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        file_name(form, report, "xlsx"),
    )


def activity_pdf(request):
    return activity_file(request, produce_pdf)


def activity_xlsx(request):
    return activity_file(request, produce_xlsx)


# --- The CSV lists ---------------------------------------------------------------------------

EXPORT_URLS = {
    lists.PEOPLE.key: "reports:export_people",
    lists.PLACEMENTS.key: "reports:export_placements",
    lists.EMPLOYER_CONTACTS.key: "reports:export_employer_contacts",
}


def export_list(request, key: str):
    """One list as CSV, for the chosen service or every service where the user may export."""
    services = policy.scoped_services(request.user, EXPORT).order_by("name")
    if not services.exists():
        raise PermissionDenied
    form = ExportForm(request.GET, services=services)
    if not form.is_valid():
        raise Http404
    service = form.cleaned_data["service"]
    chosen = [service] if service else list(services)
    with translation.override("fr"):
        table = lists.build(key, request.user, chosen)
        content = csv_files.write(table.headers, table.rows)
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
