from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "filrouge.accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from filrouge.accounts import signals  # noqa: F401  (connects the session tracking)
