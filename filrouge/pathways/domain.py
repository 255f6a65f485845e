"""The rules of a pathway: enrolling, moving between phases, suspending, renewing, exiting.

Every function checks its dates and raises ValidationError with a French message naming the
field at fault; callers run them inside the request's transaction, so a refusal writes nothing.
"""

import dataclasses
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from filrouge.core import bulk
from filrouge.core.dates import span_end
from filrouge.core.versioning import bump
from filrouge.organisations.models import Membership, ProgrammeType, Role
from filrouge.pathways.models import (
    Enrolment,
    EntrySituation,
    ExitOutcome,
    LeadCoachChange,
    Phase,
    PhaseChange,
    Renewal,
    Suspension,
)
from filrouge.people.models import ANONYMISED_RECORD, ContactKind, PersonContact

MINIMUM_AGE = 15
MAXIMUM_AGE = 100


def planned_end(programme_type: str, entry: date) -> date | None:
    """The end a programme plans for: 12 months (renewable) for minimum-income support, 8 weeks
    for an Activ'Projet-style programme; supported employment is not limited in time."""
    if programme_type == ProgrammeType.MINIMUM_INCOME:
        return span_end(entry, months=12)
    if programme_type == ProgrammeType.ACTIV_PROJET:
        return span_end(entry, weeks=8)
    return None


def today() -> date:
    return timezone.localdate()


def check_birth_date(born: date, on: date | None = None) -> None:
    on = on or today()
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    if not MINIMUM_AGE <= age <= MAXIMUM_AGE:
        raise ValidationError(
            {
                "date_of_birth": _(
                    "Cette date de naissance donnerait %(age)s ans : vérifiez-la (entre %(min)s et %(max)s ans)."
                )
                % {"age": age, "min": MINIMUM_AGE, "max": MAXIMUM_AGE}
            }
        )


def not_in_future(field: str, day: date, what: str) -> None:
    if day > today():
        raise ValidationError({field: _("%(what)s ne peut pas être dans le futur.") % {"what": what}})


def not_before(field: str, day: date, limit: date, what: str, limit_name: str) -> None:
    if day < limit:
        raise ValidationError(
            {
                field: _("%(what)s ne peut pas précéder %(limit_name)s (%(limit)s).")
                % {"what": what, "limit_name": limit_name, "limit": date_format(limit, "SHORT_DATE_FORMAT")}
            }
        )


def check_coach(service, user, field: str = "primary_coach", *, coach_ids=None) -> None:
    """`coach_ids`: the service's active coaches (`service_coach_ids`), read once for many checks."""
    if user is None:
        return
    if coach_ids is not None:
        known = user.pk in coach_ids
    else:
        known = Membership.objects.active().filter(service=service, user=user, role=Role.COACH).exists()
    if not known:
        raise ValidationError({field: _("Choisissez un job coach de ce service.")})


def service_coach_ids(service) -> set[int]:
    return set(
        Membership.objects.active().filter(service=service, role=Role.COACH).values_list("user_id", flat=True)
    )


def check_enrolment(person, *, referral_date, intake_date=None, has_current=False) -> None:
    """`enrol`'s rules on the person and the dates; `has_current`: the person already has a
    current pathway in the service."""
    if person.is_anonymised:
        raise ValidationError(ANONYMISED_RECORD)
    not_in_future("referral_date", referral_date, _("La date d'orientation"))
    if intake_date is not None:
        not_before("intake_date", intake_date, referral_date, _("L'entretien d'accueil"), _("l'orientation"))
    if has_current:
        raise ValidationError(_("Cette personne a déjà un parcours en cours dans ce service."))


@transaction.atomic
def enrol(person, service, *, by, referral_date, entry: dict, referral_reason="", referred_by=None,
          intake_date=None, primary_coach=None) -> Enrolment:  # fmt: skip
    """Starts a pathway in `service`, with the situation at entry as it is today."""
    check_enrolment(
        person,
        referral_date=referral_date,
        intake_date=intake_date,
        has_current=not person.is_anonymised
        and Enrolment.objects.current().filter(person=person, service=service).exists(),
    )
    check_coach(service, primary_coach)
    enrolment = Enrolment.objects.create(
        organisation_id=service.organisation_id,
        service=service,
        person=person,
        referral_date=referral_date,
        referral_reason=referral_reason,
        referred_by=referred_by,
        intake_date=intake_date,
        primary_coach=primary_coach,
        planned_end_date=planned_end(service.programme_type, intake_date or referral_date),
        last_contact_on=intake_date,
        created_by=by,
    )
    EntrySituation.objects.create(enrolment=enrolment, organisation_id=service.organisation_id, **entry)
    link_referrer(enrolment)
    record_phase(enrolment, Phase.REFERRAL, referral_date, by)
    if intake_date is not None:
        record_phase(enrolment, Phase.INTAKE, intake_date, by)
    return enrolment


