"""Why a command was refused: each becomes a clear rejection, and nothing is stored."""

from __future__ import annotations


class BadArguments(Exception):
    """The command was recognised but its arguments were not usable."""


class NotNow(Exception):
    """The command makes no sense in the deal's current phase."""


class UnknownDeal(Exception):
    """The user named a deal they do not have."""
