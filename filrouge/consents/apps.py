from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsentsConfig(AppConfig):
    name = "filrouge.consents"
    verbose_name = _("Consentements")

    def ready(self):
        from filrouge.audit import reads
        from filrouge.people.record import tab

        tab(60, "consents:person_consents", _("Consentements"))
        # Each of these pages shows a person's consents or record: reading it is recorded.
        for name in ("consents:person_consents", "consents:record", "consents:disclosure"):
            reads.track(name, "people.Person", "")
        reads.track("consents:withdraw", "consents.Consent", "person")
        reads.track("consents:plan_share", "plans.ActionPlan", "enrolment__person")
        reads.track("consents:report_share", "pathways.Enrolment", "person")
