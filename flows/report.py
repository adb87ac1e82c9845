"""What a run tells people: stage timings and Prefect artifacts (a summary and the checks)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from store.checks import CheckResult


class Timings:
    """Wall-clock seconds per named stage."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        t0 = time.monotonic()
        try:
            yield
        finally:
            self.seconds[stage] = round(self.seconds.get(stage, 0.0) + time.monotonic() - t0, 3)


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


def report_run(
    run_id: str,
    status: str,
    counts: Mapping[str, int],
    rows: Mapping[str, int],
    checks: list[CheckResult],
    timings: Mapping[str, float],
    message: str | None,
) -> None:
    """Publish the run's summary (markdown) and its quality checks (table) as Prefect artifacts."""
    markdown, table = run_report(run_id, status, counts, rows, checks, timings, message)
    create_markdown_artifact(markdown=markdown, key="baogao-ingest-summary", description=f"ingest run {run_id}")
    create_table_artifact(table=table, key="baogao-quality-checks", description=f"quality checks of run {run_id}")
