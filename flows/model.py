"""The deal aggregate and the moves of its concession log.

A deal's preparation (issues, evidence, bundles, safeguards...) is small and travels as
one document; the log of moves grows without bound and is stored row by row. Running
counters on the deal (moves, unpaired gives, the one-way streak) let every command
answer without scanning the log.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from flows.amounts import format_money
from flows.vocabulary import ACTIVE_PHASES as ACTIVE_PHASES  # callers find it here too
from flows.vocabulary import Phase

Direction = Literal["min", "max"]


@dataclass
class IssueScore:
    """One row of the priority and tradeables matrix (values 1-5)."""

    name: str
    us: int
    them: int


@dataclass
class Walkaway:
    """The reservation point; numeric when the user gave an amount."""

    text: str
    amount: Decimal | None = None
    currency: str | None = None
    direction: Direction | None = None

    def formatted(self) -> str:
        """The numeric walk-away as a person reads it, or the raw text."""
        if self.amount is None:
            return self.text
        return format_money(self.amount, self.currency)


@dataclass
class Bundle:
    """A MESO package: terms by name and how much it is worth to us (0-100)."""

    label: str
    terms: dict[str, str]
    worth: int | None = None


@dataclass
class ScoredOption:
    """One option of an issue on the deal's scoring sheet; points kept as exact text."""

    issue: str
    label: str
    us: str
    them: str


@dataclass
class Clause:
    """A safeguard, governance or exit clause, with the result of its quality check."""

    text: str
    sound: bool = True


@dataclass
class Deal:
    """Everything the coach knows about one negotiation of one user."""

    name: str
    context: str
    phase: Phase = "setup"
    id: int | None = None
    walked_from: Phase | None = None
    walk_reason: str = ""
    batna: str = ""
    walkaway: Walkaway | None = None
    issues: list[IssueScore] = field(default_factory=list)
    tradeables: list[str] = field(default_factory=list)
    counterparty: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    wins: dict[str, str] = field(default_factory=dict)
    rule: str = ""
    meeting: str = ""
    # The meeting as a UTC ISO instant when ``meeting`` was understood as a time.
    meeting_at: str = ""
    bundles: list[Bundle] = field(default_factory=list)
    safeguards: list[Clause] = field(default_factory=list)
    governance: list[Clause] = field(default_factory=list)
    exits: list[Clause] = field(default_factory=list)
    debriefs: list[str] = field(default_factory=list)
    options: list[ScoredOption] = field(default_factory=list)
    # Warnings the user has already read in full, by cause (see Turn.mark_repeats).
    shown_warnings: list[str] = field(default_factory=list)
    # A practice deal's session (see flows.practice.session); empty for a real deal.
    # Practice deals never show in deal lists, reminders or team views.
    practice: dict[str, Any] = field(default_factory=dict)
    # Running counters, kept so no command has to scan the log.
    moves_count: int = 0
    unpaired_gives: int = 0
    one_way_streak: int = 0
    last_give: str = ""
    last_get: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    last_move_at: datetime | None = None

    # -- lookups ---------------------------------------------------------------------
    def find_issue(self, text: str) -> IssueScore | None:
        """The mapped issue that ``text`` names (exactly, or as a whole phrase in it)."""
        wanted = " ".join(text.lower().split())
        for issue in self.issues:
            if issue.name.lower() == wanted:
                return issue
        padded = f" {wanted} "
        matches = [i for i in self.issues if f" {i.name.lower()} " in padded]
        return max(matches, key=lambda i: len(i.name)) if matches else None

    def find_bundle(self, label: str) -> Bundle | None:
        """The bundle called ``label`` (case-insensitive)."""
        return next((b for b in self.bundles if b.label.lower() == label.lower()), None)

    # -- the preparation document ------------------------------------------------------
    FACT_FIELDS = (
        "walked_from",
        "walk_reason",
        "batna",
        "walkaway",
        "issues",
        "tradeables",
        "counterparty",
        "evidence",
        "wins",
        "rule",
        "meeting",
        "meeting_at",
        "bundles",
        "safeguards",
        "governance",
        "exits",
        "debriefs",
        "last_give",
        "last_get",
        "options",
        "shown_warnings",
        "practice",
    )

    def facts_document(self) -> dict[str, Any]:
        """The preparation as a JSON-ready document (stored in one column)."""
        doc: dict[str, Any] = {}
        for name in self.FACT_FIELDS:
            value = getattr(self, name)
            if name == "walkaway" and value is not None:
                value = asdict(value)
                if value["amount"] is not None:
                    value["amount"] = str(value["amount"])
            elif isinstance(value, list):
                value = [asdict(v) if hasattr(v, "__dataclass_fields__") else v for v in value]
            doc[name] = value
        return doc

    def load_facts(self, doc: dict[str, Any]) -> None:
        """Fill the preparation from a document written by :meth:`facts_document`."""
        self.walked_from = doc.get("walked_from")
        self.walk_reason = doc.get("walk_reason", "")
        self.batna = doc.get("batna", "")
        walkaway = doc.get("walkaway")
        if walkaway:
            amount = walkaway.get("amount")
            self.walkaway = Walkaway(
                text=walkaway["text"],
                amount=Decimal(amount) if amount is not None else None,
                currency=walkaway.get("currency"),
                direction=walkaway.get("direction"),
            )
        self.issues = [IssueScore(**i) for i in doc.get("issues", [])]
        self.tradeables = list(doc.get("tradeables", []))
        self.counterparty = list(doc.get("counterparty", []))
        self.evidence = list(doc.get("evidence", []))
        self.wins = dict(doc.get("wins", {}))
        self.rule = doc.get("rule", "")
        self.meeting = doc.get("meeting", "")
        self.meeting_at = doc.get("meeting_at", "")
        self.bundles = [Bundle(**b) for b in doc.get("bundles", [])]
        self.safeguards = [Clause(**c) for c in doc.get("safeguards", [])]
        self.governance = [Clause(**c) for c in doc.get("governance", [])]
        self.exits = [Clause(**c) for c in doc.get("exits", [])]
        self.debriefs = list(doc.get("debriefs", []))
        self.options = [ScoredOption(**o) for o in doc.get("options", [])]
        self.last_give = doc.get("last_give", "")
        self.last_get = doc.get("last_get", "")
        self.shown_warnings = list(doc.get("shown_warnings", []))
        self.practice = dict(doc.get("practice") or {})

    @property
    def is_practice(self) -> bool:
        """Whether this is a rehearsal against the coach (see flows.practice)."""
        return bool(self.practice)


MoveKind = Literal["give", "get", "trade", "offer", "they", "pick"]
CONCESSION_KINDS: tuple[MoveKind, ...] = ("give", "get", "trade")


@dataclass
class Move:
    """One entry of the deal's log: a give, get, trade, offer, their line, or their pick."""

    kind: MoveKind
    seq: int = 0
    id: int | None = None
    item: str = ""
    give: str = ""
    get: str = ""
    text: str = ""
    give_us: int | None = None
    give_them: int | None = None
    get_us: int | None = None
    get_them: int | None = None
    trigger: str = ""
    paired: bool = False
    amount: Decimal | None = None
    currency: str | None = None
    warnings: list[str] = field(default_factory=list)
    created_at: datetime | None = None

    @property
    def is_unpaired_give(self) -> bool:
        """True for a give that nothing has been received for yet."""
        return self.kind == "give" and not self.paired


@dataclass(frozen=True)
class Nudge:
    """A manager's nudge on a deal, as the deal's history shows it."""

    manager_id: str
    gap: str
    message: str
    created_at: datetime
