from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def withheld_passages(instance) -> set[str]:
    """The passages a professional withheld are restricted content: the trail names the field,
    never keeps them (the data protection officer reads the trail)."""
    return {"withheld_passages"}


class PrivacyConfig(AppConfig):
    name = "filrouge.privacy"
    verbose_name = _("Droits des personnes")

    def ready(self):
        from filrouge.audit import capture, reads
        from filrouge.audit.models import Kind
        from filrouge.people.record import tab

        tab(95, "privacy:person_rights", _("Données personnelles"))
        # The pages name the person; each download is an export in the trail (its detail, the
        # view's name, says which format).
        for name in ("privacy:person_rights", "privacy:anonymise", "privacy:erase", "privacy:access_open"):
            reads.track(name, "people.Person", "")
        for name in ("privacy:export_json", "privacy:export_pdf", "privacy:export_zip"):
            reads.track(name, "people.Person", "", kind=Kind.EXPORT)
        # A right-of-access request: its pages name the person, its complete export is an export,
        # a review page shows a restricted writing to its reviewer.
        for name in ("privacy:access_request", "privacy:access_extend", "privacy:access_answer"):
            reads.track(name, "privacy.AccessRequest", "person")
        for name in ("privacy:access_export_json", "privacy:access_export_pdf", "privacy:access_export_zip"):
            reads.track(name, "privacy.AccessRequest", "person", kind=Kind.EXPORT)
        reads.track("privacy:access_review", "privacy.WritingReview", "request__person")
        # Opening, extending, reviewing and answering are changes in the trail.
        capture.track("privacy.AccessRequest", person="person")
        capture.track("privacy.WritingReview", person="request__person", withheld=withheld_passages)
