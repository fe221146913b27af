"""The engine: one line of user text in, one reply or rejection out.

The caller owns the transaction: it hands in a :class:`~flows.storage.DealSpace` for the
user, and commits when the outcome is a :class:`~flows.replies.Reply` or rolls back on a
:class:`~flows.replies.Rejection`. Handlers validate before they write, so a rejected
command leaves nothing behind even in a store without transactions.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Literal

import flows.handlers  # noqa: F401  (registers every command)
from flows.commands import (
    REGISTRY,
    BadArguments,
    CommandSpec,
    NotNow,
    UnknownDeal,
    close_to,
    resolve,
    split_line,
    suggest,
)
from flows.handlers.practice import reads_as_offer
from flows.journal import Recorder
from flows.model import Deal
from flows.reading import (
    READ_WHEN_REJECTED,
    SAFE_COMMANDS,
    Reader,
    Reading,
    context_for,
    reads_as_prose,
)
from flows.reading.words import load_word_tables
from flows.replies import CHAT, RECAP, Outcome, Rejection, Reply, merge_replies
from flows.rewrite import better_line
from flows.storage import DealSpace
from flows.turn import Turn
from flows.vocabulary import (
    CONTEXTS,
    DETECTORS,
    PHASES,
    SCRIPT_VARS,
    TOPICS,
    WARNING_CODES,
    WARNING_VARS,
)
from phrases import PhraseLibrary, load_library
from phrases.library import Vocabulary

MAX_LINE = 4000
# Reader rules meaning "no move found at all": a near-typo of a command word is then
# answered as the unknown command it probably was.
NOTHING_READ = frozenset({"nothing"})


def engine_vocabulary() -> Vocabulary:
    """What the engine needs the phrase library to cover."""
    return Vocabulary(
        phases=PHASES,
        contexts=CONTEXTS,
        warning_codes=WARNING_CODES,
        script_vars=SCRIPT_VARS,
        detectors=DETECTORS,
        commands=tuple(REGISTRY),
        topics=TOPICS,
        warning_vars=WARNING_VARS,
    )


@functools.cache
def default_reader() -> Reader:
    """The plain-language reader with the packaged lexicon (built once)."""
    return Reader()


@functools.cache
def default_library() -> PhraseLibrary:
    """The packaged phrase library, validated against the engine's vocabulary (once)."""
    return load_library(engine_vocabulary())


