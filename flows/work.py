"""CPU-bound work: reading and transforming a batch of inputs, in a worker process or inline.

Worker processes are started once per ingest and receive the reference data once (in their
initializer), so each batch costs only its own work. On a Dask cluster (flows/runners.py) the
batch runs in the Dask worker's own process instead, with the reference data passed along.

Every batch also returns the seconds its documents spent in each stage (`STAGES`), summed over
the batch; `baogao ingest` and the benchmark (bench/) add them up per run.
"""

from __future__ import annotations

import gc
import os
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import pyarrow as pa

from flows.timings import Timings
from sources.base import WorkItem
from sources.registry import read_item
from store.lock import LOCK_NAME
from transforms.arrow import to_table
from transforms.models import DocumentRows, Reject, RunInfo, SourceDoc
from transforms.pipeline import process
from transforms.resources import Resources
from transforms.tables import DOCUMENT_TABLES
from transforms.terms import textrank_scores_compiled

# Worker-side stages, in pipeline order: reading and decoding the input, then the stages
# transforms.pipeline.process reports through its `lap` callback, then building Arrow tables.
STAGES = (
    "read",
    "clean",
    "metadata",
    "structure",
    "segment",
    "metrics",
    "entities",
    "terms",
    "themes",
    "other",
    "rows",
)


@dataclass(frozen=True)
class ItemResult:
    uri: str
    name: str
    content_sha256: str
    doc_id: str | None
    reject: Reject | None
    counts: tuple[tuple[str, int], ...] = ()
    note: str | None = None  # what reading the input repaired (transforms.decode.Decoded.note)


@dataclass
class BatchResult:
    items: list[ItemResult] = field(default_factory=list)
    tables: dict[str, pa.Table] = field(default_factory=dict)
    # Seconds per stage (STAGES) over the batch, measured in the process that did the work.
    seconds: dict[str, float] = field(default_factory=dict)
    chars: int = 0  # characters of normalized text produced


_resources: Resources | None = None


def init_worker(resources: Resources, compiled_textrank: bool = False) -> None:
    global _resources
    _resources = resources
    _detach_from_parent()
    if compiled_textrank:  # numba imported and the kernel loaded now, not inside the first batch
        textrank_scores_compiled(("发展", "经济"), ["vn", "n"], frozenset())
    # What the worker holds for its lifetime (modules, reference data) is moved out of the
    # garbage collector's sight: full collections then scan only the batch's own objects.
    gc.freeze()


def _detach_from_parent() -> None:
    """A forked worker shares its parent's open files, the writer lock among them: an ingest
    killed with SIGKILL would leave its orphaned workers holding the lock, and the next ingest
    would wait for them in vain (tests/flows/test_publishing.py, first_part). So the
    worker closes its copy of the lock (the parent's copy keeps it held), and exits once its
    parent is gone instead of waiting forever for work."""
    parent = os.getppid()
    fds = "/proc/self/fd"
    for name in os.listdir(fds) if os.path.isdir(fds) else []:
        try:
            if os.readlink(f"{fds}/{name}").endswith("/" + LOCK_NAME):
                os.close(int(name))
        except OSError:
            continue

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def process_batch(items: list[WorkItem], run: RunInfo, resources: Resources | None = None) -> BatchResult:
    """Read and transform every item; a failure of one item is that item's reject, never the batch's."""
    res = resources or _resources
    assert res is not None, "worker not initialised with resources"
    result = BatchResult()
    docs: list[DocumentRows] = []
    clock = Timings()
    for item in items:
        try:
            source = read_item(item)
            clock.lap("read")
            out = source if isinstance(source, Reject) else process(source, res, run, clock.lap)
        except Exception as exc:  # a bug in a transform must cost one document, not the run
            last = traceback.extract_tb(exc.__traceback__)[-1]
            out = Reject(
                source_uri=item.uri,
                source_name=item.name,
                reason_code="transform_error",
                message=f"baogao failed on this input ({type(exc).__name__}: {exc} at "
                f"{last.filename.rsplit('/', 1)[-1]}:{last.lineno}); please report it with the file",
            )
        clock.lap("other")  # whatever process() did after its last lap (building DocumentRows)
        if isinstance(out, Reject):
            result.items.append(ItemResult(item.uri, item.name, item.content_sha256, None, out))
        else:
            # Two inputs of one batch with the same text (a copy under another name) share a doc_id:
            # its rows go in once, or the batch would hold every row twice.
            if all(d.document.doc_id != out.document.doc_id for d in docs):
                docs.append(out)
            result.chars += out.document.char_count
            counts = tuple((t.name, len(getattr(out, t.rows))) for t in DOCUMENT_TABLES if t.name != "documents")
            note = source.decode_note if isinstance(source, SourceDoc) else None
            result.items.append(
                ItemResult(item.uri, item.name, item.content_sha256, out.document.doc_id, None, counts, note)
            )
    for table in DOCUMENT_TABLES:
        attr = table.rows
        rows = [d.document for d in docs] if attr == "document" else [r for d in docs for r in getattr(d, attr)]
        result.tables[table.name] = to_table(rows, table.schema, table.key)
    clock.lap("rows")
    result.seconds = clock.rounded(4)
    return result


class Workers:
    """A process pool of `workers` processes started once per ingest, or inline work in the
    calling thread when workers == 0 (a run too small to be worth starting a process).

    One worker is a process too: the flow's process then writes Parquet while the worker
    transforms the next batch, and batches in flight do not contend for one GIL (inline, the
    thread runner's threads would run several batches at once in one interpreter)."""

    def __init__(self, workers: int, resources: Resources, compiled_textrank: bool = False) -> None:
        self.resources = resources
        self.pool = (
            ProcessPoolExecutor(max_workers=workers, initializer=init_worker, initargs=(resources, compiled_textrank))
            if workers >= 1
            else None
        )

    def run(self, items: list[WorkItem], run: RunInfo) -> BatchResult:
        if self.pool is None:
            return process_batch(items, run, self.resources)
        return self.pool.submit(process_batch, items, run).result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
