"""Publishing: build the next warehouse aside, check it, commit the run, swap it in.

Ingest and rebuild publish the same way; only what they commit differs (a rebuild commits
nothing: the Parquet tree it was built from is committed already). A failing check leaves the
last good warehouse published and raises QualityGateFailed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from store.checks import CheckResult, QualityGateFailed, run_checks
from store.parts import PartInfo, Root, commit_run, write_part
from store.warehouse import build, staging_connection, swap_in
from transforms.arrow import to_table
from transforms.ledger import RunRow
from transforms.tables import TABLES

STAGING = ".staging"
DATABASE = "warehouse.duckdb"

Timer = Callable[[str], AbstractContextManager[object]]


def _untimed(_stage: str) -> AbstractContextManager[object]:
    return nullcontext()


@dataclass(frozen=True)
class Warehouse:
    """Where one warehouse lives: its folder (the published DuckDB file, staging, run state), its
    Parquet tree, and the SQL and reference data it is built with."""

    folder: Path
    root: Root
    sql_dir: Path
    reference_dir: Path

    @property
    def database(self) -> Path:
        return self.folder / DATABASE

    def staging(self, name: str) -> Path:
        return self.folder / STAGING / f"warehouse-{name}.duckdb"

    def spool(self, run_id: str) -> Path:
        """Where run `run_id` sets aside the text of the corpus rows it will transform."""
        return self.folder / STAGING / f"rows-{run_id}.spool"


@dataclass(frozen=True)
class Commit:
    """What a run adds to the Parquet tree once its warehouse passed the checks: the parts it
    wrote, and its row in `runs`, made from the built warehouse's row counts."""

    run_id: str
    transform_version: str
    parts: list[PartInfo]
    run_row: Callable[[dict[str, int]], RunRow]


@dataclass(frozen=True)
class Published:
    rows: dict[str, int]  # rows per table of the published warehouse
    checks: list[CheckResult]
    committed: list[PartInfo] = field(default_factory=list)
    run: RunRow | None = None  # the row committed to `runs`, when a run was committed
    rebuilt_because: str | None = None  # see PublishResult


def publish(
    wh: Warehouse,
    name: str,
    parts: list[PartInfo],
    keep: set[str],
    commit: Commit | None = None,
    fresh: bool = False,
    timed: Timer = _untimed,
) -> Published:
    """Build the warehouse of `parts` holding the documents in `keep` at a staging path named after
    `name`, check it, commit `commit` and swap the warehouse in. `fresh` builds from nothing
    instead of from a copy of the published file."""
    staging = wh.staging(name)
    with timed("load"):
        built = build(wh.database, staging, wh.sql_dir, wh.reference_dir, wh.root, parts, keep, fresh=fresh)
    committed: list[PartInfo] = []
    row: RunRow | None = None
    with staging_connection(staging) as con:
        with timed("checks"):
            checks = run_checks(con, wh.sql_dir / "checks")
        failed = [c for c in checks if not c.passed]
        if failed:
            con.close()
            staging.unlink(missing_ok=True)
            raise QualityGateFailed(
                "the new warehouse failed its quality checks, so the last good one stays published: "
                + ", ".join(f"{c.name} ({c.failing} rows)" for c in failed)
                + ". Each check is explained in sql/checks/<name>.sql.",
                checks,
            )
        if commit is not None:
            row = commit.run_row(built.rows)
            committed = [*commit.parts, write_run(wh.root, row)]
            insert_run(con, row)
            con.execute("checkpoint")
    # The commit point: from here the run's parts are part of the warehouse, even if the swap
    # below is interrupted (the next run's build picks them up).
    with timed("swap"):
        if commit is not None:
            commit_run(wh.root, commit.run_id, committed, commit.transform_version)
        swap_in(staging, wh.database)
    rows = dict(built.rows)
    if commit is not None:
        rows["runs"] = rows.get("runs", 0) + 1
    return Published(rows, checks, committed, row, built.rebuilt_because)


def publish_failure(wh: Warehouse, row: RunRow) -> str | None:
    """Record a failed run in Parquet and in the published warehouse, without any of its data: the
    last good documents stay as they were and the inputs are processed again next run. Never
    raises for what it cannot record (the error that failed the run is the one to report): it
    returns what it could not do, for the run's log. The run's staging files are removed."""
    _remove_staging(wh, row.run_id)
    try:
        commit_run(wh.root, row.run_id, [write_run(wh.root, row)], row.transform_version)
    except OSError as exc:  # a full disk
        return f"its failure could not be recorded ({exc})"
    if not wh.database.exists():
        return None
    # The published file gets the row too when it can (the next build loads it from the part
    # committed above anyway); a damaged or unreadable file is left as it is.
    staging = wh.staging(f"{row.run_id}-failed")
    try:
        staging.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(wh.database, staging)
        with staging_connection(staging) as con:
            insert_run(con, row)
            con.execute("checkpoint")
        swap_in(staging, wh.database)
    except (duckdb.Error, OSError) as exc:
        return f"the failed run is in Parquet, not yet in {wh.database} ({exc})"
    finally:
        _remove_staging(wh, row.run_id)
    return None


def _remove_staging(wh: Warehouse, run_id: str) -> None:
    """The run's staging databases (and their WALs): a failed run leaves nothing behind."""
    folder = wh.folder / STAGING
    for f in folder.glob(f"warehouse-{run_id}*") if folder.is_dir() else []:
        f.unlink(missing_ok=True)


def write_run(root: Root, row: RunRow) -> PartInfo:
    runs = TABLES["runs"]
    return write_part(root, runs.name, f"{row.run_id}-run", to_table([row], runs.schema, runs.key))


def insert_run(con: duckdb.DuckDBPyConnection, row: RunRow) -> None:
    runs = TABLES["runs"]
    con.register("_run", to_table([row], runs.schema, runs.key))
    con.execute("insert into runs by name select * from _run")
    con.unregister("_run")
