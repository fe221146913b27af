"""One command's worth of work: the loaded deal, the store, and the reply being built."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from flows.errors import BadArguments
from flows.model import Deal
from flows.replies import Analysis, Notice, Reply, Table, WarningItem
from flows.script_lines import offered_lines
from flows.storage import DealSpace
from flows.vocabulary import SCRIPT_VARS, WARNING_VARS, WarningCode
from phrases import PhraseLibrary

NO_COUNTERPARTY = "your counterpart"
# How many warning causes a deal remembers as already read.
SHOWN_WARNINGS_KEPT = 40


@dataclass
class Turn:
    """State shared by the handler of one command."""

    lib: PhraseLibrary
    space: DealSpace
    now: datetime
    deal: Deal | None
    command: str
    texts: list[str] = field(default_factory=list)
    warnings: list[WarningItem] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    table: Table | None = None
    # The user's risky line said the method's way (see flows.rewrite).
    better_line: str | None = None
    next_steps: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    # Text behind "More" (see flows.screens).
    details: list[str] = field(default_factory=list)
    # The analysis behind the reply (``analyze``), handed to fronts with it.
    analysis: Analysis | None = None
    deal_changed: bool = False

    # -- the deal ------------------------------------------------------------------------
    @property
    def active(self) -> Deal:
        """The active deal (the engine checked there is one for commands that need it)."""
        assert self.deal is not None
        return self.deal

    def touch(self) -> Deal:
        """The active deal, marked to be written back at the end of the turn."""
        self.deal_changed = True
        return self.active

    # -- building the reply --------------------------------------------------------------
    def say(self, key: str, **values: Any) -> None:
        """Add the reply text ``key`` from the phrase library."""
        self.texts.append(self.lib.reply(key, **values))

    def detail(self, key: str, **values: Any) -> None:
        """Add the reply text ``key`` behind "More": background, not what matters now."""
        self.details.append(self.lib.reply(key, **values))

    def warn(self, code: WarningCode, **values: Any) -> None:
        """Raise a warning; ``values`` must be exactly the code's declared variables."""
        expected = set(WARNING_VARS[code])
        if set(values) != expected:
            raise TypeError(f"warning {code} takes {sorted(expected)}, got {sorted(values)}")
        if any(w.code == code for w in self.warnings):
            return  # one warning per code per reply is enough
        message, suggestion = self.lib.warning(code, **values)
        self.warnings.append(WarningItem(code=code, message=message, suggestion=suggestion))

    def mark_repeats(self) -> None:
        """Mark warnings the user already read for the same cause; remember the new ones.

        The cause is the code with its filled-in message (the figure or item it names), so
        a new give gets its full warning while the same low figure heard again does not.
        Only a turn that writes the deal remembers: reading commands stay read-only.
        """
        deal = self.deal
        if deal is None or not self.warnings:
            return
        seen = set(deal.shown_warnings)
        causes = [_cause(w) for w in self.warnings]
        # Deals saved before causes were digests hold the text itself (cut at 300).
        repeats = [
            cause in seen or f"{w.code}:{w.message}"[:300] in seen
            for w, cause in zip(self.warnings, causes, strict=True)
        ]
        self.warnings = [
            replace(w, repeat=repeat) for w, repeat in zip(self.warnings, repeats, strict=True)
        ]
        if self.deal_changed:
            fresh = [c for c, repeat in zip(causes, repeats, strict=True) if not repeat]
            deal.shown_warnings = (deal.shown_warnings + fresh)[-SHOWN_WARNINGS_KEPT:]

    def add_script(self, topic: str, limit: int | None = None, rotate: int = 0) -> None:
        """Add template lines on ``topic`` for the deal's context, filled with its facts.

        Only lines that pass our own `say` checks are added (see flows.script_lines).
        ``rotate`` starts that many lines further on (wrapping), so a follow-up asked
        after every move is not the same question each time.
        """
        self.lines.extend(offered_lines(self.lib, self.deal, self.facts(), topic, limit, rotate))

    def suggest(self, *commands: str) -> None:
        """Offer likely next commands."""
        self.next_steps.extend(c for c in commands if c not in self.next_steps)

    def facts(self) -> dict[str, Any]:
        """The deal's facts a template line may use (see ``SCRIPT_VARS``)."""
        return deal_facts(self.deal)

    def reply(self) -> Reply:
        """The finished reply."""
        return Reply(
            text="\n".join(self.texts),
            deal=self.deal.name if self.deal else None,
            phase=self.deal.phase if self.deal else None,
            warnings=list(self.warnings),
            lines=list(self.lines),
            table=self.table,
            better_line=self.better_line,
            next_steps=list(self.next_steps),
            command=self.command,
            notices=list(self.notices),
            people=list(dict.fromkeys(self.people)),
            details=list(self.details),
            analysis=self.analysis,
        )


