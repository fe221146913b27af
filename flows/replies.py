"""What the engine answers: a reply, or a clear rejection. Fronts turn these into a medium."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fractions import Fraction

    from flows.analysis import AnalysisReport
    from flows.model import Walkaway
    from flows.practice.debrief import OfferPath
    from flows.vocabulary import WarningCode


@dataclass(frozen=True)
class WarningItem:
    """A pitfall the coach caught, with the move that corrects it."""

    code: WarningCode
    message: str
    suggestion: str
    # Shown before for the same cause in this deal: fronts show a short "still open" line.
    repeat: bool = False


@dataclass(frozen=True)
class Table:
    """Rows to show side by side (the concession log, the MESO grid)."""

    headers: list[str]
    rows: list[list[str]]

    def as_text(self) -> str:
        """The table as aligned plain text."""
        widths = [len(h) for h in self.headers]
        for row in self.rows:
            widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
        lines = [self._line(self.headers, widths), self._line(["-" * w for w in widths], widths)]
        lines += [self._line(row, widths) for row in self.rows]
        return "\n".join(lines)

    @staticmethod
    def _line(cells: list[str], widths: list[int]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()


@dataclass(frozen=True)
class Notice:
    """A message the coach sends someone else because of a command (a manager's nudge).

    Fronts deliver it after the command's transaction commits; ``kind`` and ``key`` make
    it unique, so it can be queued once and never sent twice.
    """

    user_id: str
    kind: str
    key: str
    text: str
    deal: str | None = None
    gap: str = ""
    lines: list[str] = field(default_factory=list)
    # Command lines the recipient may want to run (fronts show them as buttons).
    next_steps: list[str] = field(default_factory=list)
    # User ids the text names as ``@<id>``; fronts may show those (and only those) as people.
    people: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Analysis:
    """The analysis an ``analyze`` reply was worded from, for a front to draw (a chart).

    Only a deal's own scoring sheet gives one (not the rough 1-5 issue matrix).
    """

    report: AnalysisReport
    # The deal's walk-away, for a front that draws it where it is in the sheet's units.
    walkaway: Walkaway | None = None
    # A rehearsal's debrief: its offers in order, for a front to draw as a path (the
    # report's package is then the agreed one, and ``points_walkaway`` the rep's walk-away
    # in the scenario's points).
    offers: OfferPath | None = None
    points_walkaway: Fraction | None = None


@dataclass
class Reply:
    """The coach's answer to one accepted command."""

    text: str
    deal: str | None = None
    phase: str | None = None
    warnings: list[WarningItem] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    table: Table | None = None
    # Commands the user is likely to want next (fronts may show them as buttons).
    next_steps: list[str] = field(default_factory=list)
    # The command that produced the reply, e.g. "give"; fronts use it for analytics.
    command: str = ""
    # Messages for other people that this command caused (see Notice).
    notices: list[Notice] = field(default_factory=list)
    # User ids the reply names as ``@<id>`` (see Notice.people).
    people: list[str] = field(default_factory=list)
    # The user's own risky line said the method's way (flows.rewrite); fronts offer it.
    better_line: str | None = None
    # How a plain line was read: the canonical command, or the list of a call recap
    # (``command == "recap"``: not yet run, the front asks to confirm). None when typed.
    read_as: str | list[str] | None = None
    # Text behind "More": background the user may want, not what matters now.
    details: list[str] = field(default_factory=list)
    # What the reply was computed from, for fronts to use; never shown as text.
    analysis: Analysis | None = field(default=None, compare=False, repr=False)

    def full_text(self) -> str:
        """The text with the table, if any, appended as plain text."""
        if self.table is None:
            return self.text
        return f"{self.text}\n{self.table.as_text()}" if self.text else self.table.as_text()

    def to_json(self) -> dict[str, Any]:
        """The reply as the JSON object the terminal's ``--json`` mode prints."""
        doc: dict[str, Any] = {
            "deal": self.deal,
            "phase": self.phase,
            "text": self.full_text(),
            "warnings": [
                {
                    "code": w.code,
                    "message": w.message,
                    "suggestion": w.suggestion,
                    **({"repeat": True} if w.repeat else {}),
                }
                for w in self.warnings
            ],
            "lines": list(self.lines),
            "details": list(self.details),
        }
        if self.read_as is not None:
            doc["read_as"] = self.read_as
        if self.better_line is not None:
            doc["better_line"] = self.better_line
        return doc

    @property
    def is_recap(self) -> bool:
        """A call recap read into several moves that wait for the user's confirmation."""
        return self.command == RECAP and isinstance(self.read_as, list)

    @property
    def recap_lines(self) -> list[str]:
        """The readings of a call recap waiting for confirmation (empty otherwise)."""
        return list(self.read_as) if self.is_recap and isinstance(self.read_as, list) else []


@dataclass(frozen=True)
class Rejection:
    """A command that was not accepted; nothing was stored."""

    code: str
    message: str
    usage: str = ""
    command: str = ""
    # For ``unclear``: the readings to choose from, each a command line to run as is.
    choices: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The rejection as the JSON object the terminal's ``--json`` mode prints."""
        error: dict[str, Any] = {"code": self.code, "message": self.message, "usage": self.usage}
        if self.choices:
            error["choices"] = list(self.choices)
        return {"error": error}


Outcome = Reply | Rejection

# The command name of a reply that holds a call recap waiting to be confirmed.
RECAP = "recap"
# The command name of a reply to a plain line that stores nothing (small talk, "no").
CHAT = "chat"


def merge_replies(replies: Sequence[Reply]) -> Reply:
    """Several replies as one: texts joined, warnings by code once, the last deal and phase.

    Args:
        replies: at least one reply, in the order their commands ran.

    """
    last = replies[-1]
    warnings = {w.code: w for r in replies for w in r.warnings}
    steps = list(dict.fromkeys(s for r in replies for s in r.next_steps))
    return Reply(
        text="\n".join(r.text for r in replies if r.text),
        deal=last.deal,
        phase=last.phase,
        warnings=list(warnings.values()),
        lines=list(last.lines),
        table=last.table,
        next_steps=steps,
        command=last.command,
        better_line=next((r.better_line for r in reversed(replies) if r.better_line), None),
        notices=[n for r in replies for n in r.notices],
        details=[d for r in replies for d in r.details],
        people=list(dict.fromkeys(p for r in replies for p in r.people)),
        analysis=next((r.analysis for r in reversed(replies) if r.analysis), None),
    )
