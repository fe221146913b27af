"""``team`` and ``nudge``: managers name their reps, see their deals' safeguards, and nudge.

Who may see what is decided here: a manager sees their own reps' deals as
:class:`~flows.oversight.DealHealth` (codes and counters, never the rep's words); a rep sees
who their manager is; anyone else sees nothing of a team.

Nobody becomes a manager without consent: a ``team add`` by someone who is not a
workspace admin only invites (the rep gets a note with Accept and Decline), and the rep
joins with ``team accept``. Until then the would-be manager sees nothing of the rep. A rep
can ``team leave`` at any time. Workspace admins still add and assign at once.
"""

from __future__ import annotations

from flows.commands import BadArguments, NotNow, command
from flows.model import Deal
from flows.oversight import (
    FIXES,
    POLICY_GIVE_GET,
    POLICY_SIGN_SAFE,
    DealHealth,
    check_user_ids,
    deal_health,
    gap_title,
    mentions,
    practice_score,
    watched,
)
from flows.replies import Notice, Table
from flows.schedule import local_date
from flows.script_lines import offered_lines
from flows.storage import TeamDirectory
from flows.turn import Turn, deal_facts
from flows.vocabulary import FINAL_PHASES

MAX_NUDGE_NOTE = 300
MAX_GIVE_GET_HOURS = 24 * 30
POLICY_WORDS = {
    "give-get": POLICY_GIVE_GET,
    "give_get": POLICY_GIVE_GET,
    "sign-safe": POLICY_SIGN_SAFE,
    "sign_safe": POLICY_SIGN_SAFE,
    "safe-sign": POLICY_SIGN_SAFE,
}


@command("team", "manager", needs_deal=False, needs_profile=True)
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
        check_user_ids(ids)
        profile = turn.space.profile()
        if profile.is_admin:
            _add(turn, ids, manager=profile.user_id)
        else:
            _invite(turn, ids, manager=profile.user_id)
    elif word == "assign":
        if not turn.space.profile().is_admin:
            raise NotNow(
                "Only a workspace admin can assign managers. Ask one to run "
                "`team assign @manager @rep`."
            )
        ids, leftover = mentions(rest)
        if len(ids) < 2 or leftover:
            raise BadArguments("Name the manager, then the reps: `team assign @manager @rep`.")
        check_user_ids(ids)
        _add(turn, ids[1:], manager=ids[0])
    elif word in ("accept", "join"):
        _answer(turn, rest, accept=True)
    elif word == "decline":
        _answer(turn, rest, accept=False)
    elif word == "leave":
        _leave(turn, rest)
    elif word in ("remove", "drop"):
        _remove(turn, rest)
    elif word == "policy":
        _policy(turn, rest)
    else:
        raise BadArguments(
            f"`team {word[:20]}` is not something I know. Try `team`, "
            "`team add @rep`, `team accept @manager`, `team leave`, "
            "`team remove @rep` or `team policy`."
        )


def _add(turn: Turn, ids: list[str], *, manager: str) -> None:
    profile = turn.space.profile()
    team = turn.space.team()
    for member in ids:
        if member == manager:
            raise BadArguments("A manager can't be on their own team.")
        current = team.manager_of(member)
        if current not in (None, manager) and not profile.is_admin:
            raise NotNow(
                f"@{member} is already on @{current}'s team. A workspace admin can "
                "move them with `team assign`."
            )
    added = [m for m in ids if team.manager_of(m) != manager]
    by = profile.user_id
    for member in added:
        team.set_manager(member, manager, by)
        team.drop_invite(member, manager)  # an admin's add answers any invite of theirs
        # The rep always learns who put them on a team, and whose team it is.
        text = (
            turn.lib.reply("team_joined", manager=manager)
            if by == manager
            else turn.lib.reply("team_joined_by", manager=manager, by=by)
        )
        turn.notices.append(
            Notice(
                user_id=member,
                kind="team",
                key=_key("joined", turn, manager),
                text=text,
                next_steps=["team"],
                people=[manager, by],
            )
        )
    turn.people.extend([*added, manager])
    turn.say(
        "team_added",
        added=[f"@{m}" for m in added],
        manager=manager,
        mine=manager == profile.user_id,
        had=len(ids) - len(added),
    )
    if manager == profile.user_id and profile.reminder is None:
        turn.suggest("remind 09:00")
    turn.suggest("team")


