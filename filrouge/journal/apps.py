from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    name = "filrouge.journal"
    verbose_name = _("Entretiens et notes")

    def ready(self):
        from filrouge.journal import agenda_sources, timeline_events  # noqa: F401  (register themselves)
        from filrouge.people.record import tab

        tab(30, "journal:person_journal", _("Entretiens et notes"))