class Engine:
    """Parses a line, runs the command against the user's deals and builds the reply.

    A line that starts with a command word runs as typed. Any other line (and a typed one
    whose arguments read as prose, see :mod:`flows.reading.guard`) goes to the
    plain-language reader, and its reading runs exactly as if it had been typed.
    """

    def __init__(self, library: PhraseLibrary | None = None, reader: Reader | None = None):
        self.lib = library or default_library()
        self._reader = reader

    @property
    def reader(self) -> Reader:
        """The plain-language reader, built on first use (typed commands never need it)."""
        if self._reader is None:
            self._reader = default_reader()
        return self._reader

    def warm(self) -> None:
        """Build now what the first commands would otherwise build: the reader, word tables.

        A server calls this at start-up, so no user's command waits about a second for it.
        """
        load_word_tables()
        self.reader  # noqa: B018 - built on first access

    def handle(self, line: str, space: DealSpace, now: datetime) -> Outcome:
        """Run one line for one user.

        Args:
            line: what the user typed (a leading ``/deal`` is ignored).
            space: the user's deals inside the caller's transaction.
            now: the current time (injected, so tests and replays control it).

        """
        text = "".join(ch for ch in line if ch.isprintable() or ch in "\t\n").strip()
        if not text:
            return self._reject("empty", "help", self.lib.reply("empty_line"))
        if len(text) > MAX_LINE:
            return self._reject(
                "bad_arguments", "", self.lib.reply("line_too_long", limit=MAX_LINE)
            )
        word, args = split_line(text)
        spec = resolve(word)
        if spec is not None and not reads_as_prose(spec.name, word, args):
            if spec.name == "they" and self.reader.may_tell_of_a_move(args):
                # "they threw in a reference call" is something we got, not a line of theirs;
                # several sentences are a recap to confirm, not one long line of theirs
                reading, deal = self._read(text, space, now)
                # Only a thing they did ("threw in", "agreed to"); "they Take it or leave
                # it" is their line, with its tactic to flag.
                ours = reading.kind == "command" and (
                    reading.command.startswith(("trade ", "if "))
                    or (reading.command.startswith("get ") and reading.rule.endswith(":past"))
                )
                if reading.kind == "recap" or ours:
                    return self._follow(reading, space, now, deal)
            outcome = self._execute([(spec, args)], space, now, label=text)
            if (
                isinstance(outcome, Rejection)
                and outcome.code == "bad_arguments"
                and spec.name in READ_WHEN_REJECTED
            ):
                # The rejected command wrote nothing, so reading the line instead is safe.
                reading, deal = self._read(text, space, now)
                if reading.kind in ("command", "recap") and not self.reader.reads_word_as_verb(
                    word, args, reading
                ):
                    return self._follow(reading, space, now, deal, text=text)
            return outcome
        active = space.active_deal()
        if active is not None and active.is_practice and reads_as_offer(active, text):
            # In an open rehearsal, a plain line that names options is an offer.
            offer = resolve("offer")
            assert offer is not None
            return self._execute([(offer, text)], space, now, label=text)
        reading, deal = self._read(text, space, now, active)
        guess = suggest(word) if spec is None and not self.reader.knows(word) else None
        single = " " not in text
        if reading.kind in ("chat", "unclear") and (
            (reading.rule == "nothing" and (guess or single)) or (guess and close_to(word, guess))
        ):
            # A lone word we cannot read, or a near-typo of a command: say so plainly.
            return self._reject(
                "unknown_command",
                guess or "help",
                self.lib.reply("unknown_command", word=word[:40], guess=guess),
            )
        return self._follow(reading, space, now, deal, text=text)

    def handle_batch(self, lines: Sequence[str], space: DealSpace, now: datetime) -> Outcome:
        """Run confirmed readings (a call recap) as one change: all of them, or none.

        Only commands the reader may produce are accepted, so a tampered confirmation
        can never switch deals, move a phase or reach other people.

        Args:
            lines: canonical command lines, as a recap reply listed them.
            space: the user's deals inside the caller's transaction (roll it back on a
                rejection: the lines before the rejected one may have written).
            now: the current time.

        """
        steps: list[tuple[CommandSpec, str]] = []
        for line in lines:
            word, args = split_line(line)
            spec = resolve(word)
            if spec is None or spec.name not in SAFE_COMMANDS or not args.strip():
                return self._reject("bad_arguments", "", self.lib.reply("recap_empty"))
            steps.append((spec, args))
        if not steps:
            return self._reject("bad_arguments", "", self.lib.reply("recap_empty"))
        outcome = self._execute(steps, space, now, label=" / ".join(lines))
        if isinstance(outcome, Reply):
            outcome.read_as = list(lines)
        return outcome

    # -- reading -------------------------------------------------------------------------
    def read(self, text: str, space: DealSpace, now: datetime) -> Reading:
        """How the reader understands ``text`` for this user's active deal."""
        return self._read(text, space, now)[0]

    def _read(
        self,
        text: str,
        space: DealSpace,
        now: datetime,
        active: Deal | Literal[False] | None = False,
    ) -> tuple[Reading, Deal | None]:
        """The reading, and the active deal it was read against (loaded once per turn).

        ``active`` is the active deal when the caller has loaded it already.
        """
        deal = space.active_deal() if active is False else active
        last = None
        if deal is not None and deal.moves_count:
            recent = space.recent_moves(deal, 1)
            last = recent[-1] if recent else None
        ctx = context_for(deal, last, now, space.profile().tz, self.reader.lex)
        return self.reader.read(text, ctx), deal

    def _follow(
        self,
        reading: Reading,
        space: DealSpace,
        now: datetime,
        deal: Deal | None,
        *,
        text: str = "",
    ) -> Outcome:
        """Run a reading as if typed, or answer it (recap, unclear, small talk).

        ``deal`` is the active deal the line was read against, so it is not loaded again;
        ``text`` the line as typed, which a one-way give read from it is rewritten from.
        """
        name, phase = (deal.name, deal.phase) if deal else (None, None)
        if reading.kind == "chat":
            key = "read_nothing" if reading.rule in NOTHING_READ else "read_chat"
            return Reply(text=self.lib.reply(key), command=CHAT, deal=name, phase=phase)
        if reading.kind == "unclear":
            return Rejection(
                code="unclear", message=self.lib.reply("read_unclear"), choices=reading.lines
            )
        if reading.kind == "recap":
            return Reply(
                text=self.lib.reply("recap_read", count=len(reading.lines)),
                command=RECAP,
                read_as=list(reading.lines),
                deal=name,
                phase=phase,
            )
        word, args = split_line(reading.command)
        spec = resolve(word)
        if (
            spec is None
            or spec.name not in SAFE_COMMANDS
            or (not args.strip() and word not in ("status", "log", "faq"))
        ):
            # Never run what the reader may not produce; a reader bug reads as nothing.
            return Reply(text=self.lib.reply("read_nothing"), command=CHAT, deal=name, phase=phase)
        outcome = self._execute([(spec, args)], space, now, label=reading.command, deal=deal)
        if isinstance(outcome, Reply):
            outcome.read_as = reading.command
            if (
                spec.name == "give"
                and deal is not None
                and text
                and any(w.code == "one_way_concession" for w in outcome.warnings)
            ):
                outcome.better_line = better_line(self.lib, deal, text, item=args)
            return outcome
        return replace(
            outcome,
            message=self.lib.reply(
                "read_as_rejected", line=reading.command, message=outcome.message
            ),
        )

    # -- running -------------------------------------------------------------------------
    def _execute(
        self,
        steps: Sequence[tuple[CommandSpec, str]],
        space: DealSpace,
        now: datetime,
        *,
        label: str,
        deal: Deal | None = None,
    ) -> Outcome:
        """Run commands in order as one journaled change; the first rejection stops it.

        ``deal``: the active deal when the caller has just loaded it (else it is loaded).
        """
        if deal is None:
            deal = space.active_deal()
        # Journals the call as one undoable change.
        record = Recorder(space, deal, label=label, now=now)
        turns: list[Turn] = []
        for step, (spec, args) in enumerate(steps):
            if step:  # later steps see what the earlier ones wrote
                deal = space.active_deal()
            if spec.needs_deal and deal is None:
                return self._reject(
                    "no_active_deal", "new", self.lib.reply("no_active_deal"), command=spec.name
                )
            turn = Turn(lib=self.lib, space=space, now=now, deal=deal, command=spec.name)
            try:
                spec.handler(turn, args)
            except BadArguments as exc:
                return self._reject("bad_arguments", spec.name, str(exc), command=spec.name)
            except NotNow as exc:
                return self._reject("not_allowed_now", spec.name, str(exc), command=spec.name)
            except UnknownDeal as exc:
                return self._reject("unknown_deal", "deals", str(exc), command=spec.name)
            turn.mark_repeats()
            if turn.deal_changed and turn.deal is not None:
                turn.deal.updated_at = now
                space.save_deal(turn.deal)
            turns.append(turn)
        record.finish(*turns)
        replies = [t.reply() for t in turns]
        return replies[0] if len(replies) == 1 else merge_replies(replies)

    def _reject(self, code: str, usage_of: str, message: str, command: str = "") -> Rejection:
        usage = ""
        if usage_of in self.lib.commands:
            usage = self.lib.render(self.lib.command_help(usage_of).usage)
        return Rejection(code=code, message=message, usage=usage, command=command)