def _remove(turn: Turn, rest: str) -> None:
    profile = turn.space.profile()
    ids, leftover = mentions(rest)
    if not ids or leftover:
        raise BadArguments("Mention the reps to take off your team, like `team remove @dana`.")
    check_user_ids(ids)
    team = turn.space.team()
    mine = set(team.invites_from(profile.user_id))
    removed: list[str] = []
    withdrawn: list[str] = []
    for member in ids:
        if team.manager_of(member) == profile.user_id or (
            profile.is_admin and team.manager_of(member) is not None
        ):
            removed.append(member)
        elif member in mine:
            withdrawn.append(member)
        else:
            raise NotNow(f"@{member} is not on your team.")
    for member in removed:
        team.remove_member(member)
    for member in withdrawn:
        team.drop_invite(member, profile.user_id)
    turn.people.extend(ids)
    if removed:
        turn.say("team_removed", removed=[f"@{m}" for m in removed])
    if withdrawn:
        turn.say("team_invite_withdrawn", members=[f"@{m}" for m in withdrawn])


def _invite(turn: Turn, ids: list[str], *, manager: str) -> None:
    """Ask each rep to join; nothing is shared until they accept."""
    team = turn.space.team()
    for member in ids:
        if member == manager:
            raise BadArguments("A manager can't be on their own team.")
        current = team.manager_of(member)
        if current not in (None, manager):
            raise NotNow(
                f"@{member} is already on @{current}'s team. A workspace admin can "
                "move them with `team assign`."
            )
    invited: list[str] = []
    waiting: list[str] = []
    had = 0
    for member in dict.fromkeys(ids):
        if team.manager_of(member) == manager:
            had += 1
        elif team.invite(member, manager, turn.now):
            invited.append(member)
            turn.notices.append(
                Notice(
                    user_id=member,
                    kind="team",
                    key=_key("invite", turn, manager),
                    text=turn.lib.reply("team_invite_received", manager=manager),
                    next_steps=[f"team accept @{manager}", f"team decline @{manager}"],
                    people=[manager],
                )
            )
        else:
            # Asked before and not answered yet: no second note, so asking is no way to spam.
            waiting.append(member)
    turn.people.extend([*invited, *waiting])
    turn.say(
        "team_invited",
        invited=[f"@{m}" for m in invited],
        waiting=[f"@{m}" for m in waiting],
        had=had,
    )
    turn.suggest("team")


def _answer(turn: Turn, rest: str, *, accept: bool) -> None:
    """The rep's answer to an invite: join the manager's team, or drop the invite."""
    me = turn.space.profile().user_id
    team = turn.space.team()
    ids, leftover = mentions(rest)
    verb = "accept" if accept else "decline"
    if leftover or len(ids) > 1:
        raise BadArguments(f"Name the manager whose invite you {verb}: `team {verb} @name`.")
    check_user_ids(ids)
    pending = team.invites_to(me)
    if not ids:
        if len(pending) != 1:
            if not pending:
                raise NotNow("Nobody has asked you to join their team.")
            raise BadArguments(f"Several managers asked; name one: `team {verb} @name`.")
        ids = pending
    manager = ids[0]
    turn.people.append(manager)
    if not team.drop_invite(me, manager):
        if accept and team.manager_of(me) == manager:
            turn.say("team_already_member", manager=manager)  # a second click on Accept
            return
        raise NotNow(f"@{manager} has not asked you to join their team.")
    if not accept:
        turn.say("team_declined", manager=manager)
        return
    previous = team.manager_of(me)
    team.set_manager(me, manager, manager)
    turn.notices.append(
        Notice(
            user_id=manager,
            kind="team",
            key=_key("accepted", turn, me),
            text=turn.lib.reply("team_invite_accepted", member=me),
            next_steps=["team"],
            people=[me],
        )
    )
    if previous not in (None, manager):
        assert previous is not None
        turn.notices.append(_left_notice(turn, previous, me))
    turn.say("team_accepted", manager=manager)
    turn.suggest("team")


