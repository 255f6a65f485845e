"""What the audit trail follows in the apps that existed before it: the models holding personal
data (their changes) and the pages showing a person's record (their reads). Later apps declare
theirs in their own `ready()` (see `filrouge.audit.reads` and `filrouge.audit.capture`)."""

from filrouge.audit import capture, reads
from filrouge.audit.models import Kind

PATHWAY = "enrolment__person"
WRITING_TEXT = frozenset({"summary", "place", "others", "text"})


def restricted_writing(instance) -> set[str]:
    """The text of a note or meeting kept for a profession is not copied into the trail."""
    old = getattr(instance, "_audit_old", None) or {}
    if "profession" in (instance.confidentiality, old.get("confidentiality")):
        return set(WRITING_TEXT)
    return set()


def password(instance) -> set[str]:
    return {"password"}  # that it changed is recorded, never the hash


def declare_models() -> None:
    track = capture.track
    track("people.Person", person="")
    track("people.PersonContact", person="person")
    track("people.Contact", person=None)
    track("pathways.Enrolment", person="person")
    for label in (
        "pathways.EntrySituation",
        "pathways.PhaseChange",
        "pathways.Suspension",
        "pathways.Renewal",
        "pathways.LeadCoachChange",
    ):
        track(label, person=PATHWAY)
    track("profiles.Profile", person="person")
    for label in ("profiles.Experience", "profiles.Training", "profiles.TargetJob"):
        track(label, person="profile__person")
    track("profiles.Barrier", person="person")
    track("plans.ActionPlan", person=PATHWAY)
    track("plans.PlanObjective", person="plan__enrolment__person")
    track("plans.PlanAction", person="objective__plan__enrolment__person")
    track("journal.Meeting", person=PATHWAY, withheld=restricted_writing)
    track("journal.Note", person=PATHWAY, withheld=restricted_writing)
    track("workshops.Registration", person=PATHWAY)
    track("documents.Attachment", person="person")
    track("accounts.User", person=None, withheld=password)
    track("organisations.Membership", person=None)
    # Built beside the audit trail: followed when they exist.
    track("consents.Consent", person="person")
    track("consents.Disclosure", person="person")
    track("notifications.ReminderPreference", person="person")


PERSON_PAGES = [
    "people:detail",
    "people:edit",
    "people:enrol",
    "people:timeline",
    "people:contact_add",
    "people:contact_remove",
    "profiles:detail",
    "profiles:edit",
    "plans:person_plans",
    "journal:person_journal",
    "documents:person_documents",
    "documents:upload",
    "notifications:person_reminders",
    "notifications:record_choice",
]
PATHWAY_PAGES = [
    "pathways:edit",
    "pathways:phase",
    "pathways:exit",
    "pathways:reopen",
    "pathways:suspend",
    "pathways:end_suspension",
    "pathways:renew",
    "pathways:reassign",
    "pathways:take_lead",
    "plans:start",
    "journal:meeting_add",
    "journal:note_add",
]
PLAN_PAGES = ["plans:detail", "plans:timeline", "plans:objective_add", "plans:agreement", "plans:new_version"]
OBJECTIVE_PAGES = [
    "plans:objective_edit",
    "plans:objective_withdraw",
    "plans:objective_restore",
    "plans:action_add",
]


def declare_pages() -> None:
    for name in PERSON_PAGES:
        reads.track(name, "people.Person", "")
    for name in PATHWAY_PAGES:
        reads.track(name, "pathways.Enrolment", "person")
    for name in PLAN_PAGES:
        reads.track(name, "plans.ActionPlan", PATHWAY)
    for name in OBJECTIVE_PAGES:
        reads.track(name, "plans.PlanObjective", "plan__enrolment__person")
    reads.track("plans:action_edit", "plans.PlanAction", "objective__plan__enrolment__person")
    for name in ("journal:meeting_detail", "journal:meeting_edit"):
        reads.track(name, "journal.Meeting", PATHWAY)
    for name in ("journal:note_detail", "journal:note_edit"):
        reads.track(name, "journal.Note", PATHWAY)
    reads.track("workshops:registration_cancel", "workshops.Registration", PATHWAY)
    for name in ("documents:download", "documents:archive", "documents:restore"):
        reads.track(name, "documents.Attachment", "person")
    reads.track("documents:plan_pdf", "plans.ActionPlan", PATHWAY, kind=Kind.EXPORT)
    reads.track("documents:report_pdf", "pathways.Enrolment", "person", kind=Kind.EXPORT)
    # The trail itself names people: the officer's reading of a person's trail is recorded too.
    reads.track("audit:person", "people.Person", "")
    reads.track("audit:entry", "audit.AuditEntry", "person_id")

    service = "a service's page: lists and settings of the service, not a person's record"
    session = "a workshop session: its programme and who comes, not a person's record"
    for name in ("pathways:service_caseloads", "workshops:session_create", "workshops:series_create"):
        reads.ignore(name, service)
    for name in ("workshops:types", "workshops:type_archive", "workshops:type_restore"):
        reads.ignore(name, service)
    for name in (
        "workshops:session_detail",
        "workshops:session_edit",
        "workshops:session_cancel",
        "workshops:register",
        "workshops:attendance",
    ):
        reads.ignore(name, session)
    reads.ignore("people:contact_edit", "a partner of the organisation's directory, not a person supported")
