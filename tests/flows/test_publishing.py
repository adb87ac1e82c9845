"""Publishing while people read: real reader processes, a real SIGKILL, a real second writer."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from flows.ingest import RunSummary, ingest
from flows.rebuild import rebuild
from flows.settings import Settings
from store.checks import QualityGateFailed
from store.lock import LockTimeout
from store.warehouse import DOC_TABLES
from tests.conftest import CPPCC, NATIONAL, REPO, SEEDS

pytestmark = pytest.mark.usefixtures("prefect_harness")


def settings(sources: list[Path], warehouse: Path, **kw: object) -> Settings:
    return Settings(sources=sources, warehouse_dir=warehouse, workers=1, batch_size=8, **kw)  # type: ignore[arg-type]


def child_env() -> dict[str, str]:
    """Environment for a child process that talks to this session's Prefect test server."""
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ)
    env["PREFECT_API_URL"] = str(PREFECT_API_URL.value())
    env["PYTHONPATH"] = str(REPO)
    return env


def table_snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"select * from {t} order by all").fetchall()
            for t in (*DOC_TABLES, "entities", "term_years")
        }
    finally:
        con.close()


READER = textwrap.dedent(
    """
    import json, sys, time
    import duckdb
    db, stop, out = sys.argv[1], sys.argv[2], sys.argv[3]
    held = duckdb.connect(db, read_only=True)           # a BI tool holding the file all along
    first = held.execute("select count(*) from documents").fetchall()[0][0]
    errors, queries, worst = [], 0, 0.0
    import os
    while not os.path.exists(stop):
        t0 = time.monotonic()
        try:
            fresh = duckdb.connect(db, read_only=True)  # a new connection per query, like a dashboard
            fresh.execute("select count(*), sum(char_count) from documents").fetchall()
            fresh.execute("select count(*) from v_indicator_values").fetchall()
            fresh.close()
            held.execute("select count(*) from sentences").fetchall()
            queries += 1
        except Exception as exc:
            errors.append(repr(exc))
        worst = max(worst, time.monotonic() - t0)
        time.sleep(0.01)
    last = held.execute("select count(*) from documents").fetchall()[0][0]
    json.dump({"first": first, "last_on_held": last, "errors": errors, "queries": queries, "worst": worst},
              open(out, "w"))
    """
)

SQLALCHEMY_READER = textwrap.dedent(
    """
    import json, os, sys, time
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool
    db, stop, out = sys.argv[1], sys.argv[2], sys.argv[3]
    # The README's Superset recipe: read-only, no file access, no pooled stale snapshots.
    engine = create_engine(f"duckdb:///{db}", poolclass=NullPool, connect_args={
        "read_only": True,
        "config": {"enable_external_access": False, "lock_configuration": True},
    })
    errors, queries, worst = [], 0, 0.0
    while not os.path.exists(stop):
        t0 = time.monotonic()
        try:
            with engine.connect() as c:
                c.execute(text("select indicator, count(*) from v_indicator_values group by 1")).fetchall()
                c.execute(text("select count(*) from rejects")).fetchall()
            queries += 1
        except Exception as exc:
            errors.append(repr(exc))
        worst = max(worst, time.monotonic() - t0)
        time.sleep(0.01)
    json.dump({"errors": errors, "queries": queries, "worst": worst}, open(out, "w"))
    """
)


def start_reader(script: str, db: Path, tmp: Path, name: str) -> tuple[subprocess.Popen[bytes], Path, Path]:
    stop, out = tmp / f"{name}.stop", tmp / f"{name}.json"
    proc = subprocess.Popen([sys.executable, "-c", script, str(db), str(stop), str(out)], env=child_env())
    return proc, stop, out


def stop_reader(proc: subprocess.Popen[bytes], stop: Path, out: Path) -> dict[str, object]:
    stop.touch()
    assert proc.wait(timeout=60) == 0
    result: dict[str, object] = json.loads(out.read_text())
    return result


def test_an_ingest_publishes_while_readers_hold_the_warehouse_open(tmp_path: Path) -> None:
    warehouse = tmp_path / "w"
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(CPPCC[0], src)
    ingest(settings([src], warehouse))
    db = warehouse / "warehouse.duckdb"
    raw = start_reader(READER, db, tmp_path, "raw")
    engine = start_reader(SQLALCHEMY_READER, db, tmp_path, "sqlalchemy")
    time.sleep(3)  # both readers are connected and querying
    try:
        shutil.copy(NATIONAL, src)
        summary = ingest(settings([src], warehouse))
    finally:
        raw_result = stop_reader(*raw)
        engine_result = stop_reader(*engine)
    assert summary.run.docs_new == 72
    assert raw_result["errors"] == [] and engine_result["errors"] == []
    assert int(raw_result["queries"]) > 10 and int(engine_result["queries"]) > 10  # type: ignore[call-overload]
    # The connection held across the swap keeps its consistent snapshot; new connections see the new file.
    assert (raw_result["first"], raw_result["last_on_held"]) == (1, 1)
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from documents").fetchall() == [(73,)]
    con.close()
    print(
        f"worst reader query latency during the ingest: raw {raw_result['worst']:.3f} s, "
        f"sqlalchemy {engine_result['worst']:.3f} s"
    )


