"""The ingest flow: inputs in, a published DuckDB warehouse out.

discover → skip what is already loaded → read + transform in batches → write Parquet parts →
build the next warehouse aside, check it, commit the run and swap the warehouse in.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner
from pydantic import BaseModel, ConfigDict

from flows import progress
from flows.checks import CheckResult, run_checks
from flows.inputs import FoundFile, WorkItem, corpus_rows, find, walk
from flows.lock import writer_lock
from flows.seeds import load_resources
from flows.settings import Settings
from flows.store import PartInfo, commit_run, committed_parts, parts_of, read_columns, write_part
from flows.warehouse import build, staging_connection, swap_in
from flows.work import BatchResult, Workers
from transforms import TRANSFORM_VERSION
from transforms.arrow import to_table
from transforms.ledger import (
    INGEST_LOG_SCHEMA,
    RUNS_SCHEMA,
    LedgerState,
    LogRow,
    RunRow,
    build_state,
    classify,
    in_force,
    is_unchanged,
)
from transforms.models import Reject
from transforms.pipeline import RunInfo


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

    @property
    def metrics(self) -> int:
        return self.rows.get("metrics", 0)

    @property
    def entities(self) -> int:
        return self.rows.get("entities", 0)


class QualityGateFailed(RuntimeError):
    """The staged warehouse broke a quality check; the last good warehouse stays published."""


def new_run_id(now: dt.datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


@task(cache_policy=NO_CACHE)
def discover(sources: list[Path]) -> list[FoundFile | Reject]:
    """List every input file under the sources with its content hash."""
    return [find(p) for p in walk(sources)]


@task(cache_policy=NO_CACHE)
def read_state(parquet_dir: Path) -> tuple[list[PartInfo], LedgerState]:
    """The committed parts and the ledger state they describe."""
    parts = committed_parts(parquet_dir)
    log = read_columns(
        parquet_dir, parts_of(parts, "ingest_log"),
        ["run_id", "source_uri", "outcome", "doc_id", "duplicate_of", "content_sha256"],
    )
    docs = read_columns(parquet_dir, parts_of(parts, "documents"), ["doc_id", "transform_version"])
    current = (
        [d for d, v in zip(docs.column("doc_id").to_pylist(), docs.column("transform_version").to_pylist(), strict=True)
         if v == TRANSFORM_VERSION]
        if docs is not None else []
    )
    rows = list(zip(*(log.column(c).to_pylist() for c in log.column_names), strict=True)) if log is not None else []
    return parts, build_state(rows, current)


def _log(run: RunInfo, uri: str, name: str, outcome: str, reason: str, message: str, **kw: str | None) -> LogRow:
    return LogRow(run_id=run.run_id, source_uri=uri, source_name=name, outcome=outcome, reason_code=reason,
                  message=message, at=run.ingested_at, **kw)


def _reject_row(run: RunInfo, r: Reject, sha: str | None = None) -> LogRow:
    return _log(run, r.source_uri, r.source_name, r.outcome, r.reason_code, r.message, content_sha256=sha)


@task(cache_policy=NO_CACHE)
def plan(found: list[FoundFile | Reject], state: LedgerState, run: RunInfo, max_bytes: int
         ) -> tuple[list[WorkItem], list[LogRow]]:
    """Split inputs into work to do and ledger rows decided already (unchanged, rejected)."""
    todo: list[WorkItem] = []
    decided: list[LogRow] = []

    def consider(item: WorkItem) -> None:
        doc_id = is_unchanged(state, item.uri, item.content_sha256)
        if doc_id is None:
            todo.append(item)
        else:
            decided.append(_log(run, item.uri, item.name, "unchanged", "same_content",
                                "already loaded with the same content", doc_id=doc_id,
                                content_sha256=item.content_sha256))

    for f in found:
        if isinstance(f, Reject):
            decided.append(_reject_row(run, f))
        elif f.kind == "unsupported":
            decided.append(_log(run, f.uri, f.name, "rejected", "unsupported_type",
                                f"'{f.path.suffix or f.name}' files are not reports baogao reads; supported: "
                                ".txt .html .htm .pdf .docx and corpus files .jsonl .csv (optionally .gz)",
                                content_sha256=f.sha256))
        elif f.size > max_bytes:
            decided.append(_log(run, f.uri, f.name, "rejected", "too_large",
                                f"the file has {f.size:,} bytes, over the limit of {max_bytes:,}; "
                                "split it or raise BAOGAO_MAX_FILE_BYTES", content_sha256=f.sha256))
        elif f.kind in ("corpus_jsonl", "corpus_csv"):
            for row in corpus_rows(f):
                if isinstance(row, Reject):
                    decided.append(_reject_row(run, row))
                else:
                    consider(row)
        else:
            assert f.sha256 is not None
            consider(WorkItem(uri=f.uri, name=f.name, kind=f.kind, content_sha256=f.sha256, path=f.path))
    return todo, decided


@task(cache_policy=NO_CACHE)
def normalize_batch(workers: Workers, items: list[WorkItem], run: RunInfo) -> BatchResult:
    """Read and transform one batch of inputs (in a worker process)."""
    return workers.run(items, run)


@task(cache_policy=NO_CACHE)
def store_batch(
    batch_no: int, result: BatchResult, state: LedgerState, loaded: set[str], run: RunInfo, parquet_dir: Path
) -> tuple[list[PartInfo], list[LogRow]]:
    """Decide each input's outcome and write the rows of newly loaded documents as Parquet parts."""
    rows: list[LogRow] = []
    keep: list[str] = []
    for item in result.items:
        if item.reject is not None:
            rows.append(_reject_row(run, item.reject, item.content_sha256))
            continue
        assert item.doc_id is not None
        outcome, reason, message = classify(state, item.uri, item.doc_id, loaded)
        rows.append(_log(run, item.uri, item.name, outcome, reason, message, doc_id=item.doc_id,
                         duplicate_of=item.doc_id if outcome == "duplicate" else None,
                         content_sha256=item.content_sha256))
        if outcome == "loaded":
            loaded.add(item.doc_id)
            keep.append(item.doc_id)
    parts: list[PartInfo] = []
    if keep:
        wanted = pa.array(keep, type=pa.string())
        for table, data in result.tables.items():
            chosen = data.filter(pc.is_in(data.column("doc_id"), value_set=wanted))
            if chosen.num_rows or table == "documents":
                parts.append(write_part(parquet_dir, table, f"{run.run_id}-{batch_no:05d}", chosen))
    return parts, rows


