"""The ingest flow: inputs in, a published DuckDB warehouse out.

discover → skip what is already loaded → read + transform in batches → write Parquet parts →
build the next warehouse aside, check it, commit the run and swap the warehouse in.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from concurrent.futures import Future
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from prefect import flow, get_run_logger
from prefect.context import get_run_context
from prefect.futures import PrefectFuture
from pydantic import BaseModel, ConfigDict

from flows import progress
from flows.plan import (
    batch_size,
    batches,
    new_run_id,
    outcome_counts,
    outcomes,
    run_row,
    use_compiled_textrank,
)
from flows.report import report_run
from flows.runners import local_task_runner, task_runner, transform_here
from flows.settings import Settings
from flows.survey import Survey
from flows.tasks import (
    cached,
    normalize_batch,
    publish_run,
    remember,
    store_batch,
    survey,
    whole,
    write_ledger,
)
from flows.timings import Timings
from flows.versions import transform_version
from sources.spool import removed_after
from store.checks import QualityGateFailed
from store.lock import writer_lock
from store.parts import PartInfo
from store.publish import Commit, Published, publish_failure
from store.reconcile import reconcile_for, run_lease
from transforms.ledger import LogRow, RunRow, advance, in_force, log_tuple
from transforms.models import RunInfo

if TYPE_CHECKING:  # the transforms themselves are imported only by a run that has work for them
    from flows.work import BatchResult


class RejectLine(BaseModel):
    model_config = ConfigDict(frozen=True)
    source_uri: str
    source_name: str
    outcome: str
    reason_code: str
    message: str


class RunSummary(BaseModel):
    """What a run did, for the CLI and the run's artifact: its row in `runs` and more."""

    model_config = ConfigDict(frozen=True)
    run: RunRow  # as committed: run_id, status, docs_* counts, metrics, entities
    outcomes: dict[str, int]
    rows: dict[str, int]
    checks: list[tuple[str, int]]
    seconds: float
    published: bool
    warehouse: str
    rejects: list[RejectLine]
    # Wall seconds per stage in the flow's process (discover, transform, write, publish, load,
    # checks, swap), and `worker.<stage>`: seconds per transform stage summed over batches.
    stages: dict[str, float] = {}
    # What the user should know that did not stop the run (a damaged warehouse built anew).
    notes: list[str] = []


@flow(name="baogao-ingest", task_runner=local_task_runner(), log_prints=True)  # type: ignore[arg-type]
def ingest(settings: Settings | None = None) -> RunSummary:
    """Ingest every report under the sources into the warehouse; returns what the run did."""
    settings = settings or Settings()
    started = time.monotonic()
    run = _new_run(settings)
    flow_run_id = _flow_run_id()
    timings = Timings()
    log: list[LogRow] = []
    with (
        run_lease(settings.warehouse_dir, flow_run_id),
        writer_lock(settings.warehouse_dir, run.run_id, settings.lock_timeout_seconds),
        removed_after(settings.warehouse.spool(run.run_id)),
    ):
        reconcile_for(settings, flow_run_id)  # runs killed earlier: mark Crashed, sweep their debris
        try:
            with timings("discover"):
                progress.report("discover", 0, 1)
                work = survey(settings, run)
                log.extend(work.decided)
            with timings("transform"):
                pending = transform_all(work, run, settings, log, timings)
            with timings("publish"):
                progress.report("publish", 0, 1)
                ledger = write_ledger(settings.parquet_root, run, whole(log))
                after = advance(work.state, [log_tuple(r) for r in log], {run.run_id})
                commit = Commit(
                    run.run_id,
                    run.transform_version,
                    [*pending, ledger],
                    lambda rows: run_row(run, log, rows, time.monotonic() - started, "completed", flow_run_id),
                )
                published = publish_run(
                    settings.warehouse,
                    run,
                    whole([*work.parts, *pending, ledger]),
                    whole(in_force(after)),
                    whole(commit),
                    timings,
                )
            remember(settings, run, whole(work), ledger, whole(after))
        except Exception as exc:
            message = str(exc) if isinstance(exc, QualityGateFailed) else f"{type(exc).__name__}: {exc}"
            failed = run_row(run, log, {}, time.monotonic() - started, "failed", flow_run_id, message[:2000])
            unrecorded = publish_failure(settings.warehouse, failed)
            if unrecorded is not None:
                get_run_logger().warning("run %s: %s", run.run_id, unrecorded)
            if isinstance(exc, QualityGateFailed):
                report_run(run.run_id, "failed", outcome_counts(log), {}, exc.checks, timings.rounded(), str(exc))
            raise
    summary = _summary(log, published, started, settings, timings)
    report_run(run.run_id, "completed", outcome_counts(log), published.rows, published.checks, timings.rounded(), None)
    get_run_logger().info("run %s: %s", run.run_id, summary.outcomes)
    for note in summary.notes:
        get_run_logger().warning("run %s: %s", run.run_id, note)
    return summary


