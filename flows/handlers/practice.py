"""Practice mode in chat: rehearse against the coach's counterpart, then a debrief.

The rep picks a scenario, trades packages with the counterpart, and reads a debrief
scored against the exact frontier (see :mod:`flows.practice`).

A rehearsal is a practice deal: it becomes the active deal while it runs, so the coach's
own commands (``say``, ``log``, ``status``) and warnings work on it as on a real deal, and
the session state lives in the deal's facts document. Practice deals never show in deal
lists, reminders or team views; when a rehearsal ends the user is back on their deal.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from fractions import Fraction

from flows.analysis.frontier import Package
from flows.analysis.sheet import Option
from flows.commands import BadArguments, NotNow, command
from flows.detectors import Detectors
from flows.model import Deal, Move, Walkaway
from flows.practice import rehearsal
from flows.practice.counterparts import Response
from flows.practice.debrief import debrief, debrief_report, offer_path
from flows.practice.history import TREND_WINDOW, Scored, bests, share_of_best, trend
from flows.practice.offers import OfferReadError, names_options, read_offer
from flows.practice.scenarios import STYLES, Scenario, Style, builtin_scenarios
from flows.practice.session import Session
from flows.replies import Analysis, Table
from flows.turn import Turn

# The most packages one move may hold (a MESO is two or three).
MAX_PACKAGES = 3
HISTORY_SHOWN = 10
_SPLIT_PACKAGES = re.compile(r"\s*\|\s*|\s+or\s+", re.I)
_START = re.compile(
    r"^(?P<key>[\w.-]+)(?:\s+as\s+(?P<style>\w+))?(?:\s+seed\s+(?P<seed>\d{1,6}))?$", re.I
)
_DEBRIEF = re.compile(r"^debrief(?:\s+--chart(?:[\s=].*)?)?$", re.I | re.S)
_THIS_DEAL = re.compile(
    r"^this(?:\s+deal)?(?:\s+as\s+(?P<style>\w+))?(?:\s+seed\s+(?P<seed>\d{1,6}))?$", re.I
)


def points(value: Fraction) -> str:
    """Points as a person reads them: whole, or to one decimal."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.1f}"


def package_text(scenario: Scenario, package: Package) -> str:
    """A package as ``issue option, issue option``."""
    return ", ".join(f"{issue} {label}" for issue, label in scenario.labels(package))


def _session(turn: Turn) -> tuple[Deal, Session]:
    deal = turn.active
    if not deal.is_practice:
        raise NotNow(turn.lib.reply("practice_not_in_session"))
    return deal, Session.from_doc(deal.practice)


def _open_session(turn: Turn) -> tuple[Deal, Session]:
    deal, session = _session(turn)
    if not session.is_open:
        raise NotNow(turn.lib.reply("practice_ended"))
    return deal, session


def _save(turn: Turn, session: Session) -> Deal:
    deal = turn.touch()
    deal.practice = session.to_doc()
    return deal


# -- the command ------------------------------------------------------------------------
@command("practice", "rehearse", "roleplay", needs_deal=False)
def handle_practice(turn: Turn, args: str) -> None:
    """List scenarios, start one, ask, stop, or show the debrief or history."""
    words = args.strip()
    word = words.lower()
    if not words:
        _list(turn)
    elif word == "stop":
        _stop(turn)
    elif word == "ask":
        _ask(turn)
    elif _DEBRIEF.match(word):
        # ``--chart FILE`` is the terminal's (it writes the file); other fronts ignore it.
        _show_debrief(turn)
    elif word == "history":
        _history(turn)
    elif word.startswith(("offer ", "propose ")):
        practice_offer(turn, words.split(" ", 1)[1])
    elif word == "accept":
        handle_accept(turn, "")
    elif word == "walk":
        practice_walk(turn)
    else:
        _start(turn, words)


def _list(turn: Turn) -> None:
    scenarios = builtin_scenarios()
    active = (
        turn.deal.name
        if turn.deal is not None
        and turn.deal.is_practice
        and Session.from_doc(turn.deal.practice).is_open
        else ""
    )
    turn.table = Table(
        ["scenario", "context", "title"], [[s.key, s.context, s.title] for s in scenarios.values()]
    )
    turn.say("practice_listed", count=len(scenarios), active=active)
    turn.suggest(f"practice {next(iter(scenarios))}")


