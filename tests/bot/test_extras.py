"""Extras: a command whose extra is missing says which `pip install` to run, in one sentence.

Each case runs the command line in a subprocess where the extra's modules cannot be
imported (``sys.modules[name] = None``, as if the package were not installed), and checks
the whole of stderr and the exit code: no traceback, nothing else.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from auxil.sheets import SAMPLE_CSV
from bot.cli import main
from bot.extras import MODULE_EXTRAS, MissingExtra, install_hint, missing_extra, require

ROOT = Path(__file__).resolve().parents[2]
SLACK = "dealcoach: Slack support is not installed: pip install 'dealcoach[slack]'\n"
POSTGRES = "dealcoach: PostgreSQL support is not installed: pip install 'dealcoach[postgres]'\n"
EVERY_EXTRA = sorted(MODULE_EXTRAS)


def _run(
    tmp_path: Path,
    missing: list[str],
    argv: list[str],
    *,
    stdin: str = "",
    env: dict[str, str] | None = None,
    module: str = "bot.cli",
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m <module> <argv>`` with ``missing`` modules made unimportable."""
    code = (
        "import runpy, sys\n"
        f"for name in {missing!r}:\n"
        "    sys.modules[name] = None\n"
        f"sys.argv = [{module!r}, *{argv!r}]\n"
        f"runpy.run_module({module!r}, run_name='__main__', alter_sys=True)\n"
    )
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k != "DATABASE_URL" and not k.startswith(("SLACK_", "DEALCOACH_"))
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        input=stdin,
        text=True,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        env={
            **inherited,
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "HOME": str(tmp_path),
            "PYTHONPATH": str(ROOT),
            **(env or {}),
        },
    )


@pytest.mark.parametrize(
    ("missing", "argv"),
    [
        (["slack_bolt"], ["serve"]),
        (["slack_sdk"], ["serve"]),
        (["slack_bolt", "slack_sdk"], ["remind", "--once"]),
        (["cryptography"], ["db", "new-key"]),
        (["cryptography"], ["db", "encrypt-tokens"]),
    ],
)
def test_slack_commands_without_the_slack_extra(
    tmp_path: Path, missing: list[str], argv: list[str]
) -> None:
    done = _run(tmp_path, missing, argv)
    assert (done.returncode, done.stderr, done.stdout) == (2, SLACK, "")


def test_python_m_bot_slack_serve_without_the_slack_extra(tmp_path: Path) -> None:
    done = _run(tmp_path, ["slack_bolt"], [], module="bot.slack.serve")
    assert (done.returncode, done.stderr) == (2, SLACK)


def test_http_mode_without_gunicorn(tmp_path: Path) -> None:
    """Socket Mode needs no gunicorn, so it is asked for only when serving over HTTP."""
    done = _run(
        tmp_path,
        ["gunicorn"],
        ["serve"],
        env={"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"},
    )
    assert (done.returncode, done.stderr) == (2, SLACK)


@pytest.mark.parametrize("url", ["postgresql://u@127.0.0.1:9/db", "postgres://u@h/db"])
def test_a_postgres_url_without_the_postgres_extra(tmp_path: Path, url: str) -> None:
    for argv, env in ((["chat", "--db", url], {}), (["db", "current"], {"DATABASE_URL": url})):
        done = _run(tmp_path, ["psycopg"], argv, stdin="new Acme\n", env=env)
        assert (done.returncode, done.stderr, done.stdout) == (2, POSTGRES, "")


def test_chart_without_the_charts_extra(tmp_path: Path) -> None:
    sheet, chart = tmp_path / "offer.csv", tmp_path / "frontier.png"
    sheet.write_text(SAMPLE_CSV, encoding="utf-8")
    done = _run(tmp_path, ["matplotlib"], ["analyze", str(sheet), "--chart", str(chart)])
    assert done.returncode == 2 and done.stdout == "" and not chart.exists()
    assert done.stderr == (
        "dealcoach analyze: Chart support is not installed: pip install 'dealcoach[charts]'\n"
    )
    # Without --chart the analysis needs no extra.
    done = _run(tmp_path, ["matplotlib"], ["analyze", str(sheet)])
    assert done.returncode == 0 and "possible packages" in done.stdout


def test_the_core_chat_needs_no_extra(tmp_path: Path) -> None:
    """The terminal coach on SQLite runs with every extra's modules missing."""
    done = _run(tmp_path, EVERY_EXTRA, ["chat", "--json"], stdin="new Acme\ngive training\n")
    assert done.returncode == 0, done.stderr
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert [reply["deal"] for reply in replies] == ["Acme", "Acme"]
    done = _run(tmp_path, EVERY_EXTRA, ["db", "current"])
    assert done.returncode == 0 and "up to date" in done.stdout


def test_a_missing_module_past_the_checks_is_still_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def chat(_args: object) -> int:
        raise ModuleNotFoundError("No module named 'psycopg'", name="psycopg")

    monkeypatch.setattr("bot.cli._chat", chat)
    assert main(["chat"]) == 2
    assert capsys.readouterr().err == POSTGRES


def test_a_missing_module_of_no_extra_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def chat(_args: object) -> int:
        raise ModuleNotFoundError("No module named 'yaml'", name="yaml")

    monkeypatch.setattr("bot.cli._chat", chat)
    with pytest.raises(ModuleNotFoundError):
        main(["chat"])


def test_missing_extra_and_require(monkeypatch: pytest.MonkeyPatch) -> None:
    found = missing_extra(ModuleNotFoundError(name="slack_sdk.oauth"))
    assert found is not None and found.extra == "slack"
    assert missing_extra(ModuleNotFoundError(name="yaml")) is None
    assert missing_extra(ImportError("cannot import name 'x'", name="slack_sdk")) is None
    require("yaml", "sqlalchemy")
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(
        MissingExtra,
        match=r"^Chart support is not installed: "
        r"pip install 'dealcoach\[charts\]'$",
    ):
        require("yaml", "matplotlib")
    assert install_hint("slack") == SLACK.removeprefix("dealcoach: ").rstrip("\n")


def test_version_from_the_package_metadata(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dealcoach", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    try:
        expected = version("dealcoach")
    except PackageNotFoundError:  # a source tree that was never installed
        expected = "0+unknown"
    assert done.stdout == f"dealcoach {expected}\n"
