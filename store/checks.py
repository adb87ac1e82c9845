"""Quality gates: the checks in sql/checks/, run on the staged warehouse before it is published."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from transforms.tables import DERIVED, TABLES

# Every published warehouse has these; a missing one fails the `expected_objects` check.
EXPECTED_TABLES = (*TABLES, *DERIVED)
EXPECTED_VIEWS = (
    "rejects",
    "v_dated_metrics",
    "v_document_overview",
    "v_entity_top",
    "v_formula_usage",
    "v_indicator_series",
    "v_indicator_values",
    "v_metric_counts",
    "v_quoted_term_adoption",
    "v_term_trends",
    "v_theme_share",
    "v_theme_share_by_year",
)


@dataclass(frozen=True)
class CheckResult:
    name: str
    description: str
    failing: int

    @property
    def passed(self) -> bool:
        return self.failing == 0


def run_checks(con: duckdb.DuckDBPyConnection, checks_dir: Path) -> list[CheckResult]:
    results = [_expected_objects(con)]
    for f in sorted(checks_dir.glob("*.sql")):
        text = f.read_text(encoding="utf-8")
        first = text.splitlines()[0]
        description = first.split(":", 1)[1].strip() if first.startswith("--") and ":" in first else f.stem
        try:
            failing = int(con.execute(text).fetchall()[0][0])
        except duckdb.Error as exc:
            raise RuntimeError(f"quality check {f.name} could not run: {exc}") from exc
        results.append(CheckResult(f.stem, description, failing))
    return results


def _expected_objects(con: duckdb.DuckDBPyConnection) -> CheckResult:
    tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
    views = {r[0] for r in con.execute("select view_name from duckdb_views() where not internal").fetchall()}
    missing = [t for t in EXPECTED_TABLES if t not in tables] + [v for v in EXPECTED_VIEWS if v not in views]
    return CheckResult("expected_objects", "every contract table and view exists", len(missing))


class QualityGateFailed(RuntimeError):
    """The staged warehouse broke a quality check; the last good warehouse stays published."""

    def __init__(self, message: str, checks: list[CheckResult]) -> None:
        super().__init__(message)
        self.checks = checks
