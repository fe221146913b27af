"""``dealcoach analyze SHEET [--json] [--chart out.png] [--package ISSUE=OPTION ...]``.

Reads a scoring sheet (``.csv``, ``.yaml`` or ``.yml``), analyses it and prints a short
summary, or the full analysis as JSON. A sheet or package that cannot be used gives one
line on stderr and exit code 2, never a traceback.

:func:`load_sheet_file`, :func:`analyze_sheet` and :func:`summary_lines` are the part
other fronts share: the Slack app runs a sheet uploaded to its DM through them, so both
give the same summary and the same errors.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final, TextIO

from flows.analysis.insights import PackageError
from flows.analysis.report import AnalysisReport, analyze
from flows.analysis.sheet import Sheet, SheetError, parse_sheet_csv, parse_sheet_yaml

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

_PARSERS: Final[dict[str, Callable[[str, str], Sheet]]] = {
    ".csv": parse_sheet_csv,
    ".yaml": parse_sheet_yaml,
    ".yml": parse_sheet_yaml,
}
SHEET_SUFFIXES: Final = tuple(_PARSERS)


class SheetInputError(ValueError):
    """A sheet, file or package that cannot be used; the message is one line for the user."""


def sheet_parser(name: str) -> Callable[[str, str], Sheet]:
    """Return the parser for a sheet file, chosen by its extension.

    Args:
        name: The file's name or path.

    Returns:
        A parser taking ``(text, source_name)``.

    Raises:
        SheetInputError: If the extension is not ``.csv``, ``.yaml`` or ``.yml``.

    """
    suffix = Path(name).suffix.lower()
    parser = _PARSERS.get(suffix)
    if parser is None:
        raise SheetInputError(
            f"{name}: unknown sheet type {suffix or '(none)'!r}; use .csv, .yaml or .yml"
        )
    return parser


def load_sheet_file(data: bytes, name: str) -> Sheet:
    """Parse a sheet file's contents, choosing the parser by the file's extension.

    Args:
        data: The file's bytes (UTF-8, a byte-order mark is fine).
        name: The file's name: its extension picks the parser, and errors name it.

    Returns:
        The sheet, with ``name`` as its source.

    Raises:
        SheetInputError: With one line naming the file and the line or field at fault.

    """
    parser = sheet_parser(name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetInputError(f"{name}: not UTF-8 text") from None
    try:
        return parser(text, name)
    except SheetError as exc:
        raise SheetInputError(_one_line(str(exc))) from None


def analyze_sheet(sheet: Sheet, package: Mapping[str, str] | None = None) -> AnalysisReport:
    """Analyse a sheet; ``report.summary_lines()`` is the summary ``dealcoach analyze`` prints.

    Args:
        sheet: The scoring sheet.
        package: Optionally a package to check, as ``{issue: option label}``.

    Returns:
        The analysis.

    Raises:
        SheetInputError: With one line, when the package does not fit the sheet or the
            sheet is too nearly zero-sum to analyse.

    """
    try:
        return analyze(sheet, package)
    except (SheetError, PackageError) as exc:
        raise SheetInputError(_one_line(str(exc))) from None


class _Phrases:
    """The packaged phrase library, loaded only if the summary needs a sentence from it."""

    def reply(self, key: str, /, **values: Any) -> str:
        # Imported here: loading the library takes most of a second, and most summaries
        # never need it.
        from flows.engine import default_library

        return default_library().reply(key, **values)


def summary_lines(report: AnalysisReport) -> list[str]:
    """The summary ``dealcoach analyze`` prints and the Slack app posts, one line each.

    Args:
        report: The analysis.

    Returns:
        ``report.summary_lines()`` with its sentences from the phrase library.

    """
    return report.summary_lines(_Phrases())


def run_analyze(
    path: str,
    as_json: bool,
    chart: str | None,
    package: list[str] | None,
    out: TextIO,
    *,
    err: TextIO | None = None,
) -> int:
    """Run ``dealcoach analyze``.

    Args:
        path: The sheet file; its extension picks the parser.
        as_json: Print the analysis as JSON instead of the summary.
        chart: Where to write the frontier chart PNG, if anywhere.
        package: A package to check, as ``ISSUE=OPTION`` items (one per issue).
        out: Where the summary or JSON goes.
        err: Where error lines go (stderr by default).

    Returns:
        0 on success, 2 for a bad sheet, file or package or for ``--chart`` without the
        ``charts`` extra installed, 1 if the chart failed.

    """
    errors = sys.stderr if err is None else err
    if chart is not None:
        from bot.extras import MissingExtra, require

        try:
            require("matplotlib")
        except MissingExtra as exc:  # said before any output, so nothing is half done
            print(f"dealcoach analyze: {exc}", file=errors)
            return EXIT_BAD_INPUT
    try:
        sheet_parser(path)  # an unknown type is reported before a missing file
        sheet = load_sheet_file(_read(path), Path(path).name)
        named = _parse_package(package) if package is not None else None
        report = analyze_sheet(sheet, named)
    except SheetInputError as exc:
        print(f"dealcoach analyze: {_one_line(str(exc))}", file=errors)
        return EXIT_BAD_INPUT

    if as_json:
        json.dump(report.to_json_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        for line in summary_lines(report):
            print(line, file=out)

    if chart is not None:
        try:
            # Imported here so the plain summary never pays for matplotlib.
            from bot.analysis_chart import write_frontier_chart

            write_frontier_chart(report, chart)
        except ImportError as exc:  # matplotlib there but broken, or one of its own needs
            print(f"dealcoach analyze: the chart could not be drawn: {exc}", file=errors)
            return EXIT_FAILED
        except OSError as exc:
            print(
                f"dealcoach analyze: cannot write chart {chart}: {exc.strerror or exc}", file=errors
            )
            return EXIT_FAILED
        if not as_json:
            print(_Phrases().reply("chart_written", chart=chart), file=out)
    return EXIT_OK


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise SheetInputError(f"cannot read {path}: {exc.strerror or exc}") from None


def _parse_package(items: list[str]) -> dict[str, str]:
    named: dict[str, str] = {}
    for item in items:
        issue, sep, option = item.partition("=")
        if not sep or not issue.strip() or not option.strip():
            raise SheetInputError(f"package item {item!r} must look like ISSUE=OPTION")
        if issue.strip() in named:
            raise SheetInputError(f"package names issue {issue.strip()!r} twice")
        named[issue.strip()] = option.strip()
    return named


def _one_line(text: str) -> str:
    return " ".join(text.split())
