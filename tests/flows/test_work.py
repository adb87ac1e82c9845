"""Worker processes and the choice of TextRank engine, with a real process pool."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

import flows.work
from flows.plan import COMPILED_TEXTRANK_BYTES_PER_WORKER, batch_size, batches, use_compiled_textrank
from flows.seeds import load_resources
from flows.work import Workers, discard_early, start_early
from sources.base import WorkItem
from tests.conftest import CPPCC, SEEDS
from transforms.pipeline import RunInfo


def _item(path: Path, size: int | None = None) -> WorkItem:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return WorkItem(uri=str(path), name=path.name, kind="text", content_sha256=digest, path=path, size=size or 0)


def test_textrank_is_compiled_only_when_every_worker_has_enough_input() -> None:
    small = [_item(p, p.stat().st_size) for p in CPPCC]
    assert not use_compiled_textrank(small, 2)
    big = [_item(CPPCC[0], COMPILED_TEXTRANK_BYTES_PER_WORKER)]
    assert use_compiled_textrank(big, 1)
    assert not use_compiled_textrank(big, 2)
    rows = [WorkItem(uri="x", name="x", kind="corpus_jsonl", content_sha256="0" * 64, text="字" * 3_000_000)]
    assert use_compiled_textrank(rows, 2)  # a corpus row counts its text as UTF-8 bytes


@pytest.mark.slow
def test_a_worker_with_the_compiled_engine_gives_the_same_rows(tmp_path: Path) -> None:
    resources = load_resources(SEEDS)
    items = [_item(p, p.stat().st_size) for p in CPPCC]
    run = RunInfo("t", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    plain = Workers(1, resources)
    compiled = Workers(1, resources, compiled_textrank=True)
    try:
        a = plain.run(items, run)
        b = compiled.run(items, RunInfo("t", run.ingested_at, compiled_textrank=True))
    finally:
        plain.close()
        compiled.close()
    assert a.tables["keywords"].num_rows == 60
    assert a.tables["keywords"].equals(b.tables["keywords"])
    assert a.tables["terms"].equals(b.tables["terms"])


def test_a_pool_started_early_is_taken_over_and_gives_the_same_rows() -> None:
    resources = load_resources(SEEDS)
    items = [_item(p, p.stat().st_size) for p in CPPCC]
    run = RunInfo("t", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    start_early(2, SEEDS)
    assert flows.work._early is not None
    early_pool = flows.work._early[2]
    early = Workers(2, resources, seeds_dir=SEEDS)
    fresh = Workers(2, resources)
    try:
        assert early.pool is early_pool and flows.work._early is None
        assert fresh.pool is not early_pool
        a, b = early.run(items, run), fresh.run(items, run)
    finally:
        early.close()
        fresh.close()
    for table, data in a.tables.items():
        assert data.equals(b.tables[table]), table
    assert a.tables["documents"].num_rows == len(CPPCC)


def test_a_pool_started_early_for_another_size_is_stopped_not_used() -> None:
    start_early(2, SEEDS)
    assert flows.work._early is not None
    pool = flows.work._early[2]
    workers = Workers(1, load_resources(SEEDS), seeds_dir=SEEDS)
    try:
        assert workers.pool is not pool and flows.work._early is None
        assert pool._shutdown_thread  # stopped
    finally:
        workers.close()
        discard_early()


def test_building_a_batchs_tables_imports_no_pandas() -> None:
    """pyarrow imports pandas to sniff untyped values; a worker builds typed arrays only."""
    code = f"""
import datetime as dt, hashlib, sys
from pathlib import Path
from flows.seeds import load_resources
from flows.work import arrow_without_pandas, process_batch
from sources.base import WorkItem
from transforms.models import RunInfo
arrow_without_pandas()
p = Path({str(CPPCC[0])!r})
sha = hashlib.sha256(p.read_bytes()).hexdigest()
item = WorkItem(uri=str(p), name=p.name, kind="text", content_sha256=sha, path=p, size=p.stat().st_size)
run = RunInfo("t", dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
result = process_batch([item], run, load_resources(Path({str(SEEDS)!r})))
assert result.tables["sentences"].num_rows > 100
assert "pandas" not in sys.modules, "pandas imported"
assert len(result.tables["terms"].to_pandas()) == result.tables["terms"].num_rows  # still there when asked for
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=SEEDS.parent)
    assert done.returncode == 0, done.stderr


def test_the_readme_states_the_threshold_for_compiled_textrank() -> None:
    readme = (SEEDS.parent / "README.md").read_text(encoding="utf-8")
    mb = COMPILED_TEXTRANK_BYTES_PER_WORKER // (1024 * 1024)
    assert f"less than {mb} MB of input per worker" in readme


@pytest.mark.parametrize(
    ("n", "workers", "most", "sizes"),
    [
        (10, 2, 16, [5, 5]),  # a nightly handful: one batch per worker
        (40, 2, 16, [10, 10, 10, 10]),  # not 16, 16, 8: one worker would get 24 of 40
        (893, 2, 16, [16] * 55 + [13]),
        (1, 2, 16, [1]),
        (7, 0, 16, [7]),  # inline
    ],
)
def test_batches_split_the_inputs_evenly_over_the_workers(n: int, workers: int, most: int, sizes: list[int]) -> None:
    items = [WorkItem(uri=f"file:///r/{i}.txt", name=f"{i}.txt", kind="text", content_sha256="x") for i in range(n)]
    assert [len(b) for b in batches(items, batch_size(n, workers, most))] == sizes
