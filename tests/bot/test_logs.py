"""One log format, quiet libraries, and the chat's log and history beside ``--db``."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from auxil.processes import ROOT, clean_env
from bot.logs import chat_files, level_name, quiet_libraries

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR) "
    r"\[\d+\] [\w.]+: "
)


def test_the_chats_log_and_history_go_beside_the_database_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    db = tmp_path / "deals" / "acme.db"
    assert chat_files(str(db)) == (
        tmp_path / "deals" / "acme.db.log",
        tmp_path / "deals" / "acme.db.history",
    )
    assert chat_files(f"sqlite:///{db}")[0] == tmp_path / "deals" / "acme.db.log"
    home = data / "dealcoach"
    assert chat_files(None) == (home / "dealcoach.log", home / "history")
    assert chat_files("postgresql://u@h/db") == (home / "dealcoach.log", home / "history")
    monkeypatch.setenv("DATABASE_URL", str(db))  # a file named by DATABASE_URL counts too
    assert chat_files(None)[1] == tmp_path / "deals" / "acme.db.history"


def test_a_chat_on_db_logs_beside_it_in_the_one_format(tmp_path: Path) -> None:
    db = tmp_path / "acme.db"
    env = clean_env(XDG_DATA_HOME=str(tmp_path / "data"), DEALCOACH_LOG="info")
    env.pop("DEALCOACH_LOG_FILE", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", "--db", str(db)],
        input="new Acme\n",
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # the chat's log is a file, not the user's terminal
    lines = (tmp_path / "acme.db.log").read_text().splitlines()
    assert lines and all(LOG_LINE.match(line) for line in lines), lines
    assert any("alembic.runtime.migration: Running upgrade" in line for line in lines)
    assert not any("setup plugin" in line or "Context impl" in line for line in lines)
    assert not (tmp_path / "data" / "dealcoach" / "dealcoach.log").exists()


def test_library_chatter_is_dropped_at_info_and_kept_at_debug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    quiet_libraries()
    plugins = logging.getLogger("alembic.runtime.plugins")
    migration = logging.getLogger("alembic.runtime.migration")
    caplog.set_level(logging.INFO)
    plugins.info("setup plugin %s", "alembic.autogenerate.schemas")
    migration.info("Context impl SQLiteImpl.")
    migration.info("Will assume non-transactional DDL.")
    migration.info("Running upgrade %s -> %s", "0007", "0008")
    assert [r.getMessage() for r in caplog.records] == ["Running upgrade 0007 -> 0008"]
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    plugins.info("setup plugin %s", "alembic.autogenerate.tables")
    assert [r.getMessage() for r in caplog.records] == ["setup plugin alembic.autogenerate.tables"]


def test_the_level_comes_from_dealcoach_log(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DEALCOACH_LOG", raising=False)
    assert level_name("INFO") == "INFO"
    monkeypatch.setenv("DEALCOACH_LOG", "warn")
    assert level_name("INFO") == "WARNING"
    monkeypatch.setenv("DEALCOACH_LOG", "chatty")
    assert level_name("INFO") == "INFO"
    assert "DEALCOACH_LOG=chatty is not a log level" in capsys.readouterr().err
