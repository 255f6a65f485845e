"""What the follow-along app adds to other apps' pages (owned by the follow-along helper)."""

from filrouge import policy
from filrouge.followalong import domain, retention
from filrouge.pathways.domain import today

PANEL_CONTACTS = 10  # the latest ones; the rest on the contacts' own page


def placement_panel(user, placement) -> dict:
    """Context for `followalong/_placement_panel.html`, included by the placement's page: the job's
    retention milestones, the monthly face-to-face contact, and the latest follow-along contacts.
    Everything sits under one key, `followalong`, so nothing clashes with the page's own context."""
    on = today()
    contacts = policy.scoped_support_contacts(user, queryset=placement.support_contacts.select_related("by"))
    latest = list(contacts[: PANEL_CONTACTS + 1])
    can_add = policy.scoped_placements(user, policy.Action.EDIT_CASES).filter(pk=placement.pk).exists()
    return {
        "followalong": {
            "placement": placement,
            "milestones": retention.milestones(placement, on),
            "monthly": domain.monthly_contact(placement, on),
            "contacts": latest[:PANEL_CONTACTS],
            "more": len(latest) > PANEL_CONTACTS,
            "can_add": can_add,
            "editable": {c.pk for c in latest if can_add and c.by_id == user.pk},
        }
    }
