"""The engine's vocabulary: phases, contexts, warning codes and what the phrase library must cover.

This is the contract between the engine and the phrase library. The loader refuses a
library that misses any name listed here, so adding a warning code here without writing
its text fails every test run, not a user's session.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

Phase = Literal["setup", "first_move", "midgame", "close", "review", "walked_away"]
PHASES: Final[tuple[Phase, ...]] = get_args(Phase)
FIRST_PHASE: Final[Phase] = "setup"
FORWARD_PHASES: Final[tuple[Phase, ...]] = ("setup", "first_move", "midgame", "close", "review")
# Where a deal is still being negotiated, and where it has ended (signed or walked away).
ACTIVE_PHASES: Final[tuple[Phase, ...]] = ("setup", "first_move", "midgame", "close")
FINAL_PHASES: Final[frozenset[Phase]] = frozenset({"review", "walked_away"})


def as_phase(value: str) -> Phase:
    """``value`` as a :data:`Phase` (a stored or machine-made name), checked.

    Raises:
        ValueError: it names no phase.

    """
    for phase in PHASES:
        if phase == value:
            return phase
    raise ValueError(f"unknown phase {value!r}")


CONTEXTS: Final = ("sales", "partnership", "procurement", "hiring")
# Forms that ask for a command's details when it is said bare, where a front has forms
# (Slack's modals); see flows.commands.CommandSpec.form.
FormName = Literal["log_move", "log_get", "prepare", "bundle", "safeguards", "meeting", "reminder"]
DEFAULT_CONTEXT: Final = "sales"

# Selling contexts protect a minimum; buying contexts a maximum (see `walkaway`).
MINIMUM_CONTEXTS: Final = frozenset({"sales", "partnership"})

WarningCode = Literal[
    "missing_batna",
    "missing_walkaway",
    "single_issue",
    "no_evidence",
    "no_tradeables",
    "no_meso",
    "premature_offer",
    "anchor_without_evidence",
    "one_way_concession",
    "reciprocity_stalled",
    "uneven_trade",
    "overshare_walkaway",
    "hard_line_tone",
    "split_the_difference",
    "their_anchor",
    "price_pushback",
    "unbundling",
    "below_walkaway",
    "their_hard_line",
    "their_split",
    "competitor_claim",
    "their_cherry_pick",
    "too_many_bundles",
    "bundles_not_equivalent",
    "cherry_picking",
    "vague_safeguard",
    "governance_deferred",
    "no_safeguards",
    "no_governance",
    "no_exit_path",
    "unreciprocated_concessions",
    "false_deadline",
    "invented_alternative",
    "hidden_terms",
]

# Warning code -> the variables its message and suggestion may use. The engine always
# passes exactly these.
WARNING_VARS: Final[dict[str, tuple[str, ...]]] = {
    "missing_batna": (),
    "missing_walkaway": (),
    "single_issue": ("count", "bundle", "other", "term"),
    "no_evidence": (),
    "no_tradeables": (),
    "no_meso": (),
    "premature_offer": (),
    "anchor_without_evidence": (),
    "one_way_concession": ("item",),
    "reciprocity_stalled": ("count",),
    "uneven_trade": ("give", "get", "give_us", "get_us"),
    "overshare_walkaway": ("phrase",),
    "hard_line_tone": ("phrase",),
    "split_the_difference": ("phrase",),
    "their_anchor": ("amount",),
    "price_pushback": ("phrase",),
    "unbundling": ("phrase",),
    "below_walkaway": ("amount", "walkaway", "direction"),
    "their_hard_line": ("phrase",),
    "their_split": ("phrase",),
    "competitor_claim": ("phrase",),
    "their_cherry_pick": ("phrase",),
    "too_many_bundles": ("count",),
    "bundles_not_equivalent": ("low", "high"),
    "cherry_picking": ("labels",),
    # missing: "trigger", "remedy" or "both"; part: "governance" or "exit".
    "vague_safeguard": ("text", "missing"),
    "governance_deferred": ("phrase", "part"),
    "no_safeguards": (),
    "no_governance": (),
    "no_exit_path": (),
    "unreciprocated_concessions": ("count",),
    # Ethics flags on our own lines: checks, since the coach cannot know what is true.
    "false_deadline": ("phrase",),
    "invented_alternative": ("phrase",),
    "hidden_terms": ("phrase",),
}
WARNING_CODES: Final[tuple[WarningCode, ...]] = get_args(WarningCode)

# Text detectors kept as data in phrases/patterns.yaml.
DETECTORS: Final = (
    "hard_line_tone",
    "split_the_difference",
    "bottom_line",
    "budget_cap",
    "price_pushback",
    "unbundling",
    "governance_deferred",
    "concession_offer",
    "conditional",
    "measurable",
    "number_label",
    "safeguard_condition",
    "safeguard_remedy",
    "not_an_anchor",
    "stated_floor",
    "asks_back",
    "their_hard_line",
    "their_split",
    "competitor_claim",
    "their_cherry_pick",
    "false_deadline",
    "invented_alternative",
    "hidden_terms",
)

# Script topics the engine refers to by name (the library may add more).
TOPICS: Final = (
    "prep",
    "opening",
    "interests",
    "meso",
    "anchor",
    "concession",
    "objection",
    "fairness",
    "contingent",
    "safeguard",
    "governance",
    "exit",
    "close",
    "walkaway",
    "debrief",
    "improve",
    "hardball_reply",
    "split_reply",
    "competitor_reply",
    "cherry_pick_reply",
)

# Facts a template line may use. The walk-away point and the BATNA are deliberately not
# here: a line meant to be said aloud can never leak the floor.
SCRIPT_VARS: Final = frozenset(
    {
        "deal",
        "context",
        "phase",
        "counterparty",
        "issues",
        "top_issue",
        "our_priority",
        "cheap_give",
        "evidence",
        "rule",
        "win_mine",
        "win_theirs",
        "win_shared",
        "last_give",
        "last_get",
        "bundles",
        "meeting",
        "walk_reason",
    }
)
