"""CPU-bound work: reading and transforming a batch of inputs, in a worker process or inline.

Worker processes are started once per ingest and receive the reference data once (in their
initializer), so each batch costs only its own work. On a Dask cluster (flows/runners.py) the
batch runs in the Dask worker's own process instead, with the reference data passed along.

Every batch also returns the seconds its documents spent in each stage (`STAGES`), summed over
the batch; `baogao ingest` and the benchmark (bench/) add them up per run.

`baogao ingest` starts the pool early (`start_early`), before it imports Prefect: the workers load
the transforms and reference data on the other cores while the command loads Prefect and starts
the flow, whose `Workers` then take the pool over. The transforms themselves are imported only
where the work runs (the flow's process needs them only for a run done inline).
"""

from __future__ import annotations

import atexit
import gc
import importlib.abc
import os
import sys
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from flows.timings import Timings
from sources.base import WorkItem
from sources.registry import read_item
from store.lock import LOCK_NAME
from transforms.arrow import to_table
from transforms.models import DocumentRows, Reject, RunInfo, SourceDoc
from transforms.resources import Resources
from transforms.tables import DOCUMENT_TABLES

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


def arrow_without_pandas() -> None:
    """Have pyarrow settle now, in this process, that no pandas objects come its way: otherwise the
    first array it builds from Python values imports pandas (a third of a second or more of CPU)
    only to check that those values are not pandas objects. Every array baogao builds has its type
    given, which is all pyarrow then needs; `to_pandas()` still imports pandas when called."""
    if "pandas" in sys.modules:
        return

    class _NoPandas(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, path: object = None, target: object = None) -> None:
            if name == "pandas":
                raise ImportError("pandas is not needed to build arrays of a known type")

    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pa.array([], type=pa.string())
    finally:
        sys.meta_path.remove(finder)


def init_worker(resources: Resources, compiled_textrank: bool = False, parent: int | None = None) -> None:
    global _resources
    _resources = resources
    if parent is None:
        _detach_from_parent(os.getppid())
    arrow_without_pandas()
    # What every document needs built once per process, built now rather than inside the first
    # batch: the transforms' modules, the region index (one large compiled pattern) and the tokenizer.
    import transforms.pipeline  # noqa: F401
    from transforms.regions import region_index
    from transforms.segment import segment_text

    region_index(resources.regions)
    segment_text("", resources.user_words)
    if compiled_textrank:  # numba imported and the kernel loaded now, not inside the first batch
        from transforms.terms import textrank_scores_compiled

        textrank_scores_compiled(("发展", "经济"), ["vn", "n"], frozenset())
    # What the worker holds for its lifetime (modules, reference data) is moved out of the
    # garbage collector's sight: full collections then scan only the batch's own objects.
    gc.freeze()


def _detach_from_parent(parent: int) -> None:
    """A forked worker shares its parent's open files, the writer lock among them: an ingest
    killed with SIGKILL would leave its orphaned workers holding the lock, and the next ingest
    would wait for them in vain (tests/flows/test_publishing.py, first_part). So the
    worker closes its copy of the lock (the parent's copy keeps it held), and exits once its
    parent (`parent`, the pid the parent gave: one that died before this line ran is gone too)
    is gone instead of waiting forever for work."""
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
    from transforms.pipeline import process

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
    thread runner's threads would run several batches at once in one interpreter).

    A pool `start_early` started for the same number of workers and reference data is taken
    over (`seeds_dir` says which reference data `resources` was loaded from)."""

    def __init__(
        self, workers: int, resources: Resources, compiled_textrank: bool = False, seeds_dir: Path | None = None
    ) -> None:
        self.resources = resources
        self.pool = _take_early(workers, seeds_dir) if workers >= 1 else None
        if self.pool is None and workers >= 1:
            self.pool = ProcessPoolExecutor(
                max_workers=workers, initializer=_init, initargs=(os.getpid(), resources, compiled_textrank)
            )
        discard_early()  # one not taken over (another size, or a run done inline) is not needed

    def run(self, items: list[WorkItem], run: RunInfo) -> BatchResult:
        if self.pool is None:
            return process_batch(items, run, self.resources)
        return self.pool.submit(process_batch, items, run).result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


# The pool start_early started and no Workers took over yet: (workers, seeds_dir, pool).
_early: tuple[int, Path, ProcessPoolExecutor] | None = None


def _init(parent: int, resources: Resources, compiled_textrank: bool) -> None:
    _detach_from_parent(parent)
    init_worker(resources, compiled_textrank, parent)


def _init_early(parent: int, seeds_dir: Path) -> None:
    _detach_from_parent(parent)
    from flows.seeds import load_resources

    init_worker(load_resources(seeds_dir), parent=parent)


def _ready() -> None:
    return None


def start_early(workers: int, seeds_dir: Path) -> None:
    """Start `workers` worker processes now, each loading the transforms and the reference data of
    `seeds_dir`, for the next `Workers` of this process to take over. TextRank's compiled engine,
    when a run chooses it, is then loaded by each worker at its first use."""
    global _early
    if workers < 1 or _early is not None:
        return
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_init_early, initargs=(os.getpid(), seeds_dir))
    pool.submit(_ready)  # a pool starts its processes with its first task
    _early = (workers, seeds_dir.resolve(), pool)
    atexit.register(discard_early)


def _take_early(workers: int, seeds_dir: Path | None) -> ProcessPoolExecutor | None:
    global _early
    if _early is None or seeds_dir is None or _early[:2] != (workers, seeds_dir.resolve()):
        return None
    pool = _early[2]
    _early = None
    return pool


def discard_early() -> None:
    """Stop the pool start_early started, if no Workers took it over."""
    global _early
    if _early is not None:
        _early[2].shutdown(wait=False, cancel_futures=True)
        _early = None
