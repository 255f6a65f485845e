"""The jobs, internships and immersions of a service's file (docs/design/imports-plan.md §3, §4).

One row is one placement of a person's pathway in the run's service. The row names:

- its pathway, in order: « N° de parcours » (an `ImportedKey` of the service, or a pathway the
  same run's people file plans), else the person's external id, else their last name, first name
  and birth date (exact once folded, never near; each of their birth and usual names). When the
  person has had several pathways in the service, « Date d'orientation » says which; without it,
  the pathway whose period holds the start. Only the run's service is searched: a pathway of
  another service or organisation is "not found", in the same words as a typo;
- its company: « Identifiant de l'entreprise » (a key of the service, or a company the run's
  companies file plans), else the SIRET in the organisation, else the name when exactly one
  company of the organisation bears it (folded);
- its job title: « Code OGR du poste », else the label's exact folded match in the referential,
  else refused with the closest titles.

A key that is filled but finds nothing gives way to the next one. The row's details are checked
by the domain's own functions on in-memory objects (`check_details`, `check_duration` through it,
`normalised`, `check_open_record`, `check_end`), so the dry run says what the write would. The
write goes through `start_placement(history=True)` (a past placement may belong to an exited
pathway when it began on or before the exit), `update_placement` and `end_placement`: an
imported placement never moves the pathway's phase, which the people file states.

A placement is found again by its external id (`ImportedKey` of kind placement), else by its
pathway, kind, company and start. Found and not ended: the details that differ are corrected,
a new end is recorded; found and ended: identical is unchanged, different is refused (an ended
placement no longer changes). A blank cell never clears a stored value.
"""

import copy
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from filrouge.core.text import fold
from filrouge.employers.models import Company
from filrouge.imports.columns import PLACEMENTS, kind_of
from filrouge.imports.context import KindImport, PlannedPathway, RunContext, WriteRefused, identity_key
from filrouge.imports.models import ImportedKey, KeyKind
from filrouge.imports.rows import InputRow, Outcome, RowResult
from filrouge.pathways.models import Enrolment
from filrouge.placements import domain
from filrouge.placements.models import Placement, PlacementKind
from filrouge.referentials.models import JobTitle

# The details a row carries (the others of `domain.DETAIL_FIELDS`, tutor, opening and
# agreement, are not imported and stay as stored).
ROW_DETAILS = ("contract_type", "started_on", "planned_end_on", "hours_per_week", "objective")
# The end of a placement: the row's column → `end_placement`'s argument.
END_ARGUMENTS = {
    "ended_on": "ended_on",
    "end_reason": "reason",
    "end_comment": "comment",
    "assessment": "assessment",
    "led_to_job": "led_to_job",
}
IMMERSION_END = ("assessment", "led_to_job")  # an immersion's end only
END_STORED = {
    "ended_on": "ended_on",
    "end_reason": "end_reason",
    "end_comment": "end_comment",
    "assessment": "assessment",
    "led_to_job": "led_to_job",
}
# A domain error's field → the columns that feed it, the first mapped one named in the report.
FIELD_COLUMNS = {
    "company": ("company_external_id", "company_siret", "company_name"),
    "job_title": ("ogr_code", "job_title"),
    "reason": ("end_reason",),
    "comment": ("end_comment",),
    "kind": ("kind",),
}
# The cells that name the pathway: one unreadable, the row is refused for it alone.
PATHWAY_COLUMNS = (
    "pathway_external_id",
    "person_external_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "referral_date",
)
SUGGESTIONS = 3
# What the checks of a stored placement read (`check_details`), loaded with it.
PLACEMENT_RELATED = ("company", "job_title", "tutor", "opening", "agreement")


def filled(value) -> bool:
    return value not in (None, "")


def identity(instance) -> tuple:
    """A record's identity in the run: its primary key, or the object itself while unsaved."""
    return ("pk", instance.pk) if instance.pk is not None else ("new", id(instance))


@dataclass
class PathwayView:
    """What the domain's checks read of a pathway, for one the run plans or changes: the people
    file may give a stored pathway an exit that is written only before the placements."""

    organisation_id: int
    referral_date: date
    person_id: int | None
    person: object
    exit_date: date | None

    @property
    def is_current(self) -> bool:
        return self.exit_date is None


