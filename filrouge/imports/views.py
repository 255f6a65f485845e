"""The import pages: « Importer des tableurs » (service, up to three files or one workbook,
templates) → « Colonnes » (each source's mapping, with a preview) → « Vérification » (the dry
run's report, per kind) → confirmation → the result on the same page.

A run of more than `uploads.background_rows()` data rows is checked and applied by the worker
(`imports.tasks`); its page shows the progress, refreshed by htmx (or by a link without script).

Who: `policy.Action.IMPORT_CASES` in the service (heads of service, directors); a run is its
requester's alone (`policy.scoped_import_runs`): anyone else gets a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from filrouge import policy
from filrouge.core.pagination import wants_fragment
from filrouge.imports import blank_files, tasks, uploads
from filrouge.imports.columns import kind_of, missing_required
from filrouge.imports.forms import MappingForm, UploadForm
from filrouge.imports.models import RunStatus, SourceKind
from filrouge.reports.models import CONTENT_TYPES

IMPORT = policy.Action.IMPORT_CASES
# The kinds by the word their template's file name and URL use.
KIND_SLUGS = {
    "personnes": SourceKind.PEOPLE.value,
    "entreprises": SourceKind.COMPANIES.value,
    "emplois": SourceKind.PLACEMENTS.value,
}
SLUG_OF_KIND = {kind: slug for slug, kind in KIND_SLUGS.items()}
ALL_KINDS_SLUG = "complet"
# A run's columns may be chosen again until it is confirmed.
MAPPABLE = {RunStatus.UPLOADED, RunStatus.CHECKED, RunStatus.REFUSED}
IN_PROGRESS = {RunStatus.CHECKING, RunStatus.APPLYING}
# The outcomes of the report's table, in the order of its columns.
OUTCOMES = ("created", "updated", "unchanged", "refused")
# Where an applied run's records are seen, per kind.
LIST_OF_KIND = {SourceKind.PEOPLE.value: "people:list", SourceKind.COMPANIES.value: "employers:list"}


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
            form.cleaned_data["files"], service=form.cleaned_data["service"], user=request.user
        )
        return redirect("imports:columns", pk=run.pk)
    templates = [(kind_of(kind).label, SLUG_OF_KIND[kind]) for kind in uploads.IMPORTABLE]
    context = {
        "form": form,
        "templates": templates,
        "all_kinds": len(uploads.IMPORTABLE) > 1,
        "max_rows": uploads.max_rows(),
        "max_mb": uploads.max_mb(),
        "max_files": uploads.MAX_FILES,
        "background_rows": uploads.background_rows(),
    }
    return render(request, "imports/start.html", context)


def template_file(request, kind, extension):
    import_services(request.user)
    if KIND_SLUGS.get(kind) not in uploads.IMPORTABLE:
        raise Http404
    key = KIND_SLUGS[kind]
    if extension == "csv":
        content, content_type = blank_files.template_csv(key), "text/csv; charset=utf-8"
    else:
        content, content_type = blank_files.template_xlsx(key), CONTENT_TYPES["xlsx"]
    return attachment(content, content_type, f"modele-import-{kind}.{extension}")


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Language"] = "fr"
    return response


@require_http_methods(["GET"])
def template_csv(request, kind):
    return template_file(request, kind, "csv")


@require_http_methods(["GET"])
def template_xlsx(request, kind):
    return template_file(request, kind, "xlsx")


@require_http_methods(["GET"])
def template_all(request):
    """The workbook with a sheet per kind, recognised by their names on upload."""
    import_services(request.user)
    return attachment(
        blank_files.template_xlsx_all(), CONTENT_TYPES["xlsx"], f"modele-import-{ALL_KINDS_SLUG}.xlsx"
    )


def mapping_forms(run, data=None) -> list[dict]:
    """One mapping form per source, each with its own prefix, in the order kinds are written."""
    found = []
    for source in uploads.sources_of(run):
        initial = uploads.initial_mapping(source, run.service)
        form = MappingForm(
            data,
            header=source.header,
            kind=source.kind,
            initial_mapping=initial,
            prefix=f"source-{source.pk}",
        )
        found.append({"source": source, "form": form, "initial": initial})
    return found


@require_http_methods(["GET", "POST"])
def columns(request, pk):
    run = own_run(request, pk)
    if run.status not in MAPPABLE:
        return redirect("imports:run", pk=run.pk)
    if any(not source.file for source in run.sources.all()):
        return redirect("imports:run", pk=run.pk)
    posted = request.method == "POST"
    sources = mapping_forms(run, request.POST if posted else None)
    if posted and all(item["form"].is_valid() for item in sources):
        uploads.set_mappings(
            run,
            {item["source"].pk: item["form"].cleaned_data["mapping"] for item in sources},
            user=request.user,
        )
        try:
            uploads.start_check(run)
        except uploads.NotStartable as error:
            messages.error(request, error.message)
            return redirect("imports:run", pk=run.pk)
        if uploads.in_background(run):
            tasks.check_import.enqueue(run_id=str(run.pk), organisation_id=run.organisation_id)
        else:
            tasks.check(run)
        return redirect("imports:run", pk=run.pk)
    for item in sources:
        source, form = item["source"], item["form"]
        preview = uploads.preview(source)
        item.update(
            missing=[] if form.is_bound else missing_required(item["initial"], source.kind),
            preview=preview,
            # Each header beside its first filled value, to tell columns apart.
            rows=[
                (field, next((values[position] for _n, values in preview if values[position].strip()), ""))
                for position, field in form.rows()
            ],
            kind_label=kind_of(source.kind).label,
        )
    context = {"run": run, "sources": sources, "form": sources[0]["form"] if len(sources) == 1 else None}
    return render(request, "imports/columns.html", context)


def problems_by_row(lines: list[dict], header: list[str]) -> list[dict]:
    """The refusals, one entry per row (the file's problems first), each with its messages in the
    order of the file's columns."""
    order = {text: position for position, text in reversed(list(enumerate(header)))}
    rows: dict = {}
    for line in lines:
        if line.get("outcome") != "refused" or not line.get("message"):
            continue
        rows.setdefault(line.get("row"), []).append((line.get("column"), line["message"]))
    grouped = []
    for number in sorted(rows, key=lambda n: (n is not None, n or 0)):
        found = sorted(rows[number], key=lambda item: (item[0] is not None, order.get(item[0], len(order))))
        grouped.append({"row": number, "messages": [{"column": c, "message": m} for c, m in found]})
    return grouped


def kinds_of(run, sources) -> list[dict]:
    """Per source (kind order): its label, file, counts and refusals."""
    found = []
    for source in sources:
        counts = run.counts.get(source.kind, {})
        lines = [line for line in run.report if line.get("kind") == source.kind]
        found.append(
            {
                "source": source,
                "label": kind_of(source.kind).label,
                "counts": counts,
                "outcomes": [counts.get(outcome, 0) for outcome in OUTCOMES],
                "problems": problems_by_row(lines, source.header),
                "list_url": reverse(LIST_OF_KIND[source.kind]) if source.kind in LIST_OF_KIND else "",
            }
        )
    return found


def totals(run) -> dict:
    found = dict.fromkeys((*OUTCOMES, "skipped"), 0)
    for counts in run.counts.values():
        for outcome in found:
            found[outcome] += counts.get(outcome, 0)
    return found


def run_context(run) -> dict:
    sources = uploads.sources_of(run)
    total = totals(run)
    return {
        "run": run,
        "sources": sources,
        "statuses": RunStatus,
        "kinds": kinds_of(run, sources),
        "totals": total,
        "importable": total["created"] + total["updated"] + total["unchanged"],
        "confirmable": run.status == RunStatus.CHECKED and not total["refused"],
        "in_progress": run.status in IN_PROGRESS,
        "background": uploads.in_background(run),
        "phase": uploads.PHASES.get(run.phase, run.phase),
        "failure": next((line["message"] for line in run.report if line.get("outcome") == "failed"), ""),
        "seen": progress_key(run),
    }


def progress_key(run) -> str:
    """What the polling sends back: the same key means nothing to announce."""
    return f"{run.status}-{run.phase}-{run.rows_done}"


def run_page(request, pk):
    run = own_run(request, pk)
    if run.status == RunStatus.UPLOADED:
        return redirect("imports:columns", pk=run.pk)
    context = run_context(run)
    if wants_fragment(request):
        if request.GET.get("vu") == context["seen"]:
            # Nothing changed: htmx swaps nothing, the region announces nothing, and asks again.
            return HttpResponse(status=204)
        return render(request, "imports/_run_status.html", context | {"fragment": True})
    return render(request, "imports/run.html", context)


@require_POST
def confirm(request, pk):
    run = own_run(request, pk)
    try:
        uploads.claim(run)
    except uploads.NotConfirmable as error:
        messages.error(request, error.message)
        return redirect("imports:run", pk=run.pk)
    if uploads.in_background(run):
        tasks.apply_import.enqueue(run_id=str(run.pk), organisation_id=run.organisation_id)
    else:
        with transaction.atomic():
            tasks.apply(run)
    return redirect("imports:run", pk=run.pk)
