"""Errors every front turns into one clear sentence instead of a traceback."""

from __future__ import annotations


class SettingsError(Exception):
    """A setting is missing or makes no sense; the message is one clear sentence."""
