"""The App Home is published only when what it shows changed, and at most so often a user."""

from __future__ import annotations

import json
import time

from slack_harness import TOKEN, Running, ask
from slack_sdk import WebClient

from bot.slack.coach import labels_from_library
from bot.slack.home_publish import HomePublisher, view_digest
from bot.store.slack_tables import SlackHomeViewRow


def _publishes(running: Running, user: str = "U1") -> list[str]:
    return [
        json.dumps(c.body["view"])
        for c in running.fake.of("views.publish")
        if c.body["user_id"] == user
    ]


def test_a_command_that_changes_nothing_shown_does_not_publish(running: Running) -> None:
    fake = running.fake
    ask(running, "new Acme")
    fake.wait_for("views.publish")
    time.sleep(1.1)  # past the interval, so only the digest can hold the next one back
    ask(running, "use Acme")  # writes, but the tab shows the same
    fake.quiet(0.5)
    assert len(_publishes(running)) == 1
    ask(running, "new Beta")
    fake.wait_for("views.publish", 2)
    assert "Beta" in _publishes(running)[-1]
    with running.database.session() as session:
        row = session.get(SlackHomeViewRow, ("T1", "U1"))
        assert row is not None and len(row.digest) == 64


def test_opening_the_home_tab_publishes_even_when_unchanged(running: Running) -> None:
    slack, fake = running.slack, running.fake
    ask(running, "new Acme")
    fake.wait_for("views.publish")
    slack.event({"type": "app_home_opened", "user": "U1", "channel": "DU1", "tab": "home"})
    publishes = fake.wait_for("views.publish", 2)
    assert publishes[0].body["view"] == publishes[1].body["view"]


def test_refreshes_close_together_fold_into_one_with_the_latest_state(running: Running) -> None:
    service, fake = running.service, running.fake
    client = WebClient(token=TOKEN, base_url=fake.api_url)
    home = HomePublisher(
        running.database,
        service.engine.lib,
        labels_from_library(service),
        service.clock,
        # Long enough that three commands fit in it even on a loaded CI machine (at 0.5 s
        # the timer fired between them now and then).
        interval=2.0,
    )
    service.handle("T1", "U2", "new Acme")
    home.refresh(client, "T1", "U2")  # the first one at once
    assert len(_publishes(running, "U2")) == 1
    for item in ("the install", "the training", "the support"):
        service.handle("T1", "U2", f"give {item}")
        home.refresh(client, "T1", "U2")  # folded into one, after the interval
    assert len(_publishes(running, "U2")) == 1
    fake.wait_for("views.publish", 2, timeout=10)
    fake.quiet(0.8)
    views = _publishes(running, "U2")
    assert len(views) == 2 and "Unanswered gives: 3" in views[-1]


def test_the_digest_tells_views_apart() -> None:
    one = {"type": "home", "blocks": [{"type": "section", "text": {"text": "a"}}]}
    same = {"blocks": [{"text": {"text": "a"}, "type": "section"}], "type": "home"}
    other = {"type": "home", "blocks": [{"type": "section", "text": {"text": "b"}}]}
    assert view_digest(one) == view_digest(same) != view_digest(other)
