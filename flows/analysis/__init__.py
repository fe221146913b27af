"""Deal analysis from a scoring sheet: the Pareto frontier and what it means for the rep.

* :mod:`flows.analysis.sheet` reads scoring sheets (CSV or YAML).
* :mod:`flows.analysis.frontier` computes the exact Pareto frontier issue by issue.
* :mod:`flows.analysis.insights` derives issue types, logrolls, the cost of splitting the
  difference, MESO proposals and improvements to a named package.
* :mod:`flows.analysis.report` ties them together: :func:`analyze`.

Standard library only (plus PyYAML for sheets); nothing here knows about Slack or SQL.
"""

from flows.analysis.frontier import (
    FrontierPoint,
    FrontierTooLargeError,
    Package,
    pareto_frontier,
)
from flows.analysis.insights import PackageError
from flows.analysis.report import AnalysisReport, analyze
from flows.analysis.sheet import (
    Issue,
    Option,
    Sheet,
    SheetError,
    parse_sheet_csv,
    parse_sheet_yaml,
)

__all__ = [
    "AnalysisReport",
    "FrontierPoint",
    "FrontierTooLargeError",
    "Issue",
    "Option",
    "Package",
    "PackageError",
    "Sheet",
    "SheetError",
    "analyze",
    "pareto_frontier",
    "parse_sheet_csv",
    "parse_sheet_yaml",
]
