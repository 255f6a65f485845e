from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "filrouge.documents"
    verbose_name = _("Documents")

    def ready(self):
        from filrouge.documents import timeline_events  # noqa: F401  (registers the files' events)
        from filrouge.people.record import tab

        tab(50, "documents:person_documents", _("Documents"))
