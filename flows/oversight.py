"""What a manager may know about a rep's deal, and the fix for each gap.

A manager sees counts and codes, never the rep's words: no BATNA, walk-away, notes or
log text reaches :class:`DealHealth`, so no view built from it can leak them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from flows.errors import BadArguments
from flows.gaps import every_gap, exit_gaps
from flows.model import ACTIVE_PHASES, Deal, Move
from phrases import PhraseLibrary

# Team policies a manager can switch on.
POLICY_GIVE_GET = "give_get_within"  # value: hours
POLICY_SIGN_SAFE = "sign_with_safeguards"
POLICIES = (POLICY_GIVE_GET, POLICY_SIGN_SAFE)

# A gap's fix: the script topic whose first line helps, and the command that records it.
FIXES: dict[str, tuple[str, str]] = {
    "unreciprocated_concessions": ("concession", "get"),
    POLICY_GIVE_GET: ("concession", "get"),
    "no_safeguards": ("safeguard", "safeguard"),
    "no_governance": ("governance", "governance"),
    "no_exit_path": ("exit", "exit"),
    POLICY_SIGN_SAFE: ("safeguard", "safeguard"),
    "missing_batna": ("weak_batna", "batna"),
    # Not the "walkaway" topic: that one is the script for walking out of the deal.
    "missing_walkaway": ("prep", "walkaway"),
    "single_issue": ("interests", "issue"),
    "no_evidence": ("anchor", "evidence"),
    "no_tradeables": ("concession", "tradeable"),
    "no_meso": ("meso", "bundle"),
}
# Which gap a nudge names when a deal has several: money left on the table first.
NUDGE_ORDER = (
    POLICY_GIVE_GET,
    "unreciprocated_concessions",
    POLICY_SIGN_SAFE,
    "no_safeguards",
    "no_governance",
    "no_exit_path",
    "missing_walkaway",
    "missing_batna",
    "no_meso",
    "single_issue",
    "no_tradeables",
    "no_evidence",
)

# The widest user id the store keeps (its columns are 64 wide on every database). Slack ids
# are about 11 characters; the terminal's --user names are what come near it.
MAX_USER_ID = 64

_SLACK_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_PLAIN_MENTION = re.compile(r"(?<![\w<])@([A-Za-z0-9][\w.-]*)")


@dataclass(frozen=True)
class DealHealth:
    """One deal as its owner's manager sees it: phase, gaps and counters only."""

    owner: str
    deal: str
    phase: str
    gaps: tuple[str, ...]
    safeguards: bool
    governance: bool
    exit_path: bool
    unpaired_gives: int
    days_idle: int | None
    violations: tuple[str, ...]

    @property
    def coverage(self) -> int:
        """How many of the three safeguards (contingent terms, governance, exit) are in."""
        return int(self.safeguards) + int(self.governance) + int(self.exit_path)

    @property
    def nudge_gap(self) -> str | None:
        """The one gap worth a nudge, most costly first; None when the deal is in order."""
        open_codes = set(self.gaps) | set(self.violations)
        if self.unpaired_gives:
            open_codes.add("unreciprocated_concessions")
        if self.phase in ("midgame", "close"):
            open_codes.update(
                code
                for code, present in (
                    ("no_safeguards", self.safeguards),
                    ("no_governance", self.governance),
                    ("no_exit_path", self.exit_path),
                )
                if not present
            )
        return next((code for code in NUDGE_ORDER if code in open_codes), None)


def deal_health(
    owner: str, deal: Deal, now: datetime, oldest_give: Move | None, policies: dict[str, int | None]
) -> DealHealth:
    """Summarise ``deal`` for its owner's manager.

    Args:
        owner: the rep's user id.
        deal: the rep's deal.
        now: the current time.
        oldest_give: the deal's oldest unreciprocated give, for the give-get policy.
        policies: the manager's policies that are on, with their values.

    """
    safeguards = any(c.sound for c in deal.safeguards)
    governance = any(c.sound for c in deal.governance)
    exit_path = any(c.sound for c in deal.exits)
    violations: list[str] = []
    hours = policies.get(POLICY_GIVE_GET)
    if (
        POLICY_GIVE_GET in policies
        and hours is not None
        and oldest_give is not None
        and oldest_give.created_at is not None
        and (now - oldest_give.created_at).total_seconds() > hours * 3600
    ):
        violations.append(POLICY_GIVE_GET)
    if (
        POLICY_SIGN_SAFE in policies
        and deal.phase == "review"
        and not (safeguards and governance and exit_path)
    ):
        violations.append(POLICY_SIGN_SAFE)
    idle = None
    if deal.last_move_at is not None:
        idle = max(0, (now - deal.last_move_at).days)
    return DealHealth(
        owner=owner,
        deal=deal.name,
        phase=deal.phase,
        gaps=tuple(code for code, _ in exit_gaps(deal)),
        safeguards=safeguards,
        governance=governance,
        exit_path=exit_path,
        unpaired_gives=deal.unpaired_gives,
        days_idle=idle,
        violations=tuple(violations),
    )


