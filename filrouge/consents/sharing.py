"""Documents for a third party: who may receive which document, under which consent, and what
such a copy leaves out.

The rule on content is one and simple: health information (the barriers and objectives of the
"Santé" theme, the disability recognition at entry) goes only to the service, the person, and
the medical referent under the medical-exchange consent. A copy for the referring partner leaves
it out, whatever else the person agreed to.
"""

from collections import Counter
from dataclasses import dataclass, replace

from django.http import Http404
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.consents.domain import current_consent
from filrouge.consents.models import Consent, Purpose
from filrouge.people.models import ContactKind, PersonContact

HEALTH_THEMES = frozenset({"sante"})

PLAN, REPORT = "plan", "report"
# Which consent covers each document for each partner's role around the person.
DOCUMENT_PURPOSES = {
    PLAN: {
        ContactKind.REFERRING_PARTNER: Purpose.PLAN_TO_PARTNER,
        ContactKind.MEDICAL: Purpose.MEDICAL_EXCHANGE,
    },
    REPORT: {
        ContactKind.REFERRING_PARTNER: Purpose.REPORT_TO_PARTNER,
        ContactKind.MEDICAL: Purpose.MEDICAL_EXCHANGE,
    },
}


@dataclass(frozen=True)
class Recipient:
    """A third party a document may be printed for: one partner of the person, in one role."""

    link: PersonContact
    purpose: Purpose
    consent: Consent | None  # the latest decision, whatever it is
    allowed: bool

    @property
    def contact(self):
        return self.link.contact

    @property
    def includes_health(self) -> bool:
        return self.purpose == Purpose.MEDICAL_EXCHANGE


def recipient_of(link: PersonContact, document: str) -> Recipient:
    purpose = DOCUMENT_PURPOSES[document][link.relation]
    return Recipient(
        link=link,
        purpose=purpose,
        consent=current_consent(link.person, purpose, link.contact),
        allowed=policy.may_share(link.person, purpose, link.contact),
    )


def recipients(person, document: str) -> list[Recipient]:
    """Every partner of the person the document could go to, each with its consent's state."""
    links = PersonContact.objects.filter(
        person=person, relation__in=list(DOCUMENT_PURPOSES[document])
    ).select_related("contact", "person")
    return [recipient_of(link, document) for link in links]


def chosen_recipient(person, document: str, value: str | None) -> Recipient | None:
    """The recipient named by the request's `destinataire` (a partner link of the person), or
    None for a copy for the service and the person. Anything else is not found."""
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise Http404
    link = (
        PersonContact.objects.filter(person=person, relation__in=list(DOCUMENT_PURPOSES[document]))
        .select_related("contact", "person")
        .filter(pk=int(value))
        .first()
    )
    if link is None:
        raise Http404
    return recipient_of(link, document)


def is_health(theme) -> bool:
    return theme is not None and theme.code in HEALTH_THEMES


def plan_for(outline, recipient: Recipient | None):
    """The plan's outline as the recipient may read it."""
    if recipient is None or recipient.includes_health:
        return outline
    return [group for group in outline if not is_health(group.theme)]


def report_for(report, recipient: Recipient | None):
    """The support report as the recipient may read it."""
    if recipient is None or recipient.includes_health:
        return report
    actions = [a for a in report.actions if not is_health(a.objective.theme)]
    return replace(
        report,
        barriers_lifted=[b for b in report.barriers_lifted if not is_health(b.situation.theme)],
        barriers_open=[b for b in report.barriers_open if not is_health(b.situation.theme)],
        actions=actions,
        action_counts=sorted(Counter(a.get_status_display() for a in actions).items()),
    )


def benefits_for(entry, recipient: Recipient | None) -> list[str]:
    """The resources at entry, without the disability allowance (AAH) when health stays out."""
    if entry is None:
        return []
    if recipient is None or recipient.includes_health:
        return entry.benefits
    return [name for name in entry.benefits if name != str(_("AAH"))]
