"""Teams through the engine: who sees what, adding and assigning reps, policies and nudges.

Several in-memory users share one :class:`~auxil.memory.MemoryWorld`, so a manager, their
rep, a stranger and another team's manager act on the same teams and deals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from auxil.memory import MemoryWorld
from flows.engine import Engine
from flows.model import Clause, Deal, Move
from flows.oversight import (
    FIXES,
    NUDGE_ORDER,
    POLICY_GIVE_GET,
    POLICY_SIGN_SAFE,
    deal_health,
    gap_title,
    mentions,
    watched,
)
from flows.replies import Notice, Outcome, Rejection, Reply
from flows.turn import deal_facts

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)  # a Monday

# Every one of these is the rep's own words; none may reach their manager.
SECRETS = (
    "ZEBRA",
    "QUOKKA",
    "91,234",
    "91234",
    "NARWHAL",
    "OCELOT",
    "TAPIR",
    "IBIS",
    "PELICAN",
    "OSPREY",
    "HERON",
    "EGRET",
)
SECRET_DEAL = """
new Acme renewal
batna BATNA-ZEBRA renew with Globex
walkaway min 91,234 WALK-QUOKKA
counterparty NOTE-NARWHAL is the CFO
evidence EVID-OCELOT benchmark 85-110k
issue price us=5 them=3
issue term us=2 them=4
win mine WIN-TAPIR
rule RULE-IBIS within 90 days
next
bundle A price=95k term=3y
next
give LOG-PELICAN onboarding
they THEY-OSPREY our budget is tight
say SAY-HERON we can move on term
offer OFFER-EGRET 120k
next
"""
# A deal in the close phase with one give still unanswered.
CLOSE_WITH_A_GIVE = """
new {name}
next anyway
next anyway
give training
next anyway
"""


@dataclass
class Office:
    """Users of one workspace sharing teams, each typing into the same engine."""

    engine: Engine
    world: MemoryWorld = field(default_factory=MemoryWorld)

    def send(
        self, user: str, line: str, *, now: datetime = NOW, tz: str = "UTC", admin: bool = False
    ) -> Outcome:
        return self.engine.handle(line, self.world.space(user, tz=tz, is_admin=admin), now)

    def ok(self, user: str, line: str, **kwargs: object) -> Reply:
        outcome = self.send(user, line, **kwargs)  # type: ignore[arg-type]
        assert isinstance(outcome, Reply), f"{user}: {line!r} was rejected: {outcome}"
        return outcome

    def refused(self, user: str, line: str, code: str, **kwargs: object) -> Rejection:
        outcome = self.send(user, line, **kwargs)  # type: ignore[arg-type]
        assert isinstance(outcome, Rejection), f"{user}: {line!r} was accepted: {outcome}"
        assert outcome.code == code, f"{user}: {line!r}: {outcome.code} != {code}"
        return outcome

    def script(self, user: str, lines: str, **kwargs: object) -> None:
        for line in lines.strip().splitlines():
            self.ok(user, line.strip(), **kwargs)

    def join(self, manager: str, *reps: str, **kwargs: object) -> None:
        """``manager`` invites the reps, and each accepts: the way a team forms."""
        self.ok(manager, "team add " + " ".join(f"@{rep}" for rep in reps), **kwargs)
        for rep in reps:
            self.ok(rep, f"team accept @{manager}")

    def manager_of(self, user: str) -> str | None:
        return self.world.managers.get(user)

    def deal(self, user: str, name: str) -> Deal:
        deal = self.world.space(user).get_deal(name)
        assert deal is not None
        return deal


@pytest.fixture
def office(engine: Engine) -> Office:
    return Office(engine)


def nudge_notice(reply: Reply) -> Notice:
    (notice,) = [n for n in reply.notices if n.kind == "nudge"]
    return notice


# -- mentions ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "ids", "rest"),
    [
        ("<@U123|dana>", ["U123"], ""),
        ("<@U123>", ["U123"], ""),
        ("@dana", ["dana"], ""),
        ("<@U123|dana> <@U456|lee> Acme renewal", ["U123", "U456"], "Acme renewal"),
        ("<@U123|dana>, <@U456> Acme", ["U123", "U456"], "Acme"),
        ("@dana, @lee", ["dana", "lee"], ""),
        ("@dana,@lee Acme", ["dana", "lee"], "Acme"),
        ("  @dana   Acme  ", ["dana"], "Acme"),
        ("<@W0ABC|Dana Smith> call me", ["W0ABC"], "call me"),
        ("Acme @dana", [], "Acme @dana"),
        ("dana@example.com", [], "dana@example.com"),
        ("", [], ""),
    ],
)
def test_mentions_are_read_from_the_start(text: str, ids: list[str], rest: str) -> None:
    assert mentions(text) == (ids, rest)


# -- who sees what -------------------------------------------------------------------------
def test_a_rep_sees_their_manager_and_nobody_else_sees_the_team(office: Office) -> None:
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Acme renewal"))
    office.join("mgr", "rep")

    rep_view = office.ok("rep", "team")
    assert "Your manager is @mgr" in rep_view.text and rep_view.table is None

    office.join("other_mgr", "other_rep")
    for outsider in ("stranger", "other_mgr"):
        view = office.ok(outsider, "team")
        assert "Acme" not in repr(view) and "'@rep'" not in repr(view)
        if view.table is not None:
            assert {row[0] for row in view.table.rows} <= {"@other_rep"}
        refused = office.refused(outsider, "nudge @rep Acme renewal", "not_allowed_now")
        assert "not on your team" in refused.message
    assert office.world.nudges == {}

    view = office.ok("mgr", "team")
    assert view.table is not None
    assert [row[:3] for row in view.table.rows] == [["@rep", "Acme renewal", "Close"]]
    assert "nudge @rep Acme renewal" in view.next_steps


def test_the_team_view_never_shows_a_reps_words(office: Office) -> None:
    office.script("rep", SECRET_DEAL)
    deal = office.deal("rep", "Acme renewal")
    # The rep's words are really in the deal and its log (or this test proves nothing);
    # only the draft checked with `say` is not kept.
    own = repr(deal) + repr(office.world.spaces["rep"]._moves)
    assert [secret for secret in SECRETS if secret not in own] == ["HERON"]

    office.join("mgr", "rep")
    office.ok("mgr", "team policy give-get 1")
    office.ok("mgr", "team policy sign-safe on")
    later = NOW + timedelta(hours=3)
    view = office.ok("mgr", "team", now=later)
    assert view.table is not None and len(view.table.rows) == 1
    row = dict(zip(view.table.headers, view.table.rows[0], strict=True))
    assert row["phase"] == "Close" and row["open gives"] == "1"
    assert row["policy"] == gap_title(office.engine.lib, POLICY_GIVE_GET)
    nudged = office.ok("mgr", "nudge @rep Acme renewal", now=later)

    for reply in (view, nudged):
        shown = (
            repr(reply.text)
            + repr(reply.table)
            + repr(reply.next_steps)
            + repr(reply.lines)
            + repr(reply.warnings)
            + reply.full_text()
        )
        for secret in SECRETS:
            assert secret not in shown, f"{secret} leaked into the manager's {reply.command}"
    # The only notice goes to the rep; even it carries no BATNA or walk-away.
    assert {n.user_id for n in view.notices + nudged.notices} == {"rep"}
    for secret in ("ZEBRA", "QUOKKA", "91,234", "91234"):
        assert secret not in repr(nudged.notices)
    health = deal_health("rep", deal, later, None, {})
    for secret in SECRETS:
        assert secret not in repr(health)


def test_a_manager_sees_only_open_deals_of_their_own_reps(office: Office) -> None:
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Open one"))
    office.script("rep", "new Lost one\nwalk no budget")
    office.script("other_rep", "new Theirs")
    office.join("mgr", "rep")
    office.join("other_mgr", "other_rep")
    view = office.ok("mgr", "team")
    assert view.table is not None
    assert [row[1] for row in view.table.rows] == ["Open one"]
    assert "1 rep, 1 open deal" in view.text


# -- team add, assign, remove --------------------------------------------------------------
def test_team_add_takes_slack_mentions_and_commas(office: Office) -> None:
    reply = office.ok("UMGR", "team add <@U1|dana>, <@U2|lee> <@U3>", admin=True)
    assert "Added @U1, @U2, @U3 to your team" in reply.text
    assert office.world.spaces["UMGR"].team().members_of("UMGR") == ["U1", "U2", "U3"]
    assert sorted(n.user_id for n in reply.notices) == ["U1", "U2", "U3"]
    again = office.ok("UMGR", "team add <@U1|dana>", admin=True)
    assert "1 already on it" in again.text and again.notices == []
    invited = office.ok("UMGR", "team add <@U4|kim>, <@U5>")
    assert "Asked @U4, @U5 to join your team" in invited.text
    assert sorted(n.user_id for n in invited.notices) == ["U4", "U5"]


def test_team_add_refuses_self_and_a_rep_of_another_team(office: Office) -> None:
    office.refused("mgr", "team add @mgr", "bad_arguments")
    office.refused("mgr", "team add", "bad_arguments")
    office.refused("mgr", "team add @dana Acme", "bad_arguments")
    office.join("mgr", "dana")
    refused = office.refused("other", "team add @lee @dana", "not_allowed_now")
    assert "@mgr's team" in refused.message and "team assign" in refused.message
    # Nothing of the refused command was applied, not even the rep who was free.
    assert office.manager_of("dana") == "mgr" and office.manager_of("lee") is None
    assert office.world.invites == []
    # An admin may take a rep from another team.
    office.ok("other", "team add @lee @dana", admin=True)
    assert office.manager_of("dana") == "other" and office.manager_of("lee") == "other"


def test_team_assign_is_for_admins_only(office: Office) -> None:
    refused = office.refused("mgr", "team assign @mgr @dana", "not_allowed_now")
    assert "admin" in refused.message
    assert office.manager_of("dana") is None

    reply = office.ok("admin", "team assign <@UBOSS|boss> <@U1|dana> <@U2|lee>", admin=True)
    assert "Added @U1, @U2 to @UBOSS's team" in reply.text
    assert (office.manager_of("U1"), office.manager_of("U2")) == ("UBOSS", "UBOSS")
    assert {(n.user_id, n.kind) for n in reply.notices} == {("U1", "team"), ("U2", "team")}
    # The rep is told who added them, and whose team it is.
    assert "@admin (a workspace admin) added you to @UBOSS's team" in reply.notices[0].text
    assert set(reply.notices[0].people) == {"UBOSS", "admin"}
    assert "Your team: 2 reps" in office.ok("UBOSS", "team").text
    assert office.ok("U1", "team").text.startswith("Your manager is @UBOSS")

    office.refused("admin", "team assign @boss", "bad_arguments", admin=True)
    office.refused("admin", "team assign", "bad_arguments", admin=True)
    office.refused("admin", "team assign @boss @boss", "bad_arguments", admin=True)
    office.refused("admin", "team assign @boss @carl Acme", "bad_arguments", admin=True)
    assert office.manager_of("boss") is None and office.manager_of("carl") is None


def test_team_remove_only_takes_off_your_own_reps(office: Office) -> None:
    office.join("mgr", "dana", "lee")
    refused = office.refused("other", "team remove @dana", "not_allowed_now")
    assert "not on your team" in refused.message
    office.refused("mgr", "team remove @dana @stranger", "not_allowed_now")
    assert office.manager_of("dana") == "mgr"
    office.refused("mgr", "team remove", "bad_arguments")

    reply = office.ok("mgr", "team remove @dana")
    assert "Removed @dana" in reply.text
    assert office.manager_of("dana") is None and office.manager_of("lee") == "mgr"
    office.ok("admin", "team remove @lee", admin=True)
    assert office.manager_of("lee") is None
    assert "not on a team" in office.ok("lee", "team").text


def test_an_unknown_team_word_is_refused(office: Office) -> None:
    office.refused("mgr", "team disband", "bad_arguments")


# -- policies ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "line",
    [
        "team policy give-get",
        "team policy give-get 0",
        "team policy give-get 721",
        "team policy give-get lots",
        "team policy sign-safe maybe",
        "team policy naps on",
        "team policy give-get 24 hours",
    ],
)
def test_bad_policies_are_refused(office: Office, line: str) -> None:
    office.refused("mgr", line, "bad_arguments")
    assert office.world.policies.get("mgr", {}) == {}


def test_policies_switch_on_and_off(office: Office) -> None:
    assert "- (off)" in office.ok("mgr", "team policy").text
    reply = office.ok("mgr", "team policy give-get 24")
    assert "within 24 hours" in reply.text
    office.ok("mgr", "team policy sign-safe on")
    assert office.world.policies["mgr"] == {POLICY_GIVE_GET: 24, POLICY_SIGN_SAFE: None}
    office.ok("mgr", "team policy give-get off")
    reply = office.ok("mgr", "team policy sign_safe off")
    assert office.world.policies["mgr"] == {}
    assert "- (off)" in reply.text and "exit: off" in reply.text


def test_give_get_is_breached_after_n_hours_by_the_oldest_open_give(office: Office) -> None:
    office.script("rep", "new Acme\nnext anyway\nnext anyway")
    office.ok("rep", "give training")  # at NOW
    office.ok("rep", "give a free seat", now=NOW + timedelta(hours=20))
    office.join("mgr", "rep")
    office.ok("mgr", "team policy give-get 24")

    def policy_cell(hours: float) -> str:
        view = office.ok("mgr", "team", now=NOW + timedelta(hours=hours))
        assert view.table is not None
        return view.table.rows[0][-1]

    assert policy_cell(24) == "-"  # exactly N hours is still within
    # The newest give is 5 hours old; the oldest, 25: that one breaches.
    assert policy_cell(25) == gap_title(office.engine.lib, POLICY_GIVE_GET)
    office.ok("mgr", "team policy give-get 48")
    assert policy_cell(25) == "-"
    office.ok("mgr", "team policy give-get 24")
    office.ok("rep", "get a 3-year term", now=NOW + timedelta(hours=25))
    office.ok("rep", "get a case study", now=NOW + timedelta(hours=25))
    assert policy_cell(26) == "-"


def test_give_get_uses_the_move_time_and_the_injected_now() -> None:
    deal = Deal(name="Acme", context="sales", phase="midgame", unpaired_gives=1)
    give = Move(kind="give", item="training", created_at=NOW)
    policies: dict[str, int | None] = {POLICY_GIVE_GET: 2}
    at = [NOW + timedelta(hours=2), NOW + timedelta(hours=2, seconds=1)]
    assert deal_health("rep", deal, at[0], give, policies).violations == ()
    assert deal_health("rep", deal, at[1], give, policies).violations == (POLICY_GIVE_GET,)
    assert deal_health("rep", deal, at[1], give, {}).violations == ()
    assert deal_health("rep", deal, at[1], None, policies).violations == ()
    health = deal_health("rep", deal, at[1], give, policies)
    assert health.nudge_gap == POLICY_GIVE_GET


def test_sign_safe_flags_a_signature_without_safeguards(office: Office) -> None:
    office.script("rep", "new Bare\nnext anyway\nnext anyway\nnext anyway\nsigned anyway")
    office.script(
        "rep",
        """
    new Safe
    next anyway
    next anyway
    next anyway
    safeguard if uptime < 99.9% in a month, 10% service credit
    governance quarterly review with the CFO on uptime and adoption metrics
    exit either side may exit with 90 days notice
    signed
    """,
    )
    office.join("mgr", "rep")
    # Signed deals are out of the view unless they breach a policy.
    view = office.ok("mgr", "team")
    assert view.table is None or view.table.rows == []
    office.ok("mgr", "team policy sign-safe on")
    view = office.ok("mgr", "team")
    assert view.table is not None
    assert [(r[1], r[2], r[4], r[-1]) for r in view.table.rows] == [
        ("Bare", "Review", "0/3", gap_title(office.engine.lib, POLICY_SIGN_SAFE))
    ]
    notice = nudge_notice(office.ok("mgr", "nudge @rep Bare"))
    assert notice.gap == POLICY_SIGN_SAFE
    assert "Signed without safeguards" in notice.text
    assert notice.next_steps == [FIXES[POLICY_SIGN_SAFE][1]]


def test_sign_safe_needs_all_three_safeguards() -> None:
    signed = Deal(
        name="Acme",
        context="sales",
        phase="review",
        safeguards=[Clause("if uptime < 99.9%, 10% credit")],
        governance=[Clause("quarterly review")],
        exits=[],
    )
    policies: dict[str, int | None] = {POLICY_SIGN_SAFE: None}
    health = deal_health("rep", signed, NOW, None, policies)
    assert health.violations == (POLICY_SIGN_SAFE,) and health.coverage == 2 and watched(health)
    signed.exits = [Clause("90 days notice")]
    health = deal_health("rep", signed, NOW, None, policies)
    assert health.violations == () and health.coverage == 3 and not watched(health)
    signed.safeguards = [Clause("be nice", sound=False)]
    assert deal_health("rep", signed, NOW, None, policies).violations == (POLICY_SIGN_SAFE,)
    open_deal = Deal(name="Beta", context="sales", phase="close")
    assert deal_health("rep", open_deal, NOW, None, policies).violations == ()


# -- nudges --------------------------------------------------------------------------------
def test_a_nudge_names_the_gap_with_its_fix_line_and_command(office: Office) -> None:
    office.script("UREP", CLOSE_WITH_A_GIVE.format(name="Acme renewal"))
    office.join("UMGR", "UREP")
    reply = office.ok("UMGR", "nudge <@UREP|rep> Acme renewal please ask for the 3-year term")
    gap = "unreciprocated_concessions"
    title = gap_title(office.engine.lib, gap)
    assert title == office.engine.lib.warnings[gap].title
    assert f"Nudged @UREP about Acme renewal: {title}" in reply.text

    notice = nudge_notice(reply)
    deal = office.deal("UREP", "Acme renewal")
    topic, fix = FIXES[gap]
    expected_line = office.engine.lib.script(topic, deal.context, **deal_facts(deal))[0]
    assert (notice.user_id, notice.deal, notice.gap) == ("UREP", "Acme renewal", gap)
    assert notice.key == f"{deal.id}:2026-11-23"
    assert title in notice.text and "@UMGR nudged you about Acme renewal" in notice.text
    assert 'Their note: "please ask for the 3-year term"' in notice.text
    assert notice.lines == [expected_line] and expected_line
    assert notice.next_steps == [fix] == ["get"]


def test_a_nudge_without_a_note_says_none(office: Office) -> None:
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Acme"))
    office.join("mgr", "rep")
    notice = nudge_notice(office.ok("mgr", "nudge @rep Acme"))
    assert "note" not in notice.text.lower()


def test_one_nudge_per_deal_per_manager_local_day(office: Office) -> None:
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Acme"))
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Beta"))
    office.join("mgr", "rep")
    auckland = "Pacific/Auckland"
    # 09:30 UTC on the 23rd is 22:30 on the 23rd in Auckland.
    office.ok("mgr", "nudge @rep Acme", tz=auckland)
    refused = office.refused(
        "mgr", "nudge @rep Acme", "not_allowed_now", now=NOW + timedelta(hours=1), tz=auckland
    )
    assert "already nudged today" in refused.message
    # Another deal the same day is fine.
    office.ok("mgr", "nudge @rep Beta", now=NOW + timedelta(hours=1), tz=auckland)
    # 11:30 UTC is still the 23rd in UTC but already the 24th in Auckland.
    reply = office.ok("mgr", "nudge @rep Acme", now=NOW + timedelta(hours=2), tz=auckland)
    assert nudge_notice(reply).key.endswith(":2026-11-24")
    days = sorted(day for _, day in office.world.nudges)
    assert days == [date(2026, 11, 23), date(2026, 11, 23), date(2026, 11, 24)]


def test_one_nudge_per_day_in_utc_when_the_zone_is_unknown(office: Office) -> None:
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Acme"))
    office.join("mgr", "rep")
    office.ok("mgr", "nudge @rep Acme")
    office.refused("mgr", "nudge @rep Acme", "not_allowed_now", now=NOW + timedelta(hours=14))
    office.ok("mgr", "nudge @rep Acme", now=NOW + timedelta(hours=15))


def test_an_over_long_note_is_refused_and_records_nothing(office: Office) -> None:
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Acme"))
    office.join("mgr", "rep")
    refused = office.refused("mgr", "nudge @rep Acme " + "x" * 301, "bad_arguments")
    assert "300" in refused.message
    assert office.world.nudges == {}
    notice = nudge_notice(office.ok("mgr", "nudge @rep Acme " + "y" * 300))
    assert "y" * 300 in notice.text


def test_the_longest_deal_name_wins(office: Office) -> None:
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Acme"))
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Acme renewal"))
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Acme renewal 2027"))
    office.join("mgr", "rep")
    cases = [
        ("nudge @rep Acme renewal call me first", "Acme renewal", "call me first"),
        ("nudge @rep acme renewal 2027 Call Me", "Acme renewal 2027", "Call Me"),
        ("nudge @rep ACME renewals are due", "Acme", "renewals are due"),
    ]
    for step, (line, deal, note) in enumerate(cases):
        notice = nudge_notice(office.ok("mgr", line, now=NOW + timedelta(days=step)))
        assert (notice.deal, notice.text.split('Their note: "')[1].rstrip('"')) == (deal, note)
    office.refused("mgr", "nudge @rep Acmeish", "bad_arguments", now=NOW + timedelta(days=9))
    office.refused("mgr", "nudge @rep", "bad_arguments", now=NOW + timedelta(days=9))
    office.refused("mgr", "nudge @rep @lee Acme", "bad_arguments", now=NOW + timedelta(days=9))
    office.refused("mgr", "nudge Acme", "bad_arguments", now=NOW + timedelta(days=9))


def test_a_rep_with_one_open_deal_needs_no_deal_name(office: Office) -> None:
    office.script("rep", "new Done\nwalk no budget")
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Acme"))
    office.join("mgr", "rep")
    assert nudge_notice(office.ok("mgr", "nudge @rep")).deal == "Acme"


def test_a_deal_in_order_cannot_be_nudged(office: Office) -> None:
    office.script("rep", "new Tidy\nnext anyway\nbundle A price=95k term=3y")
    office.join("mgr", "rep")
    refused = office.refused("mgr", "nudge @rep Tidy", "not_allowed_now")
    assert "no open gap" in refused.message
    assert office.world.nudges == {}


def test_a_nudge_shows_in_the_reps_log_of_that_deal_only(office: Office) -> None:
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Acme"))
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Beta"))
    office.join("mgr", "rep")
    office.ok("mgr", "nudge @rep Acme ask for the term")
    office.ok("rep", "use Acme")
    log = office.ok("rep", "log")
    title = gap_title(office.engine.lib, "unreciprocated_concessions")
    assert f'2026-11-23 @mgr: {title} ("ask for the term")' in log.text
    assert log.table is not None  # the moves are still there
    office.ok("rep", "use Beta")
    assert "Nudges" not in office.ok("rep", "log").text


def test_a_nudge_shows_in_the_reps_status_with_its_fix(office: Office) -> None:
    """As reported: after a nudge, status said nothing was open with two gives unanswered."""
    office.script(
        "rep", "new Acme\nnext anyway\nnext anyway\ngive net-60 payment terms\ngive free training"
    )
    office.join("mgr", "rep")
    office.ok("mgr", "nudge @rep Acme ask for the term")
    status = office.ok("rep", "status")
    title = gap_title(office.engine.lib, "unreciprocated_concessions")
    lines = status.text.split("\n")
    assert lines[0] == "2 gives still wait for a get: free training; net-60 payment terms."
    assert lines[1] == (
        f'Latest nudge, from @mgr on 2026-11-23: {title} ("ask for the term"). Fix: `get <item>`.'
    )
    assert "left open" not in status.text
    assert lines[-1].startswith('Next: ask for something back for "free training"')
    assert status.next_steps[0] == "get" and "mgr" in status.people
    office.script("rep", "get a 3-year term\nget a case study")
    status = office.ok("rep", "status")
    assert "You've fixed it since." in status.text and "wait for a get" not in status.text
    assert status.text.split("\n")[-2] == "Nothing in Midgame is left open."


def test_an_open_nudge_is_the_next_step_when_the_phase_has_none(office: Office) -> None:
    office.script("rep", "new Acme\nnext anyway\nbundle A price=95k term=3y\nnext")
    office.join("mgr", "rep")
    nudge = nudge_notice(office.ok("mgr", "nudge @rep Acme"))
    assert nudge.gap == "no_safeguards"
    status = office.ok("rep", "status")
    title = gap_title(office.engine.lib, "no_safeguards")
    assert "Fix: `safeguard <text>`." in status.text
    assert status.text.endswith(f'Next: fix "{title}" with `safeguard <text>`.')
    assert status.next_steps[0] == "safeguard"


def test_the_most_costly_gap_is_nudged_first(office: Office) -> None:
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Acme"))
    office.join("mgr", "rep")
    office.ok("mgr", "team policy give-get 1")
    notice = nudge_notice(office.ok("mgr", "nudge @rep Acme", now=NOW + timedelta(hours=2)))
    assert notice.gap == POLICY_GIVE_GET
    assert gap_title(office.engine.lib, POLICY_GIVE_GET) in notice.text
    assert notice.next_steps == ["get"]


def test_every_nudgeable_gap_has_a_fix_in_the_phrase_library(engine: Engine) -> None:
    lib = engine.lib
    assert set(NUDGE_ORDER) == set(FIXES)
    for gap, (topic, fix) in FIXES.items():
        assert topic in lib.topics, gap
        assert fix in lib.commands, gap
        assert lib.script(topic, "sales", **deal_facts(None)), gap
        assert gap_title(lib, gap).strip(), gap
        # A fix helps finish the deal; it never hands the rep the script for leaving it.
        assert lib.topics[topic].phase not in ("review", "walked_away"), gap
    assert gap_title(lib, POLICY_SIGN_SAFE) != gap_title(lib, POLICY_GIVE_GET)


# -- consent: invites, accept, decline, leave -----------------------------------------------
def test_a_non_admin_add_is_only_an_invite_until_the_rep_accepts(office: Office) -> None:
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Acme renewal"))
    asked = office.ok("mgr", "team add @rep")
    assert "Asked @rep to join your team" in asked.text
    (invite,) = asked.notices
    assert (invite.user_id, invite.kind, invite.people) == ("rep", "team", ["mgr"])
    assert "@mgr asks to add you" in invite.text
    assert invite.next_steps == ["team accept @mgr", "team decline @mgr"]
    assert office.manager_of("rep") is None

    # Until the rep says yes, the would-be manager sees and nudges nothing.
    view = office.ok("mgr", "team")
    assert view.table is None and "Acme" not in repr(view)
    assert "Waiting for @rep to accept" in view.text
    assert (
        "not on your team"
        in office.refused("mgr", "nudge @rep Acme renewal", "not_allowed_now").message
    )
    assert office.world.spaces["mgr"].team().members_of("mgr") == []

    # Asking again sends no second note.
    again = office.ok("mgr", "team add @rep")
    assert again.notices == [] and "Still waiting for @rep" in again.text

    pending = office.ok("rep", "team")
    assert "@mgr asks to add you" in pending.text and "team accept @mgr" in pending.next_steps
    accepted = office.ok("rep", "team accept @mgr")
    assert "You're on @mgr's team now" in accepted.text
    (told,) = accepted.notices
    assert (told.user_id, told.people) == ("mgr", ["rep"]) and "@rep accepted" in told.text
    assert office.manager_of("rep") == "mgr" and office.world.invites == []
    assert "Your manager is @mgr" in office.ok("rep", "team").text
    mine = office.ok("mgr", "team")
    assert mine.table is not None and mine.table.rows[0][:2] == ["@rep", "Acme renewal"]
    # A second click on Accept is harmless.
    assert "already on @mgr's team" in office.ok("rep", "team accept @mgr").text


def test_a_declined_invite_shares_nothing_and_can_be_withdrawn(office: Office) -> None:
    office.ok("mgr", "team add @rep")
    declined = office.ok("rep", "team decline")  # the only invite needs no name
    assert "Declined @mgr's invite" in declined.text and declined.notices == []
    assert office.manager_of("rep") is None and office.world.invites == []
    office.refused("rep", "team accept @mgr", "not_allowed_now")
    office.refused("rep", "team accept", "not_allowed_now")

    office.ok("mgr", "team add @rep")
    withdrawn = office.ok("mgr", "team remove @rep")
    assert "Withdrew your invite to @rep" in withdrawn.text
    assert office.world.invites == []
    office.refused("rep", "team accept @mgr", "not_allowed_now")


def test_with_two_invites_the_rep_names_the_one_to_accept(office: Office) -> None:
    office.ok("a", "team add @rep")
    office.ok("b", "team add @rep")
    office.refused("rep", "team accept", "bad_arguments")
    office.refused("rep", "team accept @a @b", "bad_arguments")
    office.refused("rep", "team accept @stranger", "not_allowed_now")
    office.ok("rep", "team accept @b")
    assert office.manager_of("rep") == "b"
    # The other invite is still there; accepting it moves the rep, and b is told.
    moved = office.ok("rep", "team accept @a")
    assert office.manager_of("rep") == "a"
    assert {n.user_id for n in moved.notices} == {"a", "b"}
    assert "@rep left your team" in next(n.text for n in moved.notices if n.user_id == "b")


def test_an_invite_cannot_poach_a_rep_who_has_a_manager(office: Office) -> None:
    office.join("mgr", "rep")
    refused = office.refused("other", "team add @rep", "not_allowed_now")
    assert "@mgr's team" in refused.message
    assert office.world.invites == []


def test_a_rep_can_leave_and_the_manager_loses_sight(office: Office) -> None:
    office.script("rep", CLOSE_WITH_A_GIVE.format(name="Acme renewal"))
    office.ok("admin", "team assign @mgr @rep", admin=True)
    office.refused("rep", "team leave now", "bad_arguments")
    left = office.ok("rep", "team leave")
    assert "You left @mgr's team" in left.text
    (told,) = left.notices
    assert told.user_id == "mgr" and "@rep left your team" in told.text
    assert office.manager_of("rep") is None
    assert office.ok("mgr", "team").table is None
    office.refused("mgr", "nudge @rep Acme renewal", "not_allowed_now")
    office.refused("rep", "team leave", "not_allowed_now")


def test_an_admins_add_acts_at_once_and_names_the_admin(office: Office) -> None:
    office.ok("boss", "team add @rep")  # a pending invite of the admin's own
    added = office.ok("boss", "team add @rep", admin=True)
    assert "Added @rep to your team" in added.text
    (note,) = added.notices
    assert "@boss added you to their team" in note.text
    assert office.manager_of("rep") == "boss" and office.world.invites == []


@pytest.mark.parametrize(
    "line",
    [
        "team add @" + "x" * 65,
        "team assign @boss @" + "x" * 65,
        "nudge @" + "x" * 65 + " Acme",
    ],
)
def test_a_name_longer_than_a_user_id_is_refused(office: Office, line: str) -> None:
    refused = office.refused("mgr", line, "bad_arguments", admin=True)
    assert "at most 64 characters" in refused.message
    assert office.world.managers == {} and office.world.invites == []


def test_the_longest_user_id_is_accepted(office: Office) -> None:
    longest = "x" * 64
    office.join("mgr", longest)
    assert office.manager_of(longest) == "mgr"
