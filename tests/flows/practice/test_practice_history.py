"""`practice history`: scored rehearsals over time, the trend and each scenario's best."""

from __future__ import annotations

from fractions import Fraction

from auxil.transcripts import Transcript
from flows.practice.history import Scored, bests, share_of_best, trend
from flows.replies import Reply

F = Fraction


def test_trend_compares_the_last_few_with_the_ones_before() -> None:
    assert trend([]) == ("", F(0))
    assert trend([F(1, 2)]) == ("", F(0))
    assert trend([F(1, 2), F(9, 10)]) == ("better", F(2, 5))
    assert trend([F(9, 10), F(1, 2)])[0] == "worse"
    assert trend([F(1, 2), F(52, 100)])[0] == "steady"
    # Six or more: the last three against the three before, older ones ignored.
    shares = [F(0), F(1, 2), F(1, 2), F(1, 2), F(7, 10), F(7, 10), F(7, 10)]
    assert trend(shares) == ("better", F(7, 10) - F(1, 2))


def test_each_scenario_keeps_its_best() -> None:
    def s(name: str, scenario: str, share: Fraction) -> Scored:
        return Scored(name, scenario, "boulware", share, F(0), F(0))

    items = [s("1", "B", F(1, 2)), s("2", "A", F(3, 4)), s("3", "B", F(4, 5)), s("4", "B", F(4, 5))]
    assert [(title, best.name) for title, best in bests(items)] == [("A", "2"), ("B", "3")]
    assert share_of_best(F(3), F(4)) == F(3, 4) and share_of_best(F(3), F(0)) == 0


def test_history_shows_the_trend_and_the_bests(transcript: Transcript) -> None:
    empty = transcript.send("practice history")
    assert isinstance(empty, Reply) and "No rehearsals yet" in empty.text
    transcript.send("practice price-haggle seed 1")
    transcript.send("walk")
    one = transcript.send("practice history")
    assert isinstance(one, Reply) and one.table is not None and len(one.table.rows) == 1
    assert "play another to see a trend" in one.text
    transcript.send("practice price-haggle seed 2")
    transcript.send("accept")
    transcript.send("practice saas-renewal seed 1")
    transcript.send("practice stop")  # stopped: never scored
    two = transcript.send("practice history")
    assert isinstance(two, Reply) and two.table is not None and len(two.table.rows) == 2
    first, second = (row[2] for row in two.table.rows)
    expected = (
        "better"
        if int(second[:-1]) - int(first[:-1]) >= 5
        else "worse"
        if int(first[:-1]) - int(second[:-1]) >= 5
        else "steady"
    )
    assert f"Trend: {expected}" in two.text
    assert "Your 2 rehearsals" in two.text
    more = "\n".join(two.details)
    best = max(first, second, key=lambda v: int(v[:-1]))
    assert f"Your best per scenario: Price-only haggle over a used forklift {best}" in more
    assert "saas" not in more.lower()