def link_referrer(enrolment) -> None:
    """The partner who referred the person becomes their "prescripteur", once."""
    if enrolment.referred_by_id is not None:
        PersonContact.objects.get_or_create(
            person_id=enrolment.person_id,
            contact_id=enrolment.referred_by_id,
            relation=ContactKind.REFERRING_PARTNER,
            defaults={"organisation_id": enrolment.organisation_id},
        )


def default_lead_coach(user, services):
    """Whoever records a person while a coach of the service leads the pathway, unless they
    choose otherwise."""
    if Membership.objects.active().filter(service__in=services, user=user, role=Role.COACH).exists():
        return user
    return None


def record_phase(enrolment, phase, on, by, comment="") -> PhaseChange:
    bump(enrolment)  # a form of the pathway opened before is refused, not saved over the phase
    enrolment.phase = phase
    enrolment.save(update_fields=["phase"])
    return PhaseChange.objects.create(
        organisation_id=enrolment.organisation_id,
        enrolment=enrolment,
        phase=phase,
        changed_on=on,
        comment=comment,
        recorded_by=by,
    )


def latest_change(enrolment) -> PhaseChange | None:
    return enrolment.phase_changes.order_by("-changed_on", "-recorded_at", "-pk").first()


def check_phase_move(enrolment, phase, on, previous_on: date | None) -> None:
    """`change_phase`'s rules; `previous_on`: the date of the pathway's latest phase change."""
    if not enrolment.is_current:
        raise ValidationError(_("Ce parcours est terminé : réinscrivez la personne pour le reprendre."))
    if phase == Phase.EXIT:
        raise ValidationError(
            {"phase": _("Pour une sortie, utilisez « Enregistrer la sortie » : le motif est demandé.")}
        )
    if phase == enrolment.phase:
        raise ValidationError({"phase": _("Le parcours est déjà à cette étape.")})
    not_in_future("changed_on", on, _("Un changement d'étape"))
    if previous_on is not None:
        not_before("changed_on", on, previous_on, _("Ce changement d'étape"), _("le précédent"))


@transaction.atomic
def change_phase(enrolment, phase, on, by, comment="") -> PhaseChange:
    """Moves the pathway to another phase, forwards or back (a job ends: back to job search)."""
    previous = latest_change(enrolment) if enrolment.is_current else None
    check_phase_move(enrolment, phase, on, previous.changed_on if previous is not None else None)
    if phase == Phase.INTAKE and enrolment.intake_date is None:
        enrolment.intake_date = on
        enrolment.last_contact_on = max(filter(None, [enrolment.last_contact_on, on]))
        if not enrolment.renewals.exists():  # the programme's time counts from the intake
            enrolment.planned_end_date = planned_end(enrolment.service.programme_type, on)
        enrolment.save(update_fields=["intake_date", "last_contact_on", "planned_end_date"])
    return record_phase(enrolment, phase, on, by, comment)


def check_exit(
    enrolment, *, on, outcome, reoriented_to="", previous_on: date | None = None, last_suspension_on=None
) -> None:
    """`record_exit`'s rules but the job behind an exit into employment; `previous_on`: the date of
    the latest phase change, `last_suspension_on`: the start of the latest suspension."""
    if not enrolment.is_current:
        raise ValidationError(_("Ce parcours est déjà terminé."))
    not_in_future("exit_date", on, _("La date de sortie"))
    not_before("exit_date", on, enrolment.referral_date, _("La sortie"), _("l'orientation"))
    if previous_on is not None:
        not_before("exit_date", on, previous_on, _("La sortie"), _("la dernière étape"))
    if last_suspension_on is not None:
        not_before("exit_date", on, last_suspension_on, _("La sortie"), _("la dernière suspension"))
    if outcome in ExitOutcome.reorientations() and not reoriented_to.strip():
        raise ValidationError(
            {
                "reoriented_to": _(
                    "Indiquez la structure vers laquelle la personne est réorientée (ESAT, entreprise adaptée, autre service)."
                )
            }
        )


