"""Help and method material: help, script, faq, pitfalls, playbook, ethics, method."""

from __future__ import annotations

import difflib
import functools
import math
import re

from flows.commands import REGISTRY, BadArguments, command, resolve
from flows.gaps import exit_gaps
from flows.matching import CHOICES, Entry, Guess, Match, Matcher
from flows.model import Deal, Move
from flows.screens import FIRST_SCREEN
from flows.script_lines import offered_line, offered_lines
from flows.turn import Turn, deal_facts
from flows.vocabulary import CONTEXTS, FORWARD_PHASES
from phrases import PhraseLibrary


@command("help", "?", "commands", needs_deal=False, reads_only=True)
def handle_help(turn: Turn, args: str) -> None:
    """List the commands, or explain one."""
    word = args.strip().lower().split(" ")[0]
    if not word:
        turn.say("help_intro")
        # The commands for the deal's phase first: they are what fits the first screen.
        phase = turn.deal.phase if turn.deal else "setup"
        first = [word.split()[0] for word in turn.lib.phase(phase).next_steps]
        names = sorted(
            turn.lib.commands, key=lambda n: first.index(n) if n in first else len(first)
        )
        if turn.deal is None:
            names = ["new", *[n for n in names if n != "new"]]
        turn.lines.extend(
            f"{turn.lib.render(h.usage)} - {turn.lib.render(h.summary)}"
            for h in (turn.lib.commands[n] for n in names)
        )
        return
    spec = resolve(word)
    if spec is None:
        close = difflib.get_close_matches(word, list(REGISTRY), n=1, cutoff=0.5)
        hint = f" Try `help {close[0]}`." if close else ""
        raise BadArguments(f"There is no command {word}.{hint}")
    helptext = turn.lib.command_help(spec.name)
    turn.say(
        "help_command",
        usage=turn.lib.render(helptext.usage),
        summary=turn.lib.render(helptext.summary),
        aliases=list(spec.aliases),
    )
    turn.lines.extend(turn.lib.render(e) for e in helptext.examples)


@command("script", "lines", "phrase", needs_deal=False, reads_only=True)
def handle_script(turn: Turn, args: str) -> None:
    """Lines for this moment of the deal, or every line on a named topic."""
    wanted = args.strip()
    if not wanted:
        _script_for_now(turn)
        return
    guess = _topic(turn, wanted)
    topic = guess.keys[0]
    if not guess.sure:
        # A loose match: say so, and offer the runners-up as commands to run instead.
        others = guess.keys[1:]
        turn.say(
            "script_guess",
            others=[
                {"command": f"script {_typed(k)}", "about": _about(turn.lib, k)} for k in others
            ],
        )
        turn.suggest(*(f"script {_typed(k)}" for k in others))
    turn.add_script(topic)
    turn.say("script_shown", topics=[_about(turn.lib, topic)], count=len(turn.lines))
    if not turn.deal:
        turn.say("script_generic")


def _about(lib: PhraseLibrary, topic: str) -> str:
    """A topic's description mid-sentence: "getting ready before the first conversation"."""
    about = lib.render(lib.topics[topic].about).rstrip(".")
    return about[0].lower() + about[1:] if about[1:2].islower() else about


def _topic(turn: Turn, wanted: str) -> Guess:
    guess = topic_guess(turn.lib, wanted, turn.deal.phase if turn.deal else "")
    if guess is None:
        names = sorted(_typed(name) for name in turn.lib.topics)
        raise BadArguments(f"There is no script topic {wanted}. Topics: {', '.join(names)}.")
    return guess


def find_topic(lib: PhraseLibrary, wanted: str, phase: str = "") -> str | None:
    """The topic that ``wanted`` names or asks for, or None (see :func:`topic_guess`)."""
    guess = topic_guess(lib, wanted, phase)
    return guess.keys[0] if guess is not None else None


def topic_guess(lib: PhraseLibrary, wanted: str, phase: str = "") -> Guess | None:
    """The topic ``wanted`` asks for, with runners-up when that is not clear; or None.

    A topic's name or short name (``TYPED_NAMES``) wins outright; then content words decide
    (flows.matching), ties going to topics of ``phase``; the names closest in spelling are
    the last resort, and only a guess.
    """
    exact = _as_name(wanted)
    named = _named_topics(lib).get(exact)
    if named is not None:
        return _sure(named)
    guess = topic_matcher(lib).guess(wanted, prefer_phase=phase)
    if guess is not None:
        return guess
    close = difflib.get_close_matches(exact, list(lib.topics), n=CHOICES, cutoff=0.6)
    return Guess(tuple(Match(name, 0.0) for name in close), sure=False) if close else None


