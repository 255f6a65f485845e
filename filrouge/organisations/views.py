from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filrouge import policy
from filrouge.organisations.forms import OrganisationForm, ServiceForm


def admin_services(request):
    """The organisation's details and its services, for its administrators."""
    policy.require(request.user, policy.Action.MANAGE_ORGANISATION)
    organisation = request.user.organisation
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Les informations de l'organisation sont enregistrées."))
        return redirect("organisations:admin_services")
    services = policy.scoped_organisation_services(request.user).order_by("archived_at", "name")
    return render(request, "organisations/admin_services.html", {"form": form, "services": services})


def admin_service_create(request):
    policy.require(request.user, policy.Action.MANAGE_ORGANISATION)
    form = ServiceForm(request.POST or None, organisation=request.user.organisation)
    if request.method == "POST" and form.is_valid():
        service = form.save()
        messages.success(request, _("Le service « %(name)s » est créé.") % {"name": service.name})
        return redirect("organisations:admin_services")
    return render(request, "organisations/service_form.html", {"form": form})


def managed_service(request, pk):
    return policy.get_or_404(policy.scoped_organisation_services(request.user), pk=pk)


def admin_service_edit(request, pk):
    service = managed_service(request, pk)
    form = ServiceForm(request.POST or None, instance=service, organisation=service.organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Le service « %(name)s » est enregistré.") % {"name": service.name})
        return redirect("organisations:admin_services")
    return render(request, "organisations/service_form.html", {"form": form, "service": service})


def admin_service_archive(request, pk):
    """Archiving hides a service and suspends the roles held in it; nothing is deleted."""
    service = managed_service(request, pk)
    if request.method == "POST":
        service.archived_at = timezone.now()
        service.save(update_fields=["archived_at"])
        messages.success(request, _("Le service « %(name)s » est archivé.") % {"name": service.name})
        return redirect("organisations:admin_services")
    return render(request, "organisations/confirm_archive.html", {"service": service})


@require_POST
def admin_service_restore(request, pk):
    service = managed_service(request, pk)
    service.archived_at = None
    service.save(update_fields=["archived_at"])
    messages.success(request, _("Le service « %(name)s » est rétabli.") % {"name": service.name})
    return redirect("organisations:admin_services")
