"""Every reply key the engine uses exists in the phrase library, and every key is used."""

from __future__ import annotations

import re
from pathlib import Path

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


def test_every_reply_is_used() -> None:
    library = default_library()
    # A key chosen by a conditional ("a" if x else "b") is used as a plain literal.
    unused = sorted(set(library._s.replies) - used_keys(LITERAL))
    assert unused == []
    assert set(PHASES) >= {"review", "walked_away"}
