"""Help and method material: help, script, faq, pitfalls, playbook, ethics, method."""

from __future__ import annotations

import difflib
import re

from flows.commands import REGISTRY, BadArguments, command, resolve
from flows.turn import Turn
from flows.vocabulary import CONTEXTS, FORWARD_PHASES

_WORD = re.compile(r"[a-z0-9']+")


@command("help", "?", "commands", needs_deal=False)
def handle_help(turn: Turn, args: str) -> None:
    """List the commands, or explain one."""
    word = args.strip().lower().split(" ")[0]
    if not word:
        turn.say("help_intro")
        turn.lines.extend(
            f"{turn.lib.render(h.usage)} - {turn.lib.render(h.summary)}"
            for h in turn.lib.commands.values()
        )
        return
    spec = resolve(word)
    if spec is None:
        close = difflib.get_close_matches(word, list(REGISTRY), n=1, cutoff=0.5)
        hint = f" Try `help {close[0]}`." if close else ""
        raise BadArguments(f"There is no command {word}.{hint}")
    helptext = turn.lib.command_help(spec.name)
    turn.say("help_command", usage=turn.lib.render(helptext.usage),
             summary=turn.lib.render(helptext.summary), aliases=list(spec.aliases))
    turn.lines.extend(turn.lib.render(e) for e in helptext.examples)


@command("script", "lines", "phrase", needs_deal=False)
def handle_script(turn: Turn, args: str) -> None:
    """Template lines for the current phase, or for a named topic."""
    wanted = args.strip().lower()
    phase = turn.deal.phase if turn.deal else "setup"
    topics = [_topic(turn, wanted)] if wanted else turn.lib.default_topics(phase)
    for topic in topics:
        turn.add_script(topic)
    turn.say("script_shown", topics=[turn.lib.render(turn.lib.topics[t].about) for t in topics],
             count=len(turn.lines))
    if not turn.deal:
        turn.say("script_generic")


def _topic(turn: Turn, wanted: str) -> str:
    names = list(turn.lib.topics)
    if wanted in names:
        return wanted
    singular = wanted.rstrip("s")
    for name in names:
        if name.rstrip("s") == singular or name.startswith(wanted):
            return name
    close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.6)
    if close:
        return close[0]
    raise BadArguments(f"There is no script topic {wanted}. Topics: {', '.join(sorted(names))}.")


@command("faq", needs_deal=False)
def handle_faq(turn: Turn, args: str) -> None:
    """Answer a common question, or list them."""
    words = set(_WORD.findall(args.lower()))
    best, score = None, 0
    for key, entry in turn.lib.faq.items():
        keywords = set(_WORD.findall(" ".join(entry.keywords).lower())) | {key}
        hits = len(words & keywords)
        if hits > score:
            best, score = key, hits
    if best is None:
        turn.say("faq_list" if not words else "faq_no_match")
        turn.lines.extend(turn.lib.render(e.question) for e in turn.lib.faq.values())
        return
    entry = turn.lib.faq[best]
    turn.say("faq_answer", question=turn.lib.render(entry.question),
             answer=turn.lib.render(entry.answer))


@command("pitfalls", "pitfall", needs_deal=False)
def handle_pitfalls(turn: Turn, args: str) -> None:
    """The pitfalls the coach watches for, why they backfire and how to correct them."""
    turn.say("pitfalls_intro", count=len(turn.lib.pitfalls))
    turn.lines.extend(
        f"{turn.lib.render(p.name)}: {turn.lib.render(p.why)} "
        f"{turn.lib.render(p.fix)}" for p in turn.lib.pitfalls.values()
    )


@command("playbook", needs_deal=False)
def handle_playbook(turn: Turn, args: str) -> None:
    """How a negotiation runs in a context (the active deal's, or the one named)."""
    wanted = args.strip().lower() or (turn.deal.context if turn.deal else "sales")
    if wanted not in CONTEXTS:
        raise BadArguments(f"Playbooks exist for {', '.join(CONTEXTS)}.")
    book = turn.lib.playbook(wanted)
    turn.say("playbook", title=turn.lib.render(book.title),
             stages=[turn.lib.render(s) for s in book.stages],
             tradeables=[turn.lib.render(t) for t in book.tradeables])
    turn.lines.extend(turn.lib.render(q) for q in book.questions)


@command("ethics", "guardrails", needs_deal=False)
def handle_ethics(turn: Turn, args: str) -> None:
    """The ethics guardrails and a relationship-safe refusal."""
    turn.say("ethics_intro")
    turn.lines.extend(turn.lib.render(g) for g in turn.lib.guides.ethics)
    turn.lines.append(turn.lib.render(turn.lib.guides.refusal))


@command("method", "guide", "about", needs_deal=False)
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
