"""Compare two warehouses table by table: `python -m bench.same_warehouse A.duckdb B.duckdb`.

Every public table and view is compared row for row (as multisets), leaving out the columns that
differ from run to run by design (run ids, timestamps, durations, Prefect ids, the transforms'
fingerprint), and with input URIs taken from `seeds/` on (two checkouts ingest their own
seeds/). Prints one line per object with its row counts and exits 1 when any differs. Used
to show that a refactoring leaves the warehouse of an ingest as it was.
"""

from __future__ import annotations

import sys

import duckdb

VOLATILE = frozenset(
    {
        "run_id",
        "ingested_at",
        "at",
        "started_at",
        "finished_at",
        "seconds",
        "prefect_flow_run_id",
        "transform_version",
    }
)
OBJECTS = (
    "select table_name from duckdb_tables() where database_name = ? and schema_name = 'main' "
    "and table_name not like '\\_%' escape '\\' union "
    "select view_name from duckdb_views() where database_name = ? and schema_name = 'main' and not internal"
)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _column(name: str) -> str:
    if name == "source_uri":
        return "regexp_replace(source_uri, '^file://.*?/(seeds/)', '\\1') as source_uri"
    return _quoted(name)


def _columns(con: duckdb.DuckDBPyConnection, db: str, name: str) -> list[str]:
    rows = con.execute(
        "select column_name from duckdb_columns() where database_name = ? and table_name = ? order by column_index",
        [db, name],
    ).fetchall()
    return [r[0] for r in rows]


def compare(a: str, b: str) -> list[tuple[str, int, int, int, list[str]]]:
    """(object, rows in a, rows in b, distinct rows whose count differs, columns only one of them
    has) for every object of either warehouse; rows are compared on the columns both have, and
    -1 stands for an object only one of them has."""
    con = duckdb.connect()
    con.execute("attach ? as a (read_only)", [a])
    con.execute("attach ? as b (read_only)", [b])
    names = sorted({r[0] for db in ("a", "b") for r in con.execute(OBJECTS, [db, db]).fetchall()})
    out: list[tuple[str, int, int, int, list[str]]] = []
    for name in names:
        cols_a, cols_b = _columns(con, "a", name), _columns(con, "b", name)
        if not cols_a or not cols_b:
            out.append((name, -1, -1, -1, []))
            continue
        only = [c for c in cols_a if c not in cols_b] + [c for c in cols_b if c not in cols_a]
        kept = [c for c in cols_a if c in cols_b and c not in VOLATILE]
        group = ", ".join(_quoted(c) for c in kept)
        # Rows with their multiplicity, so that a set difference compares multisets.
        counted = [
            con.table(f"{db}.main.{_quoted(name)}")
            .project(", ".join(_column(c) for c in kept))
            .aggregate(f"{group}, count(*) as _n", group)
            for db in ("a", "b")
        ]
        na, nb = (int(r.sum("_n").fetchall()[0][0] or 0) for r in counted)
        diff = len(counted[0].except_(counted[1]).fetchall()) + len(counted[1].except_(counted[0]).fetchall())
        out.append((name, na, nb, diff, only))
    return out


def main() -> None:
    a, b = sys.argv[1:3]
    rows = compare(a, b)
    for name, na, nb, diff, only in rows:
        verdict = "same" if diff == 0 else ("in one only" if diff < 0 else f"{diff} rows differ")
        extra = f" (on shared columns; only in one: {', '.join(only)})" if only else ""
        print(f"{name:<28} {na:>8} {nb:>8}  {verdict}{extra}")
    sys.exit(0 if all(r[3] == 0 for r in rows) else 1)


if __name__ == "__main__":
    main()
