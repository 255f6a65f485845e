"""The people of a service's file, each with their pathway in the service (docs/design/imports-plan.md §1, §4).

One row is one person and one pathway of theirs in the run's service, with at most one referent.
The service is the run's, never a column.

The person is found, in order, by their external id (an `ImportedKey` of the service), by the
pathway's external id, by an earlier row of the same file with the same identity, else by the
duplicate guard of the page (`people.domain.identity_matches`, the rule of `possible_duplicate`,
over the organisation's people read once: `imports.identity.IdentityIndex`), row by row:

- one exact match (names and birth date) the importer may edit: the same person;
- one exact match they may not edit (followed only in services they do not work in), several
  exact matches, or near matches: refused, without the data of people they may not see;
- « Homonyme confirmé » = oui: a new person whatever the guard says (the page's « Ce n'est pas la
  même personne »).

The pathway is found by its external id, else by the person and the referral date; none: a new
one. The values go through the page's forms (`PersonForm`, `PersonEditForm`'s rules for a
stored person, `EntrySituationForm`) and `PathwayRowForm` (the pathway columns), then the
domain's rules; the writing is the domain's functions: the new pathways and people through the
bulk twin (`create_people`, `open_imported_pathways`), the rest one by one (`create_person`,
`enrol`, `change_phase`, `suspend`, `renew`, `reassign`, `record_exit`…). What the plan reads of
the stored people (rights, pathways) is read per batch of rows, never per row. A blank cell never clears
anything; the phase history is never rewritten; a stored exit is never changed; the situation
at entry is a snapshot (a difference is a warning). An exit into employment is written by
`finish`, once the run's jobs exist, through `record_exit`, which checks the job.
"""

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from filrouge import policy
from filrouge.accounts.models import User
from filrouge.core import bulk
from filrouge.core.forms import Rebinder
from filrouge.core.text import fold
from filrouge.core.versioning import bump, claim
from filrouge.imports.context import KindImport, PlannedPathway, RunContext, WriteRefused, identity_key
from filrouge.imports.identity import IdentityIndex, Known
from filrouge.imports.models import ImportedKey, KeyKind
from filrouge.imports.rows import InputRow, Outcome, RowResult
from filrouge.organisations.models import Membership, Role
from filrouge.pathways import domain as pathways
from filrouge.pathways import exits
from filrouge.pathways.forms import EntrySituationForm
from filrouge.pathways.models import Enrolment, ExitOutcome, Phase, RqthStatus
from filrouge.people import domain as people
from filrouge.people.forms import PERSON_FIELDS, ContactForm, PersonEditForm, PersonForm
from filrouge.people.models import ANONYMISED_RECORD, Contact, ContactKind, Person, PersonContact
from filrouge.people.names import capitalise_first_name

IDENTITY_FIELDS = ("first_name", "birth_name", "usual_name", "date_of_birth")
ENTRY_FIELDS = tuple(EntrySituationForm.Meta.fields)
REFERENT_FIELDS = {  # column key → Contact field
    "referent_full_name": "full_name",
    "referent_partner_name": "partner_name",
    "referent_job_title": "job_title",
    "referent_phone": "phone",
    "referent_email": "email",
}
PHASES = list(Phase.values)  # in the order a pathway goes through them
# The domain's field names in its ValidationErrors → the column that holds the value.
FIELD_COLUMNS = {
    "referral_date": "referral_date",
    "intake_date": "intake_date",
    "changed_on": "phase_since",
    "phase": "phase",
    "start_date": "suspensions",
    "end_date": "suspensions",
    "exit_date": "exit_date",
    "outcome": "exit_outcome",
    "exit_outcome": "exit_outcome",
    "reoriented_to": "reoriented_to",
    "new_end_date": "planned_end_date",
    "planned_end_date": "planned_end_date",
    "primary_coach": "lead_coach",
}
IMPORT_COMMENT = "Import"
# Rows planned per round of prefetching (people, their rights, their pathways): a few queries per
# batch, none per row (docs/design/imports-plan.md §5.2).
PLAN_BATCH = 500
# Values per `IN (…)` of the key look-ups: under SQLite's limit of bound parameters.
IN_CHUNK = 2000