def find_faq(lib: PhraseLibrary, words: str) -> str | None:
    """The FAQ entry ``words`` ask about, or None (see :func:`faq_guess`)."""
    guess = faq_guess(lib, words)
    return guess.keys[0] if guess is not None else None


def faq_guess(lib: PhraseLibrary, words: str) -> Guess | None:
    """The FAQ entry ``words`` ask about, with runners-up when that is not clear; or None.

    An entry's question as written, or its key, wins outright (so ``faq <question>`` offered
    as a choice always answers that question); then content words decide.
    """
    if not words.strip():
        return None
    named = _named_faq(lib).get(_as_name(words))
    if named is not None:
        return _sure(named)
    return faq_matcher(lib).guess(words)


def _as_name(text: str) -> str:
    """Text as a key: lower case, words joined by ``_``, punctuation dropped."""
    return "_".join(re.findall(r"[a-z0-9]+", text.lower().replace("'", "")))


def _sure(key: str) -> Guess:
    return Guess((Match(key, math.inf, math.inf),), sure=True)


@functools.cache
def _named_topics(lib: PhraseLibrary) -> dict[str, str]:
    """Each topic by its key and by the short name a user types."""
    names = {_as_name(name): name for name in lib.topics}
    return {**names, **{_as_name(typed): name for name, typed in TYPED_NAMES.items()}}


@functools.cache
def _named_faq(lib: PhraseLibrary) -> dict[str, str]:
    """Each FAQ entry by its key and by its question."""
    keys = {_as_name(key): key for key in lib.faq}
    return {**keys, **{_as_name(lib.render(e.question)): key for key, e in lib.faq.items()}}


# -- a bare `script`: at most three lines picked for the moment --------------------------
# Each pick is a topic and the index of the line in it (lines under `all:` come first, so
# the index is the same in every context). tests/flows/handlers/test_info.py checks each
# pick still lands on the line it was chosen for.
Pick = tuple[str, int]
MOMENT_LINES = 3
# After their line, by the warning it raised (first match wins).
AFTER_THEIR_LINE: dict[str, Pick] = {
    "their_hard_line": ("hardball_reply", 0),
    "below_walkaway": ("their_anchor", 3),
    "their_split": ("split_reply", 0),
    "competitor_claim": ("competitor_reply", 0),
    "their_cherry_pick": ("cherry_pick_reply", 0),
    "their_anchor": ("their_anchor", 0),
    "price_pushback": ("pushback", 0),
    "unbundling": ("unbundling_reply", 0),
}
THEIR_ASK: Pick = ("concession", 0)  # a conditional trade
THEIR_OTHER_LINE: Pick = ("interests", 0)
OUR_GIVE_UNANSWERED: Pick = ("ask_back", 0)
OUR_TRADE: Pick = ("concession", 2)  # the recap of the give and its get
OUR_OFFER: Pick = ("anchor", 0)
THEIR_CHERRY_PICK: Pick = ("cherry_pick_reply", 0)
# An open gap of the phase, by its warning code.
FOR_GAP: dict[str, Pick] = {
    "missing_walkaway": ("walkaway_point", 0),
    "missing_batna": ("prep", 0),
    "single_issue": ("issues", 0),
    "no_tradeables": ("issues", 1),
    "no_evidence": ("prep", 1),
    "no_meso": ("meso", 1),
    "no_safeguards": ("safeguard", 1),
    "no_governance": ("governance", 0),
    "no_exit_path": ("exit", 0),
    "unreciprocated_concessions": ("ask_back", 0),
}
# Gaps first in this order: the walk-away before the BATNA it comes from is the one a
# rep most often skips, and money left on the table comes first at the close.
GAP_ORDER = (
    "unreciprocated_concessions",
    "missing_walkaway",
    "missing_batna",
    "no_meso",
    "no_safeguards",
    "single_issue",
    "no_tradeables",
    "no_evidence",
    "no_governance",
    "no_exit_path",
)
# Phases in which the last logged move still says what to do next.
MOVING_PHASES = frozenset({"first_move", "midgame", "close"})
_ASKING = re.compile(
    r"\b(?:want|wants|wanted|need|needs|ask|asks|asked|asking|request|requests|requested|"
    r"require|requires|insist|insists|expect|expects|demand|demands|push(?:ing)? for|"
    r"looking for|hoping for|would like|'d like|can you|could you|would you|will you)\b|\?",
    re.I,
)