@dataclass
class Candidate:
    enrolment: Enrolment
    exit_date: date | None


@dataclass
class PlacementPlan:
    row: int
    enrolment: Enrolment  # planned by the people kind (unsaved until it writes) or stored
    kind: str
    details: dict  # `domain.DETAIL_FIELDS`, normalised: what the placement holds after the write
    placement: Placement | None = None  # the stored placement found again
    update: bool = False  # `update_placement` with `details`
    end: dict | None = None  # `end_placement`'s arguments
    external_id: str = ""

    @property
    def is_new(self) -> bool:
        return self.placement is None


@dataclass
class Resolved:
    candidate: Candidate | None = None
    company: Company | None = None
    job_title: JobTitle | None = None
    refusals: list = field(default_factory=list)  # (column key or None, message)


class PlacementsImport(KindImport):
    kind = "placements"

    def __init__(self, *, service, user, headers: dict[str, str], context: RunContext | None = None):
        super().__init__(service=service, user=user, headers=headers, context=context)
        self.spec = kind_of(PLACEMENTS)

    def refuse(self, result: RowResult, key: str | None, message: str) -> None:
        """A refusal named by its column's header; by the column's own name when the file does
        not have it (a stored value, or a rule on a column left out)."""
        if key is None or key in self.headers:
            result.refuse(self.header(key), message)
        elif key in self.spec.by_key:
            result.refuse(None, f"« {self.spec.column(key).label} » : {message}")
        else:
            result.refuse(None, message)

    def refuse_errors(self, result: RowResult, error: ValidationError) -> None:
        """The domain's refusals, each under the column that feeds its field."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.refuse(result, None, message)
            return
        for name, messages in error.message_dict.items():
            key = None
            if name != "__all__":
                keys = FIELD_COLUMNS.get(name, (name,))
                key = next((k for k in keys if k in self.headers), keys[0])
            for message in messages:
                self.refuse(result, key, message)

    # --- Plan -----------------------------------------------------------------------------

    def plan(self, rows: list[InputRow]) -> tuple[list[RowResult], list[PlacementPlan]]:
        """Each row's outcome, and what writing would do; reads only."""
        self.prefetch(rows)
        resolved = [self.resolve(row) for row in rows]
        self.load_placements(resolved)
        self.plans: list[PlacementPlan] = []
        self.seen_ids: dict[str, int] = {}
        self.seen_keys: dict[tuple, int] = {}
        results = [self.plan_row(row, found) for row, found in zip(rows, resolved, strict=True)]
        return results, self.plans

    def prefetch(self, rows: list[InputRow]) -> None:
        """The keys, pathways, companies and job titles the rows name, a query each."""

        def cells(key):
            return {row.values[key] for row in rows if filled(row.values.get(key))}

        keys = ImportedKey.objects.filter(service=self.service)
        self.pathway_keys = {
            key.external_id: key.enrolment_id
            for key in keys.filter(kind=KeyKind.PATHWAY, external_id__in=cells("pathway_external_id"))
        }
        self.person_keys = {
            key.external_id: key.person_id
            for key in keys.filter(kind=KeyKind.PERSON, external_id__in=cells("person_external_id"))
        }
        self.company_keys = {
            key.external_id: key.company
            for key in keys.filter(
                kind=KeyKind.COMPANY,
                external_id__in=cells("company_external_id"),
                company__organisation_id=self.organisation_id,
            ).select_related("company")
        }
        self.placement_keys = {
            key.external_id: key.placement
            for key in keys.filter(
                kind=KeyKind.PLACEMENT, external_id__in=cells("external_id")
            ).select_related(*(f"placement__{name}" for name in PLACEMENT_RELATED))
        }
        births = cells("date_of_birth")
        # The service's pathways the rows may name (never another service's: §6).
        pathways = Enrolment.objects.filter(service=self.service).select_related("person")
        wanted = (
            pathways.filter(pk__in=set(self.pathway_keys.values()))
            | pathways.filter(person_id__in=set(self.person_keys.values()))
            | pathways.filter(person__date_of_birth__in=births)
        )
        self.stored_pathways = {enrolment.pk: enrolment for enrolment in wanted.distinct()}
        self.by_person: dict[int, list[Enrolment]] = {}
        self.by_identity: dict[tuple, list[Enrolment]] = {}
        for enrolment in self.stored_pathways.values():
            person = enrolment.person
            self.by_person.setdefault(person.pk, []).append(enrolment)
            if person.is_anonymised:
                continue  # emptied names match nobody
            for last_name in {person.birth_name, person.usual_name} - {""}:
                key = identity_key(person.first_name, last_name, person.date_of_birth)
                self.by_identity.setdefault(key, []).append(enrolment)
        self.with_siret = {
            company.siret: company
            for company in Company.objects.filter(
                organisation_id=self.organisation_id, siret__in=cells("company_siret")
            )
        }
        self.names: dict[str, list[int]] | None = None  # folded name → company pks, loaded if needed
        self.named: dict[int, Company] = {}  # the companies found by their name, once each
        self.by_code = {title.pk: title for title in JobTitle.objects.filter(pk__in=cells("ogr_code"))}
        labels = {fold(label) for label in cells("job_title")}
        self.by_label = {
            title.search_label: title for title in JobTitle.objects.filter(search_label__in=labels)
        }
        self.suggestions: dict[str, list[str]] = {}

    # --- References -----------------------------------------------------------------------

    def resolve(self, row: InputRow) -> Resolved:
        found = Resolved()
        if not any(key in row.errors for key in PATHWAY_COLUMNS):
            self.resolve_pathway(row, found)
        if not any(key in row.errors for key in FIELD_COLUMNS["company"]):
            self.resolve_company(row, found)
        if not any(key in row.errors for key in FIELD_COLUMNS["job_title"]):
            self.resolve_job_title(row, found)
        return found

    def candidates(self, planned: list[PlannedPathway], stored: list[Enrolment]) -> list[Candidate]:
        """The run's own view first (it may give a stored pathway its exit), then the database."""
        found: dict[tuple, Candidate] = {}
        for one in planned:
            exit_date = one.exit_date or one.enrolment.exit_date
            found.setdefault(identity(one.enrolment), Candidate(one.enrolment, exit_date))
        for enrolment in stored:
            found.setdefault(identity(enrolment), Candidate(enrolment, enrolment.exit_date))
        return list(found.values())

    def resolve_pathway(self, row: InputRow, found: Resolved) -> None:
        values, context = row.values, self.context
        candidates: list[Candidate] = []
        pathway_id = values.get("pathway_external_id") or ""
        if pathway_id:
            planned = context.pathways_by_external_id.get(pathway_id)
            stored = self.stored_pathways.get(self.pathway_keys.get(pathway_id))
            candidates = self.candidates([planned] if planned else [], [stored] if stored else [])
        person_id = values.get("person_external_id") or ""
        if not candidates and person_id:
            stored = self.by_person.get(self.person_keys.get(person_id), [])
            candidates = self.candidates(context.pathways_by_person_external_id.get(person_id, []), stored)
        names = [values.get(key) for key in ("first_name", "last_name", "date_of_birth")]
        if not candidates and all(filled(value) for value in names):
            key = identity_key(*names)
            candidates = self.candidates(
                context.pathways_by_identity.get(key, []), self.by_identity.get(key, [])
            )
        if not candidates:
            found.refusals.append(
                (
                    None,
                    _(
                        "Aucun parcours de ce service ne correspond à cette ligne (N° de parcours, "
                        "identifiant de la personne, ou nom, prénom et date de naissance)."
                    ),
                )
            )
            return
        found.candidate = self.choose(candidates, values, found)

    def choose(self, candidates: list[Candidate], values: dict, found: Resolved) -> Candidate | None:
        """The person's pathway: the one referred on « Date d'orientation » when given; else the
        only one, or the one whose period holds the start."""
        referral = values.get("referral_date")
        if referral is not None:
            chosen = [c for c in candidates if c.enrolment.referral_date == referral]
            if len(chosen) == 1:
                return chosen[0]
            found.refusals.append(
                (
                    "referral_date",
                    _("Aucun parcours de cette personne dans ce service n'a été orienté le %(day)s.")
                    % {"day": date_format(referral, "DATE_FORMAT")},
                )
            )
            return None
        if len(candidates) == 1:
            return candidates[0]
        start = values.get("started_on")
        holding = [
            c
            for c in candidates
            if start is not None
            and c.enrolment.referral_date <= start
            and (c.exit_date is None or start <= c.exit_date)
        ]
        if len(holding) == 1:
            return holding[0]
        found.refusals.append(
            (
                "referral_date" if "referral_date" in self.headers else None,  # the message names it
                _(
                    "Cette personne a eu plusieurs parcours dans ce service : indiquez dans la colonne "
                    "« Date d'orientation » celui de cette expérience."
                ),
            )
        )
        return None

    def company_names(self) -> dict[str, list[int]]:
        if self.names is None:
            self.names = {}
            for pk, name in Company.objects.filter(organisation_id=self.organisation_id).values_list(
                "pk", "name"
            ):
                self.names.setdefault(fold(name), []).append(pk)
        return self.names

    def resolve_company(self, row: InputRow, found: Resolved) -> None:
        values, context = row.values, self.context
        company_id, siret = values.get("company_external_id") or "", values.get("company_siret") or ""
        company = None
        if company_id:
            company = context.companies_by_external_id.get(company_id) or self.company_keys.get(company_id)
        if company is None and siret:
            company = context.companies_by_siret.get(siret) or self.with_siret.get(siret)
        name = values.get("company_name") or ""
        if company is None and name:
            folded = fold(name)
            matches = {identity(c): c for c in context.companies_by_name.get(folded, [])}
            stored = [pk for pk in self.company_names().get(folded, []) if ("pk", pk) not in matches]
            if len(matches) + len(stored) > 1:
                found.refusals.append(
                    (
                        "company_name",
                        _("Plusieurs entreprises du répertoire s'appellent « %(name)s » : indiquez le SIRET.")
                        % {"name": name},
                    )
                )
                return
            if matches:
                company = next(iter(matches.values()))
            elif stored:
                if stored[0] not in self.named:
                    self.named[stored[0]] = Company.objects.get(pk=stored[0])
                company = self.named[stored[0]]
        if company is None:
            key = next((k for k in FIELD_COLUMNS["company"] if filled(values.get(k))), "company_name")
            found.refusals.append(
                (
                    key,
                    _(
                        "Aucune entreprise du répertoire ne correspond à cette ligne (identifiant, SIRET ou "
                        "nom) : importez d'abord l'entreprise, avec les autres fichiers ou avant."
                    ),
                )
            )
            return
        found.company = company

    def resolve_job_title(self, row: InputRow, found: Resolved) -> None:
        code, label = row.values.get("ogr_code"), row.values.get("job_title") or ""
        if code is not None:
            title = self.by_code.get(code)
            if title is None:
                found.refusals.append(
                    (
                        "ogr_code",
                        _("Aucun intitulé du référentiel des métiers n'a le code OGR %(code)s.")
                        % {"code": code},
                    )
                )
            found.job_title = title
            return
        if not label:
            found.refusals.append(
                (
                    "job_title",
                    _("Indiquez le poste : son intitulé dans le référentiel des métiers, ou son code OGR."),
                )
            )
            return
        title = self.by_label.get(fold(label))
        if title is not None:
            found.job_title = title
            return
        folded = fold(label)
        if folded not in self.suggestions:  # once per distinct label of the file
            self.suggestions[folded] = [t.label for t in JobTitle.objects.search(label)[:SUGGESTIONS]]
        close = self.suggestions[folded]
        if close:
            message = _(
                "« %(label)s » n'est pas un intitulé du référentiel des métiers. Intitulés proches : %(close)s."
            ) % {"label": label, "close": ", ".join(f"« {one} »" for one in close)}
        else:
            message = _(
                "« %(label)s » n'est pas un intitulé du référentiel des métiers, et aucun n'en est proche : "
                "indiquez le code OGR du poste."
            ) % {"label": label}
        found.refusals.append(("job_title", message))

    def load_placements(self, resolved: list[Resolved]) -> None:
        """The stored placements of the stored pathways the rows name, by their natural key."""
        pks = {r.candidate.enrolment.pk for r in resolved if r.candidate and r.candidate.enrolment.pk}
        self.stored_placements: dict[tuple, Placement] = {}
        placements = Placement.objects.filter(enrolment_id__in=pks).select_related(*PLACEMENT_RELATED)
        for placement in placements:
            key = (placement.enrolment_id, placement.kind, placement.company_id, placement.started_on)
            self.stored_placements.setdefault(key, placement)

    # --- Each row -------------------------------------------------------------------------

    def plan_row(self, row: InputRow, found: Resolved) -> RowResult:
        result = RowResult(row.number)
        for key, messages in row.errors.items():
            for message in messages:
                result.refuse(self.header(key), message)
        for key, message in found.refusals:
            self.refuse(result, key, message)
        values = row.values
        kind = values.get("kind")
        if result.refused or not kind or None in (found.candidate, found.company, found.job_title):
            return result
        candidate, enrolment = found.candidate, found.candidate.enrolment
        external_id = values.get("external_id") or ""
        placement = self.find_placement(row, external_id, enrolment, kind, found.company, result)
        if result.refused:
            return result
        stored = (
            {name: getattr(placement, name) for name in domain.DETAIL_FIELDS}
            if placement is not None
            else dict.fromkeys(domain.DETAIL_FIELDS)
        )
        wanted = dict(stored) | {"company": found.company, "job_title": found.job_title}
        wanted |= {name: values[name] for name in ROW_DETAILS if filled(values.get(name))}
        details = domain.normalised(kind, wanted)
        view = PathwayView(
            organisation_id=self.organisation_id,
            referral_date=enrolment.referral_date,
            person_id=enrolment.person_id,
            person=enrolment.person,
            exit_date=candidate.exit_date,
        )
        plan = PlacementPlan(
            row.number, enrolment, kind, details, placement=placement, external_id=external_id
        )
        errors = domain.Errors()
        changed: list[str] = []
        if placement is None:
            domain.check_open_record(view, errors, details["started_on"], history=True)
            domain.check_details(view, kind, details, errors)
        else:
            changed = [name for name in domain.DETAIL_FIELDS if self.differs(details[name], stored[name])]
            if changed and placement.ended_on is None:
                domain.check_ongoing(placement, errors)
                domain.check_details(view, kind, details, errors, current=placement)
                domain.check_renewed_end(placement, details["planned_end_on"], errors)
                plan.update = True
        ending = self.plan_end(values, kind, details, placement, errors, changed)
        if placement is not None and placement.ended_on is not None and (changed or ending):
            domain.check_ongoing(placement, errors)  # ended: refused with its message
        try:
            errors.raise_any()
        except ValidationError as error:
            self.refuse_errors(result, error)
            return result
        plan.end = ending
        if placement is None:
            result.outcome = Outcome.CREATED
        elif plan.update or plan.end:
            result.outcome = Outcome.UPDATED
            result.fields = changed + (["ended_on"] if plan.end else [])
        self.plans.append(plan)
        self.share(plan)
        return result

    @staticmethod
    def differs(new, old) -> bool:
        if isinstance(new, Company | JobTitle) or isinstance(old, Company | JobTitle):
            return getattr(new, "pk", None) != getattr(old, "pk", None)
        return new != old

    def find_placement(self, row, external_id, enrolment, kind, company, result) -> Placement | None:
        """The stored placement the row describes again, if any; a row describing the same
        placement as an earlier row is refused."""
        natural = (identity(enrolment), kind, identity(company), row.values.get("started_on"))
        earlier = self.seen_ids.get(external_id) if external_id else None
        earlier = earlier or self.seen_keys.get(natural)
        if earlier is not None:
            result.refuse(
                None,
                _("Les lignes %(first)s et %(row)s décrivent la même expérience.")
                % {"first": earlier, "row": row.number},
            )
            return None
        if external_id:
            self.seen_ids[external_id] = row.number
        self.seen_keys[natural] = row.number
        placement = self.placement_keys.get(external_id) if external_id else None
        if placement is not None:
            if placement.enrolment_id != enrolment.pk:
                self.refuse(
                    result,
                    "external_id",
                    _("L'identifiant « %(id)s » désigne une expérience d'un autre parcours.")
                    % {"id": external_id},
                )
                return None
            if placement.kind != kind or placement.started_on != row.values.get("started_on"):
                self.refuse(
                    result,
                    "external_id",
                    _(
                        "Le type et le début d'une expérience ne changent pas par un import : corrigez-les "
                        "dans le dossier de la personne."
                    ),
                )
                return None
            return placement
        if enrolment.pk is None or company.pk is None:
            return None
        return self.stored_placements.get((enrolment.pk, kind, company.pk, row.values.get("started_on")))

    def plan_end(self, values, kind, details, placement, errors, changed) -> dict | None:
        """The end to record (`end_placement`'s arguments), or None. A stored end is compared
        with the filled cells: a difference is a change of an ended placement."""
        keys = [key for key in END_ARGUMENTS if kind == PlacementKind.IMMERSION or key not in IMMERSION_END]
        cells = {key: values[key] for key in keys if filled(values.get(key))}
        if "ended_on" not in cells and "end_reason" not in cells:
            return None  # the assessment of an immersion under way: nothing to record yet
        if placement is not None and placement.ended_on is not None:
            for key, value in cells.items():
                if getattr(placement, END_STORED[key]) != (
                    value.strip() if isinstance(value, str) else value
                ):
                    changed.append(END_STORED[key])
            return None
        arguments = {argument: values.get(key) for key, argument in END_ARGUMENTS.items()}
        arguments["comment"] = arguments["comment"] or ""
        arguments["assessment"] = arguments["assessment"] or ""
        ended = Placement(kind=kind, started_on=details["started_on"])
        assessment, led_to_job = domain.check_end(
            ended,
            errors,
            ended_on=arguments["ended_on"],
            reason=arguments["reason"],
            assessment=arguments["assessment"],
            led_to_job=arguments["led_to_job"],
        )
        arguments["assessment"], arguments["led_to_job"] = assessment, led_to_job
        return arguments

    def share(self, plan: PlacementPlan) -> None:
        """A job, as it will stand once written, for the dry run's check of exits into
        employment (`RunContext.planned_jobs`)."""
        if plan.kind != PlacementKind.EMPLOYMENT:
            return
        job = copy.copy(plan.placement) if plan.placement is not None else Placement(kind=plan.kind)
        job.enrolment = plan.enrolment
        for name, value in plan.details.items():
            setattr(job, name, value)
        if plan.end:
            job.ended_on, job.end_reason = plan.end["ended_on"], plan.end["reason"]
        self.context.planned_jobs.append(job)

    # --- Write ----------------------------------------------------------------------------

    def write(self, plans: list[PlacementPlan], *, run=None) -> None:
        """Writes the plan through the domain; the caller holds the transaction and the lock.
        The people kind has written before: every planned pathway has its primary key."""
        for plan in plans:
            try:
                if plan.is_new:
                    # Read again: the people kind may have just recorded its exit.
                    enrolment = Enrolment.objects.select_related("person").get(pk=plan.enrolment.pk)
                    placement = domain.start_placement(
                        enrolment,
                        self.user,
                        kind=plan.kind,
                        move_to_employment=False,
                        history=True,
                        **plan.details,
                    )
                else:
                    placement = plan.placement
                    if plan.update:
                        placement = domain.update_placement(placement, self.user, **plan.details)
                if plan.end:
                    domain.end_placement(placement, self.user, **plan.end, next_phase=domain.KEEP_PHASE)
            except ValidationError as error:
                raise WriteRefused(plan.row, error.messages, kind=self.kind) from error
            if plan.external_id:
                ImportedKey.objects.get_or_create(
                    service=self.service,
                    kind=KeyKind.PLACEMENT,
                    external_id=plan.external_id,
                    defaults={"organisation_id": self.organisation_id, "placement": placement, "run": run},
                )