def chunks(values, size: int = IN_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def filled(value) -> bool:
    return value not in (None, "", ())


# A person's cells are kept for the whole run as one string (`packed`): a tuple of values weighs
# some 400 bytes more per person, 40 MB in a file of 100,000 people.
CELL_SEPARATOR = "\x1f"


def as_cell(value) -> str:
    """A parsed cell as `PersonPlan.cell` keeps it."""
    return "" if value is None else str(value).replace(CELL_SEPARATOR, " ")


def packed(cells: dict) -> str:
    return CELL_SEPARATOR.join(as_cell(cells.get(name)) for name in PERSON_FIELDS)


def short(day: date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def phase_index(phase: str) -> int:
    return PHASES.index(phase)


class PathwayRowForm(forms.Form):
    """The pathway columns of a row, with the rules of `EnrolmentStartForm` and of the domain
    that need no database (the service, the coach and the partners are resolved apart)."""

    referral_date = forms.DateField()
    intake_date = forms.DateField(required=False)
    referral_reason = forms.CharField(required=False, max_length=2000)
    phase = forms.ChoiceField(choices=[("", "")] + Phase.choices, required=False)
    phase_since = forms.DateField(required=False)
    planned_end_date = forms.DateField(required=False)
    exit_date = forms.DateField(required=False)
    exit_outcome = forms.ChoiceField(choices=[("", "")] + ExitOutcome.choices, required=False)
    reoriented_to = forms.CharField(
        required=False, max_length=Enrolment._meta.get_field("reoriented_to").max_length
    )
    exit_comment = forms.CharField(required=False, max_length=2000)

    def rule(self, check, *args) -> None:
        try:
            check(*args)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)

    def clean(self):
        cleaned = super().clean()
        referral, intake = cleaned.get("referral_date"), cleaned.get("intake_date")
        if referral is not None:
            self.rule(pathways.not_in_future, "referral_date", referral, _("La date d'orientation"))
            if intake is not None:
                self.rule(
                    pathways.not_before,
                    "intake_date",
                    intake,
                    referral,
                    _("L'entretien d'accueil"),
                    _("l'orientation"),
                )
        if intake is not None:
            self.rule(pathways.not_in_future, "intake_date", intake, _("L'entretien d'accueil"))
        exit_date, outcome = cleaned.get("exit_date"), cleaned.get("exit_outcome")
        if exit_date is not None and not outcome and "exit_outcome" not in self.errors:
            self.add_error("exit_outcome", _("Indiquez le motif de sortie avec la date de sortie."))
        if outcome and exit_date is None and "exit_date" not in self.errors:
            self.add_error("exit_date", _("Indiquez la date de sortie avec son motif."))
        if cleaned.get("phase") == Phase.EXIT and exit_date is None and "exit_date" not in self.errors:
            self.add_error("phase", _("« Sortie » demande une date et un motif de sortie."))
        if exit_date is not None:
            self.rule(pathways.not_in_future, "exit_date", exit_date, _("La date de sortie"))
            if referral is not None:
                self.rule(
                    pathways.not_before, "exit_date", exit_date, referral, _("La sortie"), _("l'orientation")
                )
        if outcome in ExitOutcome.reorientations() and not cleaned.get("reoriented_to"):
            self.add_error(
                "reoriented_to",
                _(
                    "Indiquez la structure vers laquelle la personne est réorientée (ESAT, entreprise adaptée, autre service)."
                ),
            )
        return cleaned


class PersonPlan:
    """A person of the file: the stored or new `Person`, and what its first row asks.

    Kept for the whole run (a later row may name the same person) but light once its segment is
    done (`release`): the instance is dropped and read again, or rebuilt, if a later row needs it."""

    __slots__ = (
        "_person", "_pk", "identity", "first_row", "_cells", "changes", "homonym", "by_key",
        "external_ids", "pathways", "written",
    )  # fmt: skip

    def __init__(self, person: Person, first_row: int, cells: dict, homonym=False, by_key=False):
        self._person, self._pk, self.identity = person, person.pk, None
        self.first_row = first_row
        self._cells = packed(cells)  # its first row's filled cells
        self.changes: dict = {}  # field → value (every value for a new person)
        self.homonym = homonym
        self.by_key = by_key  # found by an id: names and birth date may change
        # Tuples, not lists: most people have one id and one row, and there are 100,000 of them.
        self.external_ids: tuple[str, ...] = ()
        self.pathways: tuple = ()  # its rows' RowPlan, or Traced once released
        self.written = False

    @property
    def person(self) -> Person:
        if self._person is None:
            if self._pk is not None:
                self._person = Person.objects.get(pk=self._pk)
            else:  # planned, not written (a dry run): what a later row reads of it
                self._person = Person(organisation_id=self.identity.organisation_id, **self.identity.fields())
        return self._person

    @property
    def pk(self) -> int | None:
        return self._person.pk if self._person is not None else self._pk

    @property
    def is_new(self) -> bool:
        return self.pk is None

    def cells(self) -> dict[str, str]:
        """Its first row's cells, as text ("" when blank): what `check_agreement` compares."""
        return dict(zip(PERSON_FIELDS, self._cells.split(CELL_SEPARATOR), strict=True))

    def release(self) -> None:
        self._pk = self.pk
        self._person = None
        self.changes = {}


@dataclass
class ContactPlan:
    contact: Contact
    first_row: int

    @property
    def is_new(self) -> bool:
        return self.contact.pk is None


class Traced(NamedTuple):
    """What later rows read of a row once its segment is done (`PeopleImport.release`)."""

    number: int
    referral_date: date
    end: date | None
    exit_later: bool


@dataclass(eq=False)
class RowPlan:
    """What writing one row does."""

    number: int
    result: RowResult
    person: PersonPlan
    enrolment: Enrolment  # unsaved for a new pathway: the very instance `write` saves
    is_new: bool
    entry: dict = field(default_factory=dict)
    coach: User | None = None
    reassign: bool = False
    enrolment_changes: dict = field(default_factory=dict)  # referral_reason, referred_by
    referrer: ContactPlan | None = None
    link: tuple[ContactPlan, str] | None = None  # another referent: (contact, relation)
    intake: date | None = None  # an intake recorded on a stored pathway
    phase: tuple[str, date] | None = None
    suspensions: list = field(default_factory=list)  # (start, end, reason) to record
    ended_suspensions: list = field(default_factory=list)  # (stored suspension, end)
    renewal: date | None = None
    exit: dict | None = None  # record_exit's arguments, on a pathway without exit
    pathway_ids: set = field(default_factory=set)

    @property
    def exit_later(self) -> bool:
        """An exit into employment: written by `finish`, after the run's jobs."""
        return self.exit is not None and self.exit["outcome"] in ExitOutcome.into_employment()

    @property
    def referral_date(self) -> date:
        return self.enrolment.referral_date

    @property
    def end(self) -> date | None:
        return self.exit["on"] if self.exit else self.enrolment.exit_date

    def traced(self) -> Traced:
        return Traced(self.number, self.referral_date, self.end, self.exit_later)


class PeopleImport(KindImport):
    kind = "people"
    # A file of 100,000 people is planned and written 1,000 rows at a time, inside the run's one
    # transaction: its memory stays that of a segment (docs/design/imports-plan.md §12).
    segment_rows = 1000

    def __init__(self, *, service, user, headers: dict[str, str], context: RunContext | None = None):
        super().__init__(service=service, user=user, headers=headers, context=context)
        self.coaches = User.objects.filter(
            organisation_id=self.organisation_id,
            pk__in=Membership.objects.active().filter(service=service, role=Role.COACH).values("user"),
        )
        self.editable = policy.scoped_people(user, policy.Action.EDIT_CASES)
        self.visible = policy.scoped_people(user, policy.Action.VIEW_CASES)
        self.forms = Rebinder()

    def refuse_error(self, result: RowResult, error: ValidationError, default: str | None = None) -> None:
        """A domain refusal, each message beside the column holding the value at fault."""
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                column = FIELD_COLUMNS.get(name, default)
                for message in messages:
                    result.refuse(self.header(column) if column in self.headers else None, message)
        else:
            for message in error.messages:
                result.refuse(self.header(default), message)

    def check(self, result: RowResult, default: str | None, rule, *args, **kwargs) -> bool:
        try:
            rule(*args, **kwargs)
        except ValidationError as error:
            self.refuse_error(result, error, default)
            return False
        return True

    # --- Plan -----------------------------------------------------------------------------

    def start(self) -> None:
        """What the whole run's rows share: the people planned so far, the organisation's
        identities (`IdentityIndex`), the coaches and the referents."""
        self.person_by_id: dict[str, PersonPlan] = {}
        self.person_by_pk: dict[int, PersonPlan] = {}
        self.pathway_by_id: dict[str, int] = {}  # pathway id → the row that named it first
        self.matched: set[int] = set()  # the stored pathways rows matched (or the run wrote), by pk
        self.contacts: dict[tuple, ContactPlan] = {}
        self.coach_cache: dict[str, tuple[User | None, str]] = {}
        self._index: IdentityIndex | None = None
        self.coach_list = list(self.coaches)
        self.later: list[RowPlan] = []  # exits into employment: checked and written once the jobs are
        self.started = True

    @property
    def index(self) -> IdentityIndex:
        """The organisation's identities, read when a row first needs the guard: a re-import
        whose rows all carry known ids never reads them."""
        if self._index is None:
            self._index = IdentityIndex(self.organisation_id)
        return self._index

    def plan(self, rows: list[InputRow]) -> tuple[list[RowResult], list[RowPlan]]:
        """Each row's outcome, and what writing would do; reads only. Called once per segment of
        the file (`runs.SEGMENT_ROWS`), in order: what earlier segments planned is kept, lightly
        (`release`)."""
        if not getattr(self, "started", False):
            self.start()
        self.plans: list[RowPlan] = []
        # Read per segment, dropped by `release`: the stored records its rows name.
        self.stored_pathways: dict[int, list[Enrolment]] = {}
        self.loaded: dict[int, Person] = {}  # stored people the keys and the guard found, by pk
        self.rights: dict[int, tuple[bool, bool]] = {}  # their pk → (may edit, may see)
        person_ids = {
            row.values["external_id"]
            for row in rows
            if filled(row.values.get("external_id")) and row.values["external_id"] not in self.person_by_id
        }
        pathway_ids = {
            row.values["pathway_external_id"]
            for row in rows
            if filled(row.values.get("pathway_external_id"))
            and row.values["pathway_external_id"] not in self.pathway_by_id
        }
        self.keyed_people, self.keyed_pathways = {}, {}
        for chunk in chunks(person_ids):
            keys = ImportedKey.objects.filter(
                service=self.service, kind=KeyKind.PERSON, external_id__in=chunk
            )
            self.keyed_people |= {key.external_id: key.person for key in keys.select_related("person")}
        for chunk in chunks(pathway_ids):
            keys = ImportedKey.objects.filter(
                service=self.service, kind=KeyKind.PATHWAY, external_id__in=chunk
            ).select_related("enrolment__person")
            self.keyed_pathways |= {key.external_id: key.enrolment for key in keys}
        results = []
        for start in range(0, len(rows), PLAN_BATCH):
            batch = rows[start : start + PLAN_BATCH]
            self.prefetch(batch)
            results += [self.plan_row(row) for row in batch]
        return results, self.plans

    def release(self, plans: list[RowPlan]) -> None:
        """A segment done (planned, and written in an apply): its instances go, what later rows
        need of its people and rows stays (`PersonPlan.release`, `Traced`)."""
        for plan in plans:
            if plan.exit_later and not plan.result.refused:
                self.later.append(plan)  # `check_planned` and `finish` need the whole plan
            if plan.enrolment.pk is not None:
                self.matched.add(plan.enrolment.pk)
                outcome = plan.exit["outcome"] if plan.exit else plan.enrolment.exit_outcome
                if outcome in ExitOutcome.into_employment():
                    self.context.exit_rows[plan.enrolment.pk] = plan.number
            person = plan.person
            person.pathways = tuple(p.traced() if isinstance(p, RowPlan) else p for p in person.pathways)
            person.release()
        self.plans = []
        self.stored_pathways, self.loaded, self.rights = {}, {}, {}
        self.keyed_people, self.keyed_pathways = {}, {}

    def prefetch(self, rows: list[InputRow]) -> None:
        """What planning these rows reads of the stored people, in a few queries: the people the
        keys and the guard name, whether the importer may edit or see them, their pathways."""
        named: set[int] = set()  # the same person, maybe: their pathways are read
        near: set[int] = set()
        for row in rows:
            values = row.values
            keyed = self.keyed_people.get(values.get("external_id") or "")
            by_pathway = self.keyed_pathways.get(values.get("pathway_external_id") or "")
            for found in (keyed, by_pathway.person if by_pathway is not None else None):
                if found is not None:
                    named.add(found.pk)
                    self.loaded.setdefault(found.pk, found)
            identity = ("first_name", "birth_name", "date_of_birth")
            if keyed is not None or by_pathway is not None or row.errors.keys() & set(identity):
                continue
            if not all(filled(values.get(key)) for key in identity):
                continue
            candidate = Person(
                first_name=values["first_name"],
                birth_name=values["birth_name"],
                usual_name=values.get("usual_name") or "",
                date_of_birth=values["date_of_birth"],
            )
            exact, near_ones = self.index.matches(candidate)
            named.update(IdentityIndex.stored(exact))
            near.update(IdentityIndex.stored(near_ones))
        # People planned by an earlier segment are found again through `person_by_pk`.
        unknown = sorted((named | near) - self.rights.keys() - self.person_by_pk.keys())
        if unknown:
            editable = set(self.editable.filter(pk__in=unknown).values_list("pk", flat=True))
            visible = set(self.visible.filter(pk__in=unknown).values_list("pk", flat=True))
            for pk in unknown:
                self.rights[pk] = (pk in editable, pk in visible)
        unloaded = sorted((named | near) - self.loaded.keys() - self.person_by_pk.keys())
        if unloaded:
            self.loaded |= {person.pk: person for person in Person.objects.filter(pk__in=unloaded)}
        unread = sorted(named - self.stored_pathways.keys())
        if unread:
            for pk in unread:
                self.stored_pathways[pk] = []
            for enrolment in self.pathways_query().filter(person_id__in=unread):
                self.stored_pathways[enrolment.person_id].append(enrolment)

    def pathways_query(self):
        return (
            Enrolment.objects.filter(service=self.service)
            .select_related("primary_coach", "entry_situation", "referred_by")
            .prefetch_related("phase_changes", "suspensions")
            .order_by("referral_date", "pk")
        )

    def may_edit(self, pk: int) -> bool:
        if pk not in self.rights:
            self.rights[pk] = (
                self.editable.filter(pk=pk).exists(),
                self.visible.filter(pk=pk).exists(),
            )
        return self.rights[pk][0]

    def may_see(self, pk: int) -> bool:
        self.may_edit(pk)
        return self.rights[pk][1]

    def plan_row(self, row: InputRow) -> RowResult:
        result = RowResult(row.number)
        values = row.values
        for key, messages in row.errors.items():
            for message in messages:
                result.refuse(self.header(key), message)
        if any(key in row.errors for key in ("first_name", "birth_name", "date_of_birth")) or not all(
            filled(values.get(key)) for key in ("first_name", "birth_name", "date_of_birth")
        ):
            return result  # who the row is about is unknown: nothing else can be said
        cells = {
            key: values[key] for key in PERSON_FIELDS if filled(values.get(key)) and key not in row.errors
        }
        person_id = values.get("external_id") or ""
        pathway_id = values.get("pathway_external_id") or ""
        homonym = bool(values.get("homonym_confirmed"))
        person_plan = self.find_person(row, cells, person_id, pathway_id, homonym, result)
        if person_plan is None:
            return result
        if person_id:
            if person_id not in person_plan.external_ids:
                person_plan.external_ids += (person_id,)
            self.person_by_id.setdefault(person_id, person_plan)
        if person_plan.first_row == row.number:
            self.check_person(person_plan, cells, row, result)
        else:
            self.check_agreement(person_plan, cells, row, result)
        plan = self.plan_pathway(person_plan, row, pathway_id, result)
        if plan is None:
            return result
        self.register(plan, values)
        if result.refused:
            return result
        self.outcome(plan)
        return result

    # --- The person -----------------------------------------------------------------------

    def find_person(self, row, cells, person_id, pathway_id, homonym, result) -> PersonPlan | None:
        """The row's person: planned by an earlier row, or stored, or new; None when refused."""
        first, born = cells["first_name"], cells["date_of_birth"]
        candidate = Person(
            organisation_id=self.organisation_id,
            first_name=capitalise_first_name(first),
            birth_name=cells["birth_name"],
            usual_name=cells.get("usual_name", ""),
            date_of_birth=born,
        )
        # This file: the same id, else the same identity (unless a homonym is confirmed).
        if person_id and person_id in self.person_by_id:
            return self.person_by_id[person_id]
        by_pathway = self.keyed_pathways.get(pathway_id) if pathway_id else None
        keyed = self.keyed_people.get(person_id) if person_id else None
        if keyed is None and by_pathway is not None:
            keyed = by_pathway.person
        elif keyed is not None and by_pathway is not None and by_pathway.person_id != keyed.pk:
            result.refuse(
                self.header("pathway_external_id"),
                _(
                    "Le N° de parcours « %(id)s » désigne le parcours d'une autre personne que l'identifiant de la ligne."
                )
                % {"id": pathway_id},
            )
            return None
        if keyed is None and not homonym:
            matches = self.index.matches(candidate)  # read once for this step and the guard's
            planned = [self.plan_of(other) for other in matches[0]]
            planned = [plan for plan in planned if plan is not None]
            if planned:
                plan = min(planned, key=lambda plan: plan.first_row)
                if person_id and plan.external_ids and person_id not in plan.external_ids:
                    result.refuse(
                        self.header("external_id"),
                        _(
                            "La ligne %(first)s décrit la même personne (nom, prénom, date de naissance) avec un "
                            "autre identifiant : s'il s'agit de deux personnes, indiquez « oui » dans la colonne "
                            "« Homonyme confirmé »."
                        )
                        % {"first": plan.first_row},
                    )
                    return None
                return plan
        if keyed is not None:
            return self.keyed_person(keyed, candidate, row, cells, person_id or pathway_id, result)
        if homonym:
            return self.new_person(candidate, row, cells, homonym=True)
        return self.guarded_person(candidate, row, cells, result, matches)

    def plan_of(self, found) -> PersonPlan | None:
        """The plan of a person the index found, when an earlier row of the file planned them."""
        if isinstance(found, Known):
            return self.person_by_pk.get(found.pk)
        return found.plan

    def keyed_person(self, person, candidate, row, cells, key, result) -> PersonPlan | None:
        if person.pk in self.person_by_pk:
            return self.person_by_pk[person.pk]
        same = fold(person.first_name) == fold(candidate.first_name) and people.last_names(
            person
        ) & people.last_names(candidate)
        if not same or person.date_of_birth != candidate.date_of_birth:
            others = [other for other in candidate.same_identity() if other.pk != person.pk]
            if others:
                result.refuse(
                    None,
                    _(
                        "L'identifiant « %(id)s » désigne une autre personne que les nom, prénom et date de "
                        "naissance de cette ligne."
                    )
                    % {"id": key},
                )
                return None
        if not self.may_edit(person.pk):
            result.refuse(None, self.unreachable_message())
            return None
        plan = PersonPlan(person=person, first_row=row.number, cells=cells, by_key=True)
        self.person_by_pk[person.pk] = plan
        return plan

    @staticmethod
    def unreachable_message() -> str:
        return _(
            "Une personne de l'organisation a déjà ces nom, prénom et date de naissance ; elle est suivie "
            "dans un service où vous n'intervenez pas. Demandez à ce service de vous l'ouvrir, ou indiquez "
            "« oui » dans la colonne « Homonyme confirmé » s'il s'agit d'une autre personne."
        )

    def described(self, others) -> str:
        """The people the importer may see, by name and birth date; the others as a count."""
        shown = [
            _("%(name)s, né·e le %(born)s") % {"name": other.full_name, "born": short(other.date_of_birth)}
            for other in others
            if self.may_see(other.pk)
        ]
        hidden = len(others) - len(shown)
        if hidden:
            shown.append(
                _("%(count)s personne(s) suivie(s) dans un service où vous n'intervenez pas")
                % {"count": hidden}
            )
        return " ; ".join(shown)

    def guarded_person(self, candidate, row, cells, result, found) -> PersonPlan | None:
        """The page's duplicate guard, and the rows of this file already planned as new people."""
        exact, near_ones = found  # `IdentityIndex.matches` of the candidate
        # As `possible_duplicate` orders them: the same identity by name, the near ones by id.
        matches = sorted(
            (self.stored_person(pk) for pk in IdentityIndex.stored(exact)), key=lambda p: (p.sort_name, p.pk)
        )
        if len(matches) > 1:
            result.refuse(
                None,
                _(
                    "Plusieurs personnes de l'organisation ont ces nom, prénom et date de naissance (%(people)s) : "
                    "l'import ne choisit pas. Indiquez l'identifiant, ou « oui » dans la colonne « Homonyme "
                    "confirmé » s'il s'agit d'une autre personne."
                )
                % {"people": self.described(matches)},
            )
            return None
        if matches:
            person = matches[0]
            if person.pk in self.person_by_pk:
                return self.person_by_pk[person.pk]
            if not self.may_edit(person.pk):
                result.refuse(None, self.unreachable_message())
                return None
            plan = PersonPlan(person=person, first_row=row.number, cells=cells)
            self.person_by_pk[person.pk] = plan
            return plan
        near = [self.stored_person(pk) for pk in sorted(IdentityIndex.stored(near_ones))]
        here = [self.plan_of(other) for other in near_ones if not isinstance(other, Known)]
        near_here = sorted(filter(None, here), key=lambda plan: plan.first_row)
        if near or near_here:
            names = [self.described(near)] if near else []
            names += [_("la personne de la ligne %(row)s") % {"row": other.first_row} for other in near_here]
            result.refuse(
                None,
                _(
                    "Une personne très proche est déjà enregistrée : %(people)s. S'il s'agit d'une autre "
                    "personne, indiquez « oui » dans la colonne « Homonyme confirmé »."
                )
                % {"people": " ; ".join(names)},
            )
            return None
        return self.new_person(candidate, row, cells)

    def stored_person(self, pk: int) -> Person:
        if pk not in self.loaded:  # not prefetched: read alone
            self.loaded[pk] = Person.objects.get(pk=pk)
        return self.loaded[pk]

    def new_person(self, candidate, row, cells, homonym=False) -> PersonPlan:
        plan = PersonPlan(person=candidate, first_row=row.number, cells=cells, homonym=homonym)
        plan.identity = self.index.add(candidate, plan)
        return plan

    def check_person(self, plan: PersonPlan, cells, row, result) -> None:
        """The person's cells through the page's form, and what they change."""
        person = plan.person
        if plan.is_new:
            form = self.forms.bind(PersonForm, cells, Person(organisation_id=self.organisation_id))
            if not form.is_valid():
                self.form_errors(form, cells, row, result)
                return
            for name in PERSON_FIELDS:
                setattr(person, name, getattr(form.instance, name))
            plan.changes = {name: getattr(person, name) for name in PERSON_FIELDS if name in cells}
        else:
            wanted = dict(cells)
            if not plan.by_key:  # equal by definition, folded: the stored spelling is kept
                for name in IDENTITY_FIELDS:
                    wanted.pop(name, None)
            if "first_name" in wanted and capitalise_first_name(wanted["first_name"]) == person.first_name:
                del wanted["first_name"]  # as the page saves it
            changes = {name: value for name, value in wanted.items() if getattr(person, name) != value}
            if not changes:
                return
            stored = {name: getattr(person, name) for name in PERSON_FIELDS}
            data = {name: value for name, value in stored.items() if value is not None}
            if "phone" not in changes:
                data.pop("phone", None)  # a stored number kept as typed is not this import's refusal
            data.update(changes)
            data["version"] = person.version
            form = PersonEditForm(data, instance=copy.copy(person))
            if not form.is_valid():
                self.form_errors(form, changes, row, result)
                return
            plan.changes = {
                name: form.cleaned_data[name]
                for name in changes
                if form.cleaned_data[name] != getattr(person, name)
            }

    def form_errors(self, form, cells, row, result, columns: dict | None = None) -> None:
        """A form's refusals: beside the cell when it comes from the file, else named."""
        for name, messages in form.errors.items():
            column = (columns or {}).get(name, name)
            if column in row.errors:
                continue  # the cell's own message is already there
            for message in messages:
                if column in self.headers:
                    result.refuse(self.header(column), message)
                elif name in form.fields and form.fields[name].label and name not in cells:
                    result.refuse(None, f"« {form.fields[name].label} » : {message}")
                else:
                    result.refuse(None, message)

    def check_agreement(self, plan: PersonPlan, cells, row, result) -> None:
        first = plan.cells()
        for key, value in cells.items():
            known = first[key]
            if key in IDENTITY_FIELDS and not plan.by_key and isinstance(value, str):
                same = fold(value) == fold(known)
            else:
                same = known == "" or known == as_cell(value)
            if not same:
                result.refuse(
                    self.header(key),
                    _("Les lignes %(first)s et %(row)s décrivent différemment la même personne.")
                    % {"first": plan.first_row, "row": row.number},
                )

    # --- The pathway ----------------------------------------------------------------------

    def pathways_of(self, person: Person) -> list[Enrolment]:
        """The person's stored pathways in the service (one query per person)."""
        if person.pk is None:
            return []
        if person.pk not in self.stored_pathways:  # not prefetched
            self.stored_pathways[person.pk] = list(self.pathways_query().filter(person=person))
        return self.stored_pathways[person.pk]

    def plan_pathway(self, person_plan: PersonPlan, row: InputRow, pathway_id: str, result) -> RowPlan | None:
        values = row.values
        form_keys = list(PathwayRowForm.base_fields)
        data = {
            key: values.get(key) for key in form_keys if filled(values.get(key)) and key not in row.errors
        }
        form = self.forms.bind(PathwayRowForm, data)
        valid = form.is_valid()
        if not valid:
            self.form_errors(form, data, row, result)
        cleaned = {key: form.cleaned_data.get(key) for key in form_keys if filled(data.get(key))}
        referral = cleaned.get("referral_date")
        if referral is None:
            return None
        person = person_plan.person
        if pathway_id and pathway_id in self.pathway_by_id:
            result.refuse(
                self.header("pathway_external_id"),
                _("Ligne en double de la ligne %(row)s (le même parcours).")
                % {"row": self.pathway_by_id[pathway_id]},
            )
            return None
        for earlier in person_plan.pathways:
            if earlier.referral_date == referral:
                result.refuse(
                    self.header("referral_date"),
                    _("Ligne en double de la ligne %(row)s (le même parcours).") % {"row": earlier.number},
                )
                return None
        stored = self.keyed_pathways.get(pathway_id) if pathway_id else None
        if stored is not None and stored.referral_date != referral:
            result.refuse(
                self.header("referral_date"),
                _(
                    "La date d'orientation de ce parcours est le %(day)s : elle ne se modifie pas par un import."
                )
                % {"day": short(stored.referral_date)},
            )
            return None
        if stored is None:
            stored = next((e for e in self.pathways_of(person) if e.referral_date == referral), None)
        if stored is not None:
            stored = next((e for e in self.pathways_of(person) if e.pk == stored.pk), stored)
            plan = RowPlan(row.number, result, person_plan, stored, is_new=False)
        else:
            enrolment = Enrolment(
                organisation_id=self.organisation_id,
                service=self.service,
                person=person,
                referral_date=referral,
                intake_date=cleaned.get("intake_date"),
                referral_reason=cleaned.get("referral_reason", ""),
            )
            plan = RowPlan(row.number, result, person_plan, enrolment, is_new=True)
        if pathway_id:
            plan.pathway_ids.add(pathway_id)
            self.pathway_by_id[pathway_id] = plan.number
        self.plans.append(plan)
        person_plan.pathways += (plan,)
        if not plan.is_new:
            self.matched.add(plan.enrolment.pk)
        if not valid:
            return plan
        self.plan_coach(plan, values.get("lead_coach"))
        self.plan_referent(plan, row)
        if plan.is_new:
            self.plan_new_pathway(plan, cleaned, row)
        else:
            self.plan_stored_pathway(plan, cleaned, row)
        return plan

    def plan_coach(self, plan: RowPlan, reference) -> None:
        if not filled(reference):
            return
        if reference not in self.coach_cache:
            if "@" in reference:
                found = [user for user in self.coach_list if user.email.upper() == reference.upper()][:2]
                message = _("Aucun·e job coach de ce service n'a l'adresse « %(value)s ».")
            else:
                found = [
                    user
                    for user in self.coach_list
                    if user.full_name and fold(user.full_name) == fold(reference)
                ]
                message = _(
                    "Aucun·e job coach de ce service ne s'appelle « %(value)s » : indiquez son adresse e-mail."
                )
                if len(found) > 1:
                    message = _(
                        "Plusieurs job coachs de ce service s'appellent « %(value)s » : indiquez son adresse e-mail."
                    )
            self.coach_cache[reference] = (
                found[0] if len(found) == 1 else None,
                message % {"value": reference},
            )
        coach, message = self.coach_cache[reference]
        if coach is None:
            plan.result.refuse(self.header("lead_coach"), message)
            return
        plan.coach = coach
        if not plan.is_new and plan.enrolment.primary_coach_id != coach.pk:
            plan.reassign = True

    def plan_referent(self, plan: RowPlan, row: InputRow) -> None:
        values = {
            name: row.values[key]
            for key, name in REFERENT_FIELDS.items()
            if filled(row.values.get(key)) and key not in row.errors
        }
        kind = row.values.get("referent_kind") or ""
        if not values:
            return
        kind = kind or ContactKind.REFERRING_PARTNER
        if kind == ContactKind.EMPLOYER:
            plan.result.refuse(
                self.header("referent_kind"),
                _("Les personnes rencontrées en entreprise s'importent avec le fichier des entreprises."),
            )
            return
        email = values.get("email", "").lower()
        key = (
            (kind, "email", email)
            if email
            else (kind, fold(values.get("full_name", "")), fold(values.get("partner_name", "")))
        )
        if key not in self.contacts:
            stored = Contact.objects.filter(
                organisation_id=self.organisation_id, kind=kind, company__isnull=True
            )
            if email:
                found = stored.filter(email__iexact=email).order_by("pk").first()
            else:
                found = next(
                    (
                        contact
                        for contact in stored.filter(full_name__iexact=values.get("full_name", "")).order_by(
                            "pk"
                        )
                        if fold(contact.partner_name) == key[2]
                    ),
                    None,
                )
                if found is None:
                    found = next(
                        (
                            contact
                            for contact in stored.order_by("pk").only("pk", "full_name", "partner_name")
                            if fold(contact.full_name) == key[1] and fold(contact.partner_name) == key[2]
                        ),
                        None,
                    )
                    found = Contact.objects.get(pk=found.pk) if found is not None else None
            if found is None:
                form = ContactForm(
                    {**values, "kind": kind}, instance=Contact(organisation_id=self.organisation_id)
                )
                if not form.is_valid():
                    columns = {name: key_ for key_, name in REFERENT_FIELDS.items()} | {
                        "kind": "referent_kind"
                    }
                    self.form_errors(form, values, row, plan.result, columns)
                    return
                found = form.instance
            self.contacts[key] = ContactPlan(found, row.number)
        contact_plan = self.contacts[key]
        if kind == ContactKind.REFERRING_PARTNER:
            plan.referrer = contact_plan
            if not plan.is_new and (
                contact_plan.is_new or plan.enrolment.referred_by_id != contact_plan.contact.pk
            ):
                plan.enrolment_changes["referred_by"] = contact_plan
        else:
            person = plan.person.person
            linked = (
                not contact_plan.is_new
                and person.pk is not None
                and PersonContact.objects.filter(
                    person=person, contact=contact_plan.contact, relation=kind
                ).exists()
            )
            if not linked:
                plan.link = (contact_plan, kind)

    def entry_form(self, plan: RowPlan, row: InputRow) -> dict | None:
        data = {key: row.values[key] for key in ENTRY_FIELDS if key in row.values and key not in row.errors}
        if not data.get("rqth_status"):
            data["rqth_status"] = RqthStatus.NONE
        form = self.forms.bind(EntrySituationForm, data)
        if not form.is_valid():
            self.form_errors(form, data, row, plan.result)
            return None
        return form.cleaned_data

    def check_suspensions(self, plan: RowPlan, suspensions, stored=()) -> bool:
        """`suspend`'s rules on the file's suspensions, between them and with the stored ones."""
        enrolment, result = plan.enrolment, plan.result
        far = date.max
        taken = [(s.start_date, s.end_date) for s in stored]
        for start, end, _reason in suspensions:
            ok = self.check(
                result,
                "suspensions",
                pathways.not_before,
                "start_date",
                start,
                enrolment.referral_date,
                _("La suspension"),
                _("l'orientation"),
            ) and self.check(
                result,
                "suspensions",
                pathways.not_in_future,
                "start_date",
                start,
                _("Le début de la suspension"),
            )
            if ok and end is not None:
                ok = self.check(
                    result,
                    "suspensions",
                    pathways.not_before,
                    "end_date",
                    end,
                    start,
                    _("La fin de la suspension"),
                    _("son début"),
                )
            if not ok:
                return False
            if any(s <= (end or far) and start <= (e or far) for s, e in taken):
                result.refuse(
                    self.header("suspensions"),
                    _("Cette suspension chevauche une autre suspension du parcours."),
                )
                return False
            taken.append((start, end))
        return True

    def check_exit(self, plan: RowPlan, exit_date, latest: date, last_suspension: date | None) -> None:
        """`record_exit`'s rules but the job's (checked with the run's jobs: `check_planned`)."""
        result = plan.result
        self.check(
            result,
            "exit_date",
            pathways.not_before,
            "exit_date",
            exit_date,
            latest,
            _("La sortie"),
            _("la dernière étape"),
        )
        if last_suspension is not None:
            self.check(
                result,
                "exit_date",
                pathways.not_before,
                "exit_date",
                exit_date,
                last_suspension,
                _("La sortie"),
                _("la dernière suspension"),
            )

    def exit_of(self, cleaned) -> dict | None:
        if cleaned.get("exit_date") is None:
            return None
        return {
            "on": cleaned["exit_date"],
            "outcome": cleaned["exit_outcome"],
            "comment": cleaned.get("exit_comment", ""),
            "reoriented_to": cleaned.get("reoriented_to", ""),
        }

    def overlapping(self, plan: RowPlan, referral: date, exit_date: date | None) -> str | None:
        """Why the person cannot have this new pathway in the service beside their others."""
        far = date.max
        others = [
            (e.referral_date, e.exit_date, None)
            for e in self.pathways_of(plan.person.person)
            if e.pk not in self.matched
        ]
        others += [(p.referral_date, p.end, p) for p in plan.person.pathways if p is not plan]
        for start, end, other in others:
            if other is None and end is None:
                return _("Cette personne a déjà un parcours en cours dans ce service.")
            if start < (exit_date or far) and referral < (end or far):
                return _("Cette personne a déjà un parcours en cours dans ce service.")
            if other is not None and other.exit_later and start < referral:
                return _(
                    "La ligne %(row)s termine un parcours précédent de cette personne par une sortie en emploi : "
                    "importez ce parcours-ci dans un second import."
                ) % {"row": other.number}
        return None

    def plan_new_pathway(self, plan: RowPlan, cleaned, row: InputRow) -> None:
        result, enrolment, person = plan.result, plan.enrolment, plan.person.person
        if person.pk is not None and person.is_anonymised:
            result.refuse(None, str(ANONYMISED_RECORD))
            return
        plan.exit = self.exit_of(cleaned)
        problem = self.overlapping(plan, enrolment.referral_date, plan.exit["on"] if plan.exit else None)
        if problem:
            result.refuse(self.header("referral_date"), problem)
            return
        entry = self.entry_form(plan, row)
        if entry is None:
            return
        plan.entry = entry
        enrolment.primary_coach = plan.coach
        base = Phase.INTAKE if enrolment.intake_date else Phase.REFERRAL
        latest = enrolment.intake_date or enrolment.referral_date
        phase = cleaned.get("phase")
        if phase and phase != Phase.EXIT:
            if phase_index(phase) < phase_index(base):
                result.refuse(
                    self.header("phase"),
                    _("Le parcours a une date d'entrée : son étape ne peut pas être « %(phase)s ».")
                    % {"phase": Phase(phase).label},
                )
                return
            if phase != base:
                since = cleaned.get("phase_since") or latest
                if not (
                    self.check(
                        result,
                        "phase_since",
                        pathways.not_in_future,
                        "changed_on",
                        since,
                        _("Un changement d'étape"),
                    )
                    and self.check(
                        result,
                        "phase_since",
                        pathways.not_before,
                        "changed_on",
                        since,
                        latest,
                        _("Ce changement d'étape"),
                        _("le précédent"),
                    )
                ):
                    return
                plan.phase = (phase, since)
                latest = since
        suspensions = list(row.values.get("suspensions") or ())
        if not self.check_suspensions(plan, suspensions):
            return
        plan.suspensions = suspensions
        # `enrol` plans from the intake, else the referral; `change_phase` to the intake again.
        start = enrolment.intake_date or enrolment.referral_date
        if plan.phase and plan.phase[0] == Phase.INTAKE:
            start = plan.phase[1]
        self.plan_planned_end(
            plan, cleaned, computed=pathways.planned_end(self.service.programme_type, start)
        )
        if plan.exit is not None:
            last = max((start for start, _end, _reason in suspensions), default=None)
            self.check_exit(plan, plan.exit["on"], latest, last)

    def plan_planned_end(self, plan: RowPlan, cleaned, computed: date | None) -> None:
        wanted = cleaned.get("planned_end_date")
        if wanted is None or wanted == computed:
            return
        message = None
        if computed is None:
            message = _("Ce programme n'a pas de durée limitée : rien à renouveler.")
        elif wanted < computed:
            message = _("La nouvelle fin prévue doit suivre la fin actuelle (%(end)s).") % {
                "end": short(computed)
            }
        elif not plan.enrolment.is_current:
            message = _("Ce parcours est terminé.")
        if message:
            plan.result.refuse(self.header("planned_end_date"), message)
            return
        plan.renewal = wanted

    def plan_stored_pathway(self, plan: RowPlan, cleaned, row: InputRow) -> None:
        result, enrolment = plan.result, plan.enrolment
        reason = cleaned.get("referral_reason")
        if reason and reason != enrolment.referral_reason:
            plan.enrolment_changes["referral_reason"] = reason
        self.compare_entry(plan, row)
        # Prefetched (`pathways_query`): sorted here rather than queried again.
        changes = sorted(enrolment.phase_changes.all(), key=lambda c: (c.changed_on, c.recorded_at, c.pk))
        latest = changes[-1].changed_on if changes else enrolment.referral_date
        current = enrolment.is_current
        intake = cleaned.get("intake_date")
        if intake is not None and intake != enrolment.intake_date:
            if enrolment.intake_date is not None:
                result.refuse(
                    self.header("intake_date"),
                    _("La date d'entrée enregistrée est le %(day)s : corrigez-la dans le dossier.")
                    % {"day": short(enrolment.intake_date)},
                )
                return
            if not current or enrolment.phase != Phase.REFERRAL:
                result.refuse(self.header("intake_date"), self.history_message())
                return
            if not self.check(
                result,
                "intake_date",
                pathways.not_before,
                "changed_on",
                intake,
                latest,
                _("Ce changement d'étape"),
                _("le précédent"),
            ):
                return
            plan.intake, latest = intake, intake
        phase = cleaned.get("phase")
        stored_phase = Phase.INTAKE if plan.intake else enrolment.phase
        # An exited pathway's phase before its exit is history: the exit columns are compared.
        exited_here = cleaned.get("exit_date") is not None and (phase == Phase.EXIT or not current)
        if phase and phase != stored_phase and not exited_here:
            if not current or phase == Phase.EXIT or phase_index(phase) < phase_index(stored_phase):
                result.refuse(self.header("phase"), self.history_message())
                return
            since = cleaned.get("phase_since") or pathways.today()
            if not self.check(
                result,
                "phase_since",
                pathways.not_before,
                "changed_on",
                since,
                latest,
                _("Ce changement d'étape"),
                _("le précédent"),
            ) or not self.check(
                result, "phase_since", pathways.not_in_future, "changed_on", since, _("Un changement d'étape")
            ):
                return
            plan.phase, latest = (phase, since), since
        stored_suspensions = sorted(enrolment.suspensions.all(), key=lambda s: (s.start_date, s.pk))
        by_start = {s.start_date: s for s in stored_suspensions}
        new = []
        for start, end, reason in row.values.get("suspensions") or ():
            known = by_start.get(start)
            if known is None:
                new.append((start, end, reason))
            elif end is not None and known.end_date is None and current:
                if self.check(
                    result,
                    "suspensions",
                    pathways.not_before,
                    "end_date",
                    end,
                    start,
                    _("La fin de la suspension"),
                    _("son début"),
                ) and self.check(
                    result,
                    "suspensions",
                    pathways.not_in_future,
                    "end_date",
                    end,
                    _("La fin de la suspension"),
                ):
                    plan.ended_suspensions.append((known, end))
            elif (end is not None and known.end_date != end) or known.reason != reason:
                result.refuse(
                    self.header("suspensions"),
                    _("La suspension du %(day)s est enregistrée autrement : corrigez-la dans le dossier.")
                    % {"day": short(start)},
                )
        if new and not current:
            result.refuse(
                self.header("suspensions"), _("Ce parcours est terminé : il ne peut plus être suspendu.")
            )
        elif new:
            stored_open = [s for s in stored_suspensions if s not in [k for k, _e in plan.ended_suspensions]]
            ended = [copy.copy(k) for k, _e in plan.ended_suspensions]
            for suspension, (_k, end) in zip(ended, plan.ended_suspensions, strict=True):
                suspension.end_date = end
            if self.check_suspensions(plan, new, stored_open + ended):
                plan.suspensions = new
        self.plan_planned_end(plan, cleaned, computed=enrolment.planned_end_date)
        exit_ = self.exit_of(cleaned)
        if exit_ is None:
            return
        if not current:
            same = exit_["on"] == enrolment.exit_date and exit_["outcome"] == enrolment.exit_outcome
            same = same and all(
                not exit_[name]
                or exit_[name] == getattr(enrolment, name if name != "comment" else "exit_comment")
                for name in ("comment", "reoriented_to")
            )
            if not same:
                result.refuse(
                    self.header("exit_date"),
                    _(
                        "La sortie enregistrée (%(day)s, %(outcome)s) diffère : rouvrez le parcours dans le "
                        "dossier si elle est fausse."
                    )
                    % {"day": short(enrolment.exit_date), "outcome": enrolment.get_exit_outcome_display()},
                )
            return
        plan.exit = exit_
        starts = [s.start_date for s in stored_suspensions] + [start for start, _e, _r in plan.suspensions]
        self.check_exit(plan, exit_["on"], latest, max(starts, default=None))

    @staticmethod
    def history_message() -> str:
        return _("L'historique des étapes ne se réécrit pas par un import : changez l'étape dans le dossier.")

    def compare_entry(self, plan: RowPlan, row: InputRow) -> None:
        """The situation at entry is a snapshot: a difference is said, never written."""
        try:
            stored = plan.enrolment.entry_situation
        except Enrolment.entry_situation.RelatedObjectDoesNotExist:
            return
        differs = [
            key
            for key in ENTRY_FIELDS
            if filled(row.values.get(key))
            and key not in row.errors
            and getattr(stored, key) != row.values[key]
        ]
        if differs:
            plan.result.note(
                None,
                _("Situation à l'entrée différente de celle enregistrée : non modifiée (%(columns)s).")
                % {"columns": ", ".join(f"« {self.header(key) or key} »" for key in differs)},
            )

    def register(self, plan: RowPlan, values) -> None:
        """The pathway as the later kinds of the run see it."""
        if not self.context.wants_pathways:
            return
        enrolment = plan.enrolment
        exit_date = plan.exit["on"] if plan.exit else enrolment.exit_date
        outcome = plan.exit["outcome"] if plan.exit else enrolment.exit_outcome
        planned = PlannedPathway(enrolment, plan.number, plan.result, exit_date, outcome or "")
        for pathway_id in plan.pathway_ids:
            self.context.pathways_by_external_id[pathway_id] = planned
        for person_id in plan.person.external_ids:
            self.context.pathways_by_person_external_id[person_id].append(planned)
        person = plan.person.person
        for last in {person.birth_name, person.usual_name} - {""}:
            self.context.pathways_by_identity[
                identity_key(person.first_name, last, person.date_of_birth)
            ].append(planned)

    def outcome(self, plan: RowPlan) -> None:
        result = plan.result
        person = plan.person
        fields = []
        if person.first_row == plan.number and not person.is_new:
            fields += sorted(person.changes)
        if not plan.is_new:
            fields += sorted(name for name in plan.enrolment_changes)
            fields += ["primary_coach"] if plan.reassign else []
            fields += ["intake_date"] if plan.intake else []
            fields += ["phase"] if plan.phase else []
            fields += ["suspensions"] if plan.suspensions or plan.ended_suspensions else []
            fields += ["planned_end_date"] if plan.renewal else []
            fields += ["exit"] if plan.exit else []
            fields += ["contacts"] if plan.link else []
        if plan.is_new or (person.is_new and person.first_row == plan.number):
            result.outcome = Outcome.CREATED
        elif fields:
            result.outcome = Outcome.UPDATED
            result.fields = fields

    def check_planned(self, context: RunContext) -> None:
        """The dry run's reading of the exits into employment: a job of the pathway, stored or
        planned by the run's placements, must support it on the exit day."""
        jobs_of = defaultdict(list)  # by the pathway's instance and id: one pass over the jobs
        for job in context.planned_jobs:
            held = job._state.fields_cache.get("enrolment")
            for key in {("instance", id(held)) if held is not None else None, ("pk", job.enrolment_id)} - {
                None
            }:
                jobs_of[key].append(job)
        for plan in self.later:
            if plan.result.refused:
                continue
            on, outcome = plan.exit["on"], plan.exit["outcome"]
            candidates = jobs_of[("instance", id(plan.enrolment))]
            if plan.enrolment.pk is not None:
                candidates = {
                    id(job): job for job in candidates + jobs_of[("pk", plan.enrolment.pk)]
                }.values()
            jobs = [job for job in candidates if self.job_of(job, plan.enrolment)]
            supported = exits.outcomes_of_jobs(jobs, on)
            if plan.enrolment.pk is not None:
                supported |= exits.supported_outcomes(plan.enrolment, on)
            if outcome not in supported:
                plan.result.refuse(self.header("exit_outcome"), exits.refusal(outcome, on, supported))

    @staticmethod
    def job_of(job, enrolment) -> bool:
        held = job._state.fields_cache.get("enrolment")
        if held is not None:
            return held is enrolment or (enrolment.pk is not None and held.pk == enrolment.pk)
        return enrolment.pk is not None and job.enrolment_id == enrolment.pk

    # --- Write ----------------------------------------------------------------------------

    def write(self, plans: list[RowPlan], *, run=None) -> None:
        """Writes the plan through the domain; the caller holds the transaction and the lock.

        The new pathways go through the domain's bulk twin (`write_in_bulk`) unless a step of one
        of their person's new pathways needs a single function (a renewal); the rest (re-imports,
        renewals) row by row, first, per person in referral order so that an earlier pathway's
        exit precedes the next one."""
        single = {id(plan.person) for plan in plans if plan.is_new and plan.renewal is not None}
        bulk = [plan for plan in plans if plan.is_new and id(plan.person) not in single]
        taken = {id(plan) for plan in bulk}
        self.write_one_by_one([plan for plan in plans if id(plan) not in taken])
        self.write_in_bulk(bulk)
        self.write_keys(plans, run)

    def write_one_by_one(self, plans: list[RowPlan]) -> None:
        for plan in sorted(plans, key=lambda p: p.enrolment.referral_date):
            try:
                self.write_person(plan.person)
                self.write_contact(plan.referrer)
                if plan.link:
                    self.write_contact(plan.link[0])
                if plan.is_new:
                    self.write_new_pathway(plan)
                else:
                    self.write_stored_pathway(plan)
                self.write_link(plan)
                if plan.exit is not None and not plan.exit_later:
                    pathways.record_exit(plan.enrolment, by=self.user, **plan.exit)
            except people.PossibleDuplicate:
                raise WriteRefused(plan.number, [self.unreachable_message()], self.kind) from None
            except ValidationError as error:
                raise WriteRefused(plan.number, error.messages, self.kind) from error

    def write_in_bulk(self, plans: list[RowPlan]) -> None:
        """New pathways, and their new people, through `create_people` and
        `open_imported_pathways`: the same rules and rows as `write_one_by_one`, a few queries per
        500 rows. An exit into employment is left to `finish`."""
        if not plans:
            return
        new_people, seen = [], set()
        for plan in plans:
            person_plan = plan.person
            if id(person_plan) in seen:
                continue
            seen.add(id(person_plan))
            if person_plan.is_new:
                new_people.append(person_plan)
                continue
            try:
                self.write_person(person_plan)
            except ValidationError as error:
                raise WriteRefused(plan.number, error.messages, self.kind) from error
        for plan in plans:  # each new contact once (`write_contact` skips the saved ones)
            self.write_contact(plan.referrer)
            if plan.link:
                self.write_contact(plan.link[0])
        people.create_people([person_plan.person for person_plan in new_people], by=self.user)
        for person_plan in new_people:
            person_plan.written = True
        ordered = sorted(plans, key=lambda p: p.enrolment.referral_date)  # an exit before the next pathway
        by_spec = {}
        specs = []
        for plan in ordered:
            spec = self.imported_pathway(plan)
            by_spec[id(spec)] = plan
            specs.append(spec)
        try:
            opened = pathways.open_imported_pathways(specs, by=self.user)
        except pathways.PathwayRefused as error:
            raise WriteRefused(by_spec[id(error.spec)].number, error.messages, self.kind) from error
        for plan, saved in zip(ordered, opened, strict=True):
            self.become(plan.enrolment, saved)
        for plan in ordered:  # another kind of referent than the referrer: few rows
            self.write_link(plan)

    def write_link(self, plan: RowPlan) -> None:
        """The row's referent of another kind than the referrer, linked to the person once."""
        if plan.link:
            contact_plan, relation = plan.link
            PersonContact.objects.get_or_create(
                person=plan.person.person,
                contact=contact_plan.contact,
                relation=relation,
                defaults={"organisation_id": self.organisation_id},
            )

    def imported_pathway(self, plan: RowPlan) -> pathways.ImportedPathway:
        enrolment = plan.enrolment
        phase, since = plan.phase if plan.phase else (None, None)
        exit_ = plan.exit if plan.exit is not None and not plan.exit_later else None
        return pathways.ImportedPathway(
            person=plan.person.person,
            service=self.service,
            referral_date=enrolment.referral_date,
            entry=plan.entry,
            intake_date=enrolment.intake_date,
            referral_reason=enrolment.referral_reason,
            primary_coach=plan.coach,
            referred_by=plan.referrer.contact if plan.referrer else None,
            phase=phase,
            since=since,
            phase_comment=IMPORT_COMMENT if phase else "",
            suspensions=[
                pathways.ImportedSuspension(start, end, reason) for start, end, reason in plan.suspensions
            ],
            exit=pathways.ImportedExit(
                on=exit_["on"],
                outcome=exit_["outcome"],
                comment=exit_["comment"],
                reoriented_to=exit_["reoriented_to"],
            )
            if exit_
            else None,
        )

    @staticmethod
    def become(planned: Enrolment, saved: Enrolment) -> None:
        """The later kinds hold `planned`: it becomes the saved pathway."""
        for model_field in Enrolment._meta.concrete_fields:
            setattr(planned, model_field.attname, getattr(saved, model_field.attname))
        planned._state.adding, planned._state.db = False, saved._state.db

    def write_person(self, plan: PersonPlan) -> None:
        person = plan.person
        if person.pk is None:
            people.create_person(person, by=self.user, homonym_confirmed=plan.homonym)
        elif plan.changes and not getattr(plan, "written", False):
            claim(person)
            for name, value in plan.changes.items():
                setattr(person, name, value)
            person.save(update_fields=[*plan.changes, "search_name", "sort_name", "updated_at"])
        plan.written = True

    @staticmethod
    def write_contact(contact_plan: ContactPlan | None) -> None:
        if contact_plan is not None and contact_plan.contact.pk is None:
            contact_plan.contact.save()

    def write_new_pathway(self, plan: RowPlan) -> None:
        planned = plan.enrolment
        saved = pathways.enrol(
            plan.person.person,
            self.service,
            by=self.user,
            referral_date=planned.referral_date,
            entry=plan.entry,
            referral_reason=planned.referral_reason,
            referred_by=plan.referrer.contact if plan.referrer else None,
            intake_date=planned.intake_date,
            primary_coach=plan.coach,
        )
        self.become(planned, saved)
        self.write_steps(plan)

    def write_steps(self, plan: RowPlan) -> None:
        enrolment = plan.enrolment
        if plan.intake is not None:
            pathways.change_phase(enrolment, Phase.INTAKE, plan.intake, self.user, comment=IMPORT_COMMENT)
        if plan.phase is not None:
            pathways.change_phase(enrolment, plan.phase[0], plan.phase[1], self.user, comment=IMPORT_COMMENT)
        for suspension, end in plan.ended_suspensions:
            pathways.end_suspension(suspension, end)
        for start, end, reason in plan.suspensions:
            pathways.suspend(enrolment, start=start, end=end, reason=reason, by=self.user)
        if plan.renewal is not None:
            pathways.renew(
                enrolment,
                decided_on=pathways.today(),
                renewed=True,
                new_end_date=plan.renewal,
                by=self.user,
                comment=_("Fin prévue reprise de l'import"),
            )

    def write_stored_pathway(self, plan: RowPlan) -> None:
        enrolment = plan.enrolment
        if plan.enrolment_changes:
            bump(enrolment)
            for name, value in plan.enrolment_changes.items():
                setattr(enrolment, name, value.contact if isinstance(value, ContactPlan) else value)
            enrolment.save(update_fields=list(plan.enrolment_changes))
            if "referred_by" in plan.enrolment_changes:
                pathways.link_referrer(enrolment)
        if plan.reassign:
            pathways.reassign(enrolment, plan.coach, self.user)
        self.write_steps(plan)

    def write_keys(self, plans: list[RowPlan], run) -> None:
        """The external ids not known yet in the service, in bulk (the first row naming one wins)."""
        wanted: dict[tuple[str, str], dict] = {}
        for plan in plans:
            for kind, ids, target in (
                (KeyKind.PERSON, plan.person.external_ids, {"person": plan.person.person}),
                (KeyKind.PATHWAY, plan.pathway_ids, {"enrolment": plan.enrolment}),
            ):
                for external_id in sorted(ids):
                    wanted.setdefault((kind, external_id), target)
        for kind in (KeyKind.PERSON, KeyKind.PATHWAY):
            ids = [external_id for key_kind, external_id in wanted if key_kind == kind]
            known = set()
            for chunk in chunks(ids):
                known |= set(
                    ImportedKey.objects.filter(
                        service=self.service, kind=kind, external_id__in=chunk
                    ).values_list("external_id", flat=True)
                )
            bulk.insert(
                ImportedKey,
                [
                    ImportedKey(
                        organisation_id=self.organisation_id,
                        service=self.service,
                        kind=kind,
                        external_id=external_id,
                        run=run,
                        **wanted[(kind, external_id)],
                    )
                    for external_id in ids
                    if external_id not in known
                ],
                ids=False,
            )

    def finish(self, *, run=None) -> None:
        """The exits into employment, once the run's jobs are written (`record_exit` checks them)."""
        for plan in self.later:
            try:
                pathways.record_exit(plan.enrolment, by=self.user, **plan.exit)
            except ValidationError as error:
                raise WriteRefused(plan.number, error.messages, self.kind) from error
