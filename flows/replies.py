"""What the engine answers: a reply, or a clear rejection. Fronts turn these into a medium."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class WarningItem:
    """A pitfall the coach caught, with the move that corrects it."""

    code: str
    message: str
    suggestion: str


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

    def full_text(self) -> str:
        """The text with the table, if any, appended as plain text."""
        if self.table is None:
            return self.text
        return f"{self.text}\n{self.table.as_text()}" if self.text else self.table.as_text()

    def to_json(self) -> dict[str, Any]:
        """The reply as the JSON object the terminal's ``--json`` mode prints."""
        return {
            "deal": self.deal,
            "phase": self.phase,
            "text": self.full_text(),
            "warnings": [
                {"code": w.code, "message": w.message, "suggestion": w.suggestion}
                for w in self.warnings
            ],
            "lines": list(self.lines),
        }


@dataclass(frozen=True)
class Rejection:
    """A command that was not accepted; nothing was stored."""

    code: str
    message: str
    usage: str = ""
    command: str = ""

    def to_json(self) -> dict[str, Any]:
        """The rejection as the JSON object the terminal's ``--json`` mode prints."""
        return {"error": {"code": self.code, "message": self.message, "usage": self.usage}}


Outcome = Reply | Rejection
