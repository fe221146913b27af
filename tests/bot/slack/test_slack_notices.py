"""Notices end to end: team notes and nudges reach the rep's DM through the outbox, once.

The nudge's fix button switches the rep to the deal and opens the right form, or runs the
step and answers in the DM.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_harness import TOKEN, Running, as_text, ask, prepare_rep_deal
from slack_sdk.models.views import View
from sqlalchemy import select

from auxil.fake_slack import Call, FakeSlack
from bot.slack.blocks import MAX_VIEW_BLOCKS, validate
from bot.slack.modals import FORMS, SAFEGUARDS, FieldErrors, form_for, safeguard_lines
from bot.slack.notices import FIX_ACTION, parse_fix_value
from bot.slack.sender import METADATA_EVENT, Sender, sender_client
from bot.store.deliveries import SENT
from bot.store.models import DeliveryRow
from flows.replies import Notice, Reply, merge_replies


def _dm_posts(fake: FakeSlack, user: str, count: int = 1) -> list[Call]:
    return fake.wait_for(
        "chat.postMessage", count, timeout=20, where=lambda c: c.body.get("channel") == user
    )


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]


def _delivery_status(running: Running, user: str) -> tuple[str, str]:
    """The user's one outbox row's kind and status, once its sender has recorded it."""
    deadline = time.monotonic() + 10
    while True:
        with running.database.session() as session:
            row = session.scalar(select(DeliveryRow).where(DeliveryRow.user_id == user))
            assert row is not None
            found = (row.kind, row.status)
        if found[1] == SENT or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def _click_fix(running: Running, user: str, value: str, trigger: str) -> None:
    sent = running.slack.interaction(
        {
            "type": "block_actions",
            "user": {"id": user},
            "channel": {"id": f"D{user}"},
            "container": {"type": "message", "is_ephemeral": False},
            "trigger_id": trigger,
            "actions": [
                {
                    "type": "button",
                    "action_id": f"{FIX_ACTION}:0",
                    "block_id": "fixes",
                    "value": value,
                }
            ],
        }
    )
    assert sent.status == 200


def _team_with_nudge(running: Running) -> dict[str, Any]:
    """U1 manages U2, whose Acme deal has no safeguards; U1 nudges; the DM U2 got."""
    prepare_rep_deal(running)
    running.fake.set_person("U1", is_admin=True)  # added at once, as an admin does
    ask(running, "team add <@U2|dana>")
    _dm_posts(running.fake, "U2")  # the "you were added" note
    answer = ask(running, "nudge <@U2|dana> Acme keep it measurable")
    assert "Nudged <@U2> about Acme" in as_text(answer)
    _dm_posts(running.fake, "U2", 2)  # sent right after the manager's answer
    messages = running.fake.dm("U2")
    assert len(messages) == 2
    return messages[-1]


def test_a_rep_added_to_a_team_gets_a_dm_naming_who_added_them(running: Running) -> None:
    fake = running.fake
    fake.set_person("U1", is_admin=True)  # an admin adds at once; others invite
    answer = ask(running, "team add <@U2|dana>")
    assert "Added <@U2> to your team" in as_text(answer)
    (post,) = _dm_posts(fake, "U2")
    assert post.token == TOKEN
    (message,) = fake.dm("U2")
    assert message["metadata"]["event_type"] == METADATA_EVENT
    blocks = message["blocks"]
    validate(blocks)
    assert "<@U1> added you to their team" in json.dumps(blocks)
    assert _delivery_status(running, "U2") == ("team", SENT)
    # Adding again changes nothing and sends nothing more.
    ask(running, "team add <@U2|dana>")
    fake.quiet()
    assert len(fake.dm("U2")) == 1


def test_a_nudge_dm_names_the_gap_with_its_line_and_a_fix_button(running: Running) -> None:
    message = _team_with_nudge(running)
    blocks = message["blocks"]
    validate(blocks)
    text = json.dumps(blocks)
    assert "<@U1> nudged you about Acme: No safeguards" in text
    assert "keep it measurable" in text
    assert "Try: If the target is missed in a given month" in text  # the gap's template line
    (fix,) = _buttons(blocks)
    assert fix["action_id"] == f"{FIX_ACTION}:0"
    assert parse_fix_value(fix["value"]) == ("Acme", "safeguard")
    # The nudge is in the deal's history, for the rep.
    log = running.service.handle("T1", "U2", "log")
    assert "Nudges on this deal" in log.text and "@U1" in log.text  # type: ignore[union-attr]


def test_a_second_nudge_on_the_same_deal_that_day_is_refused(running: Running) -> None:
    _team_with_nudge(running)
    again = ask(running, "nudge <@U2|dana> Acme")
    assert "already nudged today" in as_text(again)
    running.fake.quiet()
    assert len(running.fake.dm("U2")) == 2


def test_the_fix_button_switches_deal_and_opens_the_safeguards_form(running: Running) -> None:
    message = _team_with_nudge(running)
    running.service.handle("T1", "U2", "new Beta")  # the rep is working on another deal
    (fix,) = _buttons(message["blocks"])
    _click_fix(running, "U2", fix["value"], "trig-fix")
    (opened,) = running.fake.wait_for("views.open")
    assert opened.body["trigger_id"] == "trig-fix"
    assert opened.body["view"]["callback_id"] == SAFEGUARDS
    status = running.service.handle("T1", "U2", "status")
    assert status.deal == "Acme"  # type: ignore[union-attr]
    # Submitting the form saves all three, all together.
    sent = running.slack.submit_view(
        SAFEGUARDS,
        {
            "safeguard": {
                "value": {
                    "type": "plain_text_input",
                    "value": "If uptime drops below 99.5% we credit 10%",
                }
            },
            "governance": {
                "value": {"type": "plain_text_input", "value": "Monthly review of uptime"}
            },
            "exit": {"value": {"type": "plain_text_input", "value": None}},
        },
        user="U2",
    )
    assert sent.json()["response_action"] == "update"
    running.fake.quiet()
    manager_view = running.service.handle("T1", "U1", "team")
    assert "2/3" in manager_view.full_text()  # type: ignore[union-attr]


def test_a_fix_button_without_a_form_runs_the_step_in_the_dm(running: Running) -> None:
    prepare_rep_deal(running)
    running.service.handle("T1", "U2", "new Beta")
    _click_fix(running, "U2", json.dumps({"deal": "Acme", "step": "checklist"}), "t")
    (post,) = _dm_posts(running.fake, "DU2")
    assert "Acme" in as_text(post)
    running.fake.quiet()
    assert not running.fake.of("views.open")


def test_a_fix_button_for_a_deal_that_is_gone_says_so(running: Running) -> None:
    running.service.handle("T1", "U2", "new Beta")
    _click_fix(running, "U2", json.dumps({"deal": "Gone", "step": "safeguard"}), "t")
    (post,) = _dm_posts(running.fake, "DU2")
    assert "no deal called Gone" in as_text(post)
    assert not running.fake.of("views.open")


def test_a_notice_slack_refuses_at_once_is_sent_later_by_the_worker(running: Running) -> None:
    fake = running.fake
    fake.fail_next("chat.postMessage", 503, retry_after=None)
    ask(running, "team add <@U2|dana>")
    deadline = time.monotonic() + 20
    while not fake.of("chat.postMessage", ok_only=False) and time.monotonic() < deadline:
        time.sleep(0.05)
    fake.quiet()
    assert [c.status for c in fake.of("chat.postMessage", ok_only=False)] == [503]
    assert fake.dm("U2") == []
    later = datetime.now(UTC) + timedelta(minutes=5)
    client = sender_client(fake.api_url, TOKEN)
    stats = Sender(running.database, lambda _ws: client, lambda: later).run()
    assert stats.sent == 1
    assert len(fake.dm("U2")) == 1


def test_the_safeguards_form() -> None:
    form = FORMS[SAFEGUARDS]
    view = form.view("meta")
    assert View(**view).to_dict() == view
    validate(view["blocks"], limit=MAX_VIEW_BLOCKS)
    for word in ("safeguard", "governance", "exit", "Safeguards"):
        assert form_for(word) is form
    values = {
        "safeguard": {"value": {"value": " churn above 5%\n triggers a review "}},
        "exit": {"value": {"value": "60 days' notice"}},
    }
    assert safeguard_lines(values) == [
        ("safeguard", "safeguard churn above 5% triggers a review"),
        ("exit", "exit 60 days' notice"),
    ]
    try:
        safeguard_lines({})
    except FieldErrors as exc:
        assert list(exc.errors) == ["safeguard"]
    else:
        raise AssertionError("an empty form must be refused")


def test_merged_replies_keep_every_notice_and_person() -> None:
    first = Notice(user_id="U2", kind="team", key="a", text="@U1 added you", people=["U1"])
    second = Notice(user_id="U3", kind="team", key="b", text="@U1 added you", people=["U1"])
    merged = merge_replies(
        [
            Reply(text="one", notices=[first], people=["U2", "U1"]),
            Reply(text="two", notices=[second], people=["U3", "U1"]),
        ]
    )
    assert merged.notices == [first, second]
    assert merged.people == ["U2", "U1", "U3"]
