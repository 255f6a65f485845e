from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "filrouge.matching"
    verbose_name = _("Rapprochement offres et candidats")

    def ready(self):
        from filrouge.audit import capture, reads
        from filrouge.matching import timeline_events  # noqa: F401  (registers the proposals' events)
        from filrouge.people.record import tab

        tab(34, "matching:person_suggestions", _("Offres suggérées"))
        capture.track("matching.Proposal", person="enrolment__person")
        # The suggestions tab and the proposal form show the person's record and profile.
        reads.track("matching:person_suggestions", "people.Person", "")
        reads.track("matching:propose", "people.Person", "")
        reads.track("matching:answer", "matching.Proposal", "enrolment__person")
