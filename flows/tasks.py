"""The ingest's tasks: each does one I/O step, or hands one batch to the transforms."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pyarrow as pa
import pyarrow.compute as pc
from prefect import task
from prefect.cache_policies import NO_CACHE, CacheKeyFnPolicy
from prefect.utilities.annotations import quote

from flows.settings import Settings
from flows.survey import Survey, survey_inputs
from flows.timings import Timings
from sources.base import WorkItem
from sources.discover import stamps
from store.parts import PartInfo, Root, write_part
from store.publish import Commit, Published, Warehouse, publish
from store.state import save_state
from transforms.arrow import to_table
from transforms.ledger import LedgerState, LogRow
from transforms.models import RunInfo
from transforms.tables import TABLES

if TYPE_CHECKING:  # the transforms themselves are imported only by a run that has work for them
    from flows.work import BatchResult, Workers

CACHE = ".cache"
T = TypeVar("T")


def whole(value: T) -> T:
    """`value` passed to a Prefect task as it is. Prefect otherwise walks every element of every
    parameter looking for futures, twice per call, which for a ledger of every input grows with
    the corpus."""
    return cast(T, quote(value))


# One task for the reading steps, so a nightly run pays Prefect's per-task cost once for them. It
# retries: a share that hiccups or a file briefly locked should not fail the night's run, and
# reading again is harmless.
@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def survey(settings: Settings, run: RunInfo) -> Survey:
    """Find the inputs, read the ledger, and split the inputs into work and decided outcomes."""
    return survey_inputs(settings, run, spool=settings.warehouse.spool(run.run_id))


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


def cached(task_: Any, warehouse_dir: Path) -> Any:
    """`task_` with its results kept in the warehouse's cache folder under batch_cache_key, so a run
    that dies resumes without transforming again what it had finished. The folder is emptied once
    a run commits: from then on the ledger, not the cache, says what is done."""
    cache_dir = (warehouse_dir / CACHE).absolute()
    return task_.with_options(
        cache_policy=CacheKeyFnPolicy(cache_key_fn=batch_cache_key, key_storage=cache_dir / "keys"),
        persist_result=True,
        # A folder, not a storage block: a block object must first be saved on the server (one
        # per warehouse folder, kept there for good), while a path needs nothing registered.
        result_storage=cache_dir,
        # Prefect keeps up to 1,000 results in memory by default: every batch of a backfill, so
        # the flow's memory would grow with the corpus. They are on disk.
        cache_result_in_memory=False,
        cache_expiration=dt.timedelta(days=7),
    )


@task(cache_policy=NO_CACHE)
def store_batch(batch_no: int, result: BatchResult, keep: list[str], run: RunInfo, root: Root) -> list[PartInfo]:
    """Write the rows of the batch's documents in `keep` as Parquet parts, one per table."""
    parts: list[PartInfo] = []
    if keep:
        wanted = pa.array(keep, type=pa.string())
        for table, data in result.tables.items():
            chosen = data.filter(pc.is_in(data.column("doc_id"), value_set=wanted))
            if table == "documents":  # a batch resumed from the cache is stamped with this run
                chosen = _stamp(chosen, run)
            if chosen.num_rows or table == "documents":
                parts.append(write_part(root, table, f"{run.run_id}-{batch_no:05d}", chosen))
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
def write_ledger(root: Root, run: RunInfo, log: list[LogRow]) -> PartInfo:
    """The run's ledger part: one row per input it saw."""
    ledger = TABLES["ingest_log"]
    return write_part(root, ledger.name, f"{run.run_id}-ledger", to_table(log, ledger.schema, ledger.key))


@task(cache_policy=NO_CACHE)
def publish_run(
    wh: Warehouse, run: RunInfo, parts: list[PartInfo], keep: set[str], commit: Commit, timings: Timings
) -> Published:
    """Build, check, commit and swap in the warehouse of `parts` (store.publish)."""
    return publish(wh, run.run_id, parts, keep, commit, timed=timings)


@task(cache_policy=NO_CACHE)
def remember(settings: Settings, run: RunInfo, work: Survey, ledger: PartInfo, state: LedgerState) -> None:
    """Keep what the committed run knows for the next one (store.state); its batch cache is done."""
    shutil.rmtree(settings.warehouse_dir / CACHE, ignore_errors=True)
    paths = [*work.ledger_parts, ledger.path]
    save_state(settings.warehouse_dir, run.transform_version, paths, state, stamps(work.found))