INGEST_CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from flows.settings import configure_prefect, Settings
    configure_prefect()
    from flows.ingest import ingest
    ingest(Settings(sources=[Path(sys.argv[1])], warehouse_dir=Path(sys.argv[2]), workers=1, batch_size=4))
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("when", ["first_part", "staging_built"])
def test_a_killed_ingest_leaves_the_last_warehouse_intact_and_the_next_run_completes(tmp_path: Path, when: str) -> None:
    warehouse = tmp_path / "w"
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(CPPCC[1], src)
    ingest(settings([src], warehouse))
    db = warehouse / "warehouse.duckdb"
    before = table_snapshot(db)
    manifests_before = sorted((warehouse / "parquet" / "_manifests").glob("*.json"))
    shutil.copy(NATIONAL, src)
    child = subprocess.Popen(
        [sys.executable, "-c", INGEST_CHILD, str(src), str(warehouse)],
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    parts_dir, staging_dir = warehouse / "parquet" / "documents", warehouse / ".staging"

    def reached() -> bool:
        if when == "first_part":
            return len(list(parts_dir.glob("part-*.parquet"))) > 1
        return any(staging_dir.glob("warehouse-*.duckdb"))

    while not reached():
        assert child.poll() is None, "the ingest finished before the kill point"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    # The published warehouse is the previous one, whole and readable.
    assert table_snapshot(db) == before
    # Whatever was written is either committed whole or invisible: every visible part is readable,
    # no manifest names a missing part, and temp files are hidden from globs.
    import pyarrow.parquet as pq

    for part in (warehouse / "parquet").rglob("part-*.parquet"):
        pq.read_metadata(part)
    new_manifests = sorted((warehouse / "parquet" / "_manifests").glob("*.json"))
    assert new_manifests[: len(manifests_before)] == manifests_before
    # The next run loads what the killed one missed.
    summary = ingest(settings([src], warehouse))
    assert summary.run.docs_new + summary.run.docs_unchanged == 73
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*), count(distinct doc_id) from documents").fetchall() == [(73, 73)]
    con.close()


