"""The forms: their views validate, their values become lines, and submissions end to end."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_harness import Running
from slack_sdk.models.views import View

from auxil.memory import MemoryWorld
from bot.slack.blocks import MAX_VIEW_BLOCKS, validate
from bot.slack.modals import (
    BUNDLE,
    FORMS,
    MOVE,
    PREPARE,
    FieldErrors,
    bundle_lines,
    form_for,
    move_lines,
    prepare_lines,
)
from flows.commands import REGISTRY
from flows.engine import Engine
from flows.replies import Rejection


def _values(**fields: str | None) -> dict[str, dict[str, Any]]:
    """``view.state.values`` as Slack sends them; selects are the fields named us/them/kind."""
    values: dict[str, dict[str, Any]] = {}
    for name, value in fields.items():
        if name in ("kind", "us", "them"):
            option = {"value": value, "text": {"type": "plain_text", "text": str(value)}}
            values[name] = {
                "value": {"type": "static_select", "selected_option": option if value else None}
            }
        else:
            values[name] = {"value": {"type": "plain_text_input", "value": value}}
    return values


@pytest.mark.parametrize("callback_id", [MOVE, PREPARE, BUNDLE])
def test_form_views_validate(callback_id: str) -> None:
    view = FORMS[callback_id].view("meta")
    assert View(**view).to_dict() == view
    validate(view["blocks"], limit=MAX_VIEW_BLOCKS)


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        (
            {"kind": "give", "item": " training ", "us": "1", "them": "4"},
            "give training us=1 them=4",
        ),
        ({"kind": "get", "item": "a case\nstudy"}, "get a case study"),
        (
            {"kind": "trade", "item": "training", "in_return": "24 months"},
            "trade training for 24 months",
        ),
        (
            {"kind": "give", "item": "support", "trigger": "they sign by Friday"},
            "if we support, they sign by Friday",
        ),
    ],
)
def test_move_lines(fields: dict[str, str], line: str) -> None:
    assert move_lines(_values(**fields)) == [("item", line)]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "trade", "item": "x"}, "in_return"),
        ({"kind": "get", "item": "x", "in_return": "y"}, "in_return"),
        ({"kind": "get", "item": "x", "trigger": "y"}, "trigger"),
        ({"kind": "give", "item": ""}, "item"),
    ],
)
def test_move_field_errors(fields: dict[str, str], field: str) -> None:
    with pytest.raises(FieldErrors) as caught:
        move_lines(_values(**fields))
    assert field in caught.value.errors


def test_prepare_lines_one_per_field_and_row() -> None:
    lines = prepare_lines(
        _values(
            batna="stay  with incumbent",
            walkaway="min 80k",
            issues="price us=5 them=3\n\npayment terms us=2 them=4",
            evidence="benchmark 90k",
            rule="",
        )
    )
    assert lines == [
        ("batna", "batna stay with incumbent"),
        ("walkaway", "walkaway min 80k"),
        ("issues:1", "issue price us=5 them=3"),
        ("issues:2", "issue payment terms us=2 them=4"),
        ("evidence:1", "evidence benchmark 90k"),
    ]
    with pytest.raises(FieldErrors):
        prepare_lines(_values(batna=""))


def test_bundle_lines_quote_terms_with_spaces() -> None:
    assert bundle_lines(
        _values(label="A", terms="price = 95k\npayment terms = 60 days", worth="60")
    ) == [("terms", "bundle A price=95k 'payment terms=60 days' worth=60")]
    with pytest.raises(FieldErrors) as caught:
        bundle_lines(_values(label="two words", terms="price", worth="300"))
    assert set(caught.value.errors) == {"label", "terms", "worth"}


def test_bare_words_open_forms() -> None:
    assert form_for("give") is FORMS[MOVE] and form_for("BATNA") is FORMS[PREPARE]
    assert form_for("bundle") is FORMS[BUNDLE] and form_for("concede") is FORMS[MOVE]
    assert form_for("prep") is FORMS[PREPARE] and form_for("move") is FORMS[MOVE]
    assert form_for("give training") is None and form_for("next") is None


def test_every_form_a_command_declares_exists_and_the_bare_command_needs_it() -> None:
    engine, now = Engine(), datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    space = MemoryWorld().space("U1")
    engine.handle("new Acme", space, now)
    declared = {spec.name: spec.form for spec in REGISTRY.values() if spec.form}
    assert declared, "no command declares a form"
    for name, form in declared.items():
        assert form in FORMS, name
        # Said bare, the engine could only ask for details: the form loses nothing.
        outcome = engine.handle(name, space, now)
        assert isinstance(outcome, Rejection) and outcome.code == "bad_arguments", name


def test_slash_deal_give_opens_the_move_form_like_its_button(running: Running) -> None:
    running.slack.command("give")
    (call,) = running.fake.wait_for("views.open")
    assert call.body["view"]["callback_id"] == MOVE


# -- end to end -----------------------------------------------------------------------------
def _submit(running: Running, callback_id: str, **fields: str | None) -> dict[str, Any]:
    sent = running.slack.submit_view(callback_id, _values(**fields))
    assert sent.status == 200
    return dict(sent.json() or {})


def test_slash_deal_prepare_opens_the_form(running: Running) -> None:
    running.slack.command("prepare")
    (call,) = running.fake.wait_for("views.open")
    assert call.body["view"]["callback_id"] == PREPARE
    validate(call.body["view"]["blocks"], limit=MAX_VIEW_BLOCKS)


def test_a_bare_next_step_button_opens_its_form(running: Running) -> None:
    running.slack.interaction(
        {
            "type": "block_actions",
            "user": {"id": "U1"},
            "trigger_id": "t2",
            "container": {"type": "message", "is_ephemeral": True},
            "response_url": running.fake.response_url("x"),
            "actions": [
                {
                    "type": "button",
                    "action_id": "deal_step:0",
                    "block_id": "next_steps",
                    "value": "batna",
                }
            ],
        }
    )
    (call,) = running.fake.wait_for("views.open")
    assert call.body["trigger_id"] == "t2" and call.body["view"]["callback_id"] == PREPARE


def test_a_submission_with_a_bad_line_gets_inline_errors_and_stores_nothing(
    running: Running,
) -> None:
    running.slack.command("new Acme", response_name="a")
    running.fake.wait_for("a")
    answer = _submit(running, PREPARE, batna="stay", issues="price us=5 them=3\nrule us=9")
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == ["issues"]
    assert answer["errors"]["issues"].startswith("Line 2: ")
    outcome = running.service.handle("T1", "U1", "status")
    assert "stay" not in outcome.text  # type: ignore[union-attr]


def test_a_submission_without_a_deal_shows_the_error_on_the_main_field(running: Running) -> None:
    answer = _submit(running, MOVE, kind="give", item="training")
    assert answer["response_action"] == "errors"
    assert "item" in answer["errors"] and "deal" in answer["errors"]["item"]


def test_a_good_submission_turns_the_modal_into_the_answer(running: Running) -> None:
    running.slack.command("new Acme", response_name="a")
    running.fake.wait_for("a")
    publishes = len(running.fake.wait_for("views.publish"))
    answer = _submit(running, MOVE, kind="give", item="training", us="1", them="4")
    assert answer["response_action"] == "update"
    blocks = answer["view"]["blocks"]
    validate(blocks, limit=MAX_VIEW_BLOCKS)
    assert "warning:one_way_concession" in [b.get("block_id") for b in blocks]
    running.fake.wait_for("views.publish", publishes + 1)
    answer = _submit(running, BUNDLE, label="A", terms="price = 95k\nterm = 24 months", worth="60")
    assert answer["response_action"] == "update"
    assert "bundle" in json.dumps(answer).lower()
    answer = _submit(running, BUNDLE, label="A B", terms="price", worth="")
    assert answer["response_action"] == "errors" and set(answer["errors"]) == {"label", "terms"}


def test_the_home_tab_form_buttons_open_forms(running: Running) -> None:
    running.slack.interaction(
        {
            "type": "block_actions",
            "user": {"id": "U1"},
            "trigger_id": "t3",
            "container": {"type": "view", "view_id": "V1"},
            "actions": [
                {
                    "type": "button",
                    "action_id": "open_form:prepare",
                    "block_id": "x",
                    "value": "prepare",
                }
            ],
        }
    )
    (call,) = running.fake.wait_for("views.open")
    assert call.body["view"]["callback_id"] == PREPARE


def test_slash_deal_prepare_says_so_when_the_form_cannot_open(running: Running) -> None:
    running.fake.answer("views.open", lambda body: {"ok": False, "error": "expired_trigger_id"})
    running.slack.command("prepare", response_name="r")
    (call,) = running.fake.wait_for("r")
    assert "wouldn't open the form" in call.body["text"]
    assert "don't know the command" not in str(call.body)
