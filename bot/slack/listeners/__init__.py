"""Bolt listeners grouped by kind; each module exposes ``register(app, front)``.

:func:`register_all` is what :func:`bot.slack.app.build_app` calls; tests can register a
single module on an app of their own. It puts the durable inbox (:mod:`bot.slack.inbox`)
in front of them all: every request that asks for work is written down before its ack.
"""

from __future__ import annotations

from slack_bolt import App

from bot.slack.front import Front
from bot.slack.inbox import Inbox, install
from bot.slack.listeners import actions, commands, events, fixes, readings, shortcuts, views


def register_all(app: App, front: Front) -> None:
    """Register every listener of the Slack front on ``app``.

    Args:
        app: the Bolt app.
        front: the coach and delivery helpers the listeners share.

    """
    for module in (commands, events, actions, fixes, readings, shortcuts, views):
        module.register(app, front)
    install(app, Inbox(front.coach.database, front.coach.service.clock, settings=front.settings))