def _leave(turn: Turn, rest: str) -> None:
    """A rep takes themselves off their team; the manager is told."""
    if rest.strip():
        raise BadArguments("Just `team leave`: it takes you off your manager's team.")
    me = turn.space.profile().user_id
    team = turn.space.team()
    manager = team.manager_of(me)
    if manager is None:
        raise NotNow("You're not on anyone's team.")
    team.remove_member(me)
    turn.notices.append(_left_notice(turn, manager, me))
    turn.people.append(manager)
    turn.say("team_left", manager=manager)


def _left_notice(turn: Turn, manager: str, member: str) -> Notice:
    return Notice(
        user_id=manager,
        kind="team",
        key=_key("left", turn, member),
        text=turn.lib.reply("team_member_left", member=member),
        people=[member],
    )


def _key(what: str, turn: Turn, who: str) -> str:
    """A notice's outbox key: what happened, when, and to whom.

    The time comes before the id, so cutting a long key at the outbox's width never makes
    two notices of different moments collide.
    """
    return f"{what}:{turn.now.isoformat()}:{who}"


def _policy(turn: Turn, rest: str) -> None:
    manager = turn.space.profile().user_id
    team = turn.space.team()
    words = rest.lower().split()
    if words:
        code = POLICY_WORDS.get(words[0])
        if code is None or len(words) != 2:
            raise BadArguments(
                "Try `team policy give-get 24` (every give gets a get within 24 "
                "hours), `team policy sign-safe on`, or `... off`."
            )
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
    turn.say(
        "team_policies",
        give_get=policies.get(POLICY_GIVE_GET),
        give_get_on=POLICY_GIVE_GET in policies,
        sign_safe=POLICY_SIGN_SAFE in policies,
    )


def _show(turn: Turn) -> None:
    profile = turn.space.profile()
    team = turn.space.team()
    manager = team.manager_of(profile.user_id)
    members = team.members_of(profile.user_id)
    asking = team.invites_to(profile.user_id)
    waiting = team.invites_from(profile.user_id)
    turn.people.extend([manager] if manager else [])
    turn.people.extend([*asking, *waiting])
    if not members:
        if manager or not (asking or waiting):
            turn.say("team_member" if manager else "team_none", manager=manager or "")
        _pending(turn, asking, waiting)
        turn.suggest(*(f"team accept @{m}" for m in asking[:1]))
        turn.suggest("team leave" if manager else "team add @rep")
        return
    rows = team_view(turn.space.team(), profile.user_id, turn)
    headers = [
        "rep",
        "deal",
        "phase",
        "open gaps",
        "safeguards",
        "open gives",
        "idle days",
        "policy",
    ]
    turn.table = Table(headers, [_row(turn, h) for h in rows])
    turn.people.extend(members)
    turn.say(
        "team_shown",
        manager=manager or "",
        members=len(members),
        deals=len(rows),
        nudges=sum(1 for h in rows if h.nudge_gap),
    )
    scores = [practice_score(m, team.practice_of(m)) for m in members]
    turn.say(
        "team_practice",
        reps=[
            {
                "owner": s.owner,
                "count": s.count,
                "share": f"{float(s.joint_share):.0%}" if s.joint_share is not None else "",
            }
            for s in scores
        ],
    )
    _pending(turn, asking, waiting)
    for health in rows:
        if health.nudge_gap:
            turn.suggest(f"nudge @{health.owner} {health.deal}")


