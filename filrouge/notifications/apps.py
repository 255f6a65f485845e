from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "filrouge.notifications"
    verbose_name = _("Rappels et messages")

    def ready(self):
        from filrouge.notifications import timeline_events  # noqa: F401  (registers itself)
