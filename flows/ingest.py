"""The ingest flow: inputs in, a published DuckDB warehouse out.

discover → skip what is already loaded → read + transform in batches → write Parquet parts →
build the next warehouse aside, check it, commit the run and swap the warehouse in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import time
from collections import Counter
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE, CacheKeyFnPolicy
from prefect.context import get_run_context
from prefect.filesystems import LocalFileSystem
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import quote
from pydantic import BaseModel, ConfigDict

from flows import progress
from flows.plan import (
    batch_size,
    batches,
    doc_counts,
    new_run_id,
    outcome_counts,
    outcomes,
    use_compiled_textrank,
)
from flows.report import Timings, report_run
from flows.runners import local_task_runner, task_runner, transform_here
from flows.settings import Settings
from flows.survey import Survey, survey_inputs
from flows.versions import transform_version
from sources.base import WorkItem
from sources.discover import stamps
from store.checks import CheckResult, QualityGateFailed, run_checks
from store.lock import writer_lock
from store.parts import PartInfo, Root, commit_run, write_part
from store.reconcile import reconcile_for, run_lease
from store.state import save_seen, save_state
from store.warehouse import build, staging_connection, swap_in
from transforms.arrow import to_table
from transforms.ledger import INGEST_LOG_SCHEMA, RUNS_SCHEMA, LedgerState, LogRow, RunRow, advance, in_force, log_tuple
from transforms.models import RunInfo

if TYPE_CHECKING:  # the transforms themselves are imported only by a run that has work for them
    from flows.work import BatchResult, Workers


class RejectLine(BaseModel):
    model_config = ConfigDict(frozen=True)
    source_uri: str
    source_name: str
    outcome: str
    reason_code: str
    message: str


class RunSummary(BaseModel):
    """What a run did, for the CLI and the run's artifact."""

    model_config = ConfigDict(frozen=True)
    run_id: str
    status: str
    outcomes: dict[str, int]
    docs_seen: int
    docs_new: int
    docs_changed: int
    docs_unchanged: int
    docs_duplicate: int
    docs_skipped: int
    docs_rejected: int
    docs_needs_review: int
    rows: dict[str, int]
    checks: list[tuple[str, int]]
    seconds: float
    published: bool
    warehouse: str
    rejects: list[RejectLine]
    # Wall seconds per stage in the flow's process (discover, transform, write, publish, load,
    # checks, swap), and `worker.<stage>`: seconds per transform stage summed over batches.
    stages: dict[str, float] = {}

    @property
    def metrics(self) -> int:
        return self.rows.get("metrics", 0)

    @property
    def entities(self) -> int:
        return self.rows.get("entities", 0)


T = TypeVar("T")


def whole(value: T) -> T:
    """`value` passed to a Prefect task as it is. Prefect otherwise walks every element of every
    parameter looking for futures, twice per call: for a no-change run's ledger (893 rows at 50 MB)
    that was 0.4 s, and store_batch walked the whole ledger state once per batch."""
    return cast(T, quote(value))


# One task for the reading steps, so a nightly run pays Prefect's per-task cost (0.1-0.3 s against
# a local server) once for them. It retries: a share that hiccups or a file briefly locked should
# not fail the night's run, and reading again is harmless.
@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def survey(settings: Settings, run: RunInfo) -> Survey:
    """Find the inputs, read the ledger, and split the inputs into work and decided outcomes."""
    return survey_inputs(settings, run)


@task(cache_policy=NO_CACHE)
def normalize_batch(workers: Workers, items: list[WorkItem], run: RunInfo) -> BatchResult:
    """Read and transform one batch of inputs (in a worker process)."""
    return workers.run(items, run)


def batch_cache_key(_context: object, parameters: dict[str, Any]) -> str:
    """A batch's cache key: the content hashes of its inputs and the version of the transforms,
    never the worker pool or the run."""
    run: RunInfo = parameters["run"]
    h = hashlib.sha256(run.transform_version.encode())
    for item in parameters["items"]:
        h.update(f"{item.uri}\0{item.content_sha256}\0".encode())
    return "baogao-batch-" + h.hexdigest()


