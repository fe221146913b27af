"""The terminal front as a user runs it: ``dealcoach chat`` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.terminal import plain_text
from flows.replies import Rejection, Reply, Table, WarningItem

SESSION = """new Acme renewal
batna renew with Globex
walkaway 90k
give training
they our budget is capped at $80k
blorp
give
status
"""


def chat(tmp_path: Path, stdin: str, *args: str, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    full_env = {**inherited, "DEALCOACH_LOG_FILE": str(tmp_path / "log.txt"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", *args], input=stdin, text=True,
        capture_output=True, timeout=60, env=full_env,
    )


def test_json_mode_prints_one_object_per_line(tmp_path: Path) -> None:
    result = chat(tmp_path, SESSION, "--json", "--db", str(tmp_path / "c.db"), "--user", "ann")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == len(SESSION.splitlines())
    assert objects[0]["deal"] == "Acme renewal" and objects[0]["phase"] == "setup"
    assert set(objects[0]) == {"deal", "phase", "text", "warnings", "lines"}
    assert [w["code"] for w in objects[3]["warnings"]] == ["one_way_concession"]
    assert {w["code"] for w in objects[4]["warnings"]} == {"their_anchor", "below_walkaway"}
    assert objects[5]["error"]["code"] == "unknown_command"
    assert objects[6]["error"]["code"] == "bad_arguments"
    assert objects[6]["error"]["usage"].startswith("give")
    assert objects[7]["phase"] == "setup"


def test_state_persists_between_runs_and_users_are_separate(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    chat(tmp_path, "new Acme\ngive training\n", "--json", "--db", db, "--user", "ann")
    again = chat(tmp_path, "log\n", "--json", "--db", db, "--user", "ann")
    assert "training" in json.loads(again.stdout)["text"]
    other = chat(tmp_path, "log\n", "--json", "--db", db, "--user", "bob")
    assert json.loads(other.stdout)["error"]["code"] == "no_active_deal"


def test_plain_piped_output(tmp_path: Path) -> None:
    result = chat(tmp_path, "new Acme\ngive training\n", "--db", str(tmp_path / "p.db"))
    assert result.returncode == 0
    assert "WARNING one_way_concession" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_database_url_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    result = chat(tmp_path, "new Acme\n", "--json", env={"DATABASE_URL": url})
    assert json.loads(result.stdout)["deal"] == "Acme"
    assert (tmp_path / "env.db").exists()


@pytest.mark.parametrize("db", ["mysql://x/y", "postgresql://nobody@127.0.0.1:1/none"])
def test_unusable_databases_fail_with_one_sentence(tmp_path: Path, db: str) -> None:
    result = chat(tmp_path, "new Acme\n", "--json", "--db", db)
    assert result.returncode == 2
    assert result.stderr.startswith("dealcoach: ")
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_the_default_database_lives_in_the_users_data_dir(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path)}
    result = chat(tmp_path, "new Acme\n", "--json", env=env)
    assert json.loads(result.stdout)["deal"] == "Acme"
    assert (tmp_path / "data" / "dealcoach" / "dealcoach.db").exists()


def test_an_internal_error_shows_a_sentence_and_logs_the_trace(tmp_path: Path) -> None:
    # A deal row with a phase the engine does not know is a bug we must survive.
    db = tmp_path / "broken.db"
    chat(tmp_path, "new Acme\n", "--json", "--db", str(db))
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE deals SET phase = 'nonsense'")
    result = chat(tmp_path, "next\n", "--json", "--db", str(db))
    assert json.loads(result.stdout)["error"]["code"] == "internal_error"
    assert "Traceback" not in result.stdout + result.stderr
    assert "Traceback" in (tmp_path / "log.txt").read_text()


def test_plain_text_rendering() -> None:
    reply = Reply(text="Logged.", deal="Acme", phase="midgame",
                  warnings=[WarningItem("one_way_concession", "m", "s")], lines=["say this"],
                  table=Table(["a"], [["1"]]))
    assert plain_text(reply) == (
        "[Acme · midgame]\nLogged.\na\n-\n1\nWARNING one_way_concession: m\n  -> s\n  > say this")
    assert plain_text(Rejection("bad_arguments", "No.", "give <item>")) == (
        "! No.\n  usage: give <item>")
