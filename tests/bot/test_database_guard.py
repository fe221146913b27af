"""The SQLite file guard (issue 12, finding 8): a removed, replaced or unwritable file.

Before, a chat whose database file was deleted went on answering "Logged" to every line
and lost everything at exit, and a file made immutable ended the process with SIGBUS.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.service import CoachService
from bot.store.database import Database, DatabaseFileChanged
from flows.replies import Rejection, Reply

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def service(tmp_path: Path) -> CoachService:
    database = Database(f"sqlite:///{tmp_path / 'coach.db'}")
    database.upgrade()
    service = CoachService(database)
    assert isinstance(service.handle("local", "me", "new Acme"), Reply)
    return service


def test_a_removed_file_stops_every_later_command(service: CoachService) -> None:
    path = service.database.path
    assert path is not None
    path.unlink()
    for line in ("give training", "status"):
        outcome = service.handle("local", "me", line)
        assert isinstance(outcome, Rejection) and outcome.code == "storage_unavailable"
    assert "was removed" in (service.database.file_error or "")
    with pytest.raises(DatabaseFileChanged, match="was removed"):
        service.database.check_file()


def test_a_replaced_file_is_not_written_and_stays_an_error(
    service: CoachService, tmp_path: Path
) -> None:
    path = service.database.path
    assert path is not None
    other = tmp_path / "other.db"
    shutil.copy(path, other)
    os.replace(other, path)  # a restore from a backup while the app runs
    outcome = service.handle("local", "me", "give training")
    assert isinstance(outcome, Rejection) and outcome.code == "storage_unavailable"
    assert "was replaced" in (service.database.file_error or "")
    outcome = service.handle("local", "me", "give training")
    assert isinstance(outcome, Rejection)


def test_an_unwritable_file_is_an_error_until_it_is_writable_again(
    service: CoachService, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = service.database.path
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if Path(p) == path else real_access(p, mode)
    )
    with pytest.raises(DatabaseFileChanged, match="cannot be written") as error:
        service.database.check_file()
    assert not error.value.unsafe_to_close  # only the main file: SQLite closes it safely
    outcome = service.handle("local", "me", "give training")
    assert isinstance(outcome, Rejection) and outcome.code == "storage_unavailable"
    monkeypatch.setattr(os, "access", real_access)
    assert isinstance(service.handle("local", "me", "give training"), Reply)


def test_memory_and_postgres_urls_are_not_guarded() -> None:
    database = Database("sqlite://")
    database.check_file()
    assert database.path is None


def _chat(db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "chat", "--db", str(db), "--user", "me"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DEALCOACH_LOG": "CRITICAL"},
    )


def _first_reply(chat: subprocess.Popen[str]) -> None:
    assert chat.stdin is not None and chat.stdout is not None
    chat.stdin.write("new Acme\n")
    chat.stdin.flush()
    for line in chat.stdout:  # the reply ends with a blank line
        if not line.strip():
            break


@pytest.mark.fault
def test_the_chat_stops_with_a_clear_error_when_its_file_is_removed(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    chat = _chat(db)
    _first_reply(chat)
    db.unlink()
    out, err = chat.communicate("give training\nstatus\n", timeout=60)
    assert chat.returncode == 2
    assert "Logged" not in out
    assert "was removed while dealcoach was running" in err and "Traceback" not in err


@pytest.mark.fault
@pytest.mark.skipif(not shutil.which("chattr") or os.geteuid() != 0, reason="needs chattr and root")
def test_the_chat_stops_with_a_clear_error_when_its_files_are_made_immutable(
    tmp_path: Path,
) -> None:
    db = tmp_path / "chat.db"
    chat = _chat(db)
    _first_reply(chat)
    files = [str(p) for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]
    if subprocess.run(["chattr", "+i", *files], capture_output=True).returncode:
        chat.kill()
        pytest.skip("the file system has no immutable flag")
    try:
        out, err = chat.communicate("give training\n", timeout=60)
    finally:
        subprocess.run(["chattr", "-i", *files], capture_output=True)
    assert chat.returncode == 2  # not -7 (SIGBUS)
    assert "Logged" not in out
    assert "cannot be written (read-only or immutable)" in err and "Traceback" not in err
