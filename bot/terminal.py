"""The terminal front: an interactive chat with history and colour, or one reply per piped line.

It renders the engine's replies as plain or rich text, or as one JSON object per input
line (``--json``). It never imports Slack.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from bot.clock import local_zone
from bot.service import CoachService
from flows.commands import REGISTRY, resolve
from flows.replies import CHAT, RECAP, Outcome, Rejection, Reply
from flows.screens import Part, Screens, split
from phrases import PhraseLibrary

WORKSPACE = "local"
QUIT_WORDS = {"quit", "exit", ":q", "bye"}
YES_WORDS = {"y", "yes", "log all", "ok", "yep"}
NO_WORDS = {"n", "no", "cancel", "none"}
# Typed after a reply that offers a better line: check that line as the user's own.
INSTEAD_WORDS = {"instead", "use instead", "use that instead"}
MORE_WORDS = {"more", "m", "show more"}
# Commands that reach people through Slack: the terminal has no one to message.
SLACK_ONLY = frozenset({"remind", "team", "nudge"})
# ``practice debrief --chart FILE``: the debrief, and its chart (the path of offers) as a PNG.
DEBRIEF_CHART = re.compile(
    r"^\s*(?:practice|rehearse|roleplay)\s+debrief\s+--chart[\s=]+(?P<file>\S.*?)\s*$", re.I
)


@dataclass
class TerminalSession:
    """One person at the terminal: lines go to the coach, and short answers to its questions.

    After a call recap the coach waits for `y` (log them all), a number (drop that one)
    or `n`; after an unclear line, for the number of the reading meant. Slack asks the same
    with buttons; here the question is remembered between two lines.
    """

    service: CoachService
    user: str
    zone: str | None = None
    recap: list[str] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    # The deal and phase the pending recap was read for, to show again with what is left.
    recap_deal: tuple[str | None, str | None] = (None, None)
    # The better version of the user's last line the coach offered (Reply.better_line).
    better: str = ""
    # What the last reply keeps behind "More", shown when the user types `more`.
    more: list[Part] = field(default_factory=list)

    @property
    def lib(self) -> PhraseLibrary:
        """The phrase library, for the few sentences the terminal adds."""
        return self.service.engine.lib

    def send(self, line: str) -> Outcome:
        """Answer one line: a reply to a pending question, or a new line for the coach."""
        answer = " ".join(line.lower().split())
        if answer in MORE_WORDS:
            return self._more()
        better, self.better = self.better, ""
        if better and answer in INSTEAD_WORDS:
            line = f"say {better}"  # the better line, checked and shown as the user's own
        recap, choices = self.recap, self.choices
        self.recap, self.choices = [], []
        if recap:
            if answer in YES_WORDS:
                return self._remember(
                    self.service.handle_batch(WORKSPACE, self.user, recap, tz=self.zone)
                )
            if answer in NO_WORDS:
                return Reply(text=self.lib.reply("recap_cancelled"), command=CHAT)
            if answer.isdigit() and 1 <= int(answer) <= len(recap):
                left = [x for i, x in enumerate(recap, 1) if i != int(answer)]
                if not left:
                    return Reply(text=self.lib.reply("recap_cancelled"), command=CHAT)
                self.recap = left
                deal, phase = self.recap_deal
                return Reply(
                    text=self.lib.reply("recap_read", count=len(left)),
                    command=RECAP,
                    read_as=list(left),
                    deal=deal,
                    phase=phase,
                )
        if choices and answer.isdigit() and 1 <= int(answer) <= len(choices):
            line = choices[int(answer) - 1]
        spec = resolve(answer.split(" ", 1)[0]) if answer else None
        if spec is not None and spec.name in SLACK_ONLY:
            return Rejection(
                "needs_slack", self.lib.reply("needs_slack", command=spec.name), command=spec.name
            )
        chart = DEBRIEF_CHART.match(line)
        if chart is not None:
            outcome = self.service.handle(WORKSPACE, self.user, "practice debrief", tz=self.zone)
            return self._remember(self._debrief_chart(outcome, chart.group("file")))
        return self._remember(self.service.handle(WORKSPACE, self.user, line, tz=self.zone))

    def _debrief_chart(self, outcome: Outcome, file: str) -> Outcome:
        """Write the debrief's chart (the frontier with the path of offers) to ``file``.

        The debrief still shows when the chart cannot be drawn; a line says why.
        """
        analysis = outcome.analysis if isinstance(outcome, Reply) else None
        if not isinstance(outcome, Reply) or analysis is None or analysis.offers is None:
            return outcome
        try:
            from bot.analysis_chart import write_frontier_chart

            write_frontier_chart(
                analysis.report,
                Path(file).expanduser(),
                walkaway=analysis.points_walkaway,
                offers=analysis.offers,
            )
        except ImportError:
            line = self.lib.reply("practice_chart_no_matplotlib")
        except OSError as exc:
            line = self.lib.reply(
                "practice_chart_not_written", file=file, reason=exc.strerror or str(exc)
            )
        else:
            line = self.lib.reply(
                "practice_chart_written", file=file, agreed=analysis.offers.agreed is not None
            )
        # First, so it is not read as one of the "next time" notes that end the debrief.
        return dataclasses.replace(outcome, text=f"{line}\n{outcome.text}")

    def title_of(self, code: str) -> str:
        """A warning's human title (the code where the library has none)."""
        found = self.lib.warnings.get(code)
        return found.title if found is not None else code

    def phase_title(self, code: str | None) -> str:
        """A phase's human title, e.g. ``first_move`` -> ``First move``."""
        try:
            return self.lib.phase(code).title if code else ""
        except KeyError:
            return code or ""

    def screens(self, outcome: Outcome) -> Screens | None:
        """How a reply is cut for the screen; None for a rejection."""
        return split(outcome, self.title_of) if isinstance(outcome, Reply) else None

    def _more(self) -> Reply:
        if not self.more:
            return Reply(text=self.lib.reply("more_nothing"), command=CHAT)
        text = Screens(more=self.more).more_text()
        self.more = []
        return Reply(text=text, command=CHAT)

    def _remember(self, outcome: Outcome) -> Outcome:
        self.better = (outcome.better_line or "") if isinstance(outcome, Reply) else ""
        screens = self.screens(outcome)
        self.more = screens.more if screens is not None else []
        if isinstance(outcome, Reply) and outcome.is_recap:
            self.recap = outcome.recap_lines
            self.recap_deal = (outcome.deal, outcome.phase)
        elif isinstance(outcome, Rejection) and outcome.choices:
            self.choices = list(outcome.choices)
        return outcome

    def plain(self, outcome: Outcome) -> str:
        """``outcome`` as plain text in this session's words, with what it waits for."""
        return plain_text(
            outcome, self.hint(), self.read_as_label(), self.title_of, self.phase_title
        )

    def read_as_label(self) -> str:
        """How a reading is introduced, with ``{line}`` where the command goes."""
        return self.lib.reply("read_as", line="{line}")

    def hint(self) -> str:
        """What the coach is waiting for, if anything."""
        if self.recap:
            return self.lib.reply("recap_confirm_terminal")
        if self.choices:
            return self.lib.reply("unclear_pick_terminal")
        if self.better:
            return self.lib.reply("better_line_terminal", line=self.better, more=bool(self.more))
        if self.more:
            return self.lib.reply("more_terminal")
        return ""