def _start(turn: Turn, args: str) -> None:
    this = _THIS_DEAL.match(args)
    if this is not None:
        _start_this_deal(turn, this.group("style"), this.group("seed"))
        return
    scenarios = builtin_scenarios()
    match = _START.match(args)
    key = (match.group("key") if match else args.split()[0]).lower()
    if match is None or key not in scenarios:
        close = difflib.get_close_matches(key, list(scenarios), n=1, cutoff=0.5)
        raise BadArguments(
            turn.lib.reply(
                "practice_unknown_scenario", name=key[:40], guess=close[0] if close else ""
            )
        )
    style = _style(turn, match.group("style"), scenarios[key].style)
    _not_rehearsing(turn)
    _begin(turn, scenarios[key], style, match.group("seed"))


def _style(turn: Turn, asked: str | None, default: str) -> Style:
    style = (asked or default).lower()
    if style not in STYLES:
        raise BadArguments(turn.lib.reply("practice_bad_style", style=style[:20]))
    return style  # type: ignore[return-value]


def _not_rehearsing(turn: Turn) -> None:
    if (
        turn.deal is not None
        and turn.deal.is_practice
        and Session.from_doc(turn.deal.practice).is_open
    ):
        raise NotNow(turn.lib.reply("practice_already", name=turn.deal.name))


def _start_this_deal(turn: Turn, style_word: str | None, seed: str | None) -> None:
    """Rehearse the active real deal, from its scoring sheet or its issue map."""
    style = _style(turn, style_word, rehearsal.DEFAULT_STYLE)
    _not_rehearsing(turn)
    real = turn.deal
    if real is None or real.is_practice:
        raise NotNow(turn.lib.reply("practice_this_no_deal"))
    # Not the deal's counterparty notes: they are the rep's notes, not a name to speak as.
    counterpart = turn.lib.reply("practice_this_counterpart")
    try:
        built = rehearsal.build(real, title=real.name[:80], counterpart=counterpart, brief="")
    except rehearsal.RehearsalError as exc:
        raise BadArguments(turn.lib.reply(exc.code, **exc.values)) from None
    scenario = built.scenario
    brief = turn.lib.reply(
        "practice_this_brief",
        source=built.source,
        issues=len(scenario.sheet.issues),
        bundles=sorted(built.bundles),
        walkaway_issue=built.walkaway_issue,
        walkaway_option=built.walkaway_option,
        deal_walkaway=real.walkaway.text if real.walkaway else "",
        share=f"{float(rehearsal.DEFAULT_SHARE):.0%}",
        walkaway=points(scenario.walkaway_us),
    )
    scenario = Scenario(**{**scenario.__dict__, "brief": brief})
    _begin(
        turn,
        scenario,
        style,
        seed,
        built=rehearsal.scenario_to_doc(scenario, built.bundles),
        floor=real.walkaway,
    )
    turn.detail(
        "practice_this_estimates",
        source=built.source,
        walkaway_issue=built.walkaway_issue,
        deal_walkaway=real.walkaway.text if real.walkaway else "",
    )


def _begin(
    turn: Turn,
    scenario: Scenario,
    style: Style,
    seed_text: str | None,
    built: dict[str, object] | None = None,
    floor: Walkaway | None = None,
) -> None:
    """Open a rehearsal of ``scenario`` as a new practice deal and make it the active deal.

    ``floor`` is the real deal's walk-away when rehearsing it: its figure stays on the
    practice deal so a line that says it aloud is caught as in the real deal.
    """
    past = turn.space.list_deals(practice=True)
    number = len(past) + 1
    name = turn.lib.reply("practice_deal_name", number=number, title=scenario.title)
    while turn.space.get_deal(name) is not None:
        number += 1
        name = turn.lib.reply("practice_deal_name", number=number, title=scenario.title)
    seed = int(seed_text) if seed_text else number
    session = Session(
        scenario=scenario.key,
        style=style,
        seed=seed,
        return_to=turn.deal.name if turn.deal is not None and not turn.deal.is_practice else "",
        built=built,
    )
    walkaway = points(scenario.walkaway_us)
    deal = Deal(
        name=name,
        context=scenario.context,
        phase="first_move",
        created_at=turn.now,
        updated_at=turn.now,
        evidence=list(scenario.evidence),
        walkaway=Walkaway(
            text=turn.lib.reply("practice_walkaway_text", points=walkaway),
            amount=floor.amount if floor else None,
            currency=floor.currency if floor else None,
            direction=floor.direction if floor else None,
        ),
        counterparty=[scenario.counterpart],
    )
    opening = session.open()
    deal.practice = session.to_doc()
    turn.space.add_deal(deal)
    turn.space.set_active(deal)
    turn.deal = deal
    turn.say(
        "practice_started",
        title=scenario.title,
        counterpart=scenario.counterpart,
        brief=scenario.brief,
        walkaway=walkaway,
    )
    turn.detail("practice_rules", walkaway=walkaway, rounds=scenario.rounds)
    turn.table = Table(
        ["issue", "option", "your points"],
        [
            [issue.name, option.label, points(option.us)]
            for issue in scenario.sheet.issues
            for option in issue.options
        ],
    )
    _speak(turn, session, opening)
    turn.suggest("offer", "practice ask", "accept")