@transaction.atomic
def record_exit(enrolment, *, on, outcome, by, comment="", reoriented_to="") -> Enrolment:
    if not enrolment.is_current:
        raise ValidationError(_("Ce parcours est déjà terminé."))
    previous = latest_change(enrolment)
    last_suspension = enrolment.suspensions.order_by("-start_date").first()
    check_exit(
        enrolment,
        on=on,
        outcome=outcome,
        reoriented_to=reoriented_to,
        previous_on=previous.changed_on if previous is not None else None,
        last_suspension_on=last_suspension.start_date if last_suspension is not None else None,
    )
    # An exit into employment needs a job of that kind current on the exit date. Imported here:
    # `exits` reads the placements, whose domain imports this module.
    from filrouge.pathways.exits import check_exit_outcome

    check_exit_outcome(enrolment, on, outcome)
    enrolment.exit_date, enrolment.exit_outcome = on, outcome
    enrolment.exit_comment, enrolment.reoriented_to = comment, reoriented_to.strip()
    enrolment.save(update_fields=["exit_date", "exit_outcome", "exit_comment", "reoriented_to"])
    # A suspension still open ends with the pathway (one save each: the audit trail records it).
    for suspension in enrolment.suspensions.filter(Q(end_date__isnull=True) | Q(end_date__gt=on)):
        suspension.end_date = on
        suspension.save(update_fields=["end_date"])
    record_phase(enrolment, Phase.EXIT, on, by, comment)
    return enrolment