def _code(code: str | None) -> str:
    return code or ""


def _numbered(lines: list[str] | tuple[str, ...]) -> list[str]:
    return [f"  {i}. {line}" for i, line in enumerate(lines, 1)]


def plain_text(
    outcome: Outcome,
    hint: str = "",
    read_as: str = "read as: {line}",
    title_of: Callable[[str], str] = str,
    phase_of: Callable[[str | None], str] = _code,
) -> str:
    """An outcome as plain text (for pipes and logs): its first screen, tables included."""
    if isinstance(outcome, Rejection):
        usage = f"\n  usage: {outcome.usage}" if outcome.usage else ""
        choices = "".join(f"\n{c}" for c in _numbered(outcome.choices))
        return f"! {outcome.message}{usage}{choices}" + (f"\n{hint}" if hint else "")
    parts = []
    if outcome.deal:
        parts.append(f"[{outcome.deal} · {phase_of(outcome.phase)}]")
    if isinstance(outcome.read_as, str):
        parts.append(read_as.format(line=outcome.read_as))
    first = split(outcome, title_of).first
    parts.extend(_plain_part(p) for p in first if p.kind == "text")
    if outcome.table is not None:
        parts.append(outcome.table.as_text())
    if outcome.is_recap:
        parts.extend(_numbered(outcome.recap_lines))
    parts.extend(_plain_part(p) for p in first if p.kind != "text")
    parts.append(hint)
    return "\n".join(p for p in parts if p)


def _plain_part(part: Part) -> str:
    if part.kind == "warning":
        return f"WARNING {part.text}\n  -> {part.fix}"
    if part.kind == "still_open":
        return f"Still open: {part.text}"
    if part.kind == "line":
        return f"  > {part.text}"
    return part.text


def print_rich(
    console: Console,
    outcome: Outcome,
    hint: str = "",
    read_as: str = "read as: {line}",
    title_of: Callable[[str], str] = str,
    phase_of: Callable[[str | None], str] = _code,
) -> None:
    """An outcome's first screen in colour, with tables drawn as tables."""
    if isinstance(outcome, Rejection):
        console.print(f"[bold red]![/] {escape(outcome.message)}")
        if outcome.usage:
            console.print(f"  [dim]usage:[/] {escape(outcome.usage)}")
        for line in _numbered(outcome.choices):
            console.print(escape(line))
        if hint:
            console.print(f"[dim]{escape(hint)}[/]")
        return
    if outcome.deal:
        console.print(
            f"[bold cyan]{escape(outcome.deal)}[/] [dim]· {escape(phase_of(outcome.phase))}[/]"
        )
    if isinstance(outcome.read_as, str):
        console.print(f"[dim]{escape(read_as.format(line=outcome.read_as))}[/]")
    first = split(outcome, title_of).first
    for part in first:
        if part.kind == "text":
            console.print(escape(part.text))
    if outcome.is_recap:
        for line in _numbered(outcome.recap_lines):
            console.print(escape(line))
    if outcome.table is not None:
        table = RichTable(*outcome.table.headers, show_lines=False, header_style="bold")
        for row in outcome.table.rows:
            table.add_row(*(escape(cell) for cell in row))
        console.print(table)
    for part in first:
        if part.kind == "warning":
            console.print(f"[bold yellow]⚠ {escape(part.text)}[/]")
            console.print(f"  [green]→[/] {escape(part.fix)}")
        elif part.kind == "still_open":
            console.print(f"[yellow]⚠ still open:[/] {escape(part.text)}")
        elif part.kind == "line":
            console.print(f"  [magenta]›[/] {escape(part.text)}")
    if outcome.next_steps:
        console.print(f"[dim]next: {escape(' | '.join(outcome.next_steps[:5]))}[/]")
    if hint:
        console.print(f"[dim]{escape(hint)}[/]")


