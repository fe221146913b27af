"""``team`` and ``nudge``: managers name their reps, see their deals' safeguards, and nudge.

Who may see what is decided here: a manager sees their own reps' deals as
:class:`~flows.team.DealHealth` (codes and counters, never the rep's words); a rep sees
who their manager is; anyone else sees nothing of a team.
"""

from __future__ import annotations

from flows.commands import BadArguments, NotNow, command
from flows.model import Deal
from flows.replies import Notice, Table
from flows.schedule import local_date
from flows.storage import TeamDirectory
from flows.team import (
    FIXES,
    POLICY_GIVE_GET,
    POLICY_SIGN_SAFE,
    DealHealth,
    deal_health,
    gap_title,
    mentions,
    watched,
)
from flows.turn import Turn, deal_facts

MAX_NUDGE_NOTE = 300
MAX_GIVE_GET_HOURS = 24 * 30
POLICY_WORDS = {"give-get": POLICY_GIVE_GET, "give_get": POLICY_GIVE_GET,
                "sign-safe": POLICY_SIGN_SAFE, "sign_safe": POLICY_SIGN_SAFE,
                "safe-sign": POLICY_SIGN_SAFE}


@command("team", "manager", needs_deal=False)
def handle_team(turn: Turn, args: str) -> None:
    """Show the team, or add, remove or assign reps, or set team policies."""
    word, _, rest = args.strip().partition(" ")
    word = word.lower()
    if not word:
        _show(turn)
    elif word == "add":
        ids, leftover = mentions(rest)
        if not ids or leftover:
            raise BadArguments("Mention the reps to add, like `team add @dana @lee`.")
        _add(turn, ids, manager=turn.space.profile().user_id)
    elif word == "assign":
        if not turn.space.profile().is_admin:
            raise NotNow("Only a workspace admin can assign managers. Ask one to run "
                         "`team assign @manager @rep`.")
        ids, leftover = mentions(rest)
        if len(ids) < 2 or leftover:
            raise BadArguments("Name the manager, then the reps: `team assign @manager @rep`.")
        _add(turn, ids[1:], manager=ids[0])
    elif word in ("remove", "drop"):
        _remove(turn, rest)
    elif word == "policy":
        _policy(turn, rest)
    else:
        raise BadArguments(f"`team {word[:20]}` is not something I know. Try `team`, "
                           "`team add @rep`, `team remove @rep` or `team policy`.")


def _add(turn: Turn, ids: list[str], *, manager: str) -> None:
    profile = turn.space.profile()
    team = turn.space.team()
    for member in ids:
        if member == manager:
            raise BadArguments("A manager can't be on their own team.")
        current = team.manager_of(member)
        if current not in (None, manager) and not profile.is_admin:
            raise NotNow(f"@{member} is already on @{current}'s team. A workspace admin can "
                         "move them with `team assign`.")
    added = [m for m in ids if team.manager_of(m) != manager]
    for member in added:
        team.set_manager(member, manager, profile.user_id)
        turn.notices.append(Notice(
            user_id=member, kind="team", key=f"{manager}:{turn.now.isoformat()}",
            text=turn.lib.reply("team_joined", manager=manager), people=[manager]))
    turn.people.extend([*added, manager])
    turn.say("team_added", added=[f"@{m}" for m in added], manager=manager,
             mine=manager == profile.user_id, had=len(ids) - len(added))
    if manager == profile.user_id and profile.reminder is None:
        turn.suggest("remind 09:00")
    turn.suggest("team")


def _remove(turn: Turn, rest: str) -> None:
    profile = turn.space.profile()
    ids, leftover = mentions(rest)
    if not ids or leftover:
        raise BadArguments("Mention the reps to take off your team, like `team remove @dana`.")
    team = turn.space.team()
    for member in ids:
        if team.manager_of(member) != profile.user_id and not profile.is_admin:
            raise NotNow(f"@{member} is not on your team.")
    for member in ids:
        team.remove_member(member)
    turn.people.extend(ids)
    turn.say("team_removed", removed=[f"@{m}" for m in ids])


def _policy(turn: Turn, rest: str) -> None:
    manager = turn.space.profile().user_id
    team = turn.space.team()
    words = rest.lower().split()
    if words:
        code = POLICY_WORDS.get(words[0])
        if code is None or len(words) != 2:
            raise BadArguments("Try `team policy give-get 24` (every give gets a get within 24 "
                               "hours), `team policy sign-safe on`, or `... off`.")
        value: int | None = None
        on = words[1] != "off"
        if on and code == POLICY_GIVE_GET:
            if not words[1].isdigit() or not 1 <= int(words[1]) <= MAX_GIVE_GET_HOURS:
                raise BadArguments(f"Give the hours as a number from 1 to {MAX_GIVE_GET_HOURS}.")
            value = int(words[1])
        elif on and words[1] != "on":
            raise BadArguments("Say `on` or `off`.")
        team.set_policy(manager, code, value, on=on)
    policies = team.policies(manager)
    turn.say("team_policies", give_get=policies.get(POLICY_GIVE_GET),
             give_get_on=POLICY_GIVE_GET in policies, sign_safe=POLICY_SIGN_SAFE in policies)