LOCK_HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from store.lock import writer_lock
    with writer_lock(Path(sys.argv[1]), "run-held-by-test", 5):
        print("held", flush=True)
        time.sleep(60)
    """
)


def test_a_second_ingest_waits_then_names_the_running_one(tmp_path: Path) -> None:
    warehouse = tmp_path / "w"
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(warehouse)], env=child_env(), stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
        t0 = time.monotonic()
        with pytest.raises(LockTimeout) as info:
            ingest(settings([CPPCC[0]], warehouse, lock_timeout_seconds=1.5))
        waited = time.monotonic() - t0
    finally:
        holder.kill()
        holder.wait()
    assert 1.5 <= waited < 30
    message = str(info.value)
    assert "run-held-by-test" in message and str(holder.pid) in message and "waited 1.5 s" in message


def test_a_failing_quality_check_keeps_the_last_good_warehouse_and_is_recorded(tmp_path: Path) -> None:
    warehouse = tmp_path / "w"
    ingest(settings([CPPCC[0]], warehouse))
    db = warehouse / "warehouse.duckdb"
    before = table_snapshot(db)
    sql = tmp_path / "sql"
    shutil.copytree(REPO / "sql", sql)
    (sql / "checks" / "no_more_than_one_document.sql").write_text(
        "-- no_more_than_one_document: a check this test breaks on purpose\n"
        "select greatest(count(*) - 1, 0) as failing from documents\n",
        encoding="utf-8",
    )
    with pytest.raises(QualityGateFailed, match=r"no_more_than_one_document \(1 rows\)"):
        ingest(settings([CPPCC[0], CPPCC[1]], warehouse, sql_dir=sql))
    assert table_snapshot(db) == before
    con = duckdb.connect(str(db), read_only=True)
    runs = con.execute("select status, message from runs order by run_id").fetchall()
    con.close()
    assert [r[0] for r in runs] == ["completed", "failed"]
    assert "no_more_than_one_document (1 rows)" in runs[1][1]
    # With the check gone, the next run loads the new report: nothing of the failed run was kept.
    again = ingest(settings([CPPCC[0], CPPCC[1]], warehouse))
    assert (again.run.docs_new, again.run.docs_unchanged) == (1, 1)


def test_a_changed_view_is_published_by_a_run_that_found_nothing_new(tmp_path: Path) -> None:
    """Views are recreated only when their SQL changed (a no-change run skips them), so a change
    must still reach the published file."""
    warehouse = tmp_path / "w"
    sql = tmp_path / "sql"
    shutil.copytree(REPO / "sql", sql)
    ingest(settings([CPPCC[0]], warehouse, sql_dir=sql))
    (sql / "v_entity_top.sql").write_text(
        "create or replace view v_entity_top as select 'edited' as marker\n", encoding="utf-8"
    )
    again = ingest(settings([CPPCC[0]], warehouse, sql_dir=sql))
    assert again.run.docs_unchanged == 1
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    assert con.execute("select marker from v_entity_top").fetchall() == [("edited",)]
    con.close()


def test_rebuild_recreates_the_same_warehouse_from_parquet_alone(tmp_path: Path) -> None:
    warehouse = tmp_path / "w"
    src = tmp_path / "in"
    src.mkdir()
    report = src / "report.txt"
    shutil.copy(CPPCC[2], report)
    ingest(settings([src, CPPCC[0]], warehouse))
    report.write_text(report.read_text(encoding="utf-8") + "\n全年共收到提案300件。\n", encoding="utf-8")
    ingest(settings([src, CPPCC[0]], warehouse))
    db = warehouse / "warehouse.duckdb"
    before = table_snapshot(db)
    db.unlink()
    rows, checks, _seconds = rebuild(settings([], warehouse))
    assert all(c.passed for c in checks)
    assert rows["documents"] == 2
    assert table_snapshot(db) == before


def test_derived_tables_kept_up_by_year_equal_a_rebuild_when_a_report_changes_year(
    tmp_path: Path, national_rows: list[dict[str, object]]
) -> None:
    """term_years is redone only for the report years a run touched (sql/derive_term_years.sql):
    a file replaced by a report of another year must leave both years as a fresh build has them."""
    warehouse = tmp_path / "w"
    src = tmp_path / "in"
    src.mkdir()
    report = src / "report.txt"
    (row,) = [r for r in national_rows if r["year"] == "2019"]
    report.write_text(str(row["content"]), encoding="utf-8")
    ingest(settings([src, CPPCC[0]], warehouse))
    db = warehouse / "warehouse.duckdb"
    con = duckdb.connect(str(db), read_only=True)
    years = dict(con.execute("select source_name, year from v_document_overview").fetchall())
    con.close()
    shutil.copy(CPPCC[1], report)  # the same file now holds another year's report
    ingest(settings([src, CPPCC[0]], warehouse))
    con = duckdb.connect(str(db), read_only=True)
    after = dict(con.execute("select source_name, year from v_document_overview").fetchall())
    con.close()
    assert (years["report.txt"], after["report.txt"]) == (2019, 2024)
    before = table_snapshot(db)
    db.unlink()
    rebuild(settings([], warehouse))
    assert table_snapshot(db) == before


def test_every_run_publishes_its_summary_and_checks_as_prefect_artifacts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Prefect 3.8.8's artifact *read* API refuses its own client's requests (422 on null filters),
    # so the artifacts are observed at the seam where the flow hands them to Prefect.
    import flows.report

    made: dict[str, object] = {}
    real_md, real_table = flows.report.create_markdown_artifact, flows.report.create_table_artifact

    def markdown(**kw: object) -> object:
        made["markdown"] = kw
        return real_md(**kw)  # type: ignore[arg-type]

    def table(**kw: object) -> object:
        made["table"] = kw
        return real_table(**kw)  # type: ignore[arg-type]

    monkeypatch.setattr(flows.report, "create_markdown_artifact", markdown)
    monkeypatch.setattr(flows.report, "create_table_artifact", table)
    summary: RunSummary = ingest(settings([CPPCC[2]], tmp_path / "w"))
    md, tb = made["markdown"], made["table"]
    assert md["key"] == "baogao-ingest-summary" and summary.run.run_id in md["description"]  # type: ignore[index]
    assert "| loaded | 1 |" in md["markdown"] and "| publish |" in md["markdown"]  # type: ignore[index,operator]
    rows = tb["table"]  # type: ignore[index]
    assert {"documents_key_unique", "metric_offsets_match", "expected_objects"} <= {r["check"] for r in rows}
    assert all(r["result"] == "pass" for r in rows)


def test_the_seed_folder_ignores_its_reference_data() -> None:
    from sources.discover import walk

    found = {p.relative_to(SEEDS).as_posix() for p in walk([SEEDS])}
    assert found == {f"reports/cppcc/{p.name}" for p in CPPCC} | {"reports/national/government_work_reports.jsonl.gz"}


def test_a_run_that_failed_resumes_from_its_cached_batches_without_transforming_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.work

    warehouse = tmp_path / "w"
    sql = tmp_path / "sql"
    shutil.copytree(REPO / "sql", sql)
    (sql / "checks" / "always_fails.sql").write_text(
        "-- always_fails: a check this test breaks on purpose\nselect 1 as failing\n", encoding="utf-8"
    )
    with pytest.raises(QualityGateFailed):
        ingest(settings(list(CPPCC), warehouse, sql_dir=sql))
    assert any((warehouse / ".cache").rglob("*")), "the failed run's batches are cached"
    calls: list[int] = []
    real = flows.work.process_batch

    def counting(items: list[object], *args: object, **kw: object) -> object:
        calls.append(len(items))
        return real(items, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(flows.work, "process_batch", counting)
    summary = ingest(settings(list(CPPCC), warehouse))
    assert calls == []  # every batch came from the cache
    assert summary.run.docs_new == 3
    con = duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True)
    stamped = con.execute("select distinct run_id from documents").fetchall()
    con.close()
    assert stamped == [(summary.run.run_id,)]
    assert not (warehouse / ".cache").exists()
