import re

from django.contrib import messages
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.core.pagination import paginate
from filrouge.referentials.communes import search_communes
from filrouge.referentials.forms import LocalItemForm
from filrouge.referentials.models import ActionKind, JobTitle, Objective, Situation

MAX_RESULTS = 50
MAX_TYPED = 100
KINDS = {"freins": Situation, "objectifs": Objective, "actions": ActionKind}
DEFAULT_KIND = "freins"
STATUS_ID = re.compile(r"[A-Za-z][\w-]{0,99}")


def status_id(request) -> str:
    """The picker's announced-results region named by the search (an element id, or none)."""
    value = request.GET.get("status", "")
    return value if STATUS_ID.fullmatch(value) else ""


def job_titles(request):
    """The job titles matching the typed text, as options for the select beside the search box."""
    policy.require_case_worker(request.user)
    text = request.GET.get("q", "").strip()
    searched = len(text) >= 2
    titles = list(JobTitle.objects.search(text)[:MAX_RESULTS]) if searched else []
    context = {"titles": titles, "searched": searched, "status_id": status_id(request)}
    return render(request, "referentials/job_title_options.html", context)


def communes(request):
    """The communes matching a typed postal code or name, as options of the picker's select."""
    policy.require_case_worker(request.user)
    text = request.GET.get("q", "").strip()[:MAX_TYPED]
    searched = len(text) >= 2
    found = list(search_communes(text)) if searched else []
    context = {"communes": found, "searched": searched, "status_id": status_id(request)}
    return render(request, "referentials/commune_options.html", context)


def items_url(service, kind) -> str:
    """The service's referential page, on the tab of `kind`."""
    return f"{reverse('referentials:service_items', args=[service.pk])}?type={kind}"


def managed_service(request, pk):
    services = policy.scoped_services(request.user, policy.Action.MANAGE_REFERENTIAL)
    return policy.get_or_404(services, pk=pk)


def service_items(request, pk):
    """The service's own items beside the national ones, which stay as they are."""
    service = managed_service(request, pk)
    # An unknown tab shows the first one: `kind` goes into the archive and restore URLs.
    kind = request.GET.get("type")
    if kind not in KINDS:
        kind = DEFAULT_KIND
    form = LocalItemForm(request.POST or None, initial={"kind": kind})
    if request.method == "POST" and form.is_valid():
        item = form.save(service)
        messages.success(
            request, _("« %(label)s » est ajouté au référentiel du service.") % {"label": item.label}
        )
        return redirect(items_url(service, kind))
    model = KINDS[kind]
    items = model.objects.for_service(service, include_archived=True).select_related("theme")
    # National items first, then the service's own: NULLs sort first on SQLite, last on PostgreSQL.
    ordered = items.order_by(F("service").asc(nulls_first=True), "theme__label", "label")
    page, params = paginate(request, ordered, 50)
    own = model.objects.filter(service=service).count()
    context = {"service": service, "form": form, "page": page, "params": params, "kind": kind, "own": own}
    return render(request, "referentials/service_items.html", context)


def local_item(request, pk, kind, item_pk):
    service = managed_service(request, pk)
    model = KINDS.get(kind)
    if model is None or request.method != "POST":
        raise Http404
    # National items have no service: they can never be reached here.
    return service, policy.get_or_404(model.objects.filter(service=service), pk=item_pk)


def archive_item(request, pk, kind, item_pk):
    service, item = local_item(request, pk, kind, item_pk)
    item.archived_at = item.archived_at or timezone.now()
    item.save(update_fields=["archived_at"])
    messages.success(request, _("« %(label)s » est archivé : il n'est plus proposé.") % {"label": item.label})
    return redirect(items_url(service, kind))


def restore_item(request, pk, kind, item_pk):
    service, item = local_item(request, pk, kind, item_pk)
    item.archived_at = None
    item.save(update_fields=["archived_at"])
    messages.success(request, _("« %(label)s » est de nouveau proposé.") % {"label": item.label})
    return redirect(items_url(service, kind))
