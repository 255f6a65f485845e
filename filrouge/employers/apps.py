from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Pages with an id that show a company or an opening, not a person's record: the log entries a
# company's page lists name a person only by a link to their record (whose read is recorded).
NOT_A_RECORD = {
    "employers:detail": "a company's page: its details, contact people, openings and contact log",
    "employers:edit": "the form of a company's details, no person's data",
    "employers:archive": "the confirmation of a company's archiving, no person's data",
    "employers:restore": "the confirmation of a company's restoring, no person's data",
    "employers:contact_add": "a new contact person at a company, a professional, not a person supported",
    "employers:contact_edit": "a contact person at a company, a professional, not a person supported",
    "employers:company_log_add": "the form of a new contact with a company, before any is recorded",
    "employers:company_opening_add": "the form of a new opening at a company, no person's data",
    "employers:opening_detail": "an opening's page: the job, its place and its company",
    "employers:opening_edit": "the form of an opening, no person's data",
}


class EmployersConfig(AppConfig):
    name = "filrouge.employers"
    verbose_name = _("Employeurs")

    def ready(self):
        from filrouge.audit import capture, reads
        from filrouge.employers import timeline_events  # noqa: F401  (registers the person's contacts)

        capture.track("employers.EmployerContact", person="person")
        capture.track("employers.Company", person=None)
        capture.track("employers.Opening", person=None)
        for name, reason in NOT_A_RECORD.items():
            reads.ignore(name, reason)
