"""Scoring sheets in Slack: a sheet uploaded to the app's DM, and the chart behind ``analyze``.

A CSV or YAML sheet shared in the DM arrives as a ``message`` event with subtype
``file_share``. It is downloaded with the bot token (``files:read``), capped in size and
time, kept to the size of a deal's sheet, and analysed exactly as ``dealcoach analyze
SHEET`` does (:mod:`bot.analyze_command`); the summary is posted in the DM and the
frontier chart uploaded beside it (``files:write``). With ``import`` or ``load`` in the
message, the sheet's options are also stored into the active deal, as if the user had
typed one ``option`` line per row, all or nothing.

``analyze`` itself answers with text from the engine; :func:`send_deal_chart` adds the
chart of the deal's scoring sheet, drawn from the analysis the reply carries, with the
deal's walk-away as a line when it is in the sheet's units
(:func:`bot.analysis_chart.walkaway_on_sheet`). Every chart carries a one-sentence alt
text. A slash command's response_url cannot carry files, so
the chart always goes to the user's DM with the app.

A failed download, a bad sheet or a refused file is one sentence to the user; a failed
chart is logged and the text still arrives. Nothing here raises into a listener.
"""

from __future__ import annotations

import dataclasses
import http.client
import logging
import re
import shlex
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any, Final
from urllib.parse import urlsplit

from slack_sdk import WebClient

from bot.analysis_chart import walkaway_on_sheet
from bot.analyze_command import (
    SHEET_SUFFIXES,
    SheetInputError,
    sheet_parser,
)
from bot.slack.client import SLACK_CALL_FAILURES, call
from bot.slack.coach import SlackTurn
from flows.analysis import AnalysisReport, Sheet
from flows.engine import default_library
from flows.handlers.analysis import MAX_ISSUES, MAX_OPTIONS
from flows.practice.debrief import OfferPath
from flows.replies import Reply

log = logging.getLogger(__name__)

FILE_SHARE: Final = "file_share"
# A real sheet is a few KB (12 issues x 6 options is under 3 KB); anything near this is
# not a sheet, and reading it would only hold a worker thread.
MAX_SHEET_BYTES: Final = 256 * 1024
DOWNLOAD_TIMEOUT_SECONDS: Final = 10
# Words in the upload's message that also store the sheet into the active deal.
IMPORT_WORDS: Final = frozenset({"import", "load"})
CHART_FILENAME: Final = "frontier.png"
# What the engine's `option` command would read as a score inside an issue or option
# name; such a name cannot be imported line by line without changing its meaning.
_SCORE_LIKE = re.compile(r"\b(us|them)\s*[=:]", re.I)
WORDS = re.compile(r"[a-z]+")


