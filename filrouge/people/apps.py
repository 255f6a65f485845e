from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "filrouge.people"
    verbose_name = _("Personnes accompagnées")

    def ready(self):
        from filrouge.people.record import tab

        tab(0, "people:detail", _("Dossier"))
        tab(90, "people:timeline", _("Chronologie"))
