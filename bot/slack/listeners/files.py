"""A scoring sheet shared in the app's DM: analysed, and with ``import`` stored in the deal.

The sheet's reading, checks and charts are :mod:`bot.slack.sheets`; this is the listener's
part: fetch, analyse, run the import through the coach, and answer in the DM.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient

from bot.analyze_command import SheetInputError, analyze_sheet, load_sheet_file, summary_lines
from bot.slack.blocks import Message, render, unescape
from bot.slack.coach import SlackTurn
from bot.slack.front import Front
from bot.slack.sheets import (
    IMPORT_WORDS,
    WORDS,
    SheetRefused,
    check_size,
    fetch_sheet,
    option_lines,
    upload_chart,
)
from flows.analysis import AnalysisReport
from flows.engine import default_library
from flows.replies import Rejection, Reply

log = logging.getLogger(__name__)


def handle_file_share(
    front: Front,
    event: Mapping[str, Any],
    body: Mapping[str, Any],
    workspace: str,
    client: WebClient,
    token: str | None,
) -> None:
    """Analyse a sheet shared in the app's DM; with ``import`` also store it in the deal.

    The file is fetched and parsed before the event is claimed, so a retried delivery
    costs at most a second download and still acts once.

    Args:
        front: the coach and delivery helpers.
        event: the ``message`` event with subtype ``file_share``.
        body: the Events API envelope (holds the ``event_id``).
        workspace: the workspace id deals are scoped by.
        client: the request's Web API client.
        token: the bot token that may read the workspace's files.

    """
    user, channel = str(event["user"]), str(event["channel"])
    # A message ts is unique within its channel: a fair key should an envelope lack its id.
    event_id = str(body.get("event_id") or f"{channel}:{event.get('ts')}")
    wants_import = bool(
        IMPORT_WORDS & set(WORDS.findall(unescape(event.get("text") or "").lower()))
    )
    report: AnalysisReport | None = None
    refusal: SheetRefused | None = None
    lines: list[tuple[str, str]] = []
    try:
        name, data = fetch_sheet(event.get("files") or [], token, front.settings.api_url)
        sheet = load_sheet_file(data, name)
        check_size(sheet)
        report = analyze_sheet(sheet)
        lines = option_lines(sheet) if wants_import else []
    except SheetInputError as exc:
        refusal = SheetRefused(
            "bad_sheet", front.coach.engine.lib.reply("slack_sheet_unusable", reason=str(exc))
        )
    except SheetRefused as exc:
        refusal = exc

    result = front.coach.run_once(workspace, user, event_id, lines)
    if result is None:
        log.info("dropped a repeated delivery of %s", event_id)
        return
    if refusal is not None or report is None:
        refusal = refusal or SheetRefused(
            "bad_sheet", front.coach.engine.lib.reply("slack_sheet_unusable", reason="")
        )
        front.post(client, channel, render(Rejection(refusal.code, str(refusal))))
        return
    turn = result if isinstance(result, SlackTurn) else None
    if turn is not None and not turn.accepted and wants_import:
        # The database failed, so nothing was imported; the coach's sentence says so.
        front.post(client, channel, turn.message)
        return
    imported = turn if turn is not None and turn.accepted else None
    rejections = result if isinstance(result, dict) else {}
    front.post(client, channel, analysis_message(report, imported, rejections))
    upload_chart(client, channel, report)
    if imported is not None:
        front.after_turn(client, workspace, user, imported, dm_channel=channel)


def analysis_message(
    report: AnalysisReport, imported: SlackTurn | None, rejections: Mapping[str, Rejection]
) -> Message:
    """The DM's answer to a shared sheet: its analysis, and what the import stored.

    Args:
        report: the sheet's analysis.
        imported: the import's turn, when the sheet's options were stored.
        rejections: the option lines the engine refused, by line key.

    """
    lib = default_library()
    source = report.sheet.source
    options = sum(len(issue.options) for issue in report.sheet.issues)
    steps: list[str] = []
    if imported is not None:
        deal = imported.outcome.deal if isinstance(imported.outcome, Reply) else None
        text = lib.reply("slack_sheet_imported", sheet=source, options=options, deal=deal)
        steps = ["analyze"]
    elif rejections:
        key, first = next(iter(rejections.items()))
        # A bad value names its row; a missing deal is the same for every row.
        row = key if first.code == "bad_arguments" else ""
        text = f"{lib.reply('slack_sheet_not_imported', sheet=source, row=row)} {first.message}"
    else:
        text = lib.reply("slack_sheet_analysed", sheet=source)
    return render(
        Reply(text=text, lines=summary_lines(report), next_steps=steps, command="analyze")
    )


# -- charts --------------------------------------------------------------------------------
