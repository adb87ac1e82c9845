"""The SQL contract: every file runs on an empty database, everything is documented, and the
data dictionary and README say what the SQL produces."""

from __future__ import annotations

import re
from pathlib import Path

from store.catalog import empty_warehouse, objects, render

REPO = Path(__file__).resolve().parents[2]
SQL = REPO / "sql"


def test_every_sql_file_runs_on_an_empty_database() -> None:
    con = empty_warehouse(SQL)
    names = {name for name, _, _ in objects(con)}
    for f in SQL.glob("v_*.sql"):
        assert f.stem in names, f"{f.name} does not create a view named {f.stem}"
        con.execute(f"select * from {f.stem} limit 0")


def test_every_sql_file_opens_with_its_grain() -> None:
    for f in sorted(SQL.glob("*.sql")):
        first = f.read_text(encoding="utf-8").splitlines()[0]
        assert re.match(r"^-- \w+: ", first), f"{f.name} must open with '-- <name>: <grain>', not {first!r}"


def test_every_table_view_and_column_has_a_comment() -> None:
    con = empty_warehouse(SQL)
    for name, kind, grain in objects(con):
        assert grain.startswith("one row per"), f"{kind} {name} lacks a grain comment ('one row per ...')"
    missing = con.execute(
        "select table_name || '.' || column_name from duckdb_columns() "
        "where schema_name = 'main' and not internal and table_name not like '\\_%' escape '\\' "
        "and (comment is null or comment = '') order by 1"
    ).fetchall()
    assert missing == [], f"columns without COMMENT ON: {[m[0] for m in missing]}"


def test_the_data_dictionary_is_up_to_date() -> None:
    con = empty_warehouse(SQL)
    committed = (REPO / "docs" / "warehouse.md").read_text(encoding="utf-8")
    assert committed == render(con), "docs/warehouse.md is stale: run `uv run baogao docs`"


def test_the_readme_lists_every_table_and_view_with_its_grain() -> None:
    con = empty_warehouse(SQL)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `(\w+)` \| (?:table|view) \| (.+?) \|$", readme, flags=re.M))
    actual = {name: grain for name, _, grain in objects(con)}
    assert set(listed) == set(actual), (
        f"README tables differ: missing {set(actual) - set(listed)}, extra {set(listed) - set(actual)}"
    )
    for name, grain in actual.items():
        assert listed[name] == grain, f"README grain of {name} differs from its COMMENT"
