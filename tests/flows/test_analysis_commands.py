"""The chat's scoring-sheet commands: ``option`` and ``analyze`` on the active deal."""

from __future__ import annotations

from fractions import Fraction

from auxil.transcripts import Transcript
from flows.handlers.analysis import CONCEDE, KEEP, deal_sheet
from flows.replies import Reply

SHEET = """
new Hire as hiring
option salary 90k us=0 them=-6000
option salary 95k us=-3000 them=-3000
option salary 100k us=-6000 them=0
option "start date" June us=10 them=0
option "start date" Sept us=0 them=8
option remote "2 days" us=4 them=0
option remote "4 days" us=0 them=9
"""


def test_options_build_an_exact_sheet(transcript: Transcript) -> None:
    transcript.run(SHEET + "option salary 95k us=-2500.5 them=-3000")
    deal = transcript.space.active_deal()
    assert deal is not None
    sheet, rough = deal_sheet(deal)
    assert not rough
    assert [(i.name, [o.label for o in i.options]) for i in sheet.issues] == [
        ("salary", ["90k", "95k", "100k"]),
        ("start date", ["June", "Sept"]),
        ("remote", ["2 days", "4 days"]),
    ]
    assert sheet.issues[0].options[1].us == Fraction(-5001, 2)


def test_analyze_reports_the_pie_and_places_packages(transcript: Transcript) -> None:
    transcript.run(SHEET)
    reply = transcript.send("analyze")
    assert isinstance(reply, Reply)
    assert reply.lines[0].startswith("3 issues, 12 possible packages")
    # Two offers only, and the reply says why in one sentence from the phrase library.
    assert any(line.startswith("MESO: 2 offers") for line in reply.lines)
    assert reply.lines[-1].startswith("Only 2 MESO offers, not 3: near the biggest pie")
    transcript.run(
        'bundle A salary=95k "start date"=June remote="4 days" -> setup ! premature_offer'
    )
    placed = transcript.send("analyze A")
    assert isinstance(placed, Reply) and any(
        line.startswith("Your package") for line in placed.lines
    )
    transcript.run("""
    analyze salary=95k -> error bad_arguments
    analyze salary=200k "start date"=June remote="2 days" -> error bad_arguments
    analyze nonsense -> error bad_arguments
    """)


def test_the_issue_matrix_gives_a_rough_analysis(transcript: Transcript) -> None:
    transcript.run("""
    new Acme
    analyze -> error bad_arguments
    issue price us=5 them=2
    issue support us=1 them=4
    analyze -> setup
    """)
    deal = transcript.space.active_deal()
    assert deal is not None
    sheet, rough = deal_sheet(deal)
    assert rough and [o.label for o in sheet.issues[0].options] == [KEEP, CONCEDE]


def test_the_analysis_travels_on_the_reply_not_in_its_text(transcript: Transcript) -> None:
    transcript.run(
        SHEET + 'bundle A salary=95k "start date"=June remote="4 days"\nwalkaway min 90k'
    )
    placed = transcript.send("analyze A")
    assert isinstance(placed, Reply) and placed.analysis is not None
    report = placed.analysis.report
    assert report.sheet.source == "Hire" and report.outcomes == 12
    assert report.package is not None  # the report the lines were worded from
    walkaway = placed.analysis.walkaway
    assert walkaway is not None and walkaway.amount is not None
    assert "analysis" not in placed.to_json()
    # A reply is compared by what it says, not by what it was computed from.
    assert placed == Reply(**{**placed.__dict__, "analysis": None})


def test_a_rough_analysis_carries_no_report(transcript: Transcript) -> None:
    transcript.run("""
    new Acme
    issue price us=5 them=2
    issue support us=1 them=4
    """)
    reply = transcript.send("analyze")
    assert isinstance(reply, Reply) and reply.lines and reply.analysis is None


def test_bad_options_are_rejected_and_change_nothing(transcript: Transcript) -> None:
    transcript.run("""
    new Acme
    option salary 90k us=1 -> error bad_arguments
    option salary 90k us=a them=1 -> error bad_arguments
    option 90k us=1 them=1 -> error bad_arguments
    option "salary 90k us=1 them=2 -> error bad_arguments
    option salary 90k us=1/2 them=-3 -> setup
    option salary 90k us=2 them=-3 -> setup
    """)
    deal = transcript.space.active_deal()
    assert deal is not None and [(o.label, o.us) for o in deal.options] == [("90k", "2")]
