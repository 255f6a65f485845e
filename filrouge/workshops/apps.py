from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkshopsConfig(AppConfig):
    name = "filrouge.workshops"
    verbose_name = _("Ateliers collectifs")

    def ready(self):
        # Register the attendance events of the timeline and the facilitator's agenda source.
        from filrouge.audit import reads
        from filrouge.people.record import tab
        from filrouge.workshops import agenda_sources, timeline_events  # noqa: F401

        tab(31, "workshops:person_workshops", _("Ateliers"))
        # The tab shows the person's name and their workshops.
        reads.track("workshops:person_workshops", "people.Person", "")
