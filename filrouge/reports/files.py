"""The activity report's files (PDF, workbook), built in the request or, for a large scope, by
the worker (`reports.tasks.build_report_file`).

A scope is large when it holds more pathways supported during the period than
`settings.REPORT_BACKGROUND_THRESHOLD` (default 1,000): the pathways are what every measure
reads, so the building time follows them. Measured on the seed's benchmark preset (20,000
people, 2 cores under load), a yearly PDF took 1.6 to 5 s for one service (~200 pathways),
5 to 9 s at ~1,000 pathways and 10 to 17 s at ~2,000 (SQLite and PostgreSQL alike; the
workbook adds under a second to the figures). Counting the pathways is one indexed query.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from filrouge import policy
from filrouge.documents.pdf import render_pdf
from filrouge.outcomes import measures
from filrouge.outcomes.measures.base import pathways, supported_in
from filrouge.reports import activity, workbook
from filrouge.reports.models import ReportFile, ReportKind, ReportStatus

FIGURES = policy.Action.VIEW_FIGURES
SCOPE_FIELDS = ("service", "programme", "periode", "du", "au")
KIND_OF_VIEW = {"reports:activity_pdf": ReportKind.PDF, "reports:activity_xlsx": ReportKind.XLSX}
VIEW_OF_KIND = {kind: view for view, kind in KIND_OF_VIEW.items()}


# --- The report and its contents -------------------------------------------------------------


def report_for(user, form) -> activity.Report | None:
    """The report the chooser asks for, as `user` may see it (None until the chooser is valid),
    in the active language."""
    if not form.is_bound or not form.is_valid():
        return None
    chosen, period = form.cleaned_data["services"], form.cleaned_data["period"]
    return activity.build(
        measures.summary(measures.Scope.of(chosen, period)),
        period=period,
        scope_label=form.cleaned_data["scope_label"],
        services=[service.name for service in chosen],
        hide=policy.figures_without_names(user, chosen),
    )


def pdf_content(user, report, request=None) -> bytes:
    context = {"report": report, "organisation": user.organisation, "generated_at": timezone.localtime()}
    return render_pdf("reports/activity_pdf.html", context, request)


def xlsx_content(user, report) -> bytes:
    return workbook.write(report, organisation=user.organisation.name, generated_at=timezone.now())


CONTENTS = {ReportKind.PDF: pdf_content, ReportKind.XLSX: xlsx_content}


def scope_detail(form) -> str:
    """What the audit says of a report's scope: ids and codes, never a name."""
    data = form.cleaned_data
    chosen = f"programme={data['programme']}" if data.get("programme") else f"service={data['service'].pk}"
    return f"{chosen} periode={data['period'].key}"


def file_name(form, extension: str) -> str:
    data = form.cleaned_data
    scope = data["programme"] or f"service-{data['service'].pk}"
    return f"rapport-activite-{scope}-{data['period'].key}.{extension}"


# --- Large scopes ------------------------------------------------------------------------------


def pathway_count(services, period) -> int:
    """The pathways of these services supported on at least one day of the period."""
    scope = measures.Scope.of(services, period)
    return pathways(scope).filter(supported_in(scope.start, scope.end)).count()


def is_large(form) -> bool:
    data = form.cleaned_data
    return pathway_count(data["services"], data["period"]) > settings.REPORT_BACKGROUND_THRESHOLD


def scope_of(form) -> dict:
    """The chooser's values as the request gave them: what the task reads again."""
    return {name: form.data.get(name, "") for name in SCOPE_FIELDS if form.data.get(name, "")}


def scope_key(scope: dict) -> str:
    return "&".join(f"{name}={scope[name]}" for name in sorted(scope))[:300]


def request_file(user, form, kind: str) -> ReportFile:
    """The file of this scope being prepared for `user`: the one already pending, or a new one
    whose build is queued. The unique constraint on pending builds settles two requests at once."""
    scope = scope_of(form)
    pending = ReportFile.objects.filter(
        requested_by=user, kind=kind, scope_key=scope_key(scope), status=ReportStatus.PENDING
    )
    existing = pending.first()
    if existing is not None:
        return existing
    with translation.override("fr"):
        form.full_clean()  # the label and the file's name in French, as the file itself
        label = f"{form.cleaned_data['scope_label']} — {form.cleaned_data['period'].label}"
        filename = file_name(form, kind)
    chosen = form.cleaned_data["services"]
    try:
        with transaction.atomic():
            report_file = ReportFile.objects.create(
                organisation_id=user.organisation_id,
                requested_by=user,
                kind=kind,
                scope=scope,
                scope_key=scope_key(scope),
                service_ids=sorted(service.pk for service in chosen),
                without_names=policy.figures_without_names(user, chosen),
                label=label[:300],
                filename=filename,
                audit_detail=f"{VIEW_OF_KIND[kind]} {scope_detail(form)}"[:200],
            )
    except IntegrityError:
        return pending.get()
    from filrouge.reports.tasks import build_report_file

    build_report_file.enqueue(report_file_id=str(report_file.pk), organisation_id=user.organisation_id)
    return report_file