def moment_picks(deal: Deal, last: Move | None) -> list[Pick]:
    """The lines that fit ``deal`` now: after its last move, for its open gaps, its phase."""
    picks: list[Pick] = []
    if last is not None and deal.phase in MOVING_PHASES:
        after = _after_move(last)
        if after is not None:
            picks.append(after)
    open_gaps = {code for code, _ in exit_gaps(deal)}
    if deal.unpaired_gives and deal.phase in MOVING_PHASES:
        open_gaps.add("unreciprocated_concessions")
    picks.extend(FOR_GAP[code] for code in GAP_ORDER if code in open_gaps)
    return list(dict.fromkeys(picks))


def _after_move(move: Move) -> Pick | None:
    if move.kind == "they":
        for code, pick in AFTER_THEIR_LINE.items():
            if code in move.warnings:
                return pick
        return THEIR_ASK if _ASKING.search(move.text) else THEIR_OTHER_LINE
    if move.kind == "give":
        return OUR_TRADE if move.paired else OUR_GIVE_UNANSWERED
    if move.kind == "trade":
        return OUR_TRADE
    if move.kind == "offer":
        return OUR_OFFER
    if move.kind == "pick" and "cherry_picking" in move.warnings:
        return THEIR_CHERRY_PICK
    return None


def _script_for_now(turn: Turn) -> None:
    """At most three lines for where the deal stands, and a pointer to the topics."""
    deal = turn.deal
    phase = deal.phase if deal else "setup"
    last = None
    if deal is not None:
        recent = turn.space.recent_moves(deal, 1)
        last = recent[-1] if recent else None
    picks = moment_picks(deal, last) if deal is not None else []
    picks += [(name, 0) for name in turn.lib.default_topics(phase)]
    facts = turn.facts()
    shown: list[str] = []
    used: list[str] = []
    for topic, index in dict.fromkeys(picks):
        line = offered_line(turn.lib, deal, facts, topic, index)
        if line is None or line in shown:
            # The picked line was held back (or is shown already): the topic's next one.
            line = next(
                (x for x in offered_lines(turn.lib, deal, facts, topic) if x not in shown), None
            )
        if line is not None:
            shown.append(line)
            used.append(topic)
        if len(shown) >= MOMENT_LINES:
            break
    turn.lines.extend(shown)
    more = [name for name, t in turn.lib.topics.items() if t.phase == phase and name not in used]
    turn.say(
        "script_now",
        phase=turn.lib.phase(phase).title,
        count=len(shown),
        more=[_typed(name) for name in more],
    )
    if deal is None:
        turn.say("script_generic")
    turn.suggest(*(f"script {_typed(name)}" for name in more[:3]))


def _typed(topic: str) -> str:
    """A topic as a user types it: ``competitor_reply`` -> ``competitor``."""
    return TYPED_NAMES.get(topic, topic.replace("_", " "))


# Short names for topics whose key carries a suffix; each must match its topic.
TYPED_NAMES = {
    "competitor_reply": "competitor",
    "split_reply": "split",
    "hardball_reply": "ultimatum",
    "cherry_pick_reply": "cherry-pick",
    "unbundling_reply": "unbundling",
    "hard_bargainer": "hard bargainer",
    "walkaway_point": "walk-away point",
    "walkaway": "walk away",
    "their_anchor": "their number",
}


@functools.cache
def topic_matcher(lib: PhraseLibrary) -> Matcher:
    """Matches requests for script topics (built once per library)."""
    return Matcher(
        (
            Entry(key=name, keywords=tuple(t.keywords), text=_topic_text(lib, name), phase=t.phase)
            for name, t in lib.topics.items()
        ),
        lib.synonyms,
    )


