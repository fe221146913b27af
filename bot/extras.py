"""Optional parts of dealcoach, installed as extras, and the sentence when one is missing.

The core install is the engine, the terminal and SQLite. Slack, PostgreSQL and charts
are extras (``pip install 'dealcoach[slack]'`` and so on); a command that needs one checks
for it at its start (:func:`require`), and the command line turns an import of a missing
extra's module that slipped past into the same sentence (:func:`missing_extra`), never a
traceback.
"""

from __future__ import annotations

import importlib.util
from typing import Final

from bot.errors import SettingsError

# The extra that brings each optional top-level module.
MODULE_EXTRAS: Final = {
    "slack_bolt": "slack",
    "slack_sdk": "slack",
    "gunicorn": "slack",
    "cryptography": "slack",
    "greenlet": "slack",
    "psycopg": "postgres",
    "matplotlib": "charts",
}
# What each extra adds, as the start of the sentence.
EXTRA_FEATURES: Final = {
    "slack": "Slack support",
    "postgres": "PostgreSQL support",
    "charts": "Chart support",
}


class MissingExtra(SettingsError):
    """An optional part is not installed; the message names the ``pip install`` to run."""

    def __init__(self, extra: str):
        super().__init__(install_hint(extra))
        self.extra = extra


def install_hint(extra: str) -> str:
    """The one sentence for a missing extra, e.g. for ``slack``.

    "Slack support is not installed: pip install 'dealcoach[slack]'"
    """
    return f"{EXTRA_FEATURES[extra]} is not installed: pip install 'dealcoach[{extra}]'"


def require(*modules: str) -> None:
    """Raise :class:`MissingExtra` unless every module (top-level names) can be imported.

    Only looks the modules up; nothing is imported.
    """
    for module in modules:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise MissingExtra(MODULE_EXTRAS[module])


def missing_extra(exc: BaseException) -> MissingExtra | None:
    """The missing extra behind a ``ModuleNotFoundError``, or None when it is not one's module."""
    if not isinstance(exc, ModuleNotFoundError) or not exc.name:
        return None
    extra = MODULE_EXTRAS.get(exc.name.split(".", 1)[0])
    return MissingExtra(extra) if extra else None