def _show(turn: Turn) -> None:
    profile = turn.space.profile()
    team = turn.space.team()
    manager = team.manager_of(profile.user_id)
    members = team.members_of(profile.user_id)
    turn.people.extend([manager] if manager else [])
    if not members:
        turn.say("team_member" if manager else "team_none", manager=manager or "")
        turn.suggest("team add @rep")
        return
    rows = team_view(turn.space.team(), profile.user_id, turn)
    headers = ["rep", "deal", "phase", "open gaps", "safeguards", "open gives", "idle days",
               "policy"]
    turn.table = Table(headers, [_row(h) for h in rows])
    turn.people.extend(members)
    turn.say("team_shown", manager=manager or "", members=len(members), deals=len(rows),
             nudges=sum(1 for h in rows if h.nudge_gap))
    for health in rows:
        if health.nudge_gap:
            turn.suggest(f"nudge @{health.owner} {health.deal}")


def team_view(team: TeamDirectory, manager: str, turn: Turn) -> list[DealHealth]:
    """Every watched deal of the manager's reps, reps in the order they joined.

    Args:
        team: the workspace's teams.
        manager: whose team.
        turn: the current command (for the time).

    """
    policies = team.policies(manager)
    rows: list[DealHealth] = []
    for member in team.members_of(manager):
        for deal in team.deals_of(member):
            health = deal_health(member, deal, turn.now, team.oldest_unpaired_give(deal),
                                 policies)
            if watched(health):
                rows.append(health)
    return rows


def _row(health: DealHealth) -> list[str]:
    return [
        f"@{health.owner}", health.deal, health.phase, ", ".join(health.gaps) or "-",
        f"{health.coverage}/3", str(health.unpaired_gives),
        "-" if health.days_idle is None else str(health.days_idle),
        ", ".join(health.violations) or "-",
    ]


@command("nudge", "poke", needs_deal=False)
def handle_nudge(turn: Turn, args: str) -> None:
    """Send a rep a DM about the most costly gap in one of their deals."""
    profile = turn.space.profile()
    ids, rest = mentions(args)
    if len(ids) != 1:
        raise BadArguments("Mention one rep, then the deal: `nudge @dana Acme renewal`.")
    member = ids[0]
    team = turn.space.team()
    if team.manager_of(member) != profile.user_id:
        raise NotNow(f"@{member} is not on your team, so you can't nudge them.")
    deal, note = _pick_deal(team.deals_of(member), rest)
    if len(note) > MAX_NUDGE_NOTE:
        raise BadArguments(f"Keep the note under {MAX_NUDGE_NOTE} characters.")
    health = deal_health(member, deal, turn.now, team.oldest_unpaired_give(deal),
                         team.policies(profile.user_id))
    gap = health.nudge_gap
    if gap is None:
        raise NotNow(f"{deal.name} has no open gap to nudge about.")
    day = local_date(turn.now, profile.tz)
    if not team.add_nudge(deal, profile.user_id, gap, note, day, turn.now):
        raise NotNow(f"{deal.name} was already nudged today; one nudge a deal a day is enough.")
    topic, fix = FIXES[gap]
    line = next(iter(turn.lib.script(topic, deal.context, **deal_facts(deal))), "")
    title = gap_title(turn.lib, gap)
    turn.notices.append(Notice(
        user_id=member, kind="nudge", key=f"{deal.id}:{day.isoformat()}",
        text=turn.lib.reply("nudge_received", manager=profile.user_id, deal=deal.name,
                            gap=title, note=note),
        deal=deal.name, gap=gap, lines=[line] if line else [], next_steps=[fix],
        people=[profile.user_id]))
    turn.people.append(member)
    turn.say("nudge_sent", member=member, deal=deal.name, gap=title)


def _pick_deal(deals: list[Deal], rest: str) -> tuple[Deal, str]:
    """The deal ``rest`` starts with (longest name wins) and the note after it."""
    text = rest.strip()
    lowered = text.lower()
    named = [d for d in deals if lowered == d.name.lower()
             or lowered.startswith(d.name.lower() + " ")]
    if named:
        deal = max(named, key=lambda d: len(d.name))
        return deal, text[len(deal.name):].strip()
    open_deals = [d for d in deals if d.phase not in ("review", "walked_away")]
    if not text and len(open_deals) == 1:
        return open_deals[0], ""
    if not text:
        raise BadArguments("Name the deal to nudge about, after the rep.")
    raise BadArguments("That rep has no deal with that name. `team` lists their deals.")

