"""bench/same_warehouse.py: two warehouses compared table by table, run ids and times left out."""

from __future__ import annotations

from pathlib import Path

import duckdb

from bench.same_warehouse import compare


def _warehouse(path: Path, rows: list[tuple[str, str, int]], extra_column: bool = False) -> str:
    con = duckdb.connect(str(path))
    con.execute("create table metrics (run_id varchar, source_uri varchar, value integer)")
    con.executemany("insert into metrics values (?, ?, ?)", rows)
    if extra_column:
        con.execute("alter table metrics add column what_head varchar")
    con.execute("create view v_total as select sum(value) as total from metrics")
    con.close()
    return str(path)


def test_equal_tables_are_the_same_whatever_their_run_ids_and_checkouts(tmp_path: Path) -> None:
    a = _warehouse(tmp_path / "a.duckdb", [("r1", "file:///x/seeds/a.txt", 1), ("r1", "file:///x/seeds/a.txt", 1)])
    b = _warehouse(tmp_path / "b.duckdb", [("r2", "file:///y/seeds/a.txt", 1), ("r2", "file:///y/seeds/a.txt", 1)])
    assert compare(a, b) == [("metrics", 2, 2, 0, []), ("v_total", 1, 1, 0, [])]


def test_a_changed_or_missing_duplicate_row_is_found(tmp_path: Path) -> None:
    a = _warehouse(tmp_path / "a.duckdb", [("r1", "file:///x/seeds/a.txt", 1), ("r1", "file:///x/seeds/a.txt", 1)])
    b = _warehouse(tmp_path / "b.duckdb", [("r2", "file:///x/seeds/a.txt", 1)], extra_column=True)
    assert compare(a, b) == [("metrics", 2, 1, 2, ["what_head"]), ("v_total", 1, 1, 2, [])]