@dataclass(frozen=True)
class PracticeScore:
    """A rep's rehearsals as their manager sees them: how many, and how well, no more.

    Attributes:
        owner: The rep's user id.
        count: Rehearsals played to the end (stopped and open ones are not scored).
        joint_share: Their average joint value as a share of the best possible outcome of
            each scenario (the frontier's largest joint value, or both walk-aways where
            walking away is worth more); None with no rehearsal.

    """

    owner: str
    count: int
    joint_share: Fraction | None


def practice_score(owner: str, deals: list[Deal]) -> PracticeScore:
    """Summarise a rep's practice deals: count and average joint value, never the moves."""
    from flows.practice.debrief import debrief  # the practice engine only when asked
    from flows.practice.session import Session

    shares: list[Fraction] = []
    for deal in deals:
        session = Session.from_doc(deal.practice)
        if session.is_open or session.status == "stopped":
            continue
        try:
            result = debrief(session)
        except (KeyError, ValueError):  # a scenario since removed: not scored
            continue
        # The best outcome: the frontier's largest joint value, or walking away when both
        # walk-aways add up to more (a scenario with no zone of agreement).
        scenario = session.scenario_data
        best = max(result.max_joint.joint, scenario.walkaway_us + scenario.walkaway_them)
        shares.append(result.joint / best if best > 0 else Fraction(0))
    average = sum(shares, Fraction(0)) / len(shares) if shares else None
    return PracticeScore(owner, len(shares), average)


def gap_open(deal: Deal, gap: str) -> bool:
    """Whether ``gap`` (a nudge's: a warning or policy code) is still open on ``deal``."""
    if gap in (POLICY_GIVE_GET, "unreciprocated_concessions"):
        return deal.unpaired_gives > 0
    if gap == POLICY_SIGN_SAFE:
        return not (
            any(c.sound for c in deal.safeguards)
            and any(c.sound for c in deal.governance)
            and any(c.sound for c in deal.exits)
        )
    return any(code == gap for code, _ in every_gap(deal))


def watched(health: DealHealth) -> bool:
    """Whether a deal belongs in the team view: still open, or signed against a policy."""
    return health.phase in ACTIVE_PHASES or bool(health.violations)


def mentions(text: str) -> tuple[list[str], str]:
    """The user ids mentioned at the start of ``text``, and the rest of it.

    Slack sends mentions as ``<@U123|name>`` (escaping is on for ``/deal``); in the
    terminal people type ``@name``, which is taken as the id itself.
    """
    ids: list[str] = []
    rest = text.strip()
    while rest:
        match = _SLACK_MENTION.match(rest) or _PLAIN_MENTION.match(rest)
        if match is None:
            break
        ids.append(match.group(1))
        rest = rest[match.end() :].lstrip(" ,")
    return ids, rest


def check_user_ids(ids: list[str]) -> None:
    """Refuse a mention longer than any user id the store can hold.

    A clear refusal rather than a cut: ids are identities, and cutting two long names to
    the same 64 characters would make two people one.

    Raises:
        BadArguments: an id is longer than :data:`MAX_USER_ID`.

    """
    for user_id in ids:
        if len(user_id) > MAX_USER_ID:
            raise BadArguments(
                f"@{user_id[:20]}... is not a user I know: names are at most "
                f"{MAX_USER_ID} characters."
            )


def gap_title(lib: PhraseLibrary, gap: str) -> str:
    """A gap's short title: the warning's, or the policy's."""
    warning = lib.warnings.get(gap)
    return warning.title if warning is not None else lib.reply("policy_title", code=gap)