def run_ingest(settings: Settings) -> RunSummary:
    """Run the ingest flow with the task runner `settings` asks for."""
    from flows.work import arrow_without_pandas

    arrow_without_pandas()
    run = ingest.with_options(task_runner=task_runner(settings))
    # The parameters Prefect records with the run, as its own serializer (FastAPI's
    # jsonable_encoder) gives them for a pydantic model, without importing FastAPI for it: half a
    # second of every run's start (tests/flows/test_ingest_flow.py compares the two).
    run.serialize_parameters = serialized_parameters  # type: ignore[method-assign]
    summary: RunSummary = run(settings)
    return summary


def serialized_parameters(parameters: dict[str, Any]) -> dict[str, Any]:
    """The flow's parameters as JSON values for the run's record in Prefect (pydantic models, as
    run_ingest passes them; anything else goes to Prefect's own serializer)."""
    if not all(isinstance(value, BaseModel) for value in parameters.values()):
        return ingest.serialize_parameters(parameters)
    return {name: value.model_dump(mode="json", by_alias=True) for name, value in parameters.items()}


def transform_all(
    work: Survey, run: RunInfo, settings: Settings, log: list[LogRow], timings: Timings
) -> list[PartInfo]:
    """Transform the inputs batch by batch in worker processes, storing each batch as it comes back
    in order; at most two batches per worker are in flight, which bounds memory."""
    todo = work.todo
    progress.report("transform", 0, len(todo))
    if not todo:  # a run that found nothing new starts no workers and loads no reference data
        return []
    from flows.seeds import load_resources
    from flows.work import Workers

    # On Dask each batch runs inside a Dask worker (flows/runners.py); no local pool is started.
    # A run of one input is done inline.
    local = settings.workers if len(todo) > 1 and settings.runner == "local" else 0
    size = batch_size(len(todo), local, settings.batch_size)
    run = replace(run, compiled_textrank=use_compiled_textrank(todo, local))
    workers = Workers(local, load_resources(settings.seeds_dir), run.compiled_textrank, settings.seeds_dir)
    normalize = cached(normalize_batch, settings.warehouse_dir)
    pending: list[PartInfo] = []
    loaded: set[str] = set()
    window: list[tuple[int, PrefectFuture[BatchResult] | Future[BatchResult]]] = []

    def drain() -> int:
        n, future = window.pop(0)
        result = future.result()
        timings.add_all(result.seconds, prefix="worker.")
        rows, keep = outcomes(result.items, work.state, loaded, run)
        loaded.update(keep)
        with timings("write"):
            pending.extend(store_batch(n, whole(result), keep, run, settings.parquet_root))
        log.extend(rows)
        return len(result.items)

    done = 0
    try:
        for n, batch in enumerate(batches(todo, size)):
            if settings.runner == "dask":
                window.append((n, transform_here.submit(batch, run, workers.resources)))
            else:
                window.append((n, normalize.submit(workers, batch, run)))
            if len(window) > 2 * settings.workers:
                done += drain()
                progress.report("transform", done, len(todo))
        while window:
            done += drain()
            progress.report("transform", done, len(todo))
    finally:
        workers.close()
    return pending


def _new_run(settings: Settings) -> RunInfo:
    now = dt.datetime.now(dt.UTC)
    return RunInfo(
        run_id=new_run_id(now),
        ingested_at=now.replace(microsecond=0),
        transform_version=transform_version(settings.seeds_dir),
        max_document_bytes=settings.max_document_bytes,
    )


def _flow_run_id() -> str | None:
    ctx = get_run_context()
    flow_run = getattr(ctx, "flow_run", None)
    return str(flow_run.id) if flow_run is not None else None


def _summary(
    log: list[LogRow], published: Published, started: float, settings: Settings, timings: Timings
) -> RunSummary:
    if published.run is None:  # publish was given the run's Commit
        raise RuntimeError("the run was published without its row in `runs`")
    return RunSummary(
        run=published.run,
        outcomes=dict(Counter(r.outcome for r in log)),
        rows=published.rows,
        checks=[(ch.name, ch.failing) for ch in published.checks],
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
        stages=timings.rounded(),
        notes=[published.rebuilt_because] if published.rebuilt_because else [],
    )
