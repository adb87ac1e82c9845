"""What a run tells people: Prefect artifacts (a summary and the checks)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from store.checks import CheckResult


def run_report(
    run_id: str,
    status: str,
    counts: Mapping[str, int],
    rows: Mapping[str, int],
    checks: list[CheckResult],
    timings: Mapping[str, float],
    message: str | None,
) -> tuple[str, list[dict[str, object]]]:
    """The run's summary as markdown, and its quality checks as table rows."""
    outcomes = ("loaded", "new", "changed", "unchanged", "duplicate", "skipped", "rejected", "needs_review")
    lines = [f"# baogao ingest {run_id}: {status}", ""]
    if message:
        lines += [f"**{message}**", ""]
    lines += ["| inputs | count |", "|---|---:|"]
    lines += [f"| {o} | {counts.get(o, 0)} |" for o in outcomes]
    lines += ["", "| table | rows |", "|---|---:|"]
    lines += [f"| {t} | {n:,} |" for t, n in sorted(rows.items())]
    lines += ["", "| stage | seconds |", "|---|---:|"]
    lines += [f"| {s} | {v:.2f} |" for s, v in timings.items()]
    table: list[dict[str, object]] = [
        {"check": c.name, "rule": c.description, "failing_rows": c.failing, "result": "pass" if c.passed else "FAIL"}
        for c in checks
    ]
    return "\n".join(lines), table


def report_run(run_id: str, status: str, *args: Any) -> None:
    """Publish the run's summary (markdown) and its quality checks (table) as Prefect artifacts;
    the arguments are run_report's."""
    markdown, table = run_report(run_id, status, *args)
    create_markdown_artifact(markdown=markdown, key="baogao-ingest-summary", description=f"ingest run {run_id}")
    create_table_artifact(table=table, key="baogao-quality-checks", description=f"quality checks of run {run_id}")
