"""The README stays true: two Quick start commands, every warning code, every command."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from flows.commands import REGISTRY
from flows.vocabulary import WARNING_CODES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _section(title: str) -> str:
    return README.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


ROOT = Path(__file__).resolve().parents[1]
# Both Quick start commands make and use a virtual environment first: Debian's and
# Ubuntu's system Python refuse `pip install` outside one (PEP 668).
VENV = "python3 -m venv .venv && . .venv/bin/activate && "


def _quick_start_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", _section("Quick start"), re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_quick_start_has_exactly_two_commands() -> None:
    assert _quick_start_commands() == [
        VENV + "pip install . && dealcoach chat",
        VENV + 'pip install -e ".[test]" && pytest',
    ]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    test_command = _quick_start_commands()[1]
    assert [line.strip() for line in ci.splitlines() if line.strip() == test_command] != []


def test_the_test_extra_installs_every_extra() -> None:
    """The tests cover Slack, PostgreSQL and charts, so `[test]` brings `[all]`."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    assert "dealcoach[all]" in extras["test"]
    assert extras["all"] == ["dealcoach[slack,postgres,charts]"]
    assert "dealcoach[test]" in extras["dev"]


def test_every_warning_code_is_documented() -> None:
    catalogue = _section("Warning catalogue")
    assert [c for c in WARNING_CODES if f"`{c}`" not in catalogue] == []


def test_every_command_is_documented() -> None:
    commands = _section("Commands")
    assert [n for n in REGISTRY if f"`{n}" not in commands] == []


def test_the_path_of_a_command_names_real_files_in_at_most_eight_steps() -> None:
    section = README.split("The path of `/deal give training`", 1)[1].split("\n\n", 2)[1]
    steps = re.findall(r"^\d+\. ", section, re.M)
    assert 1 <= len(steps) <= 8
    for path in re.findall(r"`((?:bot|flows|phrases)/[\w/.]*)`", section):
        assert (ROOT / path).exists(), path