# -- moves ------------------------------------------------------------------------------
def parse_packages(
    scenario: Scenario,
    text: str,
    last: Package | None,
    turn: Turn,
    bundles: dict[str, dict[str, str]] | None = None,
) -> tuple[list[Package], list[str]]:
    """The packages an offer names, and the issues filled from the last offer.

    Each package is ``issue=option`` terms, a bundle label (rehearsing a real deal with a
    MESO), or plain words that name options (:func:`flows.practice.offers.read_offer`).
    """
    issues = scenario.sheet.issues
    example = " ".join(f"{i.name}={i.options[0].label}" for i in issues[:2])
    chunks = [c for c in _SPLIT_PACKAGES.split(text.strip()) if c.strip()]
    if not chunks:
        raise BadArguments(turn.lib.reply("practice_empty_offer", example=example))
    if len(chunks) > MAX_PACKAGES:
        raise BadArguments(turn.lib.reply("practice_too_many", limit=MAX_PACKAGES))
    base = last or tuple(max(range(len(i.options)), key=_points_for_rep(i.options)) for i in issues)
    packages: list[Package] = []
    filled: set[str] = set()
    for chunk in chunks:
        terms = [t for t in re.split(r"[\s,;]+", chunk.strip()) if t]
        if not all("=" in t for t in terms):
            chosen = _read_words(turn, scenario, chunk, bundles or {})
            filled.update(issues[i].name for i in range(len(issues)) if i not in chosen)
            packages.append(tuple(chosen.get(i, base[i]) for i in range(len(issues))))
            continue
        chosen = {}
        for term in terms:
            if not term:
                continue
            name, sep, value = term.partition("=")
            if not sep or not name or not value:
                raise BadArguments(
                    turn.lib.reply("practice_bad_term", term=term[:40], example=example)
                )
            index = _match([i.name for i in issues], name)
            if index is None:
                raise BadArguments(
                    turn.lib.reply(
                        "practice_unknown_issue", issue=name[:40], issues=[i.name for i in issues]
                    )
                )
            labels = [o.label for o in issues[index].options]
            option = _match(labels, value, prefix=False)
            if option is None:
                raise BadArguments(
                    turn.lib.reply(
                        "practice_unknown_option",
                        option=value[:40],
                        issue=issues[index].name,
                        options=labels,
                    )
                )
            if index in chosen:
                raise BadArguments(turn.lib.reply("practice_twice", issue=issues[index].name))
            chosen[index] = option
        filled.update(issues[i].name for i in range(len(issues)) if i not in chosen)
        packages.append(tuple(chosen.get(i, base[i]) for i in range(len(issues))))
    return list(dict.fromkeys(packages)), [i.name for i in issues if i.name in filled]


def _read_words(
    turn: Turn, scenario: Scenario, chunk: str, bundles: dict[str, dict[str, str]]
) -> dict[int, int]:
    """Options named in plain words or by a bundle label; a clear refusal otherwise."""
    try:
        return read_offer(scenario, chunk, bundles)
    except OfferReadError as exc:
        values = dict(exc.values)
        if exc.code == "practice_plain_nothing":
            values["example"] = _examples(scenario)
        raise BadArguments(turn.lib.reply(exc.code, **values)) from None


