"""The README stays true: two Quick start commands, every warning code, every command."""

from __future__ import annotations

import re
from pathlib import Path

from flows.commands import REGISTRY
from flows.vocabulary import WARNING_CODES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _section(title: str) -> str:
    return README.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def test_quick_start_has_exactly_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", _section("Quick start"), re.S)
    commands = [line for block in blocks for line in block.splitlines() if line.strip()]
    assert commands == ['pip install . && dealcoach chat', 'pip install -e ".[test]" && pytest']


def test_ci_runs_the_readme_test_command() -> None:
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert 'pip install -e ".[test]" && pytest' in ci


def test_every_warning_code_is_documented() -> None:
    catalogue = _section("Warning catalogue")
    assert [c for c in WARNING_CODES if f"`{c}`" not in catalogue] == []


def test_every_command_is_documented() -> None:
    commands = _section("Commands")
    assert [n for n in REGISTRY if f"`{n}" not in commands] == []
