"""The ``dealcoach`` command line: database maintenance and settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import SettingsError, database_settings, normalise_database_url


def test_db_upgrade_and_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "x.db")
    assert main(["db", "current", "--db", db]) == 1  # behind: scripts can test for it
    assert "needs upgrade" in capsys.readouterr().out
    assert main(["db", "upgrade", "--db", db]) == 0
    assert main(["db", "current", "--db", db]) == 0
    assert "up to date" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("revision", "code", "says"),
    [
        ("0007", 1, "needs upgrade to"),
        ("0001_core", 1, "run `dealcoach db upgrade`"),
        ("0999", 3, "newer than this version"),
    ],
)
def test_db_current_exits_non_zero_unless_the_schema_matches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], revision: str, code: int, says: str
) -> None:
    from sqlalchemy import text

    from bot.store.database import Database

    db = str(tmp_path / "x.db")
    assert main(["db", "upgrade", "--db", db]) == 0
    database = Database(f"sqlite:///{db}")
    with database.engine.begin() as conn:  # as if the code had moved on (or back)
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    database.dispose()
    capsys.readouterr()
    assert main(["db", "current", "--db", db]) == code
    assert says in capsys.readouterr().out


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/a.db", "sqlite:////tmp/a.db"),
    ],
)
def test_database_urls_people_paste(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


def test_a_plain_path_is_a_sqlite_file(tmp_path: Path) -> None:
    assert normalise_database_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"


def test_unsupported_urls_are_refused() -> None:
    with pytest.raises(SettingsError, match="SQLite and PostgreSQL"):
        normalise_database_url("mysql://x/y")


def test_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://env/db")
    assert database_settings("postgres://cli/db").url == "postgresql+psycopg://cli/db"
    assert database_settings(None).url == "postgresql+psycopg://env/db"
    monkeypatch.delenv("DATABASE_URL")
    default = database_settings(None)
    assert default.embedded_default and default.url.endswith("dealcoach.db")


def test_a_user_name_longer_than_the_store_keeps_is_refused_at_start(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    db = f"sqlite:///{tmp_path / 'u.db'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("new Acme\n"))
    assert main(["chat", "--db", db, "--user", "u" * 65, "--json"]) == 2
    assert "--user is at most 64 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("new Acme\n"))
    assert main(["chat", "--db", db, "--user", "u" * 64, "--json"]) == 0
    assert '"deal": "Acme"' in capsys.readouterr().out


def test_db_upgrade_on_a_newer_schema_says_so_in_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sqlalchemy import text

    from bot.store.database import Database

    db = str(tmp_path / "x.db")
    assert main(["db", "upgrade", "--db", db]) == 0
    database = Database(f"sqlite:///{db}")
    with database.engine.begin() as conn:  # a newer dealcoach was here first
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    database.dispose()
    capsys.readouterr()
    assert main(["db", "upgrade", "--db", db]) == 2
    err = capsys.readouterr().err
    assert "newer than this version of dealcoach" in err and "Traceback" not in err
