"""Pydantic models describing each section of the phrase library.

Every string that a user may see is a Jinja2 template; the loader compiles them all once
and checks which variables they use, so the models here only describe the shape.
"""

from __future__ import annotations

import re
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

# What follows a figure's first digit: more digits and separators, then a unit.
_FIGURE_REST = re.compile(r"[\d.,]*(?:\s?(?:k|m|bn|%|percent|grand)\b)?", re.IGNORECASE)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BriefStep(_Strict):
    """What the daily brief offers for a deal in a phase: a script topic and a next step."""

    topic: str
    step: str


class PhaseText(_Strict):
    """What a phase is for, the principle behind it and its checklist."""

    title: str
    tagline: str
    purpose: str
    principle: str
    checklist: list[str] = Field(min_length=3)
    # The command lines the phase suggests next, most likely first.
    next_steps: list[str] = Field(min_length=1)
    # What `status` suggests after its own next step.
    status_steps: list[str] = Field(min_length=1)
    # For a phase where the deal is still negotiated: the daily brief's topic and step.
    brief: BriefStep | None = None
    # One line per deal context on what matters most in this phase for that context.
    focus: dict[str, str]


class Topic(_Strict):
    """Template lines on one topic; ``lines`` maps ``all`` or a context to templates.

    ``keywords`` are the words a request for the topic may use (``script <words>``),
    matched on content words and lemmas by :mod:`flows.matching`.
    """

    phase: str
    about: str
    keywords: list[str] = Field(min_length=1)
    lines: dict[str, list[str]]


class WarningText(_Strict):
    """A warning's message and the corrective line, with the variables they may use."""

    title: str
    message: str
    suggestion: str
    vars: list[str] = Field(default_factory=list)


class Detector(_Strict):
    """A text pattern kept as data.

    It matches when every group in ``require`` has at least one regex that matches and no
    regex in ``unless`` does. Matching is case-insensitive on normalised text (lower case,
    straight quotes, single spaces).
    """

    about: str
    require: list[list[str]] = Field(min_length=1)
    unless: list[str] = Field(default_factory=list)

    @field_validator("require")
    @classmethod
    def _groups_not_empty(cls, groups: list[list[str]]) -> list[list[str]]:
        for group in groups:
            if not group:
                raise ValueError("a require group needs at least one pattern")
        return groups

    def compiled(self) -> CompiledDetector:
        """Compile the patterns (raises ``re.error`` naming the bad one)."""
        return CompiledDetector(
            require=[[_compile(p) for p in group] for group in self.require],
            unless=[_compile(p) for p in self.unless],
        )


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"bad pattern {pattern!r}: {exc}") from exc


class CompiledDetector:
    """A detector whose patterns are compiled; see :class:`Detector`."""

    def __init__(self, require: list[list[re.Pattern[str]]], unless: list[re.Pattern[str]]):
        self.require = require
        self.unless = unless

    def search(self, text: str) -> str | None:
        """The matched text (spanning every group's hit), or None when the detector is silent."""
        start, end = len(text), 0
        for group in self.require:
            hit = next((m for m in (p.search(text) for p in group) if m), None)
            if hit is None:
                return None
            start, end = min(start, hit.start()), max(end, hit.end())
        if self.cleared(text):
            return None
        # A pattern that stops at a figure's first digit ("our bottom line is 1") quotes the
        # whole figure: the rest of the number and its unit.
        if end and text[end - 1].isdigit():
            rest = _FIGURE_REST.match(text, end)
            end = rest.end() if rest else end
        return text[start:end]

    def cleared(self, text: str) -> bool:
        """Whether one of the detector's exceptions (``unless``) is in ``text``."""
        return any(p.search(text) for p in self.unless)


class FaqEntry(_Strict):
    """A question the coach answers, with words that find it."""

    question: str
    answer: str
    keywords: list[str] = Field(min_length=1)


class Playbook(_Strict):
    """How a negotiation in one context usually runs."""

    title: str
    stages: list[str] = Field(min_length=2)
    questions: list[str] = Field(min_length=1)
    tradeables: list[str] = Field(min_length=1)


class Pitfall(_Strict):
    """A pitfall of the method: why it backfires and the move that corrects it."""

    name: str
    why: str
    fix: str
    codes: list[str] = Field(default_factory=list)


class CommandHelp(_Strict):
    """Help for one command."""

    usage: str
    summary: str
    examples: list[str] = Field(default_factory=list)


class Guides(_Strict):
    """Method material that is not tied to one phase."""

    ethics: list[str] = Field(min_length=1)
    refusal: str
    debrief: list[str] = Field(min_length=1)
    tradeables: list[str] = Field(min_length=1)
    not_a_fit: list[str] = Field(min_length=1)
    artifacts: dict[str, str]
    checklist_do: list[str] = Field(min_length=1)
    checklist_avoid: list[str] = Field(min_length=1)
    price_tactics: dict[str, str]


class Rewrites(_Strict):
    """Templates for the better version of a rep's own risky line (``flows/rewrite.py``).

    ``asks`` and ``levers`` are keyed by deal context, plus ``candidate`` for the side of a
    hiring deal that is looking for the job.
    """

    # The variables a rewrite template may use; anything else fails the load.
    VARS: ClassVar[frozenset[str]] = frozenset(
        {"line", "ask", "issue", "item", "figure", "subject", "levers", "give", "i", "hiring"}
    )

    give: str
    give_past: str
    give_made: str
    ask_issue: str
    asks: dict[str, str]
    firm_figure: str
    firm_kept: str
    firm_open: str
    levers: dict[str, str]
    rationale: str
    split_figure: str
    split_item: str
    split_trade: str


class LibraryFile(_Strict):
    """One YAML file: any subset of the sections below."""

    phases: dict[str, PhaseText] | None = None
    topics: dict[str, Topic] | None = None
    default_topics: dict[str, list[str]] | None = None
    warnings: dict[str, WarningText] | None = None
    detectors: dict[str, Detector] | None = None
    faq: dict[str, FaqEntry] | None = None
    playbooks: dict[str, Playbook] | None = None
    pitfalls: dict[str, Pitfall] | None = None
    commands: dict[str, CommandHelp] | None = None
    replies: dict[str, str] | None = None
    guides: Guides | None = None
    rewrites: Rewrites | None = None
    # Words that mean the same in a request (`script <words>`, `faq <words>`), in groups.
    synonyms: list[list[str]] | None = None
    # What a button that runs a command says (the button still sends the command). A key
    # is a whole line (``next anyway``), a bare word (``get``) or a line's start with
    # ``<...>`` for the rest (``get <item>``), which the label may use as ``{{ rest }}``.
    buttons: dict[str, str] | None = None
