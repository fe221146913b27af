"""The ``dealcoach`` command line: chat, db, analyze, serve, remind.

Errors a user can fix (a bad database URL, a schema that needs upgrading, an unreachable
server, an extra that is not installed) are printed as one sentence with exit code 2, never
as a traceback. Slack, PostgreSQL and charts are extras: each command checks for what it
needs before importing it (see :mod:`bot.extras`).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.extras import missing_extra, require
from bot.settings import SettingsError, database_settings


class Stopped(Exception):
    """The command cannot go on: the database file was removed, replaced or made unwritable."""

    def __init__(self, message: str, *, unsafe_to_close: bool = False):
        super().__init__(message)
        # SQLite would end the process with SIGBUS closing the file (see DatabaseFileChanged).
        self.unsafe_to_close = unsafe_to_close


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dealcoach", description="A negotiation coach for the terminal and Slack."
    )
    from dealcoach import __version__

    parser.add_argument("--version", action="version", version=f"dealcoach {__version__}")
    sub = parser.add_subparsers(dest="command")

    chat = sub.add_parser("chat", help="talk to the coach in the terminal (the default)")
    _add_db(chat)
    chat.add_argument("--user", help="who you are (default: your login name)")
    chat.add_argument("--json", action="store_true", help="print one JSON object per input line")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    for name, text in (
        ("upgrade", "apply pending migrations"),
        (
            "current",
            "show the schema revision (exit code 1: it needs "
            "an upgrade; 3: it is newer than this version)",
        ),
        (
            "encrypt-tokens",
            "encrypt installed Slack tokens stored in plain text with DEALCOACH_SECRET_KEY",
        ),
    ):
        _add_db(db_sub.add_parser(name, help=text))
    db_sub.add_parser("new-key", help="print a new random key for DEALCOACH_SECRET_KEY")

    analyze = sub.add_parser("analyze", help="analyse a scoring sheet (CSV or YAML)")
    analyze.add_argument("sheet", help="path to the sheet (.csv, .yaml or .yml)")
    analyze.add_argument("--json", action="store_true", help="print the analysis as JSON")
    analyze.add_argument("--chart", metavar="PNG", help="write the frontier chart here")
    analyze.add_argument(
        "--package",
        nargs="*",
        metavar="ISSUE=OPTION",
        help="a package to place against the frontier",
    )
    from bot.slack.serve import add_serve_arguments  # imports no Slack code at module level

    serve = sub.add_parser(
        "serve", help="run the Slack app: Socket Mode with SLACK_APP_TOKEN, else HTTP"
    )
    add_serve_arguments(serve)
    remind = sub.add_parser(
        "remind", help="send due prep reminders, digests and nudges to Slack (a worker)"
    )
    _add_db(remind)
    remind.add_argument(
        "--once", action="store_true", help="send what is due now, then exit (for cron)"
    )
    remind.add_argument(
        "--now",
        metavar="ISO",
        help="act as if it were this time, e.g. 2026-12-01T08:00:00+00:00 (replay and backfill)",
    )
    return parser


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL or SQLite file (default: DATABASE_URL, "
        "else a file in your data directory)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dealcoach`` console script."""
    args = _parser().parse_args(argv)
    command = args.command or "chat"
    from bot.logs import configure_command

    configure_command(command, getattr(args, "db", None))
    try:
        if command == "analyze":
            from bot.analyze_command import run_analyze

            return run_analyze(args.sheet, args.json, args.chart, args.package, sys.stdout)
        if command == "db":
            return _db(args)
        if command == "serve":
            require("slack_bolt", "slack_sdk")
            from bot.slack.serve import run_serve

            return run_serve(args)
        if command == "remind":
            require("slack_bolt", "slack_sdk")
            from bot.slack.worker import run_remind

            return run_remind(args)
        return _chat(args)
    except Stopped as exc:
        code = _fail(str(exc))
        if exc.unsafe_to_close:
            # Leave without closing the database: SQLite's checkpoint on close would write
            # through a memory map of a file that can no longer be written (SIGBUS).
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        return code
    except SettingsError as exc:
        return _fail(str(exc))
    except ModuleNotFoundError as exc:
        # An optional module imported past the checks above: still one sentence.
        missing = missing_extra(exc)
        if missing is None:
            raise
        return _fail(str(missing))
    except SQLAlchemyError as exc:
        return _fail(f"The database could not be used: {_first_line(exc)}")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`dealcoach chat | head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def _open_database(args: argparse.Namespace, *, prepare: bool = True):  # type: ignore[no-untyped-def]
    from bot.store.database import Database, DatabaseFileChanged

    settings = database_settings(getattr(args, "db", None))
    database = Database(settings.url)
    if prepare:
        try:
            database.prepare(embedded_default=settings.embedded_default)
        except DatabaseFileChanged as exc:
            raise Stopped(str(exc), unsafe_to_close=exc.unsafe_to_close) from exc
    return database


def _db(args: argparse.Namespace) -> int:
    if args.db_command in ("new-key", "encrypt-tokens"):
        require("cryptography", "slack_sdk")  # installed Slack tokens: the slack extra
    if args.db_command == "new-key":
        from bot.slack.token_crypto import new_key

        print(new_key())
        return 0
    if args.db_command == "encrypt-tokens":
        return _encrypt_tokens(args)
    database = _open_database(args, prepare=False)
    if args.db_command == "upgrade":
        database.upgrade()
        print(_say("cli_schema_upgraded", revision=database.current_revision()))
    else:
        return _db_current(database)
    return 0


def _db_current(database: Any) -> int:
    """Print the schema revision; exit code 0 current, 1 behind (upgrade), 3 newer than us."""
    current, head = database.current_revision(), database.head_revision()
    if current == head:
        print(_say("cli_schema_current", current=current))
        return 0
    if not database.is_newer_than_code():
        print(_say("cli_schema_behind", current=current or "none", head=head))
        return 1
    print(_say("cli_schema_newer", current=current, head=head))
    return 3


def _encrypt_tokens(args: argparse.Namespace) -> int:
    from bot.slack.token_crypto import SECRET_KEY_VARIABLE, cipher_from_key, encrypt_stored_tokens

    cipher = cipher_from_key(os.environ.get(SECRET_KEY_VARIABLE))
    if cipher is None:
        raise SettingsError(
            f"{SECRET_KEY_VARIABLE} is not set: set the key to encrypt the "
            "installed Slack tokens with (`dealcoach db new-key` makes one)."
        )
    from bot.store.database import SchemaOutOfDate

    try:
        database = _open_database(args)
    except SchemaOutOfDate as exc:
        raise SettingsError(str(exc)) from exc
    try:
        done = encrypt_stored_tokens(database.engine, cipher)
    finally:
        database.dispose()
    print(_say("cli_tokens_encrypted", count=done))
    return 0


def _chat(args: argparse.Namespace) -> int:
    from bot.store.database import SchemaOutOfDate
    from bot.terminal import is_interactive, run_interactive, run_piped

    try:
        database = _open_database(args)
    except SchemaOutOfDate as exc:
        return _fail(str(exc))
    service = _chat_service(database)
    user = getattr(args, "user", None) or _login_name()
    from flows.oversight import MAX_USER_ID

    if len(user) > MAX_USER_ID:
        # Refused, not cut: two long names cut alike would share one person's deals.
        return _fail(_say("cli_user_too_long", limit=MAX_USER_ID, length=len(user)))
    if getattr(args, "json", False) or not is_interactive(sys.stdin):
        return run_piped(service, user, sys.stdin, sys.stdout, getattr(args, "json", False))
    from bot.logs import chat_files

    return run_interactive(service, user, chat_files(getattr(args, "db", None))[1])


def _chat_service(database: Any) -> Any:
    """The coach for the terminal chat (see ``ChatService``)."""
    from bot.service import CoachService
    from bot.store.database import DatabaseFileChanged
    from flows.replies import Rejection

    class ChatService(CoachService):
        """The coach for one person at the terminal: a lost database file ends the chat.

        The Slack server answers each command that cannot be saved and goes on; a chat
        whose file was removed or replaced would only answer "nothing was saved" to every
        line, so it stops with the reason instead (exit code 2).
        """

        def transaction(self, *args: Any, **kwargs: Any) -> Any:
            result = super().transaction(*args, **kwargs)
            if isinstance(result, Rejection) and result.code == "storage_unavailable":
                try:
                    self.database.check_file()
                except DatabaseFileChanged as exc:
                    raise Stopped(str(exc), unsafe_to_close=exc.unsafe_to_close) from exc
            return result

    return ChatService(database)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "me"


def _say(key: str, /, **values: Any) -> str:
    """A line of the command line's own from the phrase library (``cli_*`` replies)."""
    from flows.engine import default_library

    return default_library().reply(key, **values)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


def _fail(message: str) -> int:
    print(f"dealcoach: {message}", file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
