"""The rules of consents and disclosure decisions: what may be recorded, and what applies now.

Who may record is the policy's question (`policy.may_record_consents`); whether something may
be shared is `policy.may_share`, which reads `current_consent` below.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from filrouge.consents.models import (
    CONTACT_PURPOSES,
    NAMED_PURPOSES,
    Consent,
    ConsentMethod,
    ConsentStatus,
    Disclosure,
    DisclosureLevel,
    Purpose,
    recipient_key,
)
from filrouge.pathways.domain import today
from filrouge.people.models import ContactKind, Person, PersonContact

# The partner's role around the person that each purpose naming a partner requires.
PURPOSE_RELATION = {
    Purpose.PLAN_TO_PARTNER: ContactKind.REFERRING_PARTNER,
    Purpose.REPORT_TO_PARTNER: ContactKind.REFERRING_PARTNER,
    Purpose.MEDICAL_EXCHANGE: ContactKind.MEDICAL,
}
# A disclosure decision for one employer names one of its contact people (a partner contact of
# this kind, with its company).
EMPLOYER_KIND = ContactKind.EMPLOYER


def latest(rows):
    return rows.order_by("-decided_on", "-recorded_at", "-pk").first()


def before_latest(rows, decided_on: date) -> str | None:
    """Why a decision dated `decided_on` can't follow the latest of `rows`, if it can't: a
    history is read in date order, so a new decision never goes before the one in force."""
    previous = latest(rows)
    if previous is None or decided_on >= previous.decided_on:
        return None
    return _(
        "Une décision plus récente est déjà enregistrée (le %(day)s) : la date ne peut pas la précéder."
    ) % {"day": date_format(previous.decided_on, "DATE_FORMAT")}


def current_consent(person, purpose, recipient=None, on: date | None = None) -> Consent | None:
    """The decision that applies on `on` (today) to sharing for `purpose` with `recipient`, a
    partner contact or, for the employer purpose, a name: the latest one recorded, or None if the
    person was never asked. A purpose naming a recipient, asked without one, has no decision."""
    purpose = Purpose(purpose)
    if purpose in NAMED_PURPOSES and recipient in (None, ""):
        return None
    if hasattr(recipient, "organisation_id") and recipient.organisation_id != person.organisation_id:
        return None
    key = (
        recipient_key(purpose, label=recipient)
        if isinstance(recipient, str)
        else recipient_key(purpose, recipient)
    )
    return latest(
        Consent.objects.filter(
            person=person, purpose=purpose, recipient_key=key, decided_on__lte=on or today()
        ).select_related("recipient")
    )


def check_decision_date(decided_on: date, person, field="decided_on") -> None:
    if decided_on > today():
        raise ValidationError({field: _("La date de la décision ne peut pas être dans le futur.")})
    if decided_on < person.date_of_birth:
        raise ValidationError({field: _("La date de la décision précède la naissance de la personne.")})


def record_consent(
    person,
    *,
    purpose,
    status,
    decided_on: date,
    method,
    by,
    recipient=None,
    recipient_label: str = "",
    signed_form=None,
    witness=None,
    witness_name: str = "",
    meeting=None,
    comment: str = "",
) -> Consent:
    """Writes a new decision of the person: a consent given, or withdrawn (or refused).

    Every error found is reported at once, by field (ValidationError)."""
    # Two decisions about one person are written one after the other: the order of the history
    # is then the order of the decisions.
    person = Person.objects.select_for_update().get(pk=person.pk)
    purpose, status, method = Purpose(purpose), ConsentStatus(status), ConsentMethod(method)
    recipient_label, witness_name, comment = recipient_label.strip(), witness_name.strip(), comment.strip()
    errors: dict[str, list] = {}

    def refuse(field, message):
        errors.setdefault(field, []).append(message)

    try:
        check_decision_date(decided_on, person)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)

    if recipient is not None and recipient.organisation_id != person.organisation_id:
        refuse("recipient", _("Ce partenaire n'est pas dans l'annuaire de l'organisation."))
    elif purpose in CONTACT_PURPOSES:
        relation = PURPOSE_RELATION[purpose]
        if recipient is None:
            refuse("recipient", _("Choisissez le destinataire parmi les partenaires de la personne."))
        elif not PersonContact.objects.filter(person=person, contact=recipient, relation=relation).exists():
            refuse(
                "recipient",
                _(
                    "%(contact)s n'est pas %(relation)s de la personne : ajoutez ce rôle dans ses "
                    "partenaires, ou choisissez un autre destinataire."
                )
                % {"contact": recipient.full_name, "relation": relation.label.lower()},
            )
        if recipient_label:
            refuse("recipient_label", _("Pour cet objet, le destinataire est un partenaire de la personne."))
    elif purpose == Purpose.EMPLOYER_PROGRESS:
        if recipient is None and not recipient_label:
            refuse(
                "recipient",
                _("Indiquez l'employeur ou le tuteur : un partenaire de la personne, ou son nom ci-dessous."),
            )
        elif recipient is not None and recipient_label:
            refuse("recipient_label", _("Choisissez un partenaire ou écrivez un nom, pas les deux."))
    elif recipient is not None:
        refuse("recipient", _("Le financeur n'a pas à être choisi parmi les partenaires de la personne."))

    if method == ConsentMethod.SIGNED_FORM:
        if signed_form is None:
            refuse("signed_form", _("Un consentement signé demande le formulaire signé, joint au dossier."))
        elif signed_form.person_id != person.pk:
            refuse("signed_form", _("Ce document n'est pas dans le dossier de la personne."))
    else:
        if signed_form is not None:
            refuse("signed_form", _("Un formulaire signé ne se joint qu'à un consentement signé."))
        if witness is None and not witness_name:
            refuse(
                "witness", _("Un consentement oral demande un témoin : un membre de l'équipe, ou son nom.")
            )
    if witness is not None:
        if witness.organisation_id != person.organisation_id or not witness.is_active:
            refuse("witness", _("Le témoin doit être un compte actif de l'organisation."))
        elif witness_name:
            refuse("witness_name", _("Choisissez un membre de l'équipe ou écrivez un nom, pas les deux."))
    if meeting is not None and meeting.enrolment.person_id != person.pk:
        refuse("meeting", _("Cet entretien n'est pas celui de la personne."))

    if not errors:
        key = recipient_key(purpose, recipient, recipient_label)
        earlier = before_latest(
            Consent.objects.filter(person=person, purpose=purpose, recipient_key=key), decided_on
        )
        if earlier:
            refuse("decided_on", earlier)
    if errors:
        raise ValidationError(errors)
    return Consent.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        purpose=purpose,
        recipient=recipient,
        recipient_label=recipient_label,
        status=status,
        decided_on=decided_on,
        method=method,
        signed_form=signed_form,
        witness=witness,
        witness_name=witness_name,
        meeting=meeting,
        comment=comment,
        recorded_by=by,
    )


def withdraw(consent: Consent, *, by, on: date | None = None, comment: str = "") -> Consent:
    """The person withdraws a consent they gave: told to the user, who is the witness."""
    return record_consent(
        consent.person,
        purpose=consent.purpose,
        status=ConsentStatus.WITHDRAWN,
        decided_on=on or today(),
        method=ConsentMethod.ORAL,
        by=by,
        recipient=consent.recipient,
        recipient_label=consent.recipient_label,
        witness=by,
        comment=comment,
    )


def history(person):
    """Every decision of the person, latest first."""
    return Consent.objects.filter(person=person).select_related(
        "recipient", "signed_form", "witness", "recorded_by", "meeting"
    )


def current_state(person) -> list[dict]:
    """One line per sharing the person decided about, or could be asked about (each referring
    partner and medical referent of the record, the funder): its latest decision, or None."""
    lines: dict[tuple, dict] = {}
    for consent in history(person).order_by("decided_on", "recorded_at", "pk"):
        lines[(consent.purpose, consent.recipient_key)] = {
            "purpose": Purpose(consent.purpose),
            "recipient": consent.recipient,
            "recipient_label": consent.recipient_display,
            "consent": consent,
        }
    links = PersonContact.objects.filter(person=person).select_related("contact")
    for purpose in Purpose:
        candidates = (
            [link.contact for link in links if link.relation == PURPOSE_RELATION[purpose]]
            if purpose in CONTACT_PURPOSES
            else [None]
            if purpose == Purpose.FUNDER_FIGURES
            else []
        )
        for contact in candidates:
            key = (purpose.value, recipient_key(purpose, contact))
            lines.setdefault(
                key,
                {
                    "purpose": purpose,
                    "recipient": contact,
                    "recipient_label": str(contact) if contact else str(_("le financeur")),
                    "consent": None,
                },
            )
    order = list(Purpose.values)
    return sorted(lines.values(), key=lambda line: (order.index(line["purpose"]), line["recipient_label"]))


# --- Disclosure to employers ---------------------------------------------------------------------


def record_disclosure(person, *, level, decided_on: date, by, employer=None, comment: str = "") -> Disclosure:
    person = Person.objects.select_for_update().get(pk=person.pk)
    level = DisclosureLevel(level)
    errors: dict[str, list] = {}
    try:
        check_decision_date(decided_on, person)
    except ValidationError as error:
        errors.update(error.message_dict)
    if employer is not None and (
        employer.organisation_id != person.organisation_id or employer.kind != EMPLOYER_KIND
    ):
        errors.setdefault("employer", []).append(
            _("Choisissez un employeur de l'annuaire de l'organisation.")
        )
    if not errors:
        earlier = before_latest(Disclosure.objects.filter(person=person, employer=employer), decided_on)
        if earlier:
            errors["decided_on"] = [earlier]
    if errors:
        raise ValidationError(errors)
    return Disclosure.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        level=level,
        employer=employer,
        decided_on=decided_on,
        comment=comment.strip(),
        recorded_by=by,
    )


def current_disclosure(person, employer_contact=None) -> Disclosure | None:
    """What the person lets `employer_contact` (or, without one, every employer) be told: the
    latest decision made for that employer or for all employers. None: never asked, so nothing
    may be disclosed (`disclosed_level`)."""
    rows = Disclosure.objects.filter(person=person, decided_on__lte=today())
    if employer_contact is None:
        return latest(rows.filter(employer__isnull=True))
    if employer_contact.organisation_id != person.organisation_id:
        return None
    return latest(rows.filter(employer__isnull=True) | rows.filter(employer=employer_contact))


def disclosed_level(person, employer_contact=None) -> DisclosureLevel:
    disclosure = current_disclosure(person, employer_contact)
    return DisclosureLevel(disclosure.level) if disclosure else DisclosureLevel.NOTHING


def disclosure_history(person):
    return Disclosure.objects.filter(person=person).select_related("employer", "recorded_by")
