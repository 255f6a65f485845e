from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "filrouge.privacy"
    verbose_name = _("Droits des personnes")

    def ready(self):
        from filrouge.audit import reads
        from filrouge.audit.models import Kind
        from filrouge.people.record import tab

        tab(95, "privacy:person_rights", _("Données personnelles"))
        # The pages name the person; each download is an export in the trail (its detail, the
        # view's name, says which format).
        for name in ("privacy:person_rights", "privacy:anonymise", "privacy:erase"):
            reads.track(name, "people.Person", "")
        for name in ("privacy:export_json", "privacy:export_pdf", "privacy:export_zip"):
            reads.track(name, "people.Person", "", kind=Kind.EXPORT)
