"""What one row of an import becomes: its outcome and its messages, and the report of a file.

Row numbers are those the user's spreadsheet shows (`reading.Row.number`: the header is row 1 in
a file that starts with it); a message names the column by the header the user typed, not by
our key, or by nothing when it is about the whole row.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass
class InputRow:
    """A data row once read: every mapped cell parsed (`values`, by column key; a blank cell
    gives the parser's empty value) or its error (`errors`, by column key)."""

    number: int
    values: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)


@dataclass(slots=True)  # one per row of a file of up to 100,000 rows, kept for the report
class RowResult:
    number: int
    outcome: Outcome = Outcome.UNCHANGED
    # Tuples until there is something to say: most rows have nothing, and there may be 100,000.
    messages: tuple | list[tuple[str | None, str]] = ()  # (header or None, French)
    fields: tuple | list[str] = ()  # what changed (names, never values)

    def note(self, header: str | None, message: str) -> None:
        """A message that refuses nothing (a warning)."""
        self.messages = [*self.messages, (header, str(message))]

    def refuse(self, header: str | None, message: str) -> None:
        self.outcome = Outcome.REFUSED
        self.note(header, message)

    @property
    def refused(self) -> bool:
        return self.outcome == Outcome.REFUSED


@dataclass
class Report:
    """The outcome of one file (or sheet): a line per data row, the help and example rows
    skipped, and what refuses the file as a whole (a column missing, an unreadable file)."""

    kind: str
    results: list[RowResult] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return bool(self.problems) or any(result.refused for result in self.results)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((outcome.value for outcome in Outcome), 0)
        for result in self.results:
            counts[result.outcome.value] += 1
        counts["skipped"] = len(self.skipped)
        return counts

    def lines(self, limit: int | None = None) -> tuple[list[dict], bool]:
        """The report as stored on the run: one line per message, refusals first; and whether it
        was cut at `limit`."""
        lines = [
            {"kind": self.kind, "row": None, "column": None, "message": p, "outcome": "refused"}
            for p in self.problems
        ]
        for result in sorted(self.results, key=lambda r: (not r.refused, r.number)):
            for header, message in result.messages or [(None, "")]:
                lines.append(
                    {
                        "kind": self.kind,
                        "row": result.number,
                        "column": header,
                        "message": message,
                        "outcome": result.outcome.value,
                        "fields": result.fields,
                    }
                )
        if limit is not None and len(lines) > limit:
            return lines[:limit], True
        return lines, False
