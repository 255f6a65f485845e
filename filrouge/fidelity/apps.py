from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FidelityConfig(AppConfig):
    name = "filrouge.fidelity"
    verbose_name = _("Revue de fidélité IPS")