def _examples(scenario: Scenario) -> tuple[str, str]:
    """An offer as ``issue=option`` terms, and the same one in words."""
    picks = [
        (i.name, i.options[min(1, len(i.options) - 1)].label) for i in scenario.sheet.issues[:2]
    ]
    return (
        " ".join(f"{name}={label}" for name, label in picks),
        " for ".join(label for _, label in picks),
    )


def reads_as_offer(deal: Deal, text: str) -> bool:
    """Whether a plain line, in an open rehearsal, is an offer that names options."""
    if not deal.is_practice:
        return False
    session = Session.from_doc(deal.practice)
    return session.is_open and names_options(session.scenario_data, text, session.bundles)


def _points_for_rep(options: tuple[Option, ...]) -> Callable[[int], Fraction]:
    return lambda index: options[index].us


def _match(names: list[str], wanted: str, *, prefix: bool = True) -> int | None:
    def fold(text: str) -> str:
        return re.sub(r"[\s$,_]", "", text.casefold())

    folded = [fold(n) for n in names]
    key = fold(wanted)
    if key in folded:
        return folded.index(key)
    starts = [i for i, n in enumerate(folded) if prefix and n.startswith(key)]
    return starts[0] if len(starts) == 1 else None


def practice_offer(turn: Turn, args: str) -> None:
    """``offer issue=option ...`` inside a rehearsal (``|`` between packages: a MESO)."""
    deal, session = _open_session(turn)
    scenario = session.scenario_data
    last = session.rep[-1][0] if session.rep else None
    packages, filled = parse_packages(scenario, args, last, turn, session.bundles)
    # The coach's checks, as on a real offer: the words, then the packages.
    if not deal.evidence and not session.rep:
        turn.warn("anchor_without_evidence")
    for finding in Detectors(turn.lib).check_our_line(deal, args, is_offer=True):
        turn.warn(finding.code, **finding.values)
        if finding.code == "overshare_walkaway":  # the counterpart heard a floor
            session.revealed.append(
                {
                    "kind": "floor",
                    "round": session.round + 1,
                    "phrase": str(finding.values.get("phrase", ""))[:80],
                }
            )
    if last is not None and len(packages) == 1:
        given = _one_way(scenario, last, packages[0])
        if given:
            turn.warn("one_way_concession", item=", ".join(given))
            turn.detail("practice_one_way", issues=given)
        elif _split(session, packages[0]):
            turn.warn("split_the_difference", phrase=package_text(scenario, packages[0]))
    for package in packages:
        ours = scenario.value(package)[0]
        if ours < scenario.walkaway_us:
            turn.warn(
                "below_walkaway",
                amount=package_text(scenario, package),
                walkaway=deal.walkaway.text if deal.walkaway else "",
                direction="min",
            )
            turn.detail(
                "practice_below_yours",
                package=package_text(scenario, package),
                points=points(ours),
                walkaway=points(scenario.walkaway_us),
            )
    texts = [package_text(scenario, p) for p in packages]
    if filled and last is not None:
        turn.detail("practice_filled", issues=filled)
    turn.say("practice_you_offered", count=len(texts), packages=texts)
    answer = session.offer(packages)
    _log(turn, Move(kind="offer", text=" | ".join(texts)))
    deal = _save(turn, session)
    if deal.phase == "first_move":
        deal.phase = "midgame"
    _speak(turn, session, answer)
    if session.is_open:
        turn.say("practice_round", round=session.round, rounds=scenario.rounds)
        turn.suggest("offer", "accept", "walk")
    else:
        _finish(turn, session)


def _one_way(scenario: Scenario, before: Package, after: Package) -> list[str]:
    """The issues a move gave on when it took nothing back; empty for a trade."""
    lost, won = [], False
    for issue, a, b in zip(scenario.sheet.issues, before, after, strict=True):
        delta = issue.options[b].us - issue.options[a].us
        if delta < 0:
            lost.append(issue.name)
        won = won or delta > 0
    return [] if won else lost


