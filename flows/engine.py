"""The engine: one line of user text in, one reply or rejection out.

The caller owns the transaction: it hands in a :class:`~flows.storage.DealSpace` for the
user, and commits when the outcome is a :class:`~flows.replies.Reply` or rolls back on a
:class:`~flows.replies.Rejection`. Handlers validate before they write, so a rejected
command leaves nothing behind even in a store without transactions.
"""

from __future__ import annotations

import functools
from datetime import datetime

import flows.handlers  # noqa: F401  (registers every command)
from flows.commands import REGISTRY, BadArguments, NotNow, UnknownDeal, resolve, split_line, suggest
from flows.replies import Outcome, Rejection
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
def default_library() -> PhraseLibrary:
    """The packaged phrase library, validated against the engine's vocabulary (once)."""
    return load_library(engine_vocabulary())


class Engine:
    """Parses a line, runs the command against the user's deals and builds the reply."""

    def __init__(self, library: PhraseLibrary | None = None):
        self.lib = library or default_library()

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
            return self._reject("bad_arguments", "", self.lib.reply("line_too_long",
                                                                    limit=MAX_LINE))
        word, args = split_line(text)
        spec = resolve(word)
        if spec is None:
            guess = suggest(word)
            return self._reject("unknown_command", guess or "help",
                                self.lib.reply("unknown_command", word=word[:40], guess=guess))
        deal = space.active_deal()
        if spec.needs_deal and deal is None:
            return self._reject("no_active_deal", "new", self.lib.reply("no_active_deal"),
                                command=spec.name)
        turn = Turn(lib=self.lib, space=space, now=now, deal=deal, command=spec.name)
        try:
            spec.handler(turn, args)
        except BadArguments as exc:
            return self._reject("bad_arguments", spec.name, str(exc), command=spec.name)
        except NotNow as exc:
            return self._reject("not_allowed_now", spec.name, str(exc), command=spec.name)
        except UnknownDeal as exc:
            return self._reject("unknown_deal", "deals", str(exc), command=spec.name)
        if turn.deal_changed and turn.deal is not None:
            turn.deal.updated_at = now
            space.save_deal(turn.deal)
        return turn.reply()

    def _reject(self, code: str, usage_of: str, message: str, command: str = "") -> Rejection:
        usage = ""
        if usage_of in self.lib.commands:
            usage = self.lib.render(self.lib.command_help(usage_of).usage)
        return Rejection(code=code, message=message, usage=usage, command=command)
