"""Where each user lands, and the navigation the layout shows them."""

from django.urls import reverse

from filrouge import policy
from filrouge.organisations.models import Role


def home_url(user) -> str:
    """The page a user starts from, by the work their roles give them (case work first)."""
    roles = policy.grants(user).roles()
    if roles & policy.CASE_ROLES:
        return reverse("core:home")
    if Role.DIRECTOR in roles:
        return reverse("core:organisation")
    if Role.ORG_ADMIN in roles:
        return reverse("accounts:admin_list")
    if Role.FUNDER_VIEWER in roles:
        return reverse("outcomes:dashboard")
    if Role.DPO in roles:
        return reverse("audit:home")
    return reverse("core:home")


def navigation_links(user) -> list[tuple[str, str]]:
    """(url name, label) pairs the user's roles open; labels are translated in the template."""
    links = []
    roles = policy.grants(user).roles()
    if roles & policy.CASE_ROLES:
        links += ["core:home", "people:list", "people:contacts", "core:services"]
    # The agenda and the workshops open to whoever works cases somewhere, directors included.
    if policy.is_case_worker(user):
        links += ["journal:agenda", "workshops:list"]
        # Job development is shared by the organisation's services: companies, openings, the log.
        links += ["employers:list", "employers:openings", "employers:log"]
        # The IPS fidelity reviews of their services.
        links.append("fidelity:index")
    if policy.can(user, policy.Action.VIEW_ORGANISATION):
        links.append("core:organisation")
    # The dashboards, then the reports and exports: whoever sees figures (everyone who may
    # export lists does).
    if policy.scoped_services(user, policy.Action.VIEW_FIGURES).exists():
        links += ["outcomes:dashboard", "reports:index"]
    if policy.scoped_services(user, policy.Action.IMPORT_CASES).exists():
        links.append("imports:start")
    if policy.can(user, policy.Action.MANAGE_ACCOUNTS):
        links.append("accounts:admin_list")
    if policy.can(user, policy.Action.MANAGE_ORGANISATION):
        links.append("organisations:admin_services")
        links.append("background:failed_tasks")
    if policy.can(user, policy.Action.VIEW_AUDIT):
        links.append("audit:home")
    if policy.can(user, policy.Action.ANSWER_ACCESS_REQUESTS):
        links.append("privacy:access_requests")
    return links
