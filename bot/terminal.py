"""The terminal front: an interactive chat with history and colour, or one reply per piped line.

It renders the engine's replies as plain or rich text, or as one JSON object per input
line (``--json``). It never imports Slack.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from bot.clock import local_zone
from bot.service import CoachService
from flows.replies import Outcome, Rejection, Reply

WORKSPACE = "local"
QUIT_WORDS = {"quit", "exit", ":q", "bye"}


def plain_text(outcome: Outcome) -> str:
    """An outcome as plain text (for pipes and logs)."""
    if isinstance(outcome, Rejection):
        usage = f"\n  usage: {outcome.usage}" if outcome.usage else ""
        return f"! {outcome.message}{usage}"
    parts = []
    if outcome.deal:
        parts.append(f"[{outcome.deal} · {outcome.phase}]")
    parts.append(outcome.full_text())
    for warning in outcome.warnings:
        parts.append(f"WARNING {warning.code}: {warning.message}\n  -> {warning.suggestion}")
    parts.extend(f"  > {line}" for line in outcome.lines)
    return "\n".join(p for p in parts if p)


def print_rich(console: Console, outcome: Outcome) -> None:
    """An outcome in colour, with tables drawn as tables."""
    if isinstance(outcome, Rejection):
        console.print(f"[bold red]![/] {escape(outcome.message)}")
        if outcome.usage:
            console.print(f"  [dim]usage:[/] {escape(outcome.usage)}")
        return
    if outcome.deal:
        console.print(f"[bold cyan]{escape(outcome.deal)}[/] [dim]· {outcome.phase}[/]")
    if outcome.text:
        console.print(escape(outcome.text))
    if outcome.table is not None:
        table = RichTable(*outcome.table.headers, show_lines=False, header_style="bold")
        for row in outcome.table.rows:
            table.add_row(*(escape(cell) for cell in row))
        console.print(table)
    for warning in outcome.warnings:
        console.print(f"[bold yellow]⚠ {warning.code}[/] {escape(warning.message)}")
        console.print(f"  [green]→[/] {escape(warning.suggestion)}")
    for line in outcome.lines:
        console.print(f"  [magenta]›[/] {escape(line)}")
    if outcome.next_steps:
        console.print(f"[dim]next: {escape(' | '.join(outcome.next_steps[:5]))}[/]")


def run_piped(service: CoachService, user: str, stream: TextIO, out: TextIO,
              as_json: bool) -> int:
    """Answer every line of ``stream``; with ``as_json`` exactly one JSON object per line."""
    zone = local_zone()
    for raw in stream:
        outcome = service.handle(WORKSPACE, user, raw.rstrip("\n"), tz=zone)
        if as_json:
            out.write(json.dumps(outcome.to_json(), ensure_ascii=False) + "\n")
        else:
            out.write(plain_text(outcome) + "\n\n")
        out.flush()
    return 0


def run_interactive(service: CoachService, user: str, history_file: Path) -> int:
    """A chat at the prompt, with line editing and history kept between sessions."""
    console = Console(highlight=False)
    zone = local_zone()
    _enable_history(history_file)
    console.print("[bold]dealcoach[/] - your negotiation coach. "
                  "Type [cyan]help[/] for commands, [cyan]quit[/] to leave.")
    prompt = "deal> "
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
        outcome = service.handle(WORKSPACE, user, line, tz=zone)
        print_rich(console, outcome)
        if isinstance(outcome, Reply) and outcome.deal:
            prompt = f"{outcome.deal} ({outcome.phase})> "


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
