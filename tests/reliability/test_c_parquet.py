"""Catalogue C (items 18-26): the Parquet parts, the warehouse's source of truth.

Parts are written to a hidden temp name and renamed (never visible half-written), never rewritten,
listed with sha256 and row count in a manifest that is the commit point; the loader reads only
listed parts, and `baogao verify` re-reads every page with checksums.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import textwrap
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from store.parts import commit_run, committed_parts, verify_part, write_part
from store.reconcile import sweep
from store.verify import verify
from store.warehouse import create_schema, sync
from tests.reliability.conftest import REPO, Child, tally

PART_ROWS = 200_000

GLOB_READER = textwrap.dedent(
    """
    import json, os, sys, time, duckdb
    folder, stop = sys.argv[1], sys.argv[2]
    con = duckdb.connect()
    con.execute("set threads = 1")
    ok, errors, counts = 0, [], set()
    print("READY", flush=True)
    while not os.path.exists(stop):
        try:
            counts.add(con.execute("select count(*), sum(x) from read_parquet(?)", [folder + "/*.parquet"])
                       .fetchall()[0][0])
            ok += 1
        except duckdb.Error as exc:
            if "No files found" not in str(exc):
                errors.append(str(exc)[:200])
    print("RESULT", json.dumps({"ok": ok, "errors": errors, "counts": sorted(c or 0 for c in counts)}), flush=True)
    """
)


def _table(i: int) -> pa.Table:
    return pa.table({"x": pa.array(range(i * PART_ROWS, (i + 1) * PART_ROWS), pa.int64())})


def _run_reader_while(writer: object, folder: Path, tmp_path: Path, children: list[Child]) -> dict[str, object]:
    stop = tmp_path / "stop"
    reader = Child.start(GLOB_READER, str(folder), str(stop))
    children.append(reader)
    reader.wait_for("READY")
    try:
        writer()  # type: ignore[operator]
    finally:
        stop.touch()
    _, out, _ = reader.finish()
    line = next(ln for ln in out.splitlines() if ln.startswith("RESULT"))
    return json.loads(line.split(" ", 1)[1])  # type: ignore[no-any-return]


@pytest.mark.slow
def test_18_parts_appear_whole_or_not_at_all_under_a_concurrent_glob_reader(
    tmp_path: Path, children: list[Child]
) -> None:
    root = tmp_path / "parquet"
    (root / "t").mkdir(parents=True)

    def publish() -> None:
        for i in range(12):
            write_part(root, "t", f"run-{i:03d}", _table(i))

    got = _run_reader_while(publish, root / "t", tmp_path, children)
    tally("reader queries during publishes", int(got["ok"]))  # type: ignore[call-overload]
    tally("reader errors during publishes", len(got["errors"]))  # type: ignore[arg-type]
    assert got["errors"] == [] and int(got["ok"]) > 20  # type: ignore[call-overload]
    assert all(c % PART_ROWS == 0 for c in got["counts"])  # type: ignore[attr-defined]


@pytest.mark.slow
def test_18_negative_control_writing_parts_in_place_shows_readers_half_written_files(
    tmp_path: Path, children: list[Child]
) -> None:
    folder = tmp_path / "direct"
    folder.mkdir()

    def publish() -> None:
        for i in range(12):
            pq.write_table(_table(i), folder / f"part-{i:03d}.parquet")  # what the pipeline never does

    got = _run_reader_while(publish, folder, tmp_path, children)
    # Timing-dependent: on a busy machine the reader may miss every window; the hazard is §2d's.
    if not got["errors"]:
        pytest.xfail("no reader query landed on a half-written file this time")
    assert any("magic bytes" in e or "too small" in e or "enough bytes" in e for e in got["errors"])  # type: ignore[attr-defined]


@pytest.mark.slow
def test_19_a_part_name_is_never_reused(tmp_path: Path) -> None:
    write_part(tmp_path, "documents", "run-1-00000", pa.table({"doc_id": ["a"]}))
    with pytest.raises(FileExistsError, match="never reused"):
        write_part(tmp_path, "documents", "run-1-00000", pa.table({"doc_id": ["b"]}))
    assert pq.read_table(tmp_path / "documents" / "part-run-1-00000.parquet").column("doc_id").to_pylist() == ["a"]


def test_20_only_uncommitted_parts_and_temp_files_are_swept_and_only_after_the_grace_period(tmp_path: Path) -> None:
    root = tmp_path / "parquet"
    committed = write_part(root, "documents", "run-1-00000", pa.table({"doc_id": ["a"]}))
    commit_run(root, "run-1", [committed], "v1")
    orphan = write_part(root, "documents", "run-2-00000", pa.table({"doc_id": ["b"]}))  # its run died
    temp = root / "documents" / ".part-run-3-00000.parquet.123.tmp"
    temp.write_bytes(b"half")
    staging = tmp_path / ".staging" / "warehouse-run-2.duckdb"
    staging.parent.mkdir()
    staging.write_bytes(b"x")
    now = time.time()
    assert sweep(tmp_path, root, grace=3600, now=now) == []  # too young: may belong to a live run
    removed = sweep(tmp_path, root, grace=3600, now=now + 7200)  # a fake clock two hours on
    assert sorted(p.name for p in removed) == sorted([Path(orphan.path).name, temp.name, staging.name])
    assert (root / committed.path).exists()  # committed parts are never swept, whatever their age
    assert [p.path for p in committed_parts(root)] == [committed.path]


KILLED_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import pyarrow as pa
    import store.parts as store
    root = Path(sys.argv[1])
    real = store.atomic_write_bytes
    def slow(target, data):
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.parent / f".{target.name}.{__import__('os').getpid()}.tmp"
        with tmp.open("wb") as f:
            f.write(data[: len(data) // 2])
            f.flush()
            print("HALF", flush=True)
            __import__("time").sleep(30)  # killed here, mid-write
    store.atomic_write_bytes = slow
    store.write_part(root, "documents", "killed", pa.table({"x": list(range(300000))}))
    """
)