def deal_facts(deal: Deal | None) -> dict[str, Any]:
    """The facts of ``deal`` a template line may use (see ``SCRIPT_VARS``)."""
    if deal is None:
        return _empty_facts()
    top = max(deal.issues, key=lambda i: (i.them, -i.us), default=None)
    ours = max(deal.issues, key=lambda i: (i.us - i.them, i.us), default=None)
    cheap = _cheapest_give(deal)
    return {
        "deal": deal.name,
        "context": deal.context,
        "phase": deal.phase,
        "counterparty": _counterparty_label(deal),
        "issues": [i.name for i in deal.issues],
        "top_issue": top.name if top else "",
        # What to ask for in return: worth most to us relative to them.
        "our_priority": ours.name if ours and ours.us > ours.them else "",
        "cheap_give": cheap,
        "evidence": _clause(deal.evidence[0]) if deal.evidence else "",
        "rule": _clause(deal.rule),
        "win_mine": _clause(deal.wins.get("mine", "")),
        "win_theirs": _clause(deal.wins.get("theirs", "")),
        "win_shared": _clause(deal.wins.get("shared", "")),
        "last_give": _clause(deal.last_give),
        "last_get": _clause(deal.last_get),
        "bundles": [b.label for b in deal.bundles],
        "meeting": _clause(deal.meeting),
        "walk_reason": _clause(deal.walk_reason),
    }


# The longest free text one note may hold.
MAX_TEXT = 1000


def require_text(args: str, what: str) -> str:
    """The argument text, or a clear complaint that ``what`` is missing or too long."""
    text = args.strip()
    if not text:
        raise BadArguments(f"Say what the {what} is.")
    if len(text) > MAX_TEXT:
        raise BadArguments(f"Keep the {what} under {MAX_TEXT} characters.")
    return text


def _clause(text: str) -> str:
    """User text as a clause inside a sentence: no trailing full stop to double up."""
    return text.strip().rstrip(".;, ")


def _empty_facts() -> dict[str, Any]:
    facts: dict[str, Any] = dict.fromkeys(SCRIPT_VARS, "")
    facts.update(
        context="sales", phase="setup", counterparty=NO_COUNTERPARTY, issues=[], bundles=[]
    )
    return facts


def _counterparty_label(deal: Deal) -> str:
    """A short name for the other side: the first clause of the first counterparty note."""
    if not deal.counterparty:
        return NO_COUNTERPARTY
    first = deal.counterparty[0]
    for sep in (":", ";", ",", " - ", "("):
        first = first.split(sep)[0]
    words = first.split()
    return " ".join(words[:6]) if words else NO_COUNTERPARTY


def _cheapest_give(deal: Deal) -> str:
    """What costs us least and is worth most to them: a mapped issue, else a tradeable."""
    candidates = [i for i in deal.issues if i.them > i.us]
    if candidates:
        best = max(candidates, key=lambda i: (i.them - i.us, i.them))
        return best.name
    return deal.tradeables[0] if deal.tradeables else ""


def _cause(warning: WarningItem) -> str:
    """What a warning is about, short: its code and a digest of its filled-in message.

    The deal keeps the last :data:`SHOWN_WARNINGS_KEPT` of these, and it is written on
    every move and copied into every undo step: with the messages' own text, a deal's
    facts held 6 KB of them after forty gives.
    """
    digest = hashlib.blake2b(warning.message.encode(), digest_size=8).hexdigest()
    return f"{warning.code}:{digest}"
