from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "filrouge.plans"
    verbose_name = _("Plans d'action")

    def ready(self):
        from filrouge.people.record import tab
        from filrouge.plans import timeline_events  # noqa: F401  (registers the plan's events)

        tab(20, "plans:person_plans", _("Plan d'action"))
