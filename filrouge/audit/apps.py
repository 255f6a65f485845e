from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "filrouge.audit"
    verbose_name = _("Journal d'audit")

    def ready(self):
        from filrouge.audit import capture, logins, tracked

        tracked.declare_models()
        tracked.declare_pages()
        capture.connect()
        logins.connect()
