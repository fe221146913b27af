"""One rehearsal: its state (kept in a practice deal's facts document) and its moves.

The state is plain JSON, so a practice session needs no table of its own: the deal's
``practice`` document holds the scenario, the counterpart's style and seed, every
package offered by each side and how it ended. The counterpart is rebuilt from it on each
turn; being deterministic given its seed, it answers exactly as it would have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from flows.analysis.frontier import Package
from flows.practice.counterparts import Counterpart, Response
from flows.practice.rehearsal import bundles_from_doc, scenario_from_doc
from flows.practice.scenarios import Scenario, Style, builtin_scenarios

Status = Literal["open", "agreed", "no_deal", "stopped"]
EndedBy = Literal["", "you_accepted", "they_accepted", "you_walked", "they_walked", "stopped"]


@dataclass
class Session:
    """A practice session's state."""

    scenario: str
    style: Style
    seed: int
    rep: list[list[Package]] = field(default_factory=list)
    theirs: list[Package] = field(default_factory=list)
    status: Status = "open"
    ended_by: EndedBy = ""
    agreed: Package | None = None
    return_to: str = ""
    asked: int = 0
    # Where the rehearsal is played when a chat front keeps it apart (a Slack DM thread).
    thread: str = ""
    # A scenario built from a real deal (``practice this deal``), kept whole so the
    # rehearsal survives restarts and later edits of the deal; None for a built-in one.
    built: dict[str, Any] | None = None
    # What came out during play: the counterpart's answers to ``practice ask``
    # (``{"kind": "asked", "top", "least"}``) and floors the rep said in an offer
    # (``{"kind": "floor", "phrase", "round"}``).
    revealed: list[dict[str, Any]] = field(default_factory=list)

    # -- the document ------------------------------------------------------------------
    def to_doc(self) -> dict[str, Any]:
        """The state as JSON-ready data."""
        return {
            "scenario": self.scenario,
            "style": self.style,
            "seed": self.seed,
            "rep": [[list(p) for p in move] for move in self.rep],
            "theirs": [list(p) for p in self.theirs],
            "status": self.status,
            "ended_by": self.ended_by,
            "agreed": list(self.agreed) if self.agreed is not None else None,
            "return_to": self.return_to,
            "asked": self.asked,
            "thread": self.thread,
            "built": self.built,
            "revealed": self.revealed,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Session:
        """The state a document written by :meth:`to_doc` holds."""
        agreed = doc.get("agreed")
        return cls(
            scenario=doc["scenario"],
            style=doc["style"],
            seed=int(doc["seed"]),
            rep=[[tuple(p) for p in move] for move in doc.get("rep", [])],
            theirs=[tuple(p) for p in doc.get("theirs", [])],
            status=doc.get("status", "open"),
            ended_by=doc.get("ended_by", ""),
            agreed=tuple(agreed) if agreed is not None else None,
            return_to=doc.get("return_to", ""),
            asked=int(doc.get("asked", 0)),
            thread=str(doc.get("thread") or ""),
            built=dict(doc["built"]) if doc.get("built") else None,
            revealed=[dict(r) for r in doc.get("revealed") or []],
        )

    # -- play --------------------------------------------------------------------------
    @property
    def scenario_data(self) -> Scenario:
        """The scenario being played: the one built from a real deal, or a built-in one."""
        if self.built:
            return scenario_from_doc(self.built)
        return builtin_scenarios()[self.scenario]

    @property
    def bundles(self) -> dict[str, dict[str, str]]:
        """The real deal's MESO bundles when rehearsing it (label to terms)."""
        return bundles_from_doc(self.built) if self.built else {}

    def counterpart(self) -> Counterpart:
        """The counterpart, rebuilt from the scenario, style and seed."""
        return Counterpart(self.scenario_data, self.style, self.seed)

    @property
    def is_open(self) -> bool:
        """Whether the rehearsal is still being played."""
        return self.status == "open"

    @property
    def round(self) -> int:
        """How many moves the rep has made."""
        return len(self.rep)

    def open(self) -> Response:
        """The counterpart's opening offer (recorded)."""
        answer = self.counterpart().opening()
        assert answer.package is not None
        self.theirs.append(answer.package)
        return answer

    def offer(self, packages: list[Package]) -> Response:
        """The rep offers one package or several (a MESO); the counterpart answers."""
        if not self.is_open:
            raise ValueError("the session has ended")
        self.rep.append(list(packages))
        answer = self.counterpart().respond(self.rep, self.theirs)
        if answer.kind == "accept":
            self.end("agreed", "they_accepted", answer.package)
        elif answer.kind == "walk":
            self.end("no_deal", "they_walked")
        else:
            assert answer.package is not None
            self.theirs.append(answer.package)
        return answer

    def accept(self) -> Package:
        """The rep accepts the counterpart's latest offer."""
        if not self.is_open or not self.theirs:
            raise ValueError("nothing to accept")
        package = self.theirs[-1]
        self.end("agreed", "you_accepted", package)
        return package

    def end(self, status: Status, ended_by: EndedBy, agreed: Package | None = None) -> None:
        """Close the rehearsal."""
        self.status, self.ended_by, self.agreed = status, ended_by, agreed
