from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowalongConfig(AppConfig):
    name = "filrouge.followalong"
    verbose_name = _("Suivi dans l'emploi")

    def ready(self):
        from filrouge.audit import capture, reads
        from filrouge.followalong import timeline_events  # noqa: F401  (registers the timeline's events)

        capture.track("followalong.SupportContact", person="placement__enrolment__person")
        # Each page shows a person's job and its follow-up: reading it is recorded.
        reads.track("followalong:list", "placements.Placement", "enrolment__person")
        reads.track("followalong:add", "placements.Placement", "enrolment__person")
        reads.track("followalong:edit", "followalong.SupportContact", "placement__enrolment__person")
