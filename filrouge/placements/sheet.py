"""The employer-facing sheet ("fiche de liaison employeur") of one placement: to whom it may go,
and what it may say.

It goes to a contact of the placement's company (the tutor by default) only under the person's
consent "share progress with the employer or tutor" for that contact. Health content (the
adjustments, the RQTH, the condition itself) appears only when the person disclosed to this
employer (`Placement.disclosure`) AND their decision of what employers may know
(`consents.domain.current_disclosure`) covers that level. Notes never appear.
"""

from dataclasses import dataclass

from django.http import Http404

from filrouge import policy
from filrouge.consents.domain import current_consent, current_disclosure
from filrouge.consents.models import Consent, Disclosure, DisclosureLevel, Purpose
from filrouge.followalong.domain import monthly_contact
from filrouge.followalong.models import Party, SupportContact
from filrouge.pathways.models import EntrySituation, RqthStatus
from filrouge.people.models import Contact, ContactKind
from filrouge.placements.models import AdjustmentStatus, EmployerDisclosure
from filrouge.profiles.models import Barrier, BarrierStatus
from filrouge.referentials.models import SituationKind

PURPOSE = Purpose.EMPLOYER_PROGRESS
HEALTH_THEME = "sante"
EMPLOYER_PARTIES = (Party.TUTOR, Party.MANAGER, Party.TOGETHER)


@dataclass(frozen=True)
class Recipient:
    """A contact of the company the sheet may be printed for, with the consent's state (the
    shape `consents/share_refused.html` reads)."""

    contact: Contact
    consent: Consent | None
    allowed: bool
    purpose: Purpose = PURPOSE


def recipient_of(person, contact) -> Recipient:
    return Recipient(
        contact=contact,
        consent=current_consent(person, PURPOSE, contact),
        allowed=policy.may_share(person, PURPOSE, contact),
    )


def company_contacts(placement):
    return Contact.objects.filter(
        organisation_id=placement.organisation_id, kind=ContactKind.EMPLOYER, company_id=placement.company_id
    ).select_related("company")


def recipients(placement) -> list[Recipient]:
    person = placement.enrolment.person
    return [recipient_of(person, contact) for contact in company_contacts(placement)]


def chosen_recipient(placement, value: str | None) -> Recipient | None:
    """The contact named by `?destinataire=` (one of the company's), or the tutor when none is
    named; None when there is neither. Anything else is not found."""
    if not value:
        contact = placement.tutor
    elif not value.isdigit() or len(value) > 18:
        raise Http404
    else:
        contact = company_contacts(placement).filter(pk=int(value)).first()
        if contact is None:
            raise Http404
    return recipient_of(placement.enrolment.person, contact) if contact is not None else None


@dataclass(frozen=True)
class HealthContent:
    """What the sheet may say about health, for one recipient."""

    decision: Disclosure | None
    adjustments: bool
    rqth: bool
    condition: bool

    @property
    def any(self) -> bool:
        return self.adjustments or self.rqth or self.condition


def health_content(placement, contact) -> HealthContent:
    decision = current_disclosure(placement.enrolment.person, contact)
    disclosed = placement.disclosure != EmployerDisclosure.NOT_DISCLOSED

    def covers(level) -> bool:
        return disclosed and decision is not None and decision.covers(level)

    return HealthContent(
        decision=decision,
        adjustments=covers(DisclosureLevel.ADJUSTMENTS),
        rqth=covers(DisclosureLevel.RQTH),
        condition=covers(DisclosureLevel.CONDITION),
    )


def sheet_context(placement, recipient: Recipient) -> dict:
    enrolment, person = placement.enrolment, placement.enrolment.person
    health = health_content(placement, recipient.contact)
    context = {
        "placement": placement,
        "recipient": recipient,
        "health": health,
        "coach": enrolment.primary_coach,
        "monthly": monthly_contact(placement),
        "support_contacts": SupportContact.objects.filter(
            placement=placement, party__in=EMPLOYER_PARTIES
        ).order_by("contacted_on", "pk"),
        "adjustments": [],
        "rqth": "",
        "conditions": [],
    }
    if health.adjustments:
        context["adjustments"] = list(placement.adjustments.exclude(status=AdjustmentStatus.STOPPED))
    if health.rqth:
        entry = EntrySituation.objects.filter(enrolment=enrolment).first()
        if entry is not None and entry.rqth_status != RqthStatus.NONE:
            context["rqth"] = entry.get_rqth_status_display()
    if health.condition:
        context["conditions"] = [
            barrier.situation.label
            for barrier in Barrier.objects.filter(
                person=person,
                situation__theme__code=HEALTH_THEME,
                situation__kind=SituationKind.BARRIER,  # a resource (an MDPH file) is no condition
                status__in=(BarrierStatus.PRESENT, BarrierStatus.WORKING_ON),
            ).select_related("situation")
        ]
    return context
