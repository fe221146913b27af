"""What a reply shows first, and what waits behind "More".

A Slack message (and a terminal answer) should lead with what matters now. Every front
cuts a reply the same way, so the length a user meets is checked once, here:

- the first screen holds the reply's text, then each warning as its title and its fix,
  then as many suggested lines as fit in :data:`FIRST_SCREEN` characters;
- a better version of the user's own line (``Reply.better_line``) takes its room too;
- a warning already shown for the same cause (``WarningItem.repeat``) is one short
  "still open" line, not its full text again;
- "More" holds the rest: the reply's details (a phase's purpose and checklist, the full
  command list), why each warning matters, and the lines that did not fit.

Tables are not counted: they are the answer to the command that asked for them, and
each front draws them in its own way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from flows.replies import Reply, WarningItem

# Slack shows about this much before a message is folded; the target.
FIRST_SCREEN = 600
PartKind = Literal["text", "warning", "still_open", "line", "why", "detail"]


@dataclass(frozen=True)
class Part:
    """One piece of a screen: its kind tells a front how to draw it."""

    kind: PartKind
    text: str
    # For warnings: the code (Slack block ids) and the fix.
    code: str = ""
    fix: str = ""

    def plain(self) -> str:
        """The part as plain text, as counted against the first screen's budget."""
        if self.kind == "warning":
            return f"! {self.text}: {self.fix}"
        if self.kind == "still_open":
            return f"! {self.text}"
        if self.kind == "line":
            return f"> {self.text}"
        if self.kind == "why":
            return f"{self.text}: {self.fix}"
        return self.text


@dataclass(frozen=True)
class Screens:
    """A reply cut in two: the first screen and what "More" shows."""

    first: list[Part] = field(default_factory=list)
    more: list[Part] = field(default_factory=list)

    def first_text(self) -> str:
        """The first screen as plain text (what the length targets are checked on)."""
        return "\n".join(p.plain() for p in self.first)

    def more_text(self) -> str:
        """What "More" shows, as plain text."""
        return "\n".join(p.plain() for p in self.more)


def split(reply: Reply, title_of: Callable[[str], str], budget: int = FIRST_SCREEN) -> Screens:
    """Cut ``reply`` into a first screen of at most ``budget`` characters and the rest.

    Args:
        reply: the engine's reply.
        title_of: the human title of a warning code.
        budget: the most characters the first screen may take.

    """
    first: list[Part] = []
    more: list[Part] = []
    used = 0

    def fits(part: Part) -> bool:
        return used + len(part.plain()) + 1 <= budget

    if reply.text.strip():
        lead = Part("text", reply.text.strip())
        first.append(lead)
        used += len(lead.plain()) + 1
    # Every warning gets at least its title; fixes are added in order while they fit.
    parts = [_warning_part(w, title_of) for w in _distinct(reply.warnings)]
    short = [Part("still_open", p.text, code=p.code) for p in parts]
    used += sum(len(p.plain()) + 1 for p in short)
    room = True
    for part, title in zip(parts, short, strict=True):
        extra = len(part.plain()) - len(title.plain())
        room = room and used + extra <= budget
        first.append(part if room else title)
        used += extra if room else 0
    if reply.better_line:  # drawn by each front after the warnings; it takes its room
        used += len(f"Try instead: {reply.better_line}") + 1
    lines = [Part("line", line) for line in reply.lines if line.strip()]
    for part in lines:
        if not more and fits(part):  # lines keep their order: once one waits, all do
            first.append(part)
            used += len(part.plain()) + 1
        else:
            more.append(part)
    more[:0] = [Part("detail", d) for d in reply.details if d.strip()]
    more.extend(
        Part("why", title_of(w.code), code=w.code, fix=w.message)
        for w in _distinct(reply.warnings)
        if not w.repeat
    )
    return Screens(first, more)


def _distinct(warnings: list[WarningItem]) -> list[WarningItem]:
    firsts: dict[str, WarningItem] = {}
    for warning in warnings:
        firsts.setdefault(warning.code, warning)
    return list(firsts.values())


def _warning_part(warning: WarningItem, title_of: Callable[[str], str]) -> Part:
    title = title_of(warning.code)
    if warning.repeat:
        return Part("still_open", title, code=warning.code)
    return Part("warning", title, code=warning.code, fix=warning.suggestion)
