"""One log format for the app, gunicorn and the libraries; the libraries' chatter kept out.

Every line reads ``2026-11-28 10:17:47,630 INFO [4242] bot.slack.serve: message``: time,
level, process id (gunicorn runs several workers), logger, message - gunicorn's own lines
and its access log included (:func:`gunicorn_logger_class`). ``DEALCOACH_LOG`` sets the
level: servers and workers default to INFO, the other commands to WARNING.

At INFO, lines libraries write that tell an operator nothing are dropped: Alembic's
"setup plugin ..." (seven of them at every schema check) and its "Context impl" and
"Will assume ... DDL" preamble. With ``DEALCOACH_LOG=debug`` everything is shown.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

LEVEL_VARIABLE = "DEALCOACH_LOG"
FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"
# gunicorn's access line, without the date and process its log line already carries.
ACCESS_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# Logger -> level below which its records are dropped unless DEALCOACH_LOG=debug.
QUIET_LOGGERS = {"alembic.runtime.plugins": logging.WARNING}
# Logger -> INFO messages (their start) that say nothing an operator needs.
QUIET_MESSAGES = {"alembic.runtime.migration": ("Context impl ", "Will assume ")}


def level_name(default: str) -> str:
    """The level ``DEALCOACH_LOG`` names (``debug``, ``info``...), else ``default``."""
    name = os.environ.get(LEVEL_VARIABLE, "").strip().upper() or default.upper()
    if name == "WARN":
        name = "WARNING"
    if not isinstance(logging.getLevelName(name), int):
        print(
            f"dealcoach: {LEVEL_VARIABLE}={name.lower()} is not a log level; using "
            f"{default.lower()}",
            file=sys.stderr,
        )
        return default.upper()
    return name


def configure(*, default_level: str = "WARNING", path: Path | None = None) -> None:
    """Log to stderr (or to ``path``), in :data:`FORMAT`, at ``DEALCOACH_LOG``'s level.

    Args:
        default_level: the level when ``DEALCOACH_LOG`` is not set.
        path: a log file instead of stderr; an unwritable one falls back to stderr.

    """
    level = level_name(default_level)
    configured = False
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            logging.basicConfig(level=level, filename=str(path), format=FORMAT)
            configured = True
        except OSError:
            pass  # an unwritable directory: stderr it is
    if not configured:
        logging.basicConfig(level=level, stream=sys.stderr, format=FORMAT)
    quiet_libraries()


class _Quiet(logging.Filter):
    """Drops a library's records below ``level``, and INFO records starting with ``prefixes``."""

    def __init__(self, level: int = logging.NOTSET, prefixes: tuple[str, ...] = ()):
        super().__init__()
        self.level = level
        self.prefixes = prefixes

    def filter(self, record: logging.LogRecord) -> bool:
        if logging.getLogger().isEnabledFor(logging.DEBUG):
            return True
        if record.levelno < self.level:
            return False
        return not (
            record.levelno == logging.INFO
            and self.prefixes
            and str(record.msg).startswith(self.prefixes)
        )


def quiet_libraries() -> None:
    """Put the filters of :data:`QUIET_LOGGERS` and :data:`QUIET_MESSAGES` in place (once)."""
    wanted: dict[str, _Quiet] = {name: _Quiet(level=level) for name, level in QUIET_LOGGERS.items()}
    wanted.update({name: _Quiet(prefixes=prefixes) for name, prefixes in QUIET_MESSAGES.items()})
    for name, quiet in wanted.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, _Quiet) for f in logger.filters):
            logger.addFilter(quiet)


def gunicorn_logger_class() -> Any:
    """The logger class for gunicorn: its lines in :data:`FORMAT`, like the app's."""
    from gunicorn.glogging import Logger

    class GunicornLogger(Logger):  # type: ignore[misc]
        error_fmt = FORMAT
        datefmt = None
        access_fmt = FORMAT

    return GunicornLogger


# Long-running processes log at INFO unless DEALCOACH_LOG says otherwise.
SERVER_COMMANDS = ("serve", "remind")


def configure_command(command: str, db_arg: str | None = None) -> None:
    """Logging for a ``dealcoach`` command: stderr, except the chat's, which goes to a file.

    In the chat a trace would land in the user's face, so it is written to
    ``DEALCOACH_LOG_FILE``, else beside the database (see :func:`chat_files`).

    Args:
        command: the sub-command (``chat``, ``serve``, ``remind``, ``db``...).
        db_arg: the ``--db`` value, if any.

    """
    if command == "chat":
        configured = os.environ.get("DEALCOACH_LOG_FILE", "").strip()
        configure(path=Path(configured) if configured else chat_files(db_arg)[0])
        return
    configure(default_level="INFO" if command in SERVER_COMMANDS else "WARNING")


def chat_files(db_arg: str | None) -> tuple[Path, Path]:
    """Where the chat's log and line history go: ``(log, history)``.

    Beside a SQLite file named with ``--db`` or ``DATABASE_URL`` (``acme.db.log`` and
    ``acme.db.history`` next to ``acme.db``), so separate databases keep separate
    histories; otherwise in the data directory (``dealcoach.log`` and ``history``).

    Args:
        db_arg: the ``--db`` value, if any.

    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from bot.settings import SettingsError, database_settings, default_database_path

    folder = default_database_path().parent
    default = (folder / "dealcoach.log", folder / "history")
    try:
        settings = database_settings(db_arg)
        url = make_url(settings.url)
    except (SettingsError, ArgumentError, ValueError):
        return default  # the command itself reports a bad URL
    name = url.database
    if (
        settings.embedded_default
        or url.get_backend_name() != "sqlite"
        or not name
        or name == ":memory:"
        or "mode=memory" in settings.url
    ):
        return default
    path = Path(name).expanduser().resolve()
    return path.with_name(path.name + ".log"), path.with_name(path.name + ".history")