@transaction.atomic
def reopen(enrolment, *, by, reason: str) -> PhaseChange:
    """Reopens a pathway closed by mistake (who may: `policy.may_reopen`): the exit's date,
    outcome, comment and reorientation are cleared, so that no figure counts it any more, and the
    pathway returns, today, to the phase it had before the exit, the reason in its history."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.is_current:
        raise ValidationError(_("Ce parcours est en cours : il n'y a rien à rouvrir."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Indiquez pourquoi le parcours est rouvert.")})
    if (
        Enrolment.objects.current()
        .filter(person_id=enrolment.person_id, service_id=enrolment.service_id)
        .exists()
    ):
        raise ValidationError(
            _(
                "Cette personne a un autre parcours en cours dans ce service : ce parcours ne peut pas être rouvert."
            )
        )
    before_exit = enrolment.phase_changes.exclude(phase=Phase.EXIT).order_by(
        "-changed_on", "-recorded_at", "-pk"
    )
    phase = before_exit.values_list("phase", flat=True).first() or Phase.REFERRAL
    enrolment.exit_date, enrolment.exit_outcome = None, ""
    enrolment.exit_comment, enrolment.reoriented_to = "", ""
    enrolment.save(update_fields=["exit_date", "exit_outcome", "exit_comment", "reoriented_to"])
    comment = _("Parcours rouvert : %(reason)s") % {"reason": reason.strip()}
    return record_phase(enrolment, phase, today(), by, comment)


def check_suspension(enrolment, *, start, end, others) -> None:
    """`suspend`'s rules; `others`: the pathway's suspensions already recorded."""
    if not enrolment.is_current:
        raise ValidationError(_("Ce parcours est terminé : il ne peut plus être suspendu."))
    not_before("start_date", start, enrolment.referral_date, _("La suspension"), _("l'orientation"))
    not_in_future("start_date", start, _("Le début de la suspension"))
    if end is not None:
        not_before("end_date", end, start, _("La fin de la suspension"), _("son début"))
    far = date.max
    overlapping = [s for s in others if s.start_date <= (end or far) and start <= (s.end_date or far)]
    if overlapping:
        raise ValidationError(_("Cette suspension chevauche une autre suspension du parcours."))


@transaction.atomic
def suspend(enrolment, *, start, end, reason, by, comment="") -> Suspension:
    others = enrolment.suspensions.all() if enrolment.is_current else []
    check_suspension(enrolment, start=start, end=end, others=others)
    return Suspension.objects.create(
        organisation_id=enrolment.organisation_id,
        enrolment=enrolment,
        start_date=start,
        end_date=end,
        reason=reason,
        comment=comment,
        recorded_by=by,
    )


def end_suspension(suspension, on) -> Suspension:
    if suspension.end_date is not None:
        raise ValidationError(_("Cette suspension est déjà terminée."))
    not_before("end_date", on, suspension.start_date, _("La fin de la suspension"), _("son début"))
    not_in_future("end_date", on, _("La fin de la suspension"))
    suspension.end_date = on
    suspension.save(update_fields=["end_date"])
    return suspension


@transaction.atomic
def renew(enrolment, *, decided_on, renewed, new_end_date, by, comment="") -> Renewal:
    """Records the renewal decision of a limited programme, and moves its planned end if renewed."""
    if not enrolment.is_current:
        raise ValidationError(_("Ce parcours est terminé."))
    if enrolment.planned_end_date is None:
        raise ValidationError(_("Ce programme n'a pas de durée limitée : rien à renouveler."))
    not_in_future("decided_on", decided_on, _("La décision"))
    if renewed:
        if new_end_date is None:
            raise ValidationError({"new_end_date": _("Indiquez la nouvelle fin prévue.")})
        if new_end_date <= enrolment.planned_end_date:
            raise ValidationError(
                {"new_end_date": _("La nouvelle fin prévue doit suivre la fin actuelle (%(end)s).")
                 % {"end": date_format(enrolment.planned_end_date, "SHORT_DATE_FORMAT")}}
            )  # fmt: skip
    renewal = Renewal.objects.create(
        organisation_id=enrolment.organisation_id,
        enrolment=enrolment,
        decided_on=decided_on,
        renewed=renewed,
        previous_end_date=enrolment.planned_end_date,
        new_end_date=new_end_date if renewed else None,
        comment=comment,
        decided_by=by,
    )
    if renewed:
        bump(enrolment)
        enrolment.planned_end_date = new_end_date
        enrolment.save(update_fields=["planned_end_date"])
    return renewal


@transaction.atomic
def reassign(enrolment, coach, by=None, *, taken=False) -> LeadCoachChange | None:
    """Gives the pathway a lead coach, in its history (nothing when it is the same one)."""
    check_coach(enrolment.service, coach)
    previous = enrolment.primary_coach
    bump(enrolment)
    if previous == coach:
        return None
    enrolment.primary_coach = coach
    enrolment.save(update_fields=["primary_coach"])
    return LeadCoachChange.objects.create(
        organisation_id=enrolment.organisation_id,
        enrolment=enrolment,
        coach=coach,
        previous_coach=previous,
        taken=taken,
        recorded_by=by,
    )


@transaction.atomic
def take_lead(enrolment, coach) -> LeadCoachChange:
    """A coach takes a current pathway of their service that has no lead coach ("Je prends en
    charge"). Who may is `policy.may_take_lead`; the pathway's row is locked, so two coaches taking
    it at the same moment make one lead coach and one refusal."""
    locked = type(enrolment).objects.select_for_update().only("pk", "primary_coach", "exit_date")
    current = locked.get(pk=enrolment.pk)
    if current.exit_date is not None:
        raise ValidationError(_("Ce parcours est terminé."))
    if current.primary_coach_id is not None:
        raise ValidationError(_("Ce parcours a déjà un job coach référent."))
    enrolment.primary_coach = None
    return reassign(enrolment, coach, coach, taken=True)


# --- The bulk twin of enrol, change_phase, suspend and record_exit (an import's new pathways) ---


@dataclass
class ImportedSuspension:
    start: date
    end: date | None
    reason: str
    comment: str = ""


@dataclass
class ImportedExit:
    """An exit other than into employment: that one needs its job first (`record_exit`)."""

    on: date
    outcome: str
    comment: str = ""
    reoriented_to: str = ""


@dataclass
class ImportedPathway:
    """A pathway as an import's row describes it: `enrol`'s arguments, the phase it reached and
    since when (`phase` None, or the phase `enrol` leaves it in: no change; `since` by default its
    entry date), its suspensions, and its exit."""

    person: object  # people.Person, saved
    service: object
    referral_date: date
    entry: dict  # EntrySituationForm's cleaned data
    intake_date: date | None = None
    referral_reason: str = ""
    primary_coach: object = None
    referred_by: object = None  # people.Contact
    phase: str | None = None
    since: date | None = None
    phase_comment: str = ""
    suspensions: list[ImportedSuspension] = dataclasses.field(default_factory=list)
    exit: ImportedExit | None = None


@dataclass
class ImportedRows:
    """The rows that the single functions would write for one `ImportedPathway`, unsaved."""

    enrolment: Enrolment
    situation: EntrySituation
    phase_changes: list[PhaseChange]
    suspensions: list[Suspension]
    link: PersonContact | None = None  # the referrer, when not linked yet


def imported_rows(spec: ImportedPathway, *, by=None, has_current=False, coach_ids=None) -> ImportedRows:
    """Checks `spec` by the rules of `enrol`, `change_phase`, `suspend` and `record_exit`, in
    that order, with their messages (a ValidationError), and builds the rows they would leave:
    the pathway at its final phase and version, one phase change per step. No query when
    `coach_ids` (`service_coach_ids`) is given. `has_current`: the person already has a current
    pathway in the service."""
    person, service = spec.person, spec.service
    check_enrolment(
        person, referral_date=spec.referral_date, intake_date=spec.intake_date, has_current=has_current
    )
    check_coach(service, spec.primary_coach, coach_ids=coach_ids)
    organisation_id = service.organisation_id
    enrolment = Enrolment(
        organisation_id=organisation_id,
        service=service,
        person=person,
        referral_date=spec.referral_date,
        referral_reason=spec.referral_reason,
        referred_by=spec.referred_by,
        intake_date=spec.intake_date,
        primary_coach=spec.primary_coach,
        planned_end_date=planned_end(service.programme_type, spec.intake_date or spec.referral_date),
        last_contact_on=spec.intake_date,
        created_by=by,
    )
    situation = EntrySituation(enrolment=enrolment, organisation_id=organisation_id, **spec.entry)
    changes = []

    def step(phase, on, comment=""):
        enrolment.phase = phase
        changes.append(
            PhaseChange(
                organisation_id=organisation_id,
                enrolment=enrolment,
                phase=phase,
                changed_on=on,
                comment=comment,
                recorded_by=by,
            )
        )

    step(Phase.REFERRAL, spec.referral_date)
    if spec.intake_date is not None:
        step(Phase.INTAKE, spec.intake_date)
    if spec.phase is not None and spec.phase != enrolment.phase:
        on = spec.since or enrolment.entry_date
        check_phase_move(enrolment, spec.phase, on, changes[-1].changed_on)
        if spec.phase == Phase.INTAKE and enrolment.intake_date is None:  # as change_phase does
            enrolment.intake_date = on
            enrolment.last_contact_on = max(filter(None, [enrolment.last_contact_on, on]))
            enrolment.planned_end_date = planned_end(service.programme_type, on)
        step(spec.phase, on, spec.phase_comment)
    suspensions = []
    for given in spec.suspensions:
        check_suspension(enrolment, start=given.start, end=given.end, others=suspensions)
        suspensions.append(
            Suspension(
                organisation_id=organisation_id,
                enrolment=enrolment,
                start_date=given.start,
                end_date=given.end,
                reason=given.reason,
                comment=given.comment,
                recorded_by=by,
            )
        )
    if spec.exit is not None:
        exit_ = spec.exit
        if exit_.outcome in ExitOutcome.into_employment():
            raise ValueError("An exit into employment is recorded after its job, by record_exit.")
        check_exit(
            enrolment,
            on=exit_.on,
            outcome=exit_.outcome,
            reoriented_to=exit_.reoriented_to,
            previous_on=max(change.changed_on for change in changes),
            last_suspension_on=max((s.start_date for s in suspensions), default=None),
        )
        enrolment.exit_date, enrolment.exit_outcome = exit_.on, exit_.outcome
        enrolment.exit_comment, enrolment.reoriented_to = exit_.comment, exit_.reoriented_to.strip()
        for suspension in suspensions:  # one still open ends with the pathway
            if suspension.end_date is None or suspension.end_date > exit_.on:
                suspension.end_date = exit_.on
        step(Phase.EXIT, exit_.on, exit_.comment)
    enrolment.version = 1 + len(changes)  # each step moved the version on (`record_phase`)
    return ImportedRows(enrolment, situation, changes, suspensions)


class PathwayRefused(ValidationError):
    """One pathway of `open_imported_pathways` was refused: `spec` says which, the message why."""

    def __init__(self, spec: ImportedPathway, error: ValidationError):
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.error_list)
        self.spec = spec


@transaction.atomic
def open_imported_pathways(specs, *, by) -> list[Enrolment]:
    """Opens the pathways in bulk, as `enrol` then `change_phase`, `suspend` and `record_exit`
    would one by one (an import of thousands of rows): the same rules and messages
    (`imported_rows`; `PathwayRefused` names the spec and nothing is written), the same rows but
    for the steps in between (the pathway is written at its final phase and version, a
    suspension with its end), the referrer linked as `link_referrer` does, `BATCH_SIZE` pathways at a
    time (`core.bulk.insert`), and the audit trail's creation entries that the saves' signals would have written
    (in batches, `audit.api.buffered`). The caller holds the transaction and the organisation's
    lock; the people are saved. Returns the pathways, in the order of `specs`."""
    from filrouge.audit import api as audit
    from filrouge.audit.capture import creation_entry
    from filrouge.people.domain import BATCH_SIZE

    specs = list(specs)
    if any(spec.person.pk is None for spec in specs):
        raise ValueError("The people are saved first (people.domain.create_people).")
    services = {spec.service.pk: spec.service for spec in specs}
    coach_ids = {pk: service_coach_ids(service) for pk, service in services.items()}
    # What the rules read of the stored rows, for these people only: a large import comes in
    # segments, and reading the whole service's pathways for each would grow with the service.
    person_ids = sorted({spec.person.pk for spec in specs})
    referrers = {spec.referred_by.pk for spec in specs if spec.referred_by is not None}
    current, linked = set(), set()
    for start in range(0, len(person_ids), BATCH_SIZE):
        chunk = person_ids[start : start + BATCH_SIZE]
        current |= set(
            Enrolment.objects.current()
            .filter(service_id__in=list(services), person_id__in=chunk)
            .values_list("person_id", "service_id")
        )
        if referrers:
            linked |= set(
                PersonContact.objects.filter(
                    person_id__in=chunk, contact_id__in=referrers, relation=ContactKind.REFERRING_PARTNER
                ).values_list("person_id", "contact_id")
            )

    def planned(spec) -> ImportedRows:
        key = (spec.person.pk, spec.service.pk)
        try:
            rows = imported_rows(
                spec, by=by, has_current=key in current, coach_ids=coach_ids[spec.service.pk]
            )
        except ValidationError as error:
            raise PathwayRefused(spec, error) from error
        if rows.enrolment.is_current:
            current.add(key)
        if spec.referred_by is not None and (spec.person.pk, spec.referred_by.pk) not in linked:
            linked.add((spec.person.pk, spec.referred_by.pk))
            rows.link = PersonContact(
                organisation_id=rows.enrolment.organisation_id,
                person=spec.person,
                contact=spec.referred_by,
                relation=ContactKind.REFERRING_PARTNER,
            )
        return rows

    opened = []
    situation_cache = Enrolment._meta.get_field("entry_situation")
    # Batch by batch, so that only one batch's rows are held (100,000 pathways and their rows would
    # not fit the import's memory); a refusal in a later batch rolls the earlier ones back.
    with audit.buffered():
        for start in range(0, len(specs), BATCH_SIZE):
            batch = [planned(spec) for spec in specs[start : start + BATCH_SIZE]]
            bulk.insert(Enrolment, [rows.enrolment for rows in batch])
            for model, objects in (
                (EntrySituation, [rows.situation for rows in batch]),
                (PersonContact, [rows.link for rows in batch if rows.link is not None]),
                (PhaseChange, [change for rows in batch for change in rows.phase_changes]),
                (Suspension, [suspension for rows in batch for suspension in rows.suspensions]),
            ):
                bulk.insert(model, objects)
            for rows in batch:
                written = [rows.enrolment, rows.situation, *([rows.link] if rows.link else [])]
                for instance in [*written, *rows.phase_changes, *rows.suspensions]:
                    entry = creation_entry(instance)
                    if entry is not None:
                        audit.record(**entry)
                situation_cache.delete_cached_value(rows.enrolment)  # the pathway alone is returned
                opened.append(rows.enrolment)
    return opened
