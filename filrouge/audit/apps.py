from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "filrouge.audit"
    verbose_name = _("Journal d'audit")

    def ready(self):
        from filrouge.audit import capture, logins, tracked
        from filrouge.audit import checks as _checks  # noqa: F401  (registers the audit-key checks)

        tracked.declare_models()
        tracked.declare_pages()
        capture.connect()
        logins.connect()
