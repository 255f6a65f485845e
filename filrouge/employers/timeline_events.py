"""What job development adds to the person's timeline: the coaches' contacts with employers
about the person, in one query. The policy decides which the user sees (a log entry about a
person is read by whoever reaches them), whatever the enrolments shown."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from filrouge import policy
from filrouge.people.timeline import Event, provider

KIND = "employer_contacts"


@provider(KIND, gettext_lazy("Contacts employeurs"))
def employer_contact_events(person, enrolments, user):
    entries = (
        policy.scoped_employer_contacts(user)
        .filter(person=person)
        .select_related("company", "coach", "company_contact")
    )
    for entry in entries:
        manner = _("en face à face") if entry.face_to_face else _("à distance")
        with_whom = f" — {entry.company_contact.full_name}" if entry.company_contact else ""
        yield Event(
            on=entry.contacted_on,
            kind=KIND,
            title=_("Contact employeur : %(kind)s, %(company)s")
            % {"kind": entry.get_kind_display().lower(), "company": entry.company.name},
            detail=f"{manner.capitalize()}{with_whom}" + (f". {entry.notes}" if entry.notes else ""),
            by=entry.coach.full_name,
            at=entry.created_at,
        )
