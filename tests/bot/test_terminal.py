"""The terminal front as a user runs it: ``dealcoach chat`` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def chat(
    tmp_path: Path, stdin: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    full_env = {**inherited, "DEALCOACH_LOG_FILE": str(tmp_path / "log.txt"), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat", *args],
        input=stdin,
        text=True,
        capture_output=True,
        timeout=60,
        env=full_env,
    )


def test_json_mode_prints_one_object_per_line(tmp_path: Path) -> None:
    result = chat(tmp_path, SESSION, "--json", "--db", str(tmp_path / "c.db"), "--user", "ann")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == len(SESSION.splitlines())
    assert objects[0]["deal"] == "Acme renewal" and objects[0]["phase"] == "setup"
    assert set(objects[0]) == {"deal", "phase", "text", "warnings", "lines", "details"}
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
    assert "WARNING A give with no get" in result.stdout
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
    reply = Reply(
        text="Logged.",
        deal="Acme",
        phase="midgame",
        warnings=[WarningItem("one_way_concession", "m", "s")],
        lines=["say this"],
        table=Table(["a"], [["1"]]),
    )
    assert plain_text(reply) == (
        "[Acme · midgame]\nLogged.\na\n-\n1\nWARNING one_way_concession\n  -> s\n  > say this"
    )
    assert plain_text(Rejection("bad_arguments", "No.", "give <item>")) == (
        "! No.\n  usage: give <item>"
    )


# -- plain language ------------------------------------------------------------------------
RECAP = (
    "Recap: we threw in free installation. They agreed to a three-year term. We gave them net-60."
)
RECAP_READINGS = ["give free installation", "get a three-year term", "give net-60"]


def chat_json(tmp_path: Path, lines: list[str], db: str = "r.db") -> list[dict[str, Any]]:
    """Pipe ``lines`` to ``chat --json`` and return one object per line."""
    result = chat(
        tmp_path,
        "".join(f"{line}\n" for line in lines),
        "--json",
        "--db",
        str(tmp_path / db),
        "--user",
        "ann",
    )
    assert result.returncode == 0, result.stderr
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == len(lines)
    return objects


def test_piped_plain_lines_print_the_reading(tmp_path: Path) -> None:
    stdin = "new Acme\nwe threw in free installation\ngive training\n"
    result = chat(tmp_path, stdin, "--db", str(tmp_path / "p.db"))
    assert result.returncode == 0, result.stderr
    replies = result.stdout.split("\n\n")
    read = replies[1].splitlines()
    assert read[0] == "[Acme · Setup]"
    assert read[1] == "Read as: give free installation"
    assert "WARNING A give with no get" in replies[1]
    assert "Read as" not in replies[0] + replies[2]  # typed commands are not "read"


def test_json_has_read_as_for_a_plain_line_only(tmp_path: Path) -> None:
    objects = chat_json(
        tmp_path,
        [
            "new Acme",
            "we threw in free installation",
            "give training",
            "walk away figure is 88k",
            "log",
        ],
    )
    assert objects[1]["read_as"] == "give free installation"
    assert [w["code"] for w in objects[1]["warnings"]] == ["one_way_concession"]
    assert "read_as" not in objects[0] and "read_as" not in objects[2]
    assert objects[3]["read_as"] == "walkaway 88k" and objects[3]["phase"] == "setup"
    assert "read_as" not in objects[4]
    assert "free installation" in objects[4]["text"] and "training" in objects[4]["text"]


def test_an_unclear_line_offers_choices_and_a_number_runs_that_one(tmp_path: Path) -> None:
    objects = chat_json(tmp_path, ["new Acme", "net-60", "2", "status"])
    error = objects[1]["error"]
    assert error["code"] == "unclear"
    choices = error["choices"]
    assert 2 <= len(choices) <= 3 and all("net-60" in c for c in choices)
    assert (
        "moves          0 logged"
        in chat_json(tmp_path, ["new Acme", "net-60", "status"], db="unclear.db")[2]["text"]
    )
    # "2" is the second choice run as typed: the same answer as typing it.
    typed = chat_json(tmp_path, ["new Acme", choices[1]], db="typed.db")[1]
    assert {k: objects[2][k] for k in ("deal", "phase", "text", "warnings")} == {
        k: typed[k] for k in ("deal", "phase", "text", "warnings")
    }
    assert "moves          1 logged" in objects[3]["text"]


def test_a_number_after_a_line_that_was_not_unclear_is_just_a_line(tmp_path: Path) -> None:
    objects = chat_json(tmp_path, ["new Acme", "net-60", "give training", "2", "log"])
    assert objects[2]["text"].startswith("Logged the give: training")
    assert "error" in objects[3]  # the choices were forgotten: "2" alone means nothing
    assert "net-60" not in objects[4]["text"]


def test_a_recap_then_y_logs_every_reading(tmp_path: Path) -> None:
    objects = chat_json(tmp_path, ["new Acme", RECAP, "log", "y", "log"])
    assert objects[1]["read_as"] == RECAP_READINGS
    assert (objects[1]["deal"], objects[1]["phase"]) == ("Acme", "setup")
    assert "empty" in objects[2]["text"]  # "log" is not a yes: nothing logged, recap gone
    objects = chat_json(tmp_path, ["new Acme", RECAP, "y", "log"], db="y.db")
    assert objects[2]["read_as"] == RECAP_READINGS
    log = objects[3]["text"]
    assert all(item in log for item in ("free installation", "three-year term", "net-60"))


def test_a_recap_then_a_number_drops_that_reading(tmp_path: Path) -> None:
    objects = chat_json(tmp_path, ["new Acme", RECAP, "2", "y", "log"])
    left = [RECAP_READINGS[0], RECAP_READINGS[2]]
    assert objects[2]["read_as"] == left and objects[2]["deal"] == "Acme"
    assert objects[3]["read_as"] == left
    log = objects[4]["text"]
    assert "free installation" in log and "net-60" in log
    assert "three-year term" not in log


def test_a_recap_then_n_logs_nothing(tmp_path: Path) -> None:
    objects = chat_json(tmp_path, ["new Acme", RECAP, "n", "y", "log"])
    assert "error" not in objects[2] and "read_as" not in objects[2]
    assert objects[3]["error"]["code"] == "unknown_command"  # no recap waits any more
    assert "empty" in objects[4]["text"]


def test_one_undo_takes_back_a_plain_line_or_a_whole_recap(tmp_path: Path) -> None:
    objects = chat_json(
        tmp_path,
        [
            "new Acme",
            "give training",
            "we threw in free installation",
            "undo",
            "log",
            RECAP,
            "y",
            "undo",
            "log",
        ],
    )
    assert "Undid `give free installation`" in objects[3]["text"]
    assert "read_as" not in objects[3]
    assert "training" in objects[4]["text"] and "free installation" not in objects[4]["text"]
    assert "Undid" in objects[7]["text"]
    log = objects[8]["text"]
    assert "training" in log
    assert not any(item in log for item in ("free installation", "three-year term", "net-60"))


def test_plain_text_shows_the_reading_and_the_recap_list() -> None:
    read = Reply(text="Logged.", deal="Acme", phase="setup", read_as="give training")
    assert plain_text(read, read_as="Read as: {line}") == (
        "[Acme · setup]\nRead as: give training\nLogged."
    )
    recap = Reply(text="I read 2 moves.", command="recap", read_as=["give a", "get b"])
    assert plain_text(recap, "y / number / n") == (
        "I read 2 moves.\n  1. give a\n  2. get b\ny / number / n"
    )
    unclear = Rejection("unclear", "Which?", choices=("give x", "get x"))
    assert plain_text(unclear, "pick one") == "! Which?\n  1. give x\n  2. get x\npick one"


BETTER = "If you can move on term length, we can throw in the onboarding."


def test_a_risky_line_offers_a_better_one_and_instead_checks_it(tmp_path: Path) -> None:
    lines = [
        "new Acme",
        "issue term length us=4 them=1",
        "say we can throw in the onboarding",
        "instead",
        "instead",
        "log",
    ]
    result = chat(tmp_path, "".join(f"{line}\n" for line in lines), "--db", str(tmp_path / "b.db"))
    assert result.returncode == 0, result.stderr
    replies = result.stdout.split("\n\n")
    assert f"Try instead: {BETTER}" in replies[2]
    assert "Type `instead` to check it as your line" in replies[2]
    assert "That line reads well" in replies[3] and "Try instead" not in replies[3]
    assert replies[4].startswith("! ")  # nothing pending any more: `instead` is no command
    objects = chat_json(tmp_path, lines, db="b.json.db")
    assert objects[2]["better_line"] == BETTER
    assert objects[3]["warnings"] == [] and "better_line" not in objects[3]
    assert "log" in objects[5]["text"].lower() and "onboarding" not in objects[5]["text"]


# -- the prompt's helpers: completion, Slack-only commands, the deal picked up again -------
def test_tab_completes_command_words_and_deal_names_after_use() -> None:
    from bot.terminal import completions

    assert "give " in completions("gi", "gi", list)
    assert completions("", "give the ", list) == []  # an item is the user's own words
    names = ["Acme renewal", "Acme pilot", "Globex"]
    assert completions("Ac", "use Ac", lambda: names) == ["Acme renewal", "Acme pilot"]
    # readline replaces only the last word: "use Acme r" completes "r" to "renewal".
    assert completions("r", "use Acme r", lambda: names) == ["renewal"]


def test_slack_only_commands_say_they_need_slack(tmp_path: Path) -> None:
    from bot.service import CoachService
    from bot.store.database import Database
    from bot.terminal import TerminalSession

    database = Database(f"sqlite:///{tmp_path / 's.db'}")
    database.prepare(embedded_default=True)
    session = TerminalSession(CoachService(database), "ann", "UTC")
    for line in ["remind 08:30", "team add @dana", "nudge @bo Acme"]:
        outcome = session.send(line)
        assert isinstance(outcome, Rejection) and outcome.code == "needs_slack"
        assert "Slack" in outcome.message
    overview = CoachService(database).overview("local", "ann")
    assert overview == ([], None)
    session.send("new Acme")
    names, active = CoachService(database).overview("local", "ann")
    assert names == ["Acme"] and active is not None and active.phase == "setup"
    database.dispose()
