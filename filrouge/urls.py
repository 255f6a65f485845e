from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("filrouge.core.urls")),
    path("", include("filrouge.accounts.urls")),
    path("", include("filrouge.organisations.urls")),
    path("", include("filrouge.people.urls")),
    path("", include("filrouge.pathways.urls")),
    path("", include("filrouge.referentials.urls")),
    path("", include("filrouge.profiles.urls")),
    path("", include("filrouge.plans.urls")),
    path("", include("filrouge.journal.urls")),
    path("", include("filrouge.workshops.urls")),
    path("", include("filrouge.documents.urls")),
    path("", include("filrouge.consents.urls")),
    path("", include("filrouge.notifications.urls")),
    path("", include("filrouge.employers.urls")),
    path("", include("filrouge.matching.urls")),
    path("", include("filrouge.placements.urls")),
    path("", include("filrouge.followalong.urls")),
    path("", include("filrouge.outcomes.urls")),
    path("", include("filrouge.reports.urls")),
    path("", include("filrouge.imports.urls")),
    path("", include("filrouge.fidelity.urls")),
    path("", include("filrouge.privacy.urls")),
    path("", include("filrouge.audit.urls")),
    path("", include("filrouge.background.urls")),
    # The language switch works before login too (the login page has it).
    path("langue/", login_not_required(set_language), name="set_language"),
]

handler400 = "filrouge.core.errors.bad_request"
handler403 = "filrouge.core.errors.permission_denied"
handler404 = "filrouge.core.errors.page_not_found"
handler500 = "filrouge.core.errors.server_error"
