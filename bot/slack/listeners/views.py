"""Modals: "Log a move", "Prepare" and "Bundle" (submissions come back as view_submission).

Nothing is registered yet beyond what the Home tab needs; see the module list in
``bot/slack/listeners/__init__.py``.
"""

from __future__ import annotations

from slack_bolt import App

from bot.slack.front import Front


def register(app: App, front: Front) -> None:
    """Register the modal listeners.

    Args:
        app: the Bolt app.
        front: the coach and delivery helpers.

    """