def cached(task_: Any, cache_dir: Path) -> Any:
    """`task_` with its results kept in `cache_dir` under batch_cache_key, so a run that dies
    resumes without transforming again what it had finished. The folder is emptied once a run
    commits: from then on the ledger, not the cache, says what is done."""
    storage = LocalFileSystem(basepath=str(cache_dir.absolute()))
    # Prefect wants result storage registered on its server: one block per warehouse folder.
    storage.save("baogao-cache-" + hashlib.sha256(str(cache_dir.absolute()).encode()).hexdigest()[:12], overwrite=True)
    return task_.with_options(
        cache_policy=CacheKeyFnPolicy(cache_key_fn=batch_cache_key, key_storage=cache_dir / "keys"),
        persist_result=True,
        result_storage=storage,
        # Prefect keeps up to 1,000 results in memory by default: every batch of a backfill, which
        # made the flow's memory grow with the corpus (1.9 GB peak for 200 MB). They are on disk.
        cache_result_in_memory=False,
        cache_expiration=dt.timedelta(days=7),
    )


@task(cache_policy=NO_CACHE)
def store_batch(batch_no: int, result: BatchResult, keep: list[str], run: RunInfo, parquet_dir: Root) -> list[PartInfo]:
    """Write the rows of the batch's documents in `keep` as Parquet parts, one per table."""
    parts: list[PartInfo] = []
    if keep:
        wanted = pa.array(keep, type=pa.string())
        for table, data in result.tables.items():
            chosen = data.filter(pc.is_in(data.column("doc_id"), value_set=wanted))
            if table == "documents":  # a batch resumed from the cache is stamped with this run
                chosen = _stamp(chosen, run)
            if chosen.num_rows or table == "documents":
                parts.append(write_part(parquet_dir, table, f"{run.run_id}-{batch_no:05d}", chosen))
    return parts


def _stamp(documents: pa.Table, run: RunInfo) -> pa.Table:
    n = documents.num_rows
    for name, value in (("run_id", run.run_id), ("ingested_at", run.ingested_at)):
        i = documents.schema.get_field_index(name)
        documents = documents.set_column(
            i, documents.schema.field(i), pa.array([value] * n, documents.schema.field(i).type)
        )
    return documents


@task(cache_policy=NO_CACHE)
def publish(
    settings: Settings,
    run: RunInfo,
    parts: list[PartInfo],
    pending: list[PartInfo],
    log: list[LogRow],
    keep: set[str],
    started: float,
    flow_run_id: str | None,
    timings: Timings | None = None,
) -> tuple[dict[str, int], list[CheckResult], str]:
    """Build the next warehouse aside from committed + this run's parts, check it, commit the run
    and swap it in. `keep` are the documents in force after this run. A failing check leaves the
    last good warehouse in place. Returns row counts, checks and the path of the run's ledger part."""
    root = settings.parquet_root
    log_part = write_part(root, "ingest_log", f"{run.run_id}-ledger", to_table(log, INGEST_LOG_SCHEMA, ("source_uri",)))
    all_parts = [*parts, *pending, log_part]
    staging = settings.warehouse_dir / ".staging" / f"warehouse-{run.run_id}.duckdb"
    timings = timings or Timings()
    with timings("load"):
        result = build(
            settings.database_path, staging, settings.sql_dir, settings.seeds_dir / "reference", root, all_parts, keep
        )
    with staging_connection(staging) as con:
        with timings("checks"):
            checks = run_checks(con, settings.sql_dir / "checks")
        failed = [c for c in checks if not c.passed]
        if failed:
            message = "quality checks failed: " + ", ".join(f"{c.name} ({c.failing} rows)" for c in failed)
            raise QualityGateFailed(
                f"the new warehouse failed its quality checks, so the last good one stays published: {message}. "
                f"Each check is explained in sql/checks/<name>.sql; the failed run is recorded in `runs`.",
                checks,
            )
        run_row = _run_row(
            run, outcome_counts(log), result.rows, time.monotonic() - started, "completed", flow_run_id, None
        )
        run_part = write_part(root, "runs", f"{run.run_id}-run", to_table([run_row], RUNS_SCHEMA, ("run_id",)))
        _insert_run(con, run_row)
        con.execute("checkpoint")
    # The commit point: from here the run's parts are part of the warehouse, even if the swap
    # below is interrupted (the next run's build picks them up).
    with timings("swap"):
        commit_run(root, run.run_id, [*pending, log_part, run_part], run.transform_version)
        swap_in(staging, settings.database_path)
    rows = dict(result.rows)
    rows["runs"] = rows.get("runs", 0) + 1
    return rows, checks, log_part.path


