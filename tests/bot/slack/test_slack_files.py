"""Scoring sheets over Slack, end to end: uploads to the DM, downloads, charts, imports."""

from __future__ import annotations

import json
import time

import pytest
from slack_harness import TOKEN, Running

from auxil.fake_slack import Call
from auxil.sheets import SAMPLE_CSV
from bot.slack.blocks import validate
from bot.slack.coach import SlackCoach
from bot.slack.sheets import MAX_SHEET_BYTES

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

CSV = SAMPLE_CSV

YAML = """issues:
  salary:
    - {option: 90k, us: 0, them: -6000}
    - {option: 100k, us: -6000, them: 0}
  start date:
    - {option: June, us: 10, them: 0}
    - {option: September, us: 0, them: 8}
"""

BROKEN = "issue,option,us,them\nsalary,90k,0,-6000\nsalary,95k,-3000\n"


def _text(call: Call) -> str:
    return json.dumps(call.body)


def _summary(running: Running, count: int = 1) -> Call:
    """The last of ``count`` DM posts, once its blocks are checked."""
    post = running.fake.wait_for("chat.postMessage", count)[-1]
    assert post.body["channel"] == "DU1"
    validate(list(post.body["blocks"]))
    return post


def _wait_for_log(caplog: pytest.LogCaptureFixture, needle: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not any(needle in r.getMessage() for r in caplog.records):
        assert time.monotonic() < deadline, [r.getMessage() for r in caplog.records]
        time.sleep(0.05)


# -- standalone analysis ------------------------------------------------------------------
def test_a_csv_sheet_gets_the_summary_and_the_chart(running: Running) -> None:
    slack, fake = running.slack, running.fake
    assert slack.share_file([fake.host_file("offer.csv", CSV.encode())]).status == 200
    post = _summary(running)
    assert "Analysis of offer.csv" in post.body["text"]
    assert "9 possible packages" in _text(post) and "Biggest pie" in _text(post)
    fake.wait_for("files.completeUploadExternal")
    ((channel, filename, png),) = fake.shared_files()
    assert channel == "DU1" and filename.endswith(".png") and png[:8] == PNG_MAGIC
    (upload,) = fake.of("files.getUploadURLExternal")
    assert upload.body["alt_txt"].startswith("Chart of the 9 possible packages of offer.csv")
    (download,) = fake.of("download")
    assert download.token == TOKEN


def test_a_yaml_sheet_is_analysed_too(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.share_file([fake.host_file("offer.yaml", YAML.encode())])
    post = _summary(running)
    assert "4 possible packages" in _text(post)
    fake.wait_for("files.completeUploadExternal")
    assert fake.shared_files("DU1")[0][2][:8] == PNG_MAGIC


def test_a_file_named_without_extension_is_read_by_its_filetype(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.share_file([fake.host_file("offer", CSV.encode(), filetype="csv")])
    assert "9 possible packages" in _text(_summary(running))


def test_a_broken_sheet_names_the_line_and_uploads_nothing(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.share_file([fake.host_file("bad.csv", BROKEN.encode())])
    post = _summary(running)
    assert "bad.csv line 3" in post.body["text"]
    assert post.body["blocks"][0]["block_id"] == "rejection:bad_sheet"
    assert "Traceback" not in _text(post)
    fake.quiet()
    assert not fake.of("files.getUploadURLExternal")


def test_invalid_yaml_names_the_line(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.share_file([fake.host_file("bad.yaml", b"issues:\n  a: [\n")])
    assert "bad.yaml line" in _summary(running).body["text"]


def test_other_file_types_are_refused_without_downloading(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.share_file([fake.host_file("deck.pdf", b"%PDF-1.4")])
    post = _summary(running)
    assert "deck.pdf is not a scoring sheet" in post.body["text"]
    assert ".csv" in _text(post) and ".yaml" in _text(post)
    assert not fake.of("download", ok_only=False)


def test_several_files_at_once_are_refused(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.share_file([fake.host_file("a.csv", CSV.encode()), fake.host_file("b.csv", b"")])
    assert "one scoring sheet at a time" in _summary(running).body["text"]


def test_a_file_announced_too_large_is_not_downloaded(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.share_file([fake.host_file("huge.csv", CSV.encode(), size=MAX_SHEET_BYTES + 1)])
    assert "too large" in _summary(running).body["text"]
    assert not fake.of("download", ok_only=False)


def test_a_download_larger_than_the_cap_is_refused(running: Running) -> None:
    slack, fake = running.slack, running.fake
    content = CSV.encode() + b"x" * MAX_SHEET_BYTES
    slack.share_file([fake.host_file("huge.csv", content, size=100)])  # the size lied
    assert "too large" in _summary(running).body["text"]
    assert fake.of("download")


@pytest.mark.parametrize("status", [403, 503])
def test_a_failed_download_is_one_clear_sentence(running: Running, status: int) -> None:
    slack, fake = running.slack, running.fake
    fake.fail_next("download", status, retry_after=None)
    slack.share_file([fake.host_file("offer.csv", CSV.encode())])
    post = _summary(running)
    assert "could not download offer.csv" in post.body["text"]
    assert [c.status for c in fake.of("download", ok_only=False)] == [status]


def test_the_download_needs_the_bot_token(running: Running) -> None:
    import urllib.error
    import urllib.request

    url = running.fake.host_file("offer.csv", CSV.encode())["url_private_download"]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=5)
    assert refused.value.code == 403


def test_a_retried_upload_event_acts_once(running: Running) -> None:
    slack, fake = running.slack, running.fake
    shared = [fake.host_file("offer.csv", CSV.encode())]
    slack.share_file(shared, event_id="Ev-sheet")
    _summary(running)
    fake.wait_for("files.completeUploadExternal")
    for headers in ({"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}, {}):
        assert slack.share_file(shared, event_id="Ev-sheet", headers=headers).status == 200
    fake.quiet(0.5)
    assert len(fake.of("chat.postMessage")) == 1
    assert len(fake.shared_files()) == 1


def test_a_retried_bad_sheet_is_answered_once(running: Running) -> None:
    slack, fake = running.slack, running.fake
    shared = [fake.host_file("bad.csv", BROKEN.encode())]
    slack.share_file(shared, event_id="Ev-bad")
    _summary(running)
    slack.share_file(shared, event_id="Ev-bad")
    fake.quiet(0.5)
    assert len(fake.of("chat.postMessage")) == 1


def test_user_text_in_a_file_name_arrives_escaped(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.share_file([fake.host_file("<!channel>.csv", CSV.encode())])
    post = _summary(running)
    assert "&lt;!channel&gt;.csv" in post.body["text"]
    assert "<!channel>" not in _text(post)


def test_a_failed_chart_upload_is_logged_and_the_text_still_arrives(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    slack, fake = running.slack, running.fake
    fake.fail_next("upload", 500, retry_after=None)
    slack.share_file([fake.host_file("offer.csv", CSV.encode())])
    assert "9 possible packages" in _text(_summary(running))
    _wait_for_log(caplog, "uploading the frontier chart")
    assert not fake.of("files.completeUploadExternal")


# -- import into the active deal ----------------------------------------------------------
def test_import_stores_the_options_and_analyze_works(running: Running) -> None:
    slack, fake = running.slack, running.fake
    running.service.handle("T1", "U1", "new Acme")
    slack.share_file([fake.host_file("offer.yaml", YAML.encode())], "import")
    post = _summary(running)
    assert "Imported its 4 options into Acme" in post.body["text"]
    fake.wait_for("files.completeUploadExternal")
    outcome = running.service.handle("T1", "U1", "analyze")
    assert "4 possible packages" in json.dumps(outcome.to_json())
    # The Home tab shows the deal as changed.
    fake.wait_for("views.publish")


def test_load_with_more_words_imports_too(running: Running) -> None:
    slack, fake = running.slack, running.fake
    running.service.handle("T1", "U1", "new Acme")
    slack.share_file([fake.host_file("offer.csv", CSV.encode())], "please load this one")
    assert "Imported its 6 options into Acme" in _summary(running).body["text"]


def test_without_import_nothing_is_stored(running: Running) -> None:
    slack, fake = running.slack, running.fake
    running.service.handle("T1", "U1", "new Acme")
    slack.share_file([fake.host_file("offer.csv", CSV.encode())], "what do you think?")
    assert "`import`" in _summary(running).body["text"]
    outcome = running.service.handle("T1", "U1", "analyze")
    assert "possible packages" not in json.dumps(outcome.to_json())


def test_a_bad_sheet_with_import_stores_nothing(running: Running) -> None:
    slack, fake = running.slack, running.fake
    running.service.handle("T1", "U1", "new Acme")
    slack.share_file([fake.host_file("bad.csv", BROKEN.encode())], "import")
    assert "bad.csv line 3" in _summary(running).body["text"]
    running.service.handle("T1", "U1", "issue price us=5 them=3")
    outcome = running.service.handle("T1", "U1", "analyze")
    assert "salary" not in json.dumps(outcome.to_json())


def test_an_import_the_deal_refuses_is_all_or_nothing(running: Running) -> None:
    slack, fake = running.slack, running.fake
    running.service.handle("T1", "U1", "new Acme")
    for n in range(11):
        running.service.handle("T1", "U1", f"option bonus b{n} us={n} them={-n}")
    # The sheet fits, but its second bonus option is the deal's 13th: none is kept.
    sheet = "issue,option,us,them\nsalary,90k,0,-6\nsalary,95k,-3,-3\nbonus,x,1,1\nbonus,y,2,0\n"
    slack.share_file([fake.host_file("more.csv", sheet.encode())], "import")
    post = _summary(running)
    assert (
        "Nothing was imported into your deal (bonus y): An issue holds at most 12 options"
        in post.body["text"]
    )
    assert "4 possible packages" in _text(post)
    outcome = running.service.handle("T1", "U1", "analyze")
    assert "salary" not in json.dumps(outcome.to_json())


def test_a_sheet_larger_than_a_deal_is_refused(running: Running) -> None:
    slack, fake = running.slack, running.fake
    rows = "".join(f"bonus,b{n},{n},{-n}\n" for n in range(13))
    sheet = "issue,option,us,them\nsalary,90k,0,-6\nsalary,95k,-3,-3\n" + rows
    slack.share_file([fake.host_file("wide.csv", sheet.encode())])
    post = _summary(running)
    assert "issue 'bonus' has 13 options; an issue holds at most 12" in post.body["text"]
    fake.quiet()
    assert not fake.of("files.getUploadURLExternal")


def test_imported_names_keep_their_spaces_and_quotes(running: Running) -> None:
    slack, fake = running.slack, running.fake
    running.service.handle("T1", "U1", "new Acme")
    sheet = (
        'issue,option,us,them\nstart date,"Bob\'s ""early"" pick",1.5,-1\n'
        "start date,September 1,0,3/4\nsalary,90k,0,-6000\nsalary,100k,-6000,0\n"
    )
    slack.share_file([fake.host_file("names.csv", sheet.encode())], "import")
    assert "Imported its 4 options" in _summary(running).body["text"]
    deals, _ = SlackCoach(running.service).deals("T1", "U1")
    assert [(o.issue, o.label, o.us, o.them) for o in deals[0].options] == [
        ("start date", 'Bob\'s "early" pick', "3/2", "-1"),
        ("start date", "September 1", "0", "3/4"),
        ("salary", "90k", "0", "-6000"),
        ("salary", "100k", "-6000", "0"),
    ]


def test_import_without_an_active_deal_still_analyses(running: Running) -> None:
    slack, fake = running.slack, running.fake
    slack.share_file([fake.host_file("offer.csv", CSV.encode())], "import")
    post = _summary(running)
    assert "Nothing was imported" in _text(post) and "9 possible packages" in _text(post)


# -- analyze attaches the chart -----------------------------------------------------------
def _deal_with_sheet(running: Running) -> None:
    for line in (
        "new Acme",
        "option salary 90k us=0 them=-6000",
        "option salary 100k us=-6000 them=0",
        "option remote none us=300 them=-2000",
        "option remote full us=0 them=0",
    ):
        running.service.handle("T1", "U1", line)


def test_slash_analyze_uploads_the_chart_to_the_dm(running: Running) -> None:
    slack, fake = running.slack, running.fake
    _deal_with_sheet(running)
    slack.command("analyze", response_name="a", channel="C9")
    (answer,) = fake.wait_for("a")
    assert "4 possible packages" in _text(answer)
    (opened,) = fake.wait_for("conversations.open")
    assert opened.body["users"] == "U1"
    fake.wait_for("files.completeUploadExternal")
    ((channel, _, png),) = fake.shared_files()
    assert channel == "DU1" and png[:8] == PNG_MAGIC


def test_the_chart_is_drawn_from_the_replys_own_analysis(
    running: Running, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One analysis a command, and no database session after the turn for the chart."""
    import flows.handlers.analysis as handler

    slack, fake = running.slack, running.fake
    _deal_with_sheet(running)
    analyses = []

    def counted(*args: object, **kwargs: object) -> object:
        analyses.append(args)
        return analyze(*args, **kwargs)  # type: ignore[arg-type]

    def no_read(*_: object, **__: object) -> None:
        raise AssertionError("the chart read the deals again")

    analyze = handler.analyze
    monkeypatch.setattr(handler, "analyze", counted)
    monkeypatch.setattr("bot.analyze_command.analyze", counted)
    monkeypatch.setattr(SlackCoach, "deals", no_read)
    monkeypatch.setattr("bot.slack.front.Front.publish_home", lambda *_, **__: True)
    slack.dm("analyze")
    assert "4 possible packages" in _text(_summary(running))
    fake.wait_for("files.completeUploadExternal")
    (upload,) = fake.of("files.getUploadURLExternal")
    assert upload.body["alt_txt"].startswith("Chart of the 4 possible packages of Acme")
    assert len(analyses) == 1


def test_analyze_in_the_dm_attaches_the_chart_there(running: Running) -> None:
    slack, fake = running.slack, running.fake
    _deal_with_sheet(running)
    slack.dm("analyze")
    assert "4 possible packages" in _text(_summary(running))
    fake.wait_for("files.completeUploadExternal")
    assert fake.shared_files("DU1")[0][2][:8] == PNG_MAGIC
    assert not fake.of("conversations.open")


def test_the_deal_chart_draws_a_walkaway_in_the_sheets_units(running: Running) -> None:
    slack, fake = running.slack, running.fake
    for line in (
        "new Acme",
        "option price 90k us=90000 them=-90000",
        "option price 110k us=110000 them=-110000",
        "option term 1y us=0 them=0",
        "option term 3y us=5000 them=4000",
        "walkaway min 95k",
    ):
        running.service.handle("T1", "U1", line)
    slack.dm("analyze")
    fake.wait_for("files.completeUploadExternal")
    (upload,) = fake.of("files.getUploadURLExternal")
    assert "Chart of the 4 possible packages of Acme" in upload.body["alt_txt"]
    assert "walk-away at 95,000" in upload.body["alt_txt"]


def test_a_walkaway_in_other_units_than_the_sheet_is_not_drawn(running: Running) -> None:
    slack, fake = running.slack, running.fake
    _deal_with_sheet(running)  # points in the hundreds and thousands
    running.service.handle("T1", "U1", "walkaway min 90k")
    slack.dm("analyze")
    fake.wait_for("files.completeUploadExternal")
    (upload,) = fake.of("files.getUploadURLExternal")
    assert upload.body["alt_txt"].startswith("Chart of the 4 possible packages of Acme")
    assert "walk-away" not in upload.body["alt_txt"]


def test_a_rough_analysis_has_no_chart(running: Running) -> None:
    slack, fake = running.slack, running.fake
    for line in ("new Acme", "issue price us=5 them=3", "issue terms us=2 them=4"):
        running.service.handle("T1", "U1", line)
    slack.dm("analyze")
    _summary(running)
    fake.quiet(0.5)
    assert not fake.of("files.getUploadURLExternal")


def test_a_failed_chart_after_analyze_leaves_the_text_reply(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    slack, fake = running.slack, running.fake
    _deal_with_sheet(running)
    fake.fail_next("files.completeUploadExternal", 500, times=3, retry_after=None)
    slack.command("analyze", response_name="a")
    assert "4 possible packages" in _text(fake.wait_for("a")[0])
    _wait_for_log(caplog, "uploading the frontier chart", timeout=20)


def test_the_apps_own_chart_upload_is_not_taken_for_a_sheet(running: Running) -> None:
    slack, fake = running.slack, running.fake
    # Slack tells the app about the files it shares itself; they are not the user's.
    slack.share_file([fake.host_file("frontier.png", PNG_MAGIC)], user="UBOT")
    fake.quiet(0.5)
    assert not fake.of("chat.postMessage") and not fake.of("download", ok_only=False)


def test_the_token_is_only_sent_to_slack(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    slack, fake = running.slack, running.fake
    shared = fake.host_file("offer.csv", CSV.encode())
    shared["url_private_download"] = "http://127.0.0.1:9/files/offer.csv"  # not the fake
    slack.share_file([shared])
    assert "could not download offer.csv" in _summary(running).body["text"]
    assert any("refused to send the bot token" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("url", "trusted"),
    [
        ("https://files.slack.com/files-pri/T1-F1/download/offer.csv", True),
        ("http://files.slack.com/files-pri/T1-F1/download/offer.csv", False),
        ("https://files.slack.com.evil.example/offer.csv", False),
        ("https://evil.example/?https://files.slack.com/", False),
    ],
)
def test_which_download_urls_get_the_token(url: str, trusted: bool) -> None:
    from bot.slack.sheets import _trusted

    assert _trusted(url, "https://slack.com/api/") is trusted
