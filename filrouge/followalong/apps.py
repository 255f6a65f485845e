from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowalongConfig(AppConfig):
    name = "filrouge.followalong"
    verbose_name = _("Suivi dans l'emploi")
