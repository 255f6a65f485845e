from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathwaysConfig(AppConfig):
    name = "filrouge.pathways"
    verbose_name = _("Parcours")

    def ready(self):
        from filrouge.pathways import timeline_events  # noqa: F401  (registers the pathway's events)
