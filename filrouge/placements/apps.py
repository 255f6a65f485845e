from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    name = "filrouge.placements"
    verbose_name = _("Expériences en emploi")

    def ready(self):
        from filrouge.audit import capture, reads
        from filrouge.audit.models import Kind
        from filrouge.people.record import tab
        from filrouge.placements import timeline_events  # noqa: F401  (registers the placements' events)

        tab(32, "placements:person_placements", _("Emploi"))
        capture.track("placements.Placement", person="enrolment__person")
        capture.track("placements.Adjustment", person="placement__enrolment__person")
        capture.track("placements.AdjustmentReview", person="adjustment__placement__enrolment__person")
        capture.track("placements.ImmersionRenewal", person="placement__enrolment__person")
        capture.track("placements.JobRenewal", person="placement__enrolment__person")
        # Every page with an id shows the person's placements: reading it is recorded.
        reads.track("placements:person_placements", "people.Person", "")
        reads.track("placements:create", "pathways.Enrolment", "person")
        for name in ("detail", "edit", "end", "disclosure", "adjustment_add", "renew", "renew_job"):
            reads.track(f"placements:{name}", "placements.Placement", "enrolment__person")
        for name in ("adjustment_status", "review_add"):
            reads.track(f"placements:{name}", "placements.Adjustment", "placement__enrolment__person")
        reads.track(
            "placements:employer_sheet", "placements.Placement", "enrolment__person", kind=Kind.EXPORT
        )