def record_failure(
    settings: Settings, run: RunInfo, log: list[LogRow], started: float, flow_run_id: str | None, message: str
) -> None:
    """Record a failed run in Parquet and in the published warehouse, without any of its data: the
    last good documents stay as they were and the inputs are processed again next run."""
    root = settings.parquet_root
    _remove_staging(settings, run)
    row = _run_row(run, outcome_counts(log), {}, time.monotonic() - started, "failed", flow_run_id, message[:2000])
    try:
        run_part = write_part(root, "runs", f"{run.run_id}-run", to_table([row], RUNS_SCHEMA, ("run_id",)))
        commit_run(root, run.run_id, [run_part], run.transform_version)
    except OSError as exc:  # a full disk: the error that failed the run is the one to report
        get_run_logger().warning("run %s: its failure could not be recorded (%s)", run.run_id, exc)
        return
    target = settings.database_path
    if not target.exists():
        return
    # The published file gets the row too when it can (the next build loads it from the part
    # committed above anyway); a damaged or unreadable file is left as it is.
    staging = settings.warehouse_dir / ".staging" / f"warehouse-{run.run_id}-failed.duckdb"
    try:
        staging.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, staging)
        with staging_connection(staging) as con:
            _insert_run(con, row)
            con.execute("checkpoint")
        swap_in(staging, target)
    except (duckdb.Error, OSError) as exc:
        get_run_logger().warning("run %s: the failed run is in Parquet, not yet in %s (%s)", run.run_id, target, exc)
    finally:
        _remove_staging(settings, run)


def _remove_staging(settings: Settings, run: RunInfo) -> None:
    """The run's staging databases (and their WALs): a failed run leaves nothing behind."""
    staging = settings.warehouse_dir / ".staging"
    for f in staging.glob(f"warehouse-{run.run_id}*") if staging.is_dir() else []:
        f.unlink(missing_ok=True)


def _run_row(
    run: RunInfo,
    c: Counter[str],
    rows: dict[str, int],
    seconds: float,
    status: str,
    flow_run_id: str | None,
    message: str | None,
) -> RunRow:
    return RunRow(
        run_id=run.run_id,
        started_at=run.ingested_at,
        finished_at=dt.datetime.now(dt.UTC),
        status=status,
        **doc_counts(c),
        metrics=rows.get("metrics", 0),
        entities=rows.get("entities", 0),
        seconds=round(seconds, 3),
        transform_version=run.transform_version,
        prefect_flow_run_id=flow_run_id,
        message=message,
    )


def _insert_run(con: duckdb.DuckDBPyConnection, row: RunRow) -> None:
    con.register("_run", to_table([row], RUNS_SCHEMA, ("run_id",)))
    con.execute("insert into runs by name select * from _run")
    con.unregister("_run")


@flow(name="baogao-ingest", task_runner=local_task_runner(), log_prints=True)  # type: ignore[arg-type]
def ingest(settings: Settings | None = None) -> RunSummary:
    """Ingest every report under the sources into the warehouse; returns what the run did."""
    settings = settings or Settings()
    started = time.monotonic()
    now = dt.datetime.now(dt.UTC)
    run = RunInfo(
        run_id=new_run_id(now),
        ingested_at=now.replace(microsecond=0),
        transform_version=transform_version(settings.seeds_dir),
    )
    flow_run_id = _flow_run_id()
    timings = Timings()
    log: list[LogRow] = []
    with (
        run_lease(settings.warehouse_dir, flow_run_id),
        writer_lock(settings.warehouse_dir, run.run_id, settings.lock_timeout_seconds),
    ):
        reconcile_for(settings, flow_run_id)  # runs killed earlier: mark Crashed, sweep their debris
        try:
            with timings("discover"):
                progress.report("discover", 0, 1)
                work = survey(settings, run)
                log.extend(work.decided)
            with timings("transform"):
                pending = transform_all(work.todo, work.state, run, settings, log, timings)
            with timings("publish"):
                progress.report("publish", 0, 1)
                after = advance(work.state, [log_tuple(r) for r in log], {run.run_id})
                rows, checks, ledger_part = publish(
                    settings,
                    run,
                    whole(work.parts),
                    whole(pending),
                    whole(log),
                    whole(in_force(after)),
                    started,
                    flow_run_id,
                    timings,
                )
            shutil.rmtree(settings.warehouse_dir / ".cache", ignore_errors=True)
            save_seen(settings.warehouse_dir, stamps(work.found))
            save_state(settings.warehouse_dir, run.transform_version, [*work.ledger_parts, ledger_part], after)
        except QualityGateFailed as exc:
            record_failure(settings, run, log, started, flow_run_id, str(exc))
            report_run(run.run_id, "failed", outcome_counts(log), {}, exc.checks, timings.seconds, str(exc))
            raise
        except Exception as exc:
            record_failure(settings, run, log, started, flow_run_id, f"{type(exc).__name__}: {exc}")
            raise
    summary = _summary(run, log, rows, checks, started, settings).model_copy(update={"stages": dict(timings.seconds)})
    report_run(run.run_id, "completed", outcome_counts(log), rows, checks, timings.seconds, None)
    get_run_logger().info("run %s: %s", run.run_id, summary.outcomes)
    return summary


