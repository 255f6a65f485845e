from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The pages of a review carry its id: they show scores, the service's aggregated figures and
# staff names, never a person supported.
PAGES = [
    "fidelity:list",
    "fidelity:create",
    "fidelity:compare",
    "fidelity:detail",
    "fidelity:edit",
    "fidelity:score",
    "fidelity:recalculate",
    "fidelity:finalise",
    "fidelity:abandon",
    "fidelity:plan",
    "fidelity:action_add",
    "fidelity:action_edit",
    "fidelity:action_complete",
]


class FidelityConfig(AppConfig):
    name = "filrouge.fidelity"
    verbose_name = _("Revue de fidélité IPS")

    def ready(self):
        from filrouge.audit import capture, reads

        for name in PAGES:
            reads.ignore(
                name, "an IPS fidelity review of a service: scores and aggregated figures, no person's record"
            )
        # No person concerned: the changes are the service's, recorded for who changed a score.
        for label in ("fidelity.Review", "fidelity.ReviewItem", "fidelity.ImprovementAction"):
            capture.track(label, person=None)
