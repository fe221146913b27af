"""Every reply key the engine uses exists in the phrase library, and every key is used."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from flows.engine import default_library
from flows.vocabulary import PHASES

ROOT = Path(__file__).resolve().parents[2]
# The engine says most things; a front adds a few of its own (the terminal's prompts).
SOURCES = (ROOT / "flows", ROOT / "bot")
KEY = re.compile(r"""(?:\.say|\.reply)\(\s*["']([a-z_]+)["']""")
LITERAL = re.compile(r"""["']([a-z_]+)["']""")


def used_keys(pattern: re.Pattern[str] = KEY) -> set[str]:
    keys = set()
    for folder in SOURCES:
        for path in folder.rglob("*.py"):
            keys.update(pattern.findall(path.read_text()))
    # Built from the phase name: no_next_from_<phase> for phases with no forward move.
    keys.update({"no_next_from_review", "no_next_from_walked_away"})
    return keys


def test_every_used_reply_exists() -> None:
    library = default_library()
    missing = sorted(k for k in used_keys() if k not in library._s.replies)
    assert missing == []


def form_keys(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """The keys Slack's forms build from their callback ids and inputs, as they ask."""
    from bot.slack import modals

    asked: set[str] = set()
    real = modals.say

    def recording(key: str, /, **values: Any) -> str:
        asked.add(key)
        return real(key, **values)

    monkeypatch.setattr(modals, "say", recording)
    for form in modals.FORMS.values():
        form.view()
        assert form.title and form.submit
    return asked


def test_every_reply_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    library = default_library()
    # A key chosen by a conditional ("a" if x else "b") is used as a plain literal.
    used = used_keys(LITERAL) | form_keys(monkeypatch)
    unused = sorted(set(library._s.replies) - used)
    assert unused == []
    assert set(PHASES) >= {"review", "walked_away"}