def run_piped(service: CoachService, user: str, stream: TextIO, out: TextIO, as_json: bool) -> int:
    """Answer every line of ``stream``; with ``as_json`` exactly one JSON object per line."""
    session = TerminalSession(service, user, local_zone())
    for raw in stream:
        outcome = session.send(raw.rstrip("\n"))
        if as_json:
            out.write(json.dumps(outcome.to_json(), ensure_ascii=False) + "\n")
        else:
            out.write(session.plain(outcome) + "\n\n")
        out.flush()
    return 0


def run_interactive(service: CoachService, user: str, history_file: Path) -> int:
    """A chat at the prompt, with line editing and history kept between sessions."""
    console = Console(highlight=False)
    session = TerminalSession(service, user, local_zone())
    _enable_history(history_file)
    _enable_completion(lambda: service.overview(WORKSPACE, user)[0])
    console.print(
        session.lib.reply(
            "terminal_welcome",
            name="[bold]dealcoach[/]",
            help="[cyan]help[/]",
            quit="[cyan]quit[/]",
        )
    )
    prompt = "deal> "
    _, active = service.overview(WORKSPACE, user)
    if active is not None:  # carry on where the last session stopped
        prompt = f"{active.name} ({session.phase_title(active.phase)})> "
        resumed = session.lib.reply(
            "deal_resumed", name=active.name, phase=session.phase_title(active.phase)
        )
        console.print(f"[dim]{escape(resumed)}[/]")
    while True:
        try:
            line = input(prompt)
        except EOFError:
            console.print()
            return 0
        except KeyboardInterrupt:
            console.print()
            continue
        if line.strip().lower() in QUIT_WORDS:
            return 0
        if not line.strip():
            continue
        outcome = session.send(line)
        print_rich(
            console,
            outcome,
            session.hint(),
            session.read_as_label(),
            session.title_of,
            session.phase_title,
        )
        if isinstance(outcome, Reply) and outcome.deal:
            prompt = f"{outcome.deal} ({session.phase_title(outcome.phase)})> "


# Commands after which a deal name is the next word.
TAKES_DEAL = frozenset({"use", "switch", "open"})


def completions(text: str, line: str, deal_names: Callable[[], list[str]]) -> list[str]:
    """What Tab offers for the word ``text`` at the end of ``line``: commands, or deals.

    Args:
        text: the word being completed.
        line: the whole line so far.
        deal_names: the user's deal names (asked only when a deal name is wanted).

    """
    words = line.split()
    if len(words) <= 1 and not line.endswith(" "):
        names = sorted(set(REGISTRY) | {"more", "quit"})
        return [n + " " for n in names if n.startswith(text.lower())]
    if words and words[0].lower() in TAKES_DEAL:
        typed = line.split(" ", 1)[1] if " " in line else ""
        start = len(typed) - len(text)  # readline replaces only the last word
        return [name[start:] for name in deal_names() if name.lower().startswith(typed.lower())]
    return []


def _enable_completion(deal_names: Callable[[], list[str]]) -> None:
    try:
        import readline
    except ImportError:  # pragma: no cover - Windows without pyreadline
        return
    found: list[str] = []

    def complete(text: str, state: int) -> str | None:
        if state == 0:
            found[:] = completions(text, readline.get_line_buffer(), deal_names)
        return found[state] if state < len(found) else None

    readline.set_completer(complete)
    readline.parse_and_bind("tab: complete")


def _enable_history(history_file: Path) -> None:
    try:
        import atexit
        import readline
    except ImportError:  # pragma: no cover - Windows without pyreadline
        return
    history_file.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        readline.read_history_file(history_file)
    readline.set_history_length(2000)
    atexit.register(_save_history, readline, history_file)


def _save_history(readline: object, history_file: Path) -> None:
    with contextlib.suppress(OSError):
        readline.write_history_file(str(history_file))  # type: ignore[attr-defined]


def is_interactive(stream: TextIO) -> bool:
    """Whether ``stream`` is a person at a terminal."""
    return bool(getattr(stream, "isatty", lambda: False)()) and sys.stdout.isatty()