def _topic_text(lib: PhraseLibrary, name: str) -> str:
    """A topic's description and its lines in every context, with no deal facts."""
    facts = deal_facts(None)
    lines = {
        line
        for context in CONTEXTS
        for line in lib.script(name, context, **{**facts, "context": context})
    }
    return " ".join([lib.render(lib.topics[name].about), *sorted(lines)])


@functools.cache
def faq_matcher(lib: PhraseLibrary) -> Matcher:
    """Matches questions for FAQ entries (built once per library)."""
    return Matcher(
        (
            Entry(
                key=key,
                keywords=tuple(e.keywords),
                text=f"{lib.render(e.question)} {lib.render(e.answer)}",
            )
            for key, e in lib.faq.items()
        ),
        lib.synonyms,
    )


@command("faq", needs_deal=False, reads_only=True)
def handle_faq(turn: Turn, args: str) -> None:
    """Answer a common question, or list them."""
    words = args.strip()
    guess = faq_guess(turn.lib, words)
    if guess is None:
        turn.say("faq_list" if not words else "faq_no_match")
        turn.lines.extend(turn.lib.render(e.question) for e in turn.lib.faq.values())
        return
    entry = turn.lib.faq[guess.keys[0]]
    answer = turn.lib.reply(
        "faq_answer", question=turn.lib.render(entry.question), answer=turn.lib.render(entry.answer)
    )
    if not guess.sure:
        # A loose match: say so, and offer the runners-up by their questions, as many as
        # fit beside the answer on the first screen.
        others = [f"faq {turn.lib.render(turn.lib.faq[k].question)}" for k in guess.keys[1:]]
        note = turn.lib.reply("faq_guess", others=others)
        while others and len(note) + len(answer) >= FIRST_SCREEN:
            others.pop()
            note = turn.lib.reply("faq_guess", others=others)
        turn.texts.append(note)
        turn.suggest(*others)
    turn.texts.append(answer)


@command("pitfalls", "pitfall", needs_deal=False, reads_only=True)
def handle_pitfalls(turn: Turn, args: str) -> None:
    """The pitfalls the coach watches for, why they backfire and how to correct them."""
    turn.say("pitfalls_intro", count=len(turn.lib.pitfalls))
    turn.lines.extend(
        f"{turn.lib.render(p.name)}: {turn.lib.render(p.why)} {turn.lib.render(p.fix)}"
        for p in turn.lib.pitfalls.values()
    )


@command("playbook", needs_deal=False, reads_only=True)
def handle_playbook(turn: Turn, args: str) -> None:
    """How a negotiation runs in a context (the active deal's, or the one named)."""
    wanted = args.strip().lower() or (turn.deal.context if turn.deal else "sales")
    if wanted not in CONTEXTS:
        raise BadArguments(f"Playbooks exist for {', '.join(CONTEXTS)}.")
    book = turn.lib.playbook(wanted)
    turn.say(
        "playbook",
        title=turn.lib.render(book.title),
        stages=[turn.lib.render(s) for s in book.stages],
        tradeables=[turn.lib.render(t) for t in book.tradeables],
    )
    turn.lines.extend(turn.lib.render(q) for q in book.questions)


@command("ethics", "guardrails", needs_deal=False, reads_only=True)
def handle_ethics(turn: Turn, args: str) -> None:
    """The ethics guardrails and a relationship-safe refusal."""
    turn.say("ethics_intro")
    turn.lines.extend(turn.lib.render(g) for g in turn.lib.guides.ethics)
    turn.lines.append(turn.lib.render(turn.lib.guides.refusal))


@command("method", "guide", "about", needs_deal=False, reads_only=True)
def handle_method(turn: Turn, args: str) -> None:
    """The method at a glance: phases, artifacts, do and avoid, when win-win does not fit."""
    g, r = turn.lib.guides, turn.lib.render
    turn.say(
        "method",
        phases=[r(turn.lib.phase(p).title) for p in FORWARD_PHASES],
        artifacts=[f"{name.replace('_', ' ')}: {r(text)}" for name, text in g.artifacts.items()],
        do=[r(x) for x in g.checklist_do],
        avoid=[r(x) for x in g.checklist_avoid],
        not_a_fit=[r(x) for x in g.not_a_fit],
        tactics=[f"{name.replace('_', ' ')}: {r(text)}" for name, text in g.price_tactics.items()],
    )