@pytest.mark.slow
def test_21_sigkill_during_a_part_write_leaves_no_final_name_and_the_temp_file_is_swept(
    tmp_path: Path, children: list[Child]
) -> None:
    root = tmp_path / "parquet"
    child = Child.start(KILLED_WRITER, str(root))
    children.append(child)
    child.wait_for("HALF")
    child.kill()
    folder = root / "documents"
    assert not (folder / "part-killed.parquet").exists()
    temps = list(folder.glob(".*.tmp"))
    assert len(temps) == 1
    assert duckdb.sql("select count(*) from glob(?)", params=[str(folder / "*.parquet")]).fetchall() == [(0,)]
    os.utime(temps[0], (time.time() - 7200, time.time() - 7200))
    assert sweep(tmp_path, root, grace=3600) == temps


COPY_TO = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect()
    con.execute("set threads = 1")
    print("GO", flush=True)
    con.execute("copy (select i, md5(i::varchar) as h from range(30000000) r(i)) to '" + sys.argv[1] + "'")
    """
)


@pytest.mark.slow
def test_22_duckdb_copy_to_is_never_used_because_a_kill_leaves_a_partial_file_under_the_final_name(
    tmp_path: Path, children: list[Child]
) -> None:
    target = tmp_path / "out.parquet"
    child = Child.start(COPY_TO, str(target))
    children.append(child)
    child.wait_for("GO")
    deadline = time.monotonic() + 60
    while not (target.exists() and target.stat().st_size > 1_000_000) and time.monotonic() < deadline:
        time.sleep(0.05)
    child.kill()
    if target.exists():  # the hazard: a broken file under the name a glob would read
        with pytest.raises(duckdb.Error, match=r"magic bytes|too small|enough bytes"):
            duckdb.sql("select count(*) from read_parquet(?)", params=[str(target)]).fetchall()
    # No SQL string in the code copies to a file (the pipeline writes parts itself, temp + rename).
    copy_to = re.compile(r"\bcopy\b.*\bto\b", re.IGNORECASE | re.DOTALL)
    for source in (p for d in ("cli", "flows", "sources", "store") for p in (REPO / d).glob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                assert not copy_to.search(node.value) or "select" not in node.value.lower(), (source, node.value)


CORRUPTIONS = {
    "zero_bytes": lambda b: b"",
    "three_bytes": lambda b: b[:3],
    "half": lambda b: b[: len(b) // 2],
    "last_byte_missing": lambda b: b[:-1],
    "garbage": lambda b: os.urandom(len(b)),
}


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_23_a_damaged_part_is_named_by_verify_and_an_unlisted_one_is_never_read(
    kind: str, tmp_path: Path, published: Path
) -> None:
    part = write_part(tmp_path, "documents", "good", pa.table({"doc_id": ["a", "b"]}))
    path = tmp_path / part.path
    path.write_bytes(CORRUPTIONS[kind](path.read_bytes()))
    tally("faults injected: damaged part")
    problem = verify_part(tmp_path, part.path, part.sha256, part.rows)
    assert problem is not None and ("sha256" in problem or "cannot be read" in problem)
    assert verify_part(tmp_path, part.path, None, part.rows) is not None  # even without the manifest's hash
    # A damaged file that no manifest lists is invisible to the loader (it reads listed parts only).
    warehouse = tmp_path / "w"
    shutil.copytree(published, warehouse)
    shutil.copy(path, warehouse / "parquet" / "documents" / f"part-stray-{kind}.parquet")
    report = verify(warehouse)
    assert report.ok and any("stray" in p for p in report.leftovers)


def test_24_silent_page_corruption_is_caught_by_the_scrub_while_duckdb_reads_on(tmp_path: Path) -> None:
    table = pa.table({"v": pa.array([f"值{i:07d}" for i in range(200_000)])})
    part = write_part(tmp_path, "t", "p", table)
    path = tmp_path / part.path
    data = bytearray(path.read_bytes())
    meta = pq.ParquetFile(path).metadata.row_group(0).column(0)
    start = meta.data_page_offset + 200
    data[start : start + 64] = bytes(64)
    path.write_bytes(bytes(data))
    tally("faults injected: page corruption")
    try:
        scanned = duckdb.sql("select count(*), count(distinct v) from read_parquet(?)", params=[str(path)]).fetchall()
        duck_view = f"DuckDB read on: {scanned}"
    except duckdb.Error as exc:
        duck_view = f"DuckDB failed: {exc}"
    assert "DuckDB" in duck_view  # whichever it does, the scrub must name the part:
    assert "sha256" in (verify_part(tmp_path, part.path, part.sha256, part.rows) or "")
    assert "cannot be read" in (verify_part(tmp_path, part.path, None, None) or "")  # page CRC alone catches it


def test_25_a_part_with_a_drifted_schema_is_refused_naming_the_column(tmp_path: Path) -> None:
    root = tmp_path / "parquet"
    drifted = write_part(root, "documents", "drift", pa.table({"doc_id": ["d1"], "surprise": ["x"]}))
    con = duckdb.connect()
    create_schema(con, REPO / "sql" / "00_tables.sql")
    with pytest.raises(duckdb.Error, match="surprise"):
        sync(con, root, [drifted], {"d1"})
    con.close()
