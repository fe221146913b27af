"""Where the database is: ``--db``, then ``DATABASE_URL``, then a SQLite file of the user's own."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

from bot.errors import SettingsError as SettingsError  # where callers have always found it


@dataclass(frozen=True)
class DatabaseSettings:
    """The database URL and whether it is the embedded default."""

    url: str
    embedded_default: bool


def default_database_path() -> Path:
    """The embedded SQLite file in the user's data directory."""
    return Path(user_data_dir("dealcoach", appauthor=False)) / "dealcoach.db"


def normalise_database_url(value: str) -> str:
    """Accept what people paste: ``postgres://``, ``postgresql://`` or a plain file path."""
    value = value.strip()
    if not value:
        raise SettingsError("The database URL is empty.")
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix) :]
    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    if not value.startswith(("sqlite", "postgresql+psycopg")):
        raise SettingsError(
            f"dealcoach supports SQLite and PostgreSQL URLs, not {value.split(':', 1)[0]}."
        )
    return value


def database_settings(cli_value: str | None = None) -> DatabaseSettings:
    """Resolve the database from the command line, the environment, or the default.

    A PostgreSQL URL without the ``postgres`` extra installed raises
    :class:`bot.extras.MissingExtra` (a :class:`SettingsError`) naming the install.
    """
    value = cli_value or os.environ.get("DATABASE_URL", "").strip()
    if not value:
        return DatabaseSettings(f"sqlite:///{default_database_path()}", embedded_default=True)
    url = normalise_database_url(value)
    if url.startswith("postgresql+psycopg"):
        from bot.extras import require

        require("psycopg")
    return DatabaseSettings(url, embedded_default=False)
