"""Who opens the dashboard: whoever may see the figures of at least one service (the case roles
and the funder viewer in theirs, directors in all; A2's and B1's coaches see their own service);
administrators and the data protection officer see no figures."""

from tests.matrix import CASE, Row

FIGURE_VIEWERS = CASE | {"funder_viewer", "director", "other_service_coach", "other_org_coach"}

ROWS = [
    Row("outcomes:dashboard", "GET", FIGURE_VIEWERS, denied=403),
]