def _pending(turn: Turn, asking: list[str], waiting: list[str]) -> None:
    """Invites still open: to the user (they may answer), and from them (a manager waits)."""
    if asking:
        turn.say("team_invites_pending", managers=[f"@{m}" for m in asking])
    if waiting:
        turn.say("team_invites_waiting", members=[f"@{m}" for m in waiting])


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
            health = deal_health(member, deal, turn.now, team.oldest_unpaired_give(deal), policies)
            if watched(health):
                rows.append(health)
    return rows


def _row(turn: Turn, health: DealHealth) -> list[str]:
    """One deal as the manager reads it: phase, gap and policy titles, never codes."""
    return [
        f"@{health.owner}",
        health.deal,
        turn.lib.phase(health.phase).title,
        ", ".join(gap_title(turn.lib, code) for code in health.gaps) or "-",
        f"{health.coverage}/3",
        str(health.unpaired_gives),
        "-" if health.days_idle is None else str(health.days_idle),
        ", ".join(gap_title(turn.lib, code) for code in health.violations) or "-",
    ]


@command("nudge", "poke", needs_deal=False, needs_profile=True)
def handle_nudge(turn: Turn, args: str) -> None:
    """Send a rep a DM about the most costly gap in one of their deals."""
    profile = turn.space.profile()
    ids, rest = mentions(args)
    if len(ids) != 1:
        raise BadArguments("Mention one rep, then the deal: `nudge @dana Acme renewal`.")
    member = ids[0]
    check_user_ids(ids)
    team = turn.space.team()
    if team.manager_of(member) != profile.user_id:
        raise NotNow(f"@{member} is not on your team, so you can't nudge them.")
    deal, note = _pick_deal(team.deals_of(member), rest)
    if len(note) > MAX_NUDGE_NOTE:
        raise BadArguments(f"Keep the note under {MAX_NUDGE_NOTE} characters.")
    health = deal_health(
        member, deal, turn.now, team.oldest_unpaired_give(deal), team.policies(profile.user_id)
    )
    gap = health.nudge_gap
    if gap is None:
        raise NotNow(f"{deal.name} has no open gap to nudge about.")
    day = local_date(turn.now, profile.tz)
    if not team.add_nudge(deal, profile.user_id, gap, note, day, turn.now):
        raise NotNow(f"{deal.name} was already nudged today; one nudge a deal a day is enough.")
    topic, fix = FIXES[gap]
    line = next(iter(offered_lines(turn.lib, deal, deal_facts(deal), topic, 1)), "")
    title = gap_title(turn.lib, gap)
    turn.notices.append(
        Notice(
            user_id=member,
            kind="nudge",
            key=f"{deal.id}:{day.isoformat()}",
            text=turn.lib.reply(
                "nudge_received", manager=profile.user_id, deal=deal.name, gap=title, note=note
            ),
            deal=deal.name,
            gap=gap,
            lines=[line] if line else [],
            next_steps=[fix],
            people=[profile.user_id],
        )
    )
    turn.people.append(member)
    turn.say("nudge_sent", member=member, deal=deal.name, gap=title)


def _pick_deal(deals: list[Deal], rest: str) -> tuple[Deal, str]:
    """The deal ``rest`` starts with (longest name wins) and the note after it."""
    text = rest.strip()
    lowered = text.lower()
    named = [
        d for d in deals if lowered == d.name.lower() or lowered.startswith(d.name.lower() + " ")
    ]
    if named:
        deal = max(named, key=lambda d: len(d.name))
        return deal, text[len(deal.name) :].strip()
    open_deals = [d for d in deals if d.phase not in FINAL_PHASES]
    if not text and len(open_deals) == 1:
        return open_deals[0], ""
    if not text:
        raise BadArguments("Name the deal to nudge about, after the rep.")
    raise BadArguments("That rep has no deal with that name. `team` lists their deals.")
