"""What an analyst can do through `baogao query`: read the warehouse, nothing else. Nothing typed
there writes a file (the database file and its WAL included, which DuckDB lets any connection
write with COPY even with file access off), and a runaway query ends at its time or memory
limit instead of taking the machine. Each attack runs the real command in its own process."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tests.reliability.conftest import tally
from tests.reliability.processes import baogao

# {db}: the warehouse file, {w}: its folder, {part}: a committed Parquet part, {out}: a folder
# outside the warehouse. Every statement here would write a file if it ran.
WRITES = {
    "copy_over_the_database": "copy (select 'x' as x) to '{db}' (use_tmp_file false)",
    "copy_into_the_wal": "copy (select repeat('x', 1000) as x from range(1000)) to '{db}.wal' (use_tmp_file false)",
    "copy_over_a_parquet_part": "copy (select 1 as doc_id) to '{part}' (format parquet)",
    "copy_beside_the_database": "copy (select 1 as x) to '{w}/leak.csv'",
    "copy_outside": "copy (select 1 as x) to '{out}/leak.csv'",
    "upper_case_after_a_comment": "/* monthly */ COPY (SELECT 1 AS x) TO '{db}.wal' (FORMAT CSV)",
    "after_a_select": "select 1; copy (select 1 as x) to '{db}.wal'",
    "prepared_then_executed": "prepare p as copy (select 1 as x) to '{db}.wal'; execute p",
    "export_database": "export database '{out}/export'",
    "checkpoint": "checkpoint",
    "attach_read_write": "attach '{db}' as rw (read_only false); create table rw.x as select 1",
    "profiling_output": "pragma enable_profiling = 'json'; pragma profiling_output = '{db}.wal'; select 1",
}


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` with a hash of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def warehouse(published: Path, tmp_path: Path) -> Path:
    w = tmp_path / "w"
    shutil.copytree(published, w)
    return w


@pytest.mark.slow
@pytest.mark.parametrize("attack", sorted(WRITES))
def test_no_statement_typed_into_query_writes_a_file(warehouse: Path, tmp_path: Path, attack: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    part = next((warehouse / "parquet" / "documents").rglob("*.parquet"))
    sql = WRITES[attack].format(db=warehouse / "warehouse.duckdb", w=warehouse, part=part, out=out)
    before = snapshot(warehouse)
    tally("attacks tried: query writes")
    ran = baogao("query", sql, "--warehouse", str(warehouse))
    assert ran.code != 0, ran.out
    assert "read-only" in ran.err or "read only" in ran.err, ran.err
    assert "Traceback" not in ran.err
    assert snapshot(warehouse) == before
    assert not any(out.iterdir())
    after = baogao("query", "select count(*) as n from documents", "--format", "csv", "--warehouse", str(warehouse))
    assert after.code == 0, after.err
    assert after.out == "n\n3\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    "sql",
    [
        "select count(*) as n from documents",
        "with d as (select * from documents) select count(*) as n from d",
        "from documents select count(*) as n",
    ],
)
def test_reading_still_works_in_every_form_of_select(warehouse: Path, sql: str) -> None:
    ran = baogao("query", sql, "--format", "csv", "--warehouse", str(warehouse))
    assert (ran.code, ran.out) == (0, "n\n3\n"), ran.err


@pytest.mark.slow
@pytest.mark.parametrize("sql", ["describe documents", "show tables", "summarize runs", "explain select 1"])
def test_describe_show_summarize_and_explain_are_reads(warehouse: Path, sql: str) -> None:
    ran = baogao("query", sql, "--format", "csv", "--warehouse", str(warehouse))
    assert ran.code == 0, ran.err


@pytest.mark.slow
def test_a_query_past_its_time_limit_is_stopped_with_a_message(warehouse: Path) -> None:
    # A count over a cross join: no memory to speak of, only time.
    sql = "select count(*) from range(100000000) a, range(100000000) b"
    tally("attacks tried: query runaway")
    ran = baogao("query", sql, "--timeout", "3", "--warehouse", str(warehouse), timeout=120)
    assert ran.code != 0
    assert "its time limit of 3 s" in ran.err and "--timeout" in ran.err, ran.err
    assert "Traceback" not in ran.err
    assert ran.seconds < 30


@pytest.mark.slow
@pytest.mark.parametrize(
    "sql",
    [
        # The attack: every combination of terms, fetched whole (tens of millions of rows).
        "select a.term || b.term || c.term as t from terms a, terms b, terms c",
        # Inside DuckDB: a window over that product sorts all of it, and cannot spill (there is
        # nowhere to write).
        "select max(r) from (select row_number() over (order by a.term || b.term || c.term) as r "
        "from terms a, terms b, terms c)",
        # One enormous value.
        "select string_agg(a.term || b.term || c.term, ',') from terms a, terms b, terms c",
    ],
    ids=["fetch_everything", "sort", "one_huge_string"],
)
def test_a_query_past_its_memory_limit_is_stopped_with_a_message(warehouse: Path, sql: str) -> None:
    tally("attacks tried: query runaway")
    ran = baogao("query", sql, "--memory-limit", "300", "--format", "csv", "--warehouse", str(warehouse), timeout=300)
    print(f"peak {ran.peak_rss / 2**20:.0f} MiB in {ran.seconds:.1f} s")
    assert ran.code != 0
    assert "its memory limit of 300 MB" in ran.err and "--memory-limit" in ran.err, ran.err[-2000:]
    assert "Traceback" not in ran.err
    # The limit is on the query; the interpreter and DuckDB themselves take about 150 MB more.
    assert ran.peak_rss < 600 * 2**20
