"""The import pages: « Importer des tableurs » (service, kind, template, upload) → « Colonnes »
(the mapping, with a preview) → « Vérification » (the dry run's report) → confirmation → the
result on the same page. Checked and applied in the request for now, hence the page's limits
(`uploads.SYNC_MAX_ROWS`, `uploads.max_mb`).

Who: `policy.Action.IMPORT_CASES` in the service (heads of service, directors); a run is its
requester's alone (`policy.scoped_import_runs`): anyone else gets a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from filrouge import policy
from filrouge.imports import blank_files, uploads
from filrouge.imports.columns import kind_of, missing_required
from filrouge.imports.forms import MappingForm, UploadForm
from filrouge.imports.models import RunStatus, SourceKind
from filrouge.reports.models import CONTENT_TYPES

IMPORT = policy.Action.IMPORT_CASES
# The kinds by the word their template's file name and URL use.
KIND_SLUGS = {"entreprises": SourceKind.COMPANIES.value}
SLUG_OF_KIND = {kind: slug for slug, kind in KIND_SLUGS.items()}
# A run's columns may be chosen again until it is confirmed.
MAPPABLE = {RunStatus.UPLOADED, RunStatus.CHECKED, RunStatus.REFUSED}


def import_services(user):
    """The services where the user may import; 403 when there is none."""
    services = policy.scoped_services(user, IMPORT).order_by("name")
    if not services.exists():
        raise PermissionDenied
    return services


def own_run(request, pk):
    return policy.get_or_404(policy.scoped_import_runs(request.user).select_related("service"), pk=pk)


@require_http_methods(["GET", "POST"])
def start(request):
    services = import_services(request.user)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None, services=services)
    if posted and form.is_valid():
        run = uploads.store(
            form.cleaned_data["file"],
            form.cleaned_data["inspected"],
            service=form.cleaned_data["service"],
            user=request.user,
            kind=form.cleaned_data["kind"],
        )
        return redirect("imports:columns", pk=run.pk)
    templates = [
        (kind_of(kind).label, SLUG_OF_KIND[kind]) for kind in uploads.IMPORTABLE if kind in SLUG_OF_KIND
    ]
    context = {
        "form": form,
        "templates": templates,
        "max_rows": uploads.SYNC_MAX_ROWS,
        "max_mb": uploads.max_mb(),
    }
    return render(request, "imports/start.html", context)


def template_file(request, kind, extension):
    import_services(request.user)
    if kind not in KIND_SLUGS:
        raise Http404
    key = KIND_SLUGS[kind]
    if extension == "csv":
        content, content_type = blank_files.template_csv(key), "text/csv; charset=utf-8"
    else:
        content, content_type = blank_files.template_xlsx(key), CONTENT_TYPES["xlsx"]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="modele-import-{kind}.{extension}"'
    response["Content-Language"] = "fr"
    return response


@require_http_methods(["GET"])
def template_csv(request, kind):
    return template_file(request, kind, "csv")


@require_http_methods(["GET"])
def template_xlsx(request, kind):
    return template_file(request, kind, "xlsx")


@require_http_methods(["GET", "POST"])
def columns(request, pk):
    run = own_run(request, pk)
    if run.status not in MAPPABLE:
        return redirect("imports:run", pk=run.pk)
    source = uploads.source_of(run)
    if not source.file:
        return redirect("imports:run", pk=run.pk)
    initial = uploads.initial_mapping(source, run.service)
    form = MappingForm(
        request.POST if request.method == "POST" else None,
        header=source.header,
        kind=source.kind,
        initial_mapping=initial,
    )
    if request.method == "POST" and form.is_valid():
        uploads.check(run, form.cleaned_data["mapping"], user=request.user)
        return redirect("imports:run", pk=run.pk)
    preview = uploads.preview(source)
    context = {
        "run": run,
        "source": source,
        "form": form,
        "missing": [] if form.is_bound else missing_required(initial, source.kind),
        "preview": preview,
        # Each header beside its first filled value, to tell columns apart.
        "rows": [
            (field, next((values[position] for _n, values in preview if values[position].strip()), ""))
            for position, field in form.rows()
        ],
        "kind_label": kind_of(source.kind).label,
    }
    return render(request, "imports/columns.html", context)


def problems_by_row(run, header: list[str]) -> list[dict]:
    """The refusals, one entry per row (the file's problems first), each with its messages in the
    order of the file's columns."""
    order = {text: position for position, text in reversed(list(enumerate(header)))}
    rows: dict = {}
    for line in run.report:
        if line.get("outcome") != "refused" or not line.get("message"):
            continue
        rows.setdefault(line.get("row"), []).append((line.get("column"), line["message"]))
    grouped = []
    for number in sorted(rows, key=lambda n: (n is not None, n or 0)):
        found = sorted(rows[number], key=lambda item: (item[0] is not None, order.get(item[0], len(order))))
        grouped.append({"row": number, "messages": [{"column": c, "message": m} for c, m in found]})
    return grouped


def run_page(request, pk):
    run = own_run(request, pk)
    if run.status == RunStatus.UPLOADED:
        return redirect("imports:columns", pk=run.pk)
    source = uploads.source_of(run)
    counts = run.counts.get(source.kind, {})
    importable = counts.get("created", 0) + counts.get("updated", 0) + counts.get("unchanged", 0)
    context = {
        "run": run,
        "source": source,
        "statuses": RunStatus,
        "counts": counts,
        "importable": importable,
        "confirmable": run.status == RunStatus.CHECKED and not counts.get("refused"),
        "problems": problems_by_row(run, source.header),
        "kind_label": kind_of(source.kind).label,
    }
    return render(request, "imports/run.html", context)


@require_POST
def confirm(request, pk):
    run = own_run(request, pk)
    try:
        uploads.apply(run, user=request.user)
    except uploads.NotConfirmable as error:
        messages.error(request, error.message)
    return redirect("imports:run", pk=run.pk)
