"""Catalogue A (items 1-9): crashes and atomicity of DuckDB writes.

Children write a real DuckDB file with `threads=1` and are killed with SIGKILL at fractions of a
runtime calibrated once per test; after each kill the file must open and hold one of the two
allowed states, never a mix. Items 6 and 8 run the real ingest flow (item 6 with a real kill lives
in test_e_prefect.py, where the killed run's Prefect state is checked too).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest
from flows.settings import Settings
from store import publish
from store.lock import writer_lock
from store.verify import classify_db_error, health_check
from tests.reliability.conftest import Child, child_env, duck, tally, write_reports
from transforms import pipeline

pytestmark = [pytest.mark.canary, pytest.mark.slow]  # DuckDB's crash behaviour: run again on every duckdb bump

ROWS = 1_000_000

WRITER = textwrap.dedent(
    """
    import sys, duckdb
    db, mode, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
    con = duckdb.connect(db)
    con.execute("set threads = 1")
    print("GO", flush=True)
    if mode == "replace":  # a batch reload: delete the old rows and insert the new, one transaction
        con.execute("begin")
        con.execute("delete from t")
        con.execute(f"insert into t select i, 'new', md5(i::varchar) from range({rows}) r(i)")
        con.execute("commit")
    elif mode == "rollup":  # a rollup rebuilt in place
        con.execute(f"create or replace table rollup as select i % 1000 as k, count(*) as n, 'new' as tag "
                    f"from range({rows}) r(i) group by all")
    print("DONE", flush=True)
    """
)


def seed_db(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("create table t as select i, 'old' as tag, md5(i::varchar) as h from range(1000) r(i)")
    con.execute("create table rollup as select i as k, 1 as n, 'old' as tag from range(10) r(i)")
    con.execute("checkpoint")
    con.close()


def state(path: Path, mode: str) -> tuple[str, int]:
    """('old'|'new'|mixed tags, rows) after reopening read-write, plus a CHECKPOINT health check."""
    con = duckdb.connect(str(path))
    try:
        table = "t" if mode == "replace" else "rollup"
        tags = con.execute(f"select string_agg(distinct tag, ',' order by tag) from {table}").fetchall()[0][0]
        rows = con.execute(f"select count(*) from {table}").fetchall()[0][0]
        con.execute("checkpoint")
    finally:
        con.close()
    return tags, rows


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, float]:
    """Seconds from GO to DONE of each write, measured once on this machine."""
    out = {}
    for mode in ("replace", "rollup"):
        db = tmp_path_factory.mktemp("cal") / "cal.duckdb"
        seed_db(db)
        child = Child.start(WRITER, str(db), mode, str(ROWS))
        t0 = child.wait_for("GO")
        t1 = child.wait_for("DONE")
        child.finish()
        out[mode] = t1 - t0
    return out


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["replace", "rollup"])
def test_1_2_sigkill_during_a_load_or_rollup_rebuild_leaves_the_old_or_the_new_state(
    mode: str, calibrated: dict[str, float], tmp_path: Path, children: list[Child]
) -> None:
    seen = []
    corrupt = []
    for i, fraction in enumerate((0.15, 0.45, 0.8, 1.05)):
        db = tmp_path / f"{mode}-{i}.duckdb"
        seed_db(db)
        child = Child.start(WRITER, str(db), mode, str(ROWS))
        children.append(child)
        child.wait_for("GO")
        time.sleep(fraction * calibrated[mode])
        child.kill()
        try:
            tags, rows = state(db, mode)
        except duckdb.Error as exc:
            # Seen once in ~400 kills on DuckDB 2.0.0 (a kill during the checkpoint at connection
            # close, after the statement returned): "Corrupt database file: computed checksum ... in
            # block at location 12288", with or without the WAL. Upstream bug; baogao never writes
            # the published file in place, so it costs a staging file, never the warehouse.
            assert health_check(db) == "checksum", exc
            corrupt.append((fraction, str(exc)))
            continue
        old = ("old", 1000) if mode == "replace" else ("old", 10)
        assert (tags, rows) in (old, ("new", ROWS if mode == "replace" else 1000)), (fraction, tags, rows)
        seen.append(tags)
    assert seen and seen[0] == "old"  # the early kill really interrupted the write
    if corrupt:
        pytest.xfail(f"DuckDB left a corrupt file after SIGKILL: {corrupt}")


CHECKPOINTER = textwrap.dedent(
    """
    import sys, duckdb
    db = sys.argv[1]
    con = duckdb.connect(db)
    con.execute("set threads = 1")
    con.execute("set wal_autocheckpoint = '1TB'")
    con.execute("pragma disable_checkpoint_on_shutdown")
    for b in range(40):
        con.execute(f"insert into t select i, 'c{b}', md5(i::varchar) from range(25000) r(i)")
    print("GO", flush=True)
    con.execute("checkpoint")
    print("DONE", flush=True)
    """
)


@pytest.mark.slow
def test_3_sigkill_during_checkpoint_of_a_large_wal_loses_no_committed_row(
    tmp_path: Path, children: list[Child]
) -> None:
    db = tmp_path / "cal.duckdb"
    seed_db(db)
    child = Child.start(CHECKPOINTER, str(db))
    t0 = child.wait_for("GO")
    assert Path(str(db) + ".wal").stat().st_size > 5_000_000
    runtime = child.wait_for("DONE") - t0
    child.finish()
    for fraction in (0.2, 0.6):
        db = tmp_path / f"k{fraction}.duckdb"
        seed_db(db)
        child = Child.start(CHECKPOINTER, str(db))
        children.append(child)
        child.wait_for("GO")
        time.sleep(fraction * runtime)
        child.kill()
        assert duck(db, "select count(*) from t") == [(1000 + 40 * 25000,)]


DDL_CHILD = textwrap.dedent(
    """
    import os, signal, sys, duckdb
    db, case = sys.argv[1], sys.argv[2]
    con = duckdb.connect(db)
    con.execute("create table t (id integer primary key, v varchar)")
    con.execute("insert into t select i, 'v' || i from range(1000) r(i)")
    con.execute("checkpoint")
    con.execute("pragma disable_checkpoint_on_shutdown")
    con.execute("set wal_autocheckpoint = '1TB'")
    statements = {
        "add_column": ["alter table t add column w integer default 7"],
        "alter_type": ["alter table t alter v type varchar(100)", "create table u as select * from t"],
        "create_index": ["create index t_v on t (v)"],
        "drop_index": ["create index t_v on t (v)", "checkpoint", "drop index t_v"],
        "rename": ["alter table t rename to t2", "create view t as select * from t2"],
        "pk_delete_insert": ["delete from t where id = 5", "insert into t values (5, 'again')"],
        "unique_upsert": ["create table k (id integer, v varchar)", "create unique index k_id on k (id)",
                          "insert into k values (1, 'a')", "insert into k values (1, 'b') on conflict do nothing"],
    }[case]
    for s in statements:
        con.execute(s)
    print("COMMITTED", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


@pytest.mark.parametrize(
    "case", ["add_column", "alter_type", "create_index", "drop_index", "rename", "pk_delete_insert", "unique_upsert"]
)
def test_4_committed_ddl_still_in_the_wal_replays_after_a_kill(case: str, tmp_path: Path) -> None:
    """Upgrade canary for A10 (WAL replay failures after DDL): if one of these starts failing on a
    new DuckDB, the published file is unaffected (nothing writes it) and `baogao rebuild` recovers
    a staging file; the test then records the error text."""
    db = tmp_path / f"{case}.duckdb"
    proc = subprocess.run(
        [sys.executable, "-c", DDL_CHILD, str(db), case], capture_output=True, text=True, env=child_env(), timeout=120
    )
    tally("faults injected: SIGKILL")
    assert "COMMITTED" in proc.stdout, proc.stderr
    assert os.path.exists(str(db) + ".wal")
    try:
        con = duckdb.connect(str(db))
    except duckdb.Error as exc:  # record the exact error for the upstream report
        pytest.xfail(f"WAL replay failed after {case}: {exc}")
    try:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        if case == "rename":
            assert "t2" in tables
            assert con.execute("select count(*) from t").fetchall() == [(1000,)]
        elif case == "pk_delete_insert":
            assert con.execute("select v from t where id = 5").fetchall() == [("again",)]
        elif case == "unique_upsert":
            assert con.execute("select * from k").fetchall() == [(1, "a")]
        elif case == "add_column":
            assert con.execute("select distinct w from t").fetchall() == [(7,)]
        else:
            assert con.execute("select count(*) from t").fetchall() == [(1000,)]
        con.execute("checkpoint")
    finally:
        con.close()


def _db_with_wal(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("create table t as select i from range(1000) r(i)")
    con.execute("checkpoint")
    con.execute("pragma disable_checkpoint_on_shutdown")
    con.execute("set wal_autocheckpoint = '1TB'")
    for b in range(5):
        con.execute(f"insert into t select i from range({b * 10000}, {(b + 1) * 10000}) r(i)")
    con.close()


def test_5_a_torn_wal_tail_loses_at_most_the_last_transaction(tmp_path: Path) -> None:
    db = tmp_path / "torn.duckdb"
    _db_with_wal(db)
    wal = Path(str(db) + ".wal")
    with wal.open("r+b") as f:
        f.truncate(wal.stat().st_size - 100)
    tally("faults injected: WAL damage")
    con = duckdb.connect(str(db))  # opens: replay stops at the torn entry
    (n,) = con.execute("select count(*) from t").fetchall()[0]
    con.close()
    assert n in (41_000, 51_000)  # the cut transaction is dropped, nothing else


def test_5_a_corrupted_wal_refuses_to_open_and_is_classified_never_deleted(tmp_path: Path) -> None:
    db = tmp_path / "flip.duckdb"
    _db_with_wal(db)
    wal = Path(str(db) + ".wal")
    size = wal.stat().st_size
    with wal.open("r+b") as f:
        f.seek(size // 2)
        f.write(b"\xde\xad\xbe\xef")
    tally("faults injected: WAL damage")
    with pytest.raises(duckdb.Error, match=r"Corrupt WAL file|checksum") as info:
        duckdb.connect(str(db))
    assert classify_db_error(str(info.value))[0] == "wal"
    assert health_check(db) in ("wal", "checksum")
    assert wal.exists() and wal.stat().st_size == size  # nothing of ours deletes a WAL


FULL_DISK = textwrap.dedent(
    """
    import os, resource, signal, sys
    from pathlib import Path
    import duckdb
    import pyarrow as pa
    from store.parts import write_part
    db, root = sys.argv[1], Path(sys.argv[2])
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (20 * 1024 * 1024, 20 * 1024 * 1024))
    con = duckdb.connect(db)
    con.execute("set threads = 1")
    try:
        con.execute("insert into t select i, 'new', repeat(md5(i::varchar), 4) from range(2000000) r(i)")
        print("INSERT ok")
    except duckdb.Error as exc:
        print("INSERT", type(exc).__name__, exc)
    print("AFTER", con.execute("select count(*) from t").fetchall()[0][0])
    con.close()
    try:
        noise = os.urandom(30 * 1024 * 1024)  # incompressible, so the part really is 30 MB
        write_part(root, "documents", "full", pa.table({"x": [noise[i:i + 1024] for i in range(0, len(noise), 1024)]}))
        print("PART ok")
    except OSError as exc:
        print("PART", type(exc).__name__, exc)
    """
)


def test_7_a_full_disk_fails_the_write_cleanly_and_keeps_the_old_state(tmp_path: Path) -> None:
    db = tmp_path / "full.duckdb"
    seed_db(db)
    root = tmp_path / "parquet"
    proc = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(db), str(root)],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=300,
    )
    tally("faults injected: disk full", 2)
    out = proc.stdout
    assert "INSERT IOException" in out and "File too large" in out, (out, proc.stderr[-2000:])
    assert "AFTER 1000" in out  # the failed statement rolled back; the connection still works
    assert "PART OSError" in out and "File too large" in out
    assert duck(db, "select count(*), min(tag), max(tag) from t") == [(1000, "old", "old")]
    assert not (root / "documents" / "part-full.parquet").exists()  # never under its final name


@pytest.fixture
def small_corpus(tmp_path: Path, paragraphs: list[str]) -> Path:
    src = tmp_path / "in"
    write_reports(src, paragraphs, 30, 3)
    return src


def test_8_an_exception_on_one_document_costs_that_document_only(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
) -> None:
    real = pipeline.process
    calls = {"n": 0}

    def flaky(source, resources, run, lap=None):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("injected failure in a transform")
        return real(source, resources, run, lap) if lap is not None else real(source, resources, run)

    monkeypatch.setattr(pipeline, "process", flaky)  # process_batch looks it up at each call
    tally("faults injected: exception")
    summary = ingest(Settings(sources=[small_corpus], warehouse_dir=tmp_path / "w", workers=1, batch_size=8))
    assert (summary.run.docs_new, summary.run.docs_rejected) == (2, 1)
    (reason, message) = duck(
        tmp_path / "w" / "warehouse.duckdb", "select reason_code, message from ingest_log where outcome = 'rejected'"
    )[0]
    assert reason == "transform_error" and "injected failure" in message


def test_8_an_exception_while_publishing_fails_the_run_and_changes_nothing(
    small_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefect_harness: None
) -> None:
    warehouse = tmp_path / "w"
    settings = Settings(sources=[small_corpus], warehouse_dir=warehouse, workers=1, batch_size=8)
    ingest(settings)
    db = warehouse / "warehouse.duckdb"
    before = duck(db, "select doc_id from documents order by 1")
    size = db.stat().st_size
    (small_corpus / "new.txt").write_text("政协工作报告\n" + "新增的一段报告正文，写得很长。" * 20, encoding="utf-8")

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("injected failure while building the warehouse")

    monkeypatch.setattr(publish, "build", broken)
    tally("faults injected: exception")
    with pytest.raises(Exception, match="injected failure"):
        ingest(settings)
    assert duck(db, "select doc_id from documents order by 1") == before
    # The failure is recorded (runs.status) in a copy swapped in; the file never grows past its data.
    assert duck(db, "select status from runs order by started_at") == [("completed",), ("failed",)]
    assert db.stat().st_size < 2 * size  # 9: nothing bloats the published file
    with writer_lock(warehouse, "after-failure", 1):  # the lock was released
        pass
    con = duckdb.connect(str(db), read_only=True)  # and no connection holds the file
    con.close()