def batches(items: list[WorkItem], size: int) -> Iterator[list[WorkItem]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _counts(log: list[LogRow]) -> Counter[str]:
    c: Counter[str] = Counter()
    for r in log:
        c[r.outcome] += 1
        if r.outcome == "loaded":
            c["changed" if r.reason_code in ("changed", "reprocessed") else "new"] += 1
    return c


@task(cache_policy=NO_CACHE)
def publish(
    settings: Settings, run: RunInfo, parts: list[PartInfo], pending: list[PartInfo], log: list[LogRow],
    started: float, flow_run_id: str | None,
) -> tuple[dict[str, int], list[CheckResult]]:
    """Build the next warehouse aside from committed + this run's parts, check it, commit the run
    and swap it in. A failing check leaves the last good warehouse in place."""
    root = settings.parquet_dir
    all_parts = parts + pending
    log_part = write_part(root, "ingest_log", f"{run.run_id}-ledger", to_table(log, INGEST_LOG_SCHEMA, ("source_uri",)))
    all_parts.append(log_part)
    state = build_state(
        [(r.run_id, r.source_uri, r.outcome, r.doc_id, r.duplicate_of, r.content_sha256)
         for r in _all_log_rows(root, all_parts)],
        [],
    )
    staging = settings.warehouse_dir / ".staging" / f"warehouse-{run.run_id}.duckdb"
    result = build(settings.database_path, staging, settings.sql_dir, settings.seeds_dir / "reference",
                   root, all_parts, in_force(state))
    counts = _counts(log)
    with staging_connection(staging) as con:
        checks = run_checks(con, settings.sql_dir / "checks")
        failed = [c for c in checks if not c.passed]
        status = "failed" if failed else "completed"
        message = (
            "quality checks failed: " + ", ".join(f"{c.name} ({c.failing} rows)" for c in failed) if failed else None
        )
        run_row = _run_row(run, counts, result.rows, time.monotonic() - started, status, flow_run_id, message)
        run_part = write_part(root, "runs", f"{run.run_id}-run", to_table([run_row], RUNS_SCHEMA, ("run_id",)))
        if not failed:
            _insert_run(con, run_row)
            con.execute("checkpoint")
    if failed:
        staging.unlink(missing_ok=True)
        # Record the failed run (its ledger and run row) without the data it produced, so the next
        # run processes those inputs again.
        commit_run(root, run.run_id, [run_part], TRANSFORM_VERSION)
        raise QualityGateFailed(
            f"the new warehouse failed its quality checks, so the last good one stays published: {message}. "
            f"See sql/checks/ for what each check means, and the staged rows of run {run.run_id}."
        )
    commit_run(root, run.run_id, [*pending, log_part, run_part], TRANSFORM_VERSION)
    swap_in(staging, settings.database_path)
    rows = dict(result.rows)
    rows["runs"] = rows.get("runs", 0) + 1
    return rows, checks


def _all_log_rows(root: Path, parts: list[PartInfo]) -> list[LogRow]:
    t = read_columns(root, parts_of(parts, "ingest_log"), list(INGEST_LOG_SCHEMA.names))
    if t is None:
        return []
    return [LogRow(**r) for r in t.to_pylist()]


def _run_row(run: RunInfo, c: Counter[str], rows: dict[str, int], seconds: float, status: str,
             flow_run_id: str | None, message: str | None) -> RunRow:
    return RunRow(
        run_id=run.run_id, started_at=run.ingested_at, finished_at=dt.datetime.now(dt.UTC), status=status,
        docs_seen=sum(c[o] for o in ("loaded", "unchanged", "duplicate", "skipped", "rejected", "needs_review")),
        docs_new=c["new"], docs_changed=c["changed"], docs_unchanged=c["unchanged"], docs_duplicate=c["duplicate"],
        docs_skipped=c["skipped"], docs_rejected=c["rejected"], docs_needs_review=c["needs_review"],
        metrics=rows.get("metrics", 0), entities=rows.get("entities", 0), seconds=round(seconds, 3),
        transform_version=TRANSFORM_VERSION, prefect_flow_run_id=flow_run_id, message=message,
    )


def _insert_run(con: duckdb.DuckDBPyConnection, row: RunRow) -> None:
    con.register("_run", to_table([row], RUNS_SCHEMA, ("run_id",)))
    con.execute("insert into runs by name select * from _run")
    con.unregister("_run")


@flow(name="baogao-ingest", task_runner=ThreadPoolTaskRunner(max_workers=4), log_prints=True)  # type: ignore[arg-type]
def ingest(settings: Settings | None = None) -> RunSummary:
    """Ingest every report under the sources into the warehouse; returns what the run did."""
    settings = settings or Settings()
    started = time.monotonic()
    run = RunInfo(run_id=new_run_id(dt.datetime.now(dt.UTC)), ingested_at=dt.datetime.now(dt.UTC).replace(microsecond=0))
    logger = get_run_logger()
    ctx = get_run_context()
    flow_run_id = str(ctx.flow_run.id) if getattr(ctx, "flow_run", None) is not None else None  # type: ignore[union-attr]
    with writer_lock(settings.warehouse_dir, run.run_id, settings.lock_timeout_seconds):
        found = discover(settings.sources)
        parts, state = read_state(settings.parquet_dir)
        todo, log = plan(found, state, run, settings.max_file_bytes)
        progress.report("transform", 0, len(todo))
        resources = load_resources(settings.seeds_dir)
        workers = Workers(settings.workers if len(todo) > settings.batch_size else 1, resources)
        pending: list[PartInfo] = []
        loaded: set[str] = set()
        try:
            window: list[tuple[int, PrefectFuture[BatchResult] | Future[BatchResult]]] = []
            done = 0
            for n, batch in enumerate(batches(todo, settings.batch_size)):
                window.append((n, normalize_batch.submit(workers, batch, run)))
                if len(window) > 2 * settings.workers:
                    done += _drain(window.pop(0), state, loaded, run, settings, pending, log)
                    progress.report("transform", done, len(todo))
            while window:
                done += _drain(window.pop(0), state, loaded, run, settings, pending, log)
                progress.report("transform", done, len(todo))
        finally:
            workers.close()
        progress.report("publish", 0, 1)
        rows, checks = publish(settings, run, parts, pending, log, started, flow_run_id)
        progress.report("publish", 1, 1)
    c = _counts(log)
    summary = RunSummary(
        run_id=run.run_id, status="completed", outcomes=dict(Counter(r.outcome for r in log)),
        docs_seen=len(log), docs_new=c["new"], docs_changed=c["changed"], docs_unchanged=c["unchanged"],
        docs_duplicate=c["duplicate"], docs_skipped=c["skipped"], docs_rejected=c["rejected"],
        docs_needs_review=c["needs_review"], rows=rows, checks=[(ch.name, ch.failing) for ch in checks],
        seconds=round(time.monotonic() - started, 2), published=True, warehouse=str(settings.database_path),
        rejects=[RejectLine(source_uri=r.source_uri, source_name=r.source_name, outcome=r.outcome,
                            reason_code=r.reason_code, message=r.message)
                 for r in sorted(log, key=lambda r: r.source_uri)
                 if r.outcome in ("rejected", "needs_review", "skipped")],
    )
    logger.info("run %s: %s", run.run_id, summary.outcomes)
    return summary


def _drain(
    entry: tuple[int, PrefectFuture[BatchResult] | Future[BatchResult]], state: LedgerState, loaded: set[str],
    run: RunInfo, settings: Settings, pending: list[PartInfo], log: list[LogRow],
) -> int:
    n, future = entry
    result = future.result()
    parts, rows = store_batch(n, result, state, loaded, run, settings.parquet_dir)
    pending.extend(parts)
    log.extend(rows)
    return len(result.items)