def transform_all(
    todo: list[WorkItem],
    state: LedgerState,
    run: RunInfo,
    settings: Settings,
    log: list[LogRow],
    timings: Timings | None = None,
) -> list[PartInfo]:
    """Transform the inputs batch by batch in worker processes, storing each batch as it comes back
    in order; at most two batches per worker are in flight, which bounds memory."""
    progress.report("transform", 0, len(todo))
    if not todo:  # a run that found nothing new starts no workers and loads no reference data
        return []
    from flows.seeds import load_resources
    from flows.work import Workers

    timings = timings or Timings()
    # On Dask each batch runs inside a Dask worker (flows/runners.py); no local pool is started.
    # A run of one input is done inline.
    local = settings.workers if len(todo) > 1 and settings.runner == "local" else 0
    size = batch_size(len(todo), local, settings.batch_size)
    run = replace(run, compiled_textrank=use_compiled_textrank(todo, local))
    workers = Workers(local, load_resources(settings.seeds_dir), run.compiled_textrank)
    normalize = cached(normalize_batch, settings.warehouse_dir / ".cache")
    pending: list[PartInfo] = []
    loaded: set[str] = set()
    window: list[tuple[int, PrefectFuture[BatchResult] | Future[BatchResult]]] = []
    done = 0
    try:
        for n, batch in enumerate(batches(todo, size)):
            if settings.runner == "dask":
                window.append((n, transform_here.submit(batch, run, workers.resources)))
            else:
                window.append((n, normalize.submit(workers, batch, run)))
            if len(window) > 2 * settings.workers:
                done += _drain(window.pop(0), state, loaded, run, settings, pending, log, timings)
                progress.report("transform", done, len(todo))
        while window:
            done += _drain(window.pop(0), state, loaded, run, settings, pending, log, timings)
            progress.report("transform", done, len(todo))
    finally:
        workers.close()
    return pending


def _flow_run_id() -> str | None:
    ctx = get_run_context()
    flow_run = getattr(ctx, "flow_run", None)
    return str(flow_run.id) if flow_run is not None else None


def _summary(
    run: RunInfo, log: list[LogRow], rows: dict[str, int], checks: list[CheckResult], started: float, settings: Settings
) -> RunSummary:
    c = outcome_counts(log)
    return RunSummary(
        run_id=run.run_id,
        status="completed",
        outcomes=dict(Counter(r.outcome for r in log)),
        **doc_counts(c),
        rows=rows,
        checks=[(ch.name, ch.failing) for ch in checks],
        seconds=round(time.monotonic() - started, 2),
        published=True,
        warehouse=str(settings.database_path),
        rejects=[
            RejectLine(
                source_uri=r.source_uri,
                source_name=r.source_name,
                outcome=r.outcome,
                reason_code=r.reason_code,
                message=r.message,
            )
            for r in sorted(log, key=lambda r: r.source_uri)
            if r.outcome in ("rejected", "needs_review", "skipped")
        ],
    )


def _drain(
    entry: tuple[int, PrefectFuture[BatchResult] | Future[BatchResult]],
    state: LedgerState,
    loaded: set[str],
    run: RunInfo,
    settings: Settings,
    pending: list[PartInfo],
    log: list[LogRow],
    timings: Timings,
) -> int:
    n, future = entry
    result = future.result()
    for stage, seconds in result.seconds.items():
        timings.seconds[f"worker.{stage}"] = round(timings.seconds.get(f"worker.{stage}", 0.0) + seconds, 3)
    rows, keep = outcomes(result.items, state, loaded, run)
    loaded.update(keep)
    with timings("write"):
        parts = store_batch(n, whole(result), keep, run, settings.parquet_root)
    pending.extend(parts)
    log.extend(rows)
    return len(result.items)


def run_ingest(settings: Settings) -> RunSummary:
    """Run the ingest flow with the task runner `settings` asks for."""
    summary: RunSummary = ingest.with_options(task_runner=task_runner(settings))(settings)
    return summary
