from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "filrouge.documents"
    verbose_name = _("Documents")

    def ready(self):
        from django.core.signals import request_finished

        from filrouge.documents import timeline_events  # noqa: F401  (registers the files' events)
        from filrouge.documents.storage import discard_rolled_back
        from filrouge.people.record import tab

        tab(50, "documents:person_documents", _("Documents"))
        # The request's transaction has ended by then: files of a rolled-back upload go.
        request_finished.connect(discard_rolled_back, dispatch_uid="documents.rolled_back_files")
