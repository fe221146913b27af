"""Scoring-sheet commands on the active deal: ``option`` and ``analyze``.

``option`` builds the deal's scoring sheet one option at a time (any numbers, negatives
allowed). ``analyze`` runs the exact frontier analysis on it; a deal with no options yet
gets a rough analysis from its 1-5 issue matrix, where each issue is either kept by us
(worth its ``us`` score to us) or conceded (worth its ``them`` score to them).
"""

from __future__ import annotations

import re
import shlex
from fractions import Fraction

from flows.analysis import PackageError, SheetError, analyze
from flows.analysis.sheet import Issue, Option, Sheet, to_fraction
from flows.commands import BadArguments, command
from flows.model import Deal, ScoredOption
from flows.replies import Analysis
from flows.turn import Turn

MAX_ISSUES, MAX_OPTIONS = 20, 12
_SCORE = re.compile(r"\b(us|them)\s*[=:]\s*(\S+)", re.I)
KEEP, CONCEDE = "we keep it", "they get it"


def _number(side: str, raw: str) -> Fraction:
    try:
        return to_fraction(raw)
    except (SheetError, ValueError, ZeroDivisionError):
        raise BadArguments(
            f"{side}= takes a number (negatives and decimals are fine), not {raw!r}."
        ) from None


def _split_issue_label(deal: Deal, words: list[str]) -> tuple[str, str]:
    """Split ``<issue> <label>``.

    A known issue name may span several words; otherwise the last word is the label.
    """
    known = {o.issue.lower(): o.issue for o in deal.options}
    known.update({i.name.lower(): i.name for i in deal.issues})
    for size in range(len(words) - 1, 0, -1):
        head = " ".join(words[:size]).lower()
        if head in known:
            return known[head], " ".join(words[size:])
    return " ".join(words[:-1]), words[-1]


@command("option", "score")
def handle_option(turn: Turn, args: str) -> None:
    """Add or change an option on the scoring sheet: ``option <issue> <label> us=<n> them=<n>``."""
    scores = {side.lower(): raw for side, raw in _SCORE.findall(args)}
    if set(scores) != {"us", "them"}:
        raise BadArguments("Give both values: `option <issue> <option> us=<n> them=<n>`.")
    us, them = _number("us", scores["us"]), _number("them", scores["them"])
    try:
        words = shlex.split(_SCORE.sub(" ", args))
    except ValueError:
        raise BadArguments("A quote is not closed in that option.") from None
    if len(words) < 2:
        raise BadArguments(
            "Name the issue and the option, e.g. `option salary 95k us=-3000 them=-3000`."
        )
    deal = turn.active
    issue, label = _split_issue_label(deal, words)
    same_issue = [o for o in deal.options if o.issue.lower() == issue.lower()]
    existing = next((o for o in same_issue if o.label.lower() == label.lower()), None)
    if existing is None:
        if not same_issue and len({o.issue.lower() for o in deal.options}) >= MAX_ISSUES:
            raise BadArguments(f"A sheet holds at most {MAX_ISSUES} issues.")
        if len(same_issue) >= MAX_OPTIONS:
            raise BadArguments(f"An issue holds at most {MAX_OPTIONS} options.")
        issue = same_issue[0].issue if same_issue else issue
        turn.touch().options.append(ScoredOption(issue, label, str(us), str(them)))
    else:
        existing.us, existing.them = str(us), str(them)
        turn.touch()
    count = len(same_issue) + (existing is None)
    turn.say("option_saved", issue=issue, label=label, count=count, updated=existing is not None)
    turn.suggest("analyze")


def deal_sheet(deal: Deal) -> tuple[Sheet, bool]:
    """The deal's scoring sheet, and whether it is the rough one from the 1-5 matrix."""
    if deal.options:
        grouped: dict[str, list[Option]] = {}
        for o in deal.options:
            grouped.setdefault(o.issue, []).append(
                Option(o.label, Fraction(o.us), Fraction(o.them))
            )
        issues = tuple(Issue(name, tuple(opts)) for name, opts in grouped.items() if len(opts) >= 2)
        return Sheet(issues, source=deal.name), False
    issues = tuple(
        Issue(
            i.name,
            (
                Option(KEEP, Fraction(i.us), Fraction(0)),
                Option(CONCEDE, Fraction(0), Fraction(i.them)),
            ),
        )
        for i in deal.issues
    )
    return Sheet(issues, source=deal.name), True


def _package(deal: Deal, sheet: Sheet, args: str) -> dict[str, str] | None:
    text = args.strip()
    if not text:
        return None
    bundle = deal.find_bundle(text)
    if bundle is not None:
        return {
            k: v
            for k, v in bundle.terms.items()
            if any(i.name.lower() == k.lower() for i in sheet.issues)
        }
    pairs = {}
    for token in shlex.split(text):
        issue, eq, label = token.partition("=")
        if not eq:
            raise BadArguments("Name a bundle, or a package as `<issue>=<option> ...`.")
        pairs[issue] = label
    return pairs


@command("analyze", "analyse", "pie")
def handle_analyze(turn: Turn, args: str) -> None:
    """Analyse the deal's scoring sheet; optionally place a bundle or package on it."""
    deal = turn.active
    sheet, rough = deal_sheet(deal)
    if len(sheet.issues) < 2:
        raise BadArguments(
            "Analysis needs at least two issues with two options each: add "
            "them with `option <issue> <option> us=<n> them=<n>` (or map "
            "issues with `issue`)."
        )
    try:
        package = _package(deal, sheet, args)
        report = analyze(sheet, package)
    except ValueError as exc:  # SheetError, PackageError, an unparsable package
        raise BadArguments(f"That package does not fit the sheet: {exc}.") from None
    skipped = sorted({o.issue for o in deal.options} - {i.name for i in sheet.issues})
    turn.say("analysis", rough=rough, skipped=skipped)
    turn.lines.extend(report.summary_lines(turn.lib))
    if not rough:  # the rough matrix is no sheet to draw
        turn.analysis = Analysis(report, deal.walkaway)


__all__ = ["PackageError", "deal_sheet", "handle_analyze", "handle_option"]