class SheetRefused(Exception):
    """A shared file that cannot be analysed; the message is one sentence for the user."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def fetch_sheet(
    files: Sequence[Mapping[str, Any]], token: str | None, api_url: str
) -> tuple[str, bytes]:
    """The one shared sheet's name and contents, downloaded with the bot token.

    Args:
        files: the event's ``files``.
        token: the bot token (``files:read``).
        api_url: ``SLACK_API_URL``; besides Slack's own hosts, the token is only sent there.

    Returns:
        The file name (with an extension that picks the parser) and its bytes.

    Raises:
        SheetRefused: for several files, a file that is not a sheet, one that is too
            large, or a download that failed.

    """
    if len(files) != 1:
        raise SheetRefused("one_sheet", _say("slack_sheet_one"))
    shared = files[0]
    name = sheet_name(shared)
    size = shared.get("size")
    if isinstance(size, int) and size > MAX_SHEET_BYTES:
        raise _too_large(name)
    url = shared.get("url_private_download") or shared.get("url_private")
    if not url or not token:
        raise SheetRefused("download_failed", _say("slack_sheet_no_link", name=name))
    return name, download(str(url), token, api_url, name)


def sheet_name(shared: Mapping[str, Any]) -> str:
    """The file's name, with the extension its Slack ``filetype`` implies when it has none.

    Args:
        shared: one file object of the event.

    Raises:
        SheetRefused: when the file is not a CSV or YAML sheet.

    """
    name = str(shared.get("name") or shared.get("title") or "sheet")
    filetype = str(shared.get("filetype") or "").lower()
    if not name.lower().endswith(SHEET_SUFFIXES) and f".{filetype}" in SHEET_SUFFIXES:
        name = f"{name}.{filetype}"
    try:
        sheet_parser(name)
    except SheetInputError:
        raise SheetRefused("not_a_sheet", _say("slack_sheet_not_a_sheet", name=name)) from None
    return name


def download(url: str, token: str, api_url: str, name: str) -> bytes:
    """Download a shared file with the bot token, at most :data:`MAX_SHEET_BYTES`.

    Args:
        url: the file's ``url_private_download``.
        token: the bot token.
        api_url: ``SLACK_API_URL`` (a test or staging Slack serves files there too).
        name: the file's name, for messages.

    Raises:
        SheetRefused: the URL is not Slack's, the download failed or timed out, or the
            file is larger than the cap.

    """
    failed = SheetRefused("download_failed", _say("slack_sheet_download_failed", name=name))
    if not _trusted(url, api_url):
        log.error("refused to send the bot token to %s", urlsplit(url).netloc)
        raise failed
    request = urllib.request.Request(url, method="GET")
    # Unredirected: if Slack redirects (to a CDN or a login page) the token stays behind.
    request.add_unredirected_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            content_type = response.headers.get_content_type()
            data: bytes = response.read(MAX_SHEET_BYTES + 1)
    except urllib.error.HTTPError as exc:
        log.error("downloading %s failed: HTTP %s", name, exc.code)
        raise failed from None
    except (OSError, ValueError, http.client.HTTPException) as exc:  # a timeout, a reset
        log.error("downloading %s failed: %s", name, exc)
        raise failed from None
    if len(data) > MAX_SHEET_BYTES:
        raise _too_large(name)
    if content_type == "text/html":
        # Slack answers a token without files:read with its sign-in page, not an error.
        log.error("downloading %s returned an HTML page: is files:read granted?", name)
        raise failed
    return data


def _too_large(name: str) -> SheetRefused:
    return SheetRefused(
        "sheet_too_large", _say("slack_sheet_too_large", name=name, limit=MAX_SHEET_BYTES // 1024)
    )


def _say(key: str, /, **values: Any) -> str:
    """A sheet's refusal in the phrase library's words."""
    return default_library().reply(key, **values)


def _trusted(url: str, api_url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com")):
        return True
    return bool(parts.netloc) and parts.netloc == urlsplit(api_url).netloc


def check_size(sheet: Sheet) -> None:
    """Refuse a sheet larger than a deal may hold (20 issues of 12 options).

    A big enough sheet takes minutes to analyse; within these limits it takes seconds
    at worst, and an imported sheet fits the deal.

    Args:
        sheet: the parsed sheet.

    Raises:
        SheetRefused: with the limit the sheet is over.

    """
    widest = max(sheet.issues, key=lambda issue: len(issue.options))
    if len(sheet.issues) > MAX_ISSUES:
        raise SheetRefused(
            "sheet_too_large",
            _say(
                "slack_sheet_too_many_issues",
                sheet=sheet.source,
                count=len(sheet.issues),
                limit=MAX_ISSUES,
            ),
        )
    if len(widest.options) > MAX_OPTIONS:
        raise SheetRefused(
            "sheet_too_large",
            _say(
                "slack_sheet_too_many_options",
                sheet=sheet.source,
                issue=repr(widest.name),
                count=len(widest.options),
                limit=MAX_OPTIONS,
            ),
        )


def option_lines(sheet: Sheet) -> list[tuple[str, str]]:
    """The ``option`` lines that store a sheet into a deal, keyed by issue and option.

    Args:
        sheet: the parsed sheet.

    Raises:
        SheetRefused: a name reads like a score (``us=``/``them:``), which the ``option``
            command would take as one.

    """
    lines = []
    for issue in sheet.issues:
        for option in issue.options:
            for text in (issue.name, option.label):
                if _SCORE_LIKE.search(text):
                    raise SheetRefused(
                        "bad_sheet",
                        _say("slack_sheet_score_like", text=repr(text), sheet=sheet.source),
                    )
            lines.append(
                (
                    f"{issue.name} {option.label}",
                    f"option {shlex.quote(issue.name)} {shlex.quote(option.label)} "
                    f"us={option.us} them={option.them}",
                )
            )
    return lines


def upload_chart(
    client: WebClient,
    channel: str,
    report: AnalysisReport,
    walkaway: Fraction | None = None,
    *,
    offers: OfferPath | None = None,
    thread_ts: str | None = None,
) -> bool:
    """Draw the frontier chart and upload it to a channel with its alt text; a failure is logged.

    Uses slack_sdk's ``files_upload_v2``: files.getUploadURLExternal (with the chart's
    one-sentence description as ``alt_txt``), the bytes to the upload URL, then
    files.completeUploadExternal with ``channel_id``.

    Args:
        client: the request's Web API client (its token has ``files:write``).
        channel: the DM channel id.
        report: the analysis to draw.
        walkaway: the deal's walk-away in the sheet's points for us, drawn as a line.
        offers: a rehearsal's offers, drawn as a path in order.
        thread_ts: the thread to share it in (a rehearsal's), if any.

    Returns:
        Whether the chart was shared.

    """
    try:
        # Imported here so a process that never draws a chart never loads matplotlib.
        from bot.analysis_chart import frontier_chart_png

        chart = frontier_chart_png(report, walkaway=walkaway, offers=offers)
    except Exception:  # a chart is a bonus: the text reply has already gone out
        log.exception("drawing the frontier chart of %s failed", report.sheet.source)
        return False
    try:
        # files_upload_v2 is several calls and a plain HTTP upload: it cannot go through
        # attempt(), so its failures are caught here.
        client.files_upload_v2(
            channel=channel,
            file=chart.png,
            filename=CHART_FILENAME,
            title=f"{report.sheet.source}: efficient frontier",
            alt_txt=chart.alt_text,
            thread_ts=thread_ts,
        )
    except SLACK_CALL_FAILURES as exc:
        log.error("uploading the frontier chart to %s failed: %s", channel, exc)
        return False
    return True


def send_deal_chart(
    client: WebClient, user: str, turn: SlackTurn, dm_channel: str | None = None
) -> bool:
    """After ``analyze``, upload the chart of the deal's scoring sheet to the user's DM.

    The chart is drawn from the analysis the engine's reply carries
    (:class:`flows.replies.Analysis`),
    so there is no second analysis and no second database session. A deal analysed from
    its rough 1-5 issue matrix carries none and gets no chart. The chart shows the sheet
    without the package the user may have named; the deal's walk-away is drawn when it
    is in the sheet's units.

    Args:
        client: the request's Web API client.
        user: the Slack user id.
        turn: the accepted ``analyze`` turn.
        dm_channel: the user's DM with the app when known (the command came from there).

    Returns:
        Whether a chart was shared.

    """
    analysis = turn.outcome.analysis if isinstance(turn.outcome, Reply) else None
    if analysis is None or len(analysis.report.sheet.issues) < 2:
        return False
    report = dataclasses.replace(analysis.report, package=None)
    channel = dm_channel or _open_dm(client, user)
    walkaway = walkaway_on_sheet(analysis.walkaway, report.sheet)
    return channel is not None and upload_chart(client, channel, report, walkaway)


def send_practice_chart(
    client: WebClient,
    user: str,
    turn: SlackTurn,
    dm_channel: str | None = None,
    thread_ts: str | None = None,
) -> bool:
    """After a rehearsal's debrief, share its chart (the path of offers) where it was played.

    Args:
        client: the request's Web API client.
        user: the Slack user id.
        turn: the accepted turn whose reply carries the debrief's analysis.
        dm_channel: the user's DM with the app when known.
        thread_ts: the rehearsal's thread, when the debrief came from it.

    Returns:
        Whether a chart was shared.

    """
    analysis = turn.outcome.analysis if isinstance(turn.outcome, Reply) else None
    if analysis is None or analysis.offers is None:
        return False
    channel = dm_channel or _open_dm(client, user)
    return channel is not None and upload_chart(
        client,
        channel,
        analysis.report,
        analysis.points_walkaway,
        offers=analysis.offers,
        thread_ts=thread_ts or None,
    )


def _open_dm(client: WebClient, user: str) -> str | None:
    opened = call(client, "conversations.open", users=user)
    channel = (opened or {}).get("channel") or {}
    return str(channel["id"]) if channel.get("id") else None
