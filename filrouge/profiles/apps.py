from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfilesConfig(AppConfig):
    name = "filrouge.profiles"
    verbose_name = _("Profils professionnels")

    def ready(self):
        from filrouge.people.record import tab
        from filrouge.profiles import timeline_events  # noqa: F401  (registers the profile's events)

        tab(10, "profiles:detail", _("Profil"))
