"""``dealcoach analyze SHEET [--json] [--chart out.png] [--package ISSUE=OPTION ...]``.

Reads a scoring sheet (``.csv``, ``.yaml`` or ``.yml``), analyses it and prints a short
summary, or the full analysis as JSON. A sheet or package that cannot be used gives one
line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from flows.analysis.insights import PackageError
from flows.analysis.report import analyze
from flows.analysis.sheet import Sheet, SheetError, parse_sheet_csv, parse_sheet_yaml

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

_PARSERS = {".csv": parse_sheet_csv, ".yaml": parse_sheet_yaml, ".yml": parse_sheet_yaml}


class _BadInput(Exception):
    """A user error to report in one line."""


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
        0 on success, 2 for a bad sheet, file or package, 1 if the chart failed.

    """
    errors = sys.stderr if err is None else err
    try:
        sheet = _load(path)
        named = _parse_package(package) if package is not None else None
        report = analyze(sheet, named)
    except (_BadInput, SheetError, PackageError) as exc:
        print(f"dealcoach analyze: {_one_line(str(exc))}", file=errors)
        return EXIT_BAD_INPUT

    if as_json:
        json.dump(report.to_json_dict(), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        for line in report.summary_lines():
            print(line, file=out)

    if chart is not None:
        try:
            # Imported here so the plain summary never pays for matplotlib.
            from bot.analysis_chart import write_frontier_chart

            write_frontier_chart(report, chart)
        except ImportError:
            print(
                "dealcoach analyze: --chart needs matplotlib (pip install matplotlib)", file=errors
            )
            return EXIT_FAILED
        except OSError as exc:
            print(
                f"dealcoach analyze: cannot write chart {chart}: {exc.strerror or exc}", file=errors
            )
            return EXIT_FAILED
        if not as_json:
            print(f"Chart written to {chart}.", file=out)
    return EXIT_OK


def _load(path: str) -> Sheet:
    suffix = Path(path).suffix.lower()
    parser = _PARSERS.get(suffix)
    if parser is None:
        raise _BadInput(
            f"{path}: unknown sheet type {suffix or '(none)'!r}; use .csv, .yaml or .yml"
        )
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise _BadInput(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise _BadInput(f"{path}: not UTF-8 text") from None
    return parser(text, Path(path).name)


def _parse_package(items: list[str]) -> dict[str, str]:
    named: dict[str, str] = {}
    for item in items:
        issue, sep, option = item.partition("=")
        if not sep or not issue.strip() or not option.strip():
            raise _BadInput(f"package item {item!r} must look like ISSUE=OPTION")
        if issue.strip() in named:
            raise _BadInput(f"package names issue {issue.strip()!r} twice")
        named[issue.strip()] = option.strip()
    return named


def _one_line(text: str) -> str:
    return " ".join(text.split())
