"""What the kinds of one run share (docs/design/imports-plan.md §0.3, §5.1).

A run holds one to three sources, planned then written in the order companies → people →
placements. Each kind's importer plans against the database *and* against what the kinds planned
before it in the same run, so a placement row can name a company or a pathway the same run
creates: the planned records are the very model instances the write saves (unsaved during the
plan; they get their primary key when the earlier kind writes, before the later kind writes).

An importer (`kinds/*.py`) is built with `(service=, user=, headers=, context=)` and has:

- `plan(rows) -> (results, plans)`: reads only; registers what it plans in the context. With
  `segment_rows` set, it is called once per segment of that many rows, in the file's order, and
  keeps what later segments need; else once with every row;
- `write(plans, *, run)`: writes a segment's plans through the domain functions (the runner holds
  the transaction and the organisation's lock); raises `WriteRefused(row, messages)` when a domain
  function refuses;
- optionally `release(plans)`: a segment is done (planned, and written in an apply): what only it
  needed can go;
- optionally `finish(*, run)`: called after every kind wrote, in the same order (an exit into
  employment is recorded once the run's jobs exist);
- optionally `check_planned(context)`: called after every kind planned, in the same order (the
  dry run's reading of rules that need a later kind, e.g. an exit and the planned jobs).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date


class WriteRefused(Exception):
    """A domain function refused a row while writing (the state changed since the plan)."""

    def __init__(self, number: int, messages: list[str], kind: str = ""):
        super().__init__(number)
        self.number = number
        self.messages = messages
        self.kind = kind


def identity_key(first_name: str, last_name: str, born: date) -> tuple[str, str, date]:
    """How a placement row without ids names its person: folded first and last name, birth date
    (`core.text.fold`); a person is registered under each of their last names."""
    from filrouge.core.text import fold

    return fold(first_name), fold(last_name), born


@dataclass
class PlannedPathway:
    """A pathway of the run's people source (created or matched), as later kinds see it."""

    enrolment: object  # pathways.Enrolment, unsaved until the people kind writes
    row: int  # the people row that planned it
    result: object  # that row's rows.RowResult: a later kind may refuse it (dry run)
    exit_date: date | None = None
    exit_outcome: str = ""


@dataclass
class RunContext:
    service: object
    user: object
    kinds: frozenset = frozenset({"companies", "people", "placements"})  # the run's sources
    # Companies of the run's companies source, created or matched.
    companies_by_external_id: dict = field(default_factory=dict)  # id → Company
    companies_by_siret: dict = field(default_factory=dict)  # SIRET → Company
    companies_by_name: dict = field(default_factory=lambda: defaultdict(list))  # folded name → [Company]
    # Pathways of the run's people source, created or matched.
    pathways_by_external_id: dict = field(default_factory=dict)  # pathway id → PlannedPathway
    pathways_by_person_external_id: dict = field(default_factory=lambda: defaultdict(list))
    pathways_by_identity: dict = field(default_factory=lambda: defaultdict(list))  # identity_key → [...]
    # Jobs the placements kind plans to create, for the dry run's check of exits into employment.
    planned_jobs: list = field(default_factory=list)  # placements.Placement, unsaved
    # The run's pathways written with an exit into employment (pk → people row): checked against
    # the jobs once every kind wrote (`runs.verify_exits`).
    exit_rows: dict = field(default_factory=dict)

    @property
    def wants_pathways(self) -> bool:
        """Whether a later kind of the run reads the planned pathways (kept in memory only then)."""
        return "placements" in self.kinds


class KindImport:
    """What every kind's importer holds: the run's service, user and context, and the user's
    headers (column key → the header as typed) that its messages name."""

    kind = ""
    segment_rows: int | None = None  # rows planned (and written) at a time; None: the whole file

    def __init__(self, *, service, user, headers: dict[str, str], context: RunContext | None = None):
        self.service = service
        self.user = user
        self.organisation_id = service.organisation_id
        self.headers = headers
        self.context = context if context is not None else RunContext(service=service, user=user)

    def header(self, key: str | None) -> str | None:
        return self.headers.get(key) if key else None
