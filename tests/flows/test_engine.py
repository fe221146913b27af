"""Tests for flows/engine.py that are about the engine object itself, not a command."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_warm_builds_the_reader_and_loads_the_word_tables_before_any_command() -> None:
    # In a fresh interpreter: in this one another test may have loaded them already.
    script = textwrap.dedent(
        """
        from lemminflect.core.Inflections import Inflections
        from lemminflect.core.Lemmatizer import Lemmatizer
        from flows.engine import Engine, default_reader

        engine = Engine()
        loaded = lambda: (
            default_reader.cache_info().currsize,
            hasattr(Lemmatizer(), "lemma_dict"),
            hasattr(Inflections(), "infl_dict"),
        )
        before = loaded()
        engine.warm()
        print(before, loaded())
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["(0,", "False,", "False)", "(1,", "True,", "True)"]
