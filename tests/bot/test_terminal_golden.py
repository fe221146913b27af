"""Two whole negotiations in the terminal, checked against transcripts reviewed by hand.

``golden/<name>.in`` is what the user types; ``golden/<name>.out`` is what the coach
answered, read and approved by a person (issue 11: a full sales and a full hiring
negotiation must read well end to end). A change to any reply shows here as a diff; after
reviewing the new text, write it with ``DEALCOACH_UPDATE_GOLDEN=1 pytest <this file>``.
"""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.service import CoachService
from bot.store.database import Database
from bot.terminal import TerminalSession

GOLDEN = Path(__file__).parent / "golden"
AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("name", ["sales", "hiring"])
def test_a_whole_negotiation_reads_as_reviewed(
    tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "UTC")
    database = Database(f"sqlite:///{tmp_path / 'golden.db'}")
    database.prepare(embedded_default=True)
    session = TerminalSession(CoachService(database, clock=lambda: AT), "rep", "UTC")
    out = io.StringIO()
    for line in (GOLDEN / f"{name}.in").read_text(encoding="utf-8").splitlines():
        outcome = session.send(line)
        out.write(f"you> {line}\n")
        out.write(session.plain(outcome) + "\n\n")
    database.dispose()
    expected = GOLDEN / f"{name}.out"
    if os.environ.get("DEALCOACH_UPDATE_GOLDEN"):
        expected.write_text(out.getvalue(), encoding="utf-8")
    assert out.getvalue() == expected.read_text(encoding="utf-8")
