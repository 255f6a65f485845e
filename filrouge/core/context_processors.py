from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from filrouge.core.navigation import navigation_links
from filrouge.organisations.models import Membership

LINK_LABELS = {
    "core:home": _("Ma file active"),
    "people:list": _("Personnes accompagnées"),
    "people:contacts": _("Partenaires"),
    "employers:list": _("Employeurs"),
    "employers:openings": _("Offres d'emploi"),
    "employers:log": _("Contacts employeurs"),
    "journal:agenda": _("Agenda"),
    "core:services": _("Mes services"),
    "workshops:list": _("Ateliers"),
    "core:organisation": _("Tous les services"),
    "outcomes:dashboard": _("Chiffres"),
    "reports:index": _("Rapports et exports"),
    "imports:start": _("Importer des tableurs"),
    "fidelity:index": _("Fidélité IPS"),
    "accounts:admin_list": _("Comptes"),
    "organisations:admin_services": _("Organisation et services"),
    "background:failed_tasks": _("Tâches en arrière-plan"),
    "audit:home": _("Journal des accès"),
    "privacy:access_requests": _("Demandes d'accès"),
}


def navigation(request):
    """The layout's navigation: the links the user's roles open, and their roles by service."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    links = []
    for name in navigation_links(user):
        url = reverse(name)
        current = request.path == url or (url not in ("/", "/services/") and request.path.startswith(url))
        links.append({"url": url, "label": LINK_LABELS[name], "current": current})
    memberships = Membership.objects.active().filter(user=user).select_related("service", "organisation")
    return {"nav_links": links, "my_memberships": memberships}