def _split(session: Session, package: Package) -> bool:
    """Whether the rep's package sits halfway between their last offer and ours, issue by issue."""
    if not session.rep or not session.theirs or len(session.rep[-1]) != 1:
        return False
    mine, theirs = session.rep[-1][0], session.theirs[-1]
    moved = [i for i, (a, b) in enumerate(zip(mine, theirs, strict=True)) if a != b]
    return (
        bool(moved)
        and package != mine
        and all(abs(package[i] - (mine[i] + theirs[i]) / 2) <= 0.5 for i in moved)
    )


@command("accept", "agree", "deal")
def handle_accept(turn: Turn, args: str) -> None:
    """Accept the counterpart's latest offer in a rehearsal."""
    deal, session = _open_session(turn)
    scenario = session.scenario_data
    if not session.theirs:
        raise NotNow(turn.lib.reply("practice_nothing_to_accept"))
    package = session.theirs[-1]
    ours = scenario.value(package)[0]
    if ours < scenario.walkaway_us:
        turn.warn(
            "below_walkaway",
            amount=package_text(scenario, package),
            walkaway=deal.walkaway.text if deal.walkaway else "",
            direction="min",
        )
    session.accept()
    _save(turn, session)
    turn.say("practice_you_accepted", package=package_text(scenario, package))
    _finish(turn, session)


def practice_walk(turn: Turn) -> None:
    """The rep walks away from the rehearsal."""
    _, session = _open_session(turn)
    session.end("no_deal", "you_walked")
    _save(turn, session)
    turn.say("practice_you_walked")
    _finish(turn, session)


def _ask(turn: Turn) -> None:
    _, session = _open_session(turn)
    if session.asked:
        turn.say("practice_ask_limit")
        return
    top, least = session.counterpart().priorities()
    session.asked += 1
    session.revealed.append({"kind": "asked", "round": session.round, "top": top, "least": least})
    _save(turn, session)
    turn.say("practice_asked", name=_who(session), top=top, least=least)


def _stop(turn: Turn) -> None:
    deal, session = _session(turn)
    if session.is_open:
        session.end("stopped", "stopped")
        _save(turn, session)
        deal.phase = "walked_away"
        deal.walked_from = "midgame"
    back = _go_back(turn, session)
    turn.say("practice_stopped", back=back)


# -- what the counterpart says ----------------------------------------------------------
def _who(session: Session) -> str:
    return session.scenario_data.counterpart.split(",")[0]


def _speak(turn: Turn, session: Session, answer: Response) -> None:
    scenario = session.scenario_data
    name = _who(session)
    package = package_text(scenario, answer.package) if answer.package is not None else ""
    if answer.kind == "accept":
        line = turn.lib.reply("practice_they_accept", name=name, package=package)
    elif answer.kind == "walk":
        line = turn.lib.reply("practice_they_walk", name=name)
    elif not session.rep:
        line = turn.lib.reply(
            "practice_they_open",
            name=name,
            package=package,
            style=session.style,
            rounds=scenario.rounds,
        )
    else:
        body = turn.lib.reply(
            "practice_they_counter",
            package=package,
            style=session.style,
            tactics=list(answer.tactics),
        )
        line = turn.lib.reply(
            "practice_they_say", name=name, body=body, last="last_round" in answer.tactics
        )
    turn.texts.append(line)
    _log(turn, Move(kind="they", text=line))
    # Their tactics get the coach's warnings, as a line of theirs would in a real deal.
    for finding in Detectors(turn.lib).their_tactics(line):
        turn.warn(finding.code, **finding.values)


def _log(turn: Turn, move: Move) -> None:
    deal = turn.touch()
    move.created_at = turn.now
    turn.space.add_move(deal, move)
    deal.moves_count += 1
    deal.last_move_at = turn.now


# -- the end ----------------------------------------------------------------------------
def _finish(turn: Turn, session: Session) -> None:
    deal = turn.touch()
    if session.status == "agreed":
        deal.phase = "review"
    else:
        deal.walked_from, deal.phase = "midgame", "walked_away"
    _say_debrief(turn, session)
    back = _go_back(turn, session)
    if back:
        turn.say("practice_back", name=back)
    turn.suggest("practice", "practice history")


def _go_back(turn: Turn, session: Session) -> str:
    if not session.return_to:
        return ""
    real = turn.space.get_deal(session.return_to)
    if real is None or real.is_practice:
        return ""
    turn.space.set_active(real)
    return real.name


def _say_debrief(turn: Turn, session: Session) -> None:
    scenario = session.scenario_data
    result = debrief(session, scenario)
    agreed = package_text(scenario, result.agreed) if result.agreed is not None else ""
    turn.say("practice_debrief_heading", title=scenario.title, agreed=agreed)
    turn.say(
        "practice_debrief_points",
        ours=points(result.rep_points),
        theirs=points(result.their_points),
        walkaway=points(scenario.walkaway_us),
        joint=points(result.joint),
        best=points(result.max_joint.joint),
        left=points(result.left_on_table) if result.left_on_table else "",
    )
    better = result.better
    turn.say(
        "practice_debrief_frontier",
        agreed=bool(agreed),
        zone=scenario.zone,
        on_frontier=result.on_frontier,
        best_package=package_text(scenario, result.max_joint.package),
        better=package_text(scenario, better.package) if better else "",
        gain_us=points(better.us - result.rep_points) if better else "",
        gain_them=points(better.them - result.their_points) if better else "",
    )
    gives = [
        turn.lib.reply(
            "practice_debrief_give", round=g.round, issues=list(g.issues), cost=points(g.cost)
        )
        for g in result.gives
    ]
    turn.detail(
        "practice_debrief_gives",
        count=len(gives),
        cost=points(result.gave_away),
        gives=gives,
        trades=result.trades,
    )
    turn.detail("practice_debrief_meso", used=result.meso_used)
    revealed = [turn.lib.reply("practice_revealed_item", **item) for item in result.revealed]
    turn.detail(
        "practice_debrief_revealed",
        items=revealed,
        asked=session.asked > 0,
        floors=sum(1 for r in result.revealed if r["kind"] == "floor"),
    )
    turn.say("practice_debrief_next")
    turn.lines.extend(turn.lib.reply("practice_next", code=code) for code in result.next_time)
    # For a front that draws the debrief's chart: the frontier with the path of offers.
    turn.analysis = Analysis(
        debrief_report(session, scenario),
        offers=offer_path(session, scenario),
        points_walkaway=scenario.walkaway_us,
    )


def _show_debrief(turn: Turn) -> None:
    deal = turn.deal if turn.deal is not None and turn.deal.is_practice else None
    if deal is None:
        finished = [
            d
            for d in turn.space.list_deals(practice=True)
            if not Session.from_doc(d.practice).is_open
        ]
        deal = finished[-1] if finished else None
    if deal is None:
        raise NotNow(turn.lib.reply("practice_history_empty"))
    session = Session.from_doc(deal.practice)
    if session.is_open:
        raise NotNow(turn.lib.reply("practice_already", name=deal.name))
    _say_debrief(turn, session)


def _history(turn: Turn) -> None:
    """The rep's scored rehearsals: the last few, the trend and each scenario's best."""
    scored: list[Scored] = []
    for deal in turn.space.list_deals(practice=True):
        session = Session.from_doc(deal.practice)
        if session.is_open or session.status == "stopped":
            continue
        scenario = session.scenario_data
        result = debrief(session, scenario)
        scored.append(
            Scored(
                deal.name,
                scenario.title,
                session.style,
                share_of_best(result.joint, result.max_joint.joint),
                result.rep_points,
                scenario.walkaway_us,
            )
        )
    if not scored:
        turn.say("practice_history_empty")
        return
    shown = scored[-HISTORY_SHOWN:]
    turn.table = Table(
        ["rehearsal", "style", "joint vs best", "you vs walk-away"],
        [
            [s.name, s.style, _share(s.share), f"{points(s.rep_points)}/{points(s.walkaway)}"]
            for s in shown
        ],
    )
    turn.say("practice_history", count=len(shown), total=len(scored))
    direction, change = trend([s.share for s in scored])
    turn.say(
        "practice_history_trend",
        trend=direction,
        window=min(TREND_WINDOW, len(scored) // 2 or 1),
        change=f"{abs(float(change)) * 100:.0f}",
        latest=_share(scored[-1].share),
    )
    turn.detail(
        "practice_history_bests",
        bests=[
            turn.lib.reply(
                "practice_history_best", scenario=title, share=_share(best.share), style=best.style
            )
            for title, best in bests(scored)
        ],
    )


def _share(share: Fraction) -> str:
    return f"{float(share):.0%}"
