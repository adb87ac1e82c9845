"""`baogao verify`: a scrub of everything the warehouse is made of, reported for a person.

Corruption that no query notices is the dangerous kind: bytes flipped inside a Parquet data page
come back from DuckDB as silently different values (DuckDB neither writes nor checks Parquet page
checksums), and `count(*)` reads only metadata. So the scrub reads
everything:
- every part a manifest lists: present, sha256 equal to the manifest's, every column of every
  page read with pyarrow's page checksum verification, row count equal to the manifest's;
- the published DuckDB file: opens read-only, every column of every table read (DuckDB checks
  its block checksums as it reads), no stray `.wal` beside it.
Parts no manifest lists are reported as leftovers of interrupted runs, not as damage.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from store.parts import MANIFESTS, Root, is_remote, list_files, local_root, part_url, read_manifests, verify_part
from store.repair import lost_documents, unlisted_committed
from store.warehouse import scan

# A damaged block surfaces as duckdb.Error, or as OSError when rows stream out through Arrow.
_READ_ERRORS = (duckdb.Error, OSError, pa.ArrowException)
_TABLES = "select table_name from duckdb_tables() where schema_name = 'main' order by 1"
REBUILD = "run `baogao rebuild` to build the database again from the Parquet parts"
REPAIR = (
    "run `baogao repair`: it lists again what a manifest lost, moves damaged parts aside and reads their "
    "documents again from their inputs, and names what it could not restore"
)


@dataclass(frozen=True)
class Problem:
    where: str  # a path relative to the warehouse folder
    what: str  # what is wrong, in words
    fix: str  # what to do about it


@dataclass
class Report:
    parts_checked: int = 0
    rows_checked: int = 0
    tables_checked: int = 0
    manifests: int = 0  # manifests found in the Parquet tree, readable or not
    published_runs: int = 0  # rows of the database's runs table
    problems: list[Problem] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)  # uncommitted parts and temp files

    @property
    def ok(self) -> bool:
        return not self.problems


def _rel(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix() if path.is_relative_to(base) else str(path)


def _where(root: Root, rel: str, base: Path) -> str:
    """A file of the Parquet tree as a person finds it: its URL, or its path in the warehouse folder."""
    return part_url(root, rel) if is_remote(root) else _rel(local_root(root) / rel, base)


def verify_parquet(root: Root, out: Report, base: Path) -> None:
    manifests = read_manifests(root)
    out.manifests = len(manifests)
    for m in manifests:
        if m.error is not None:
            out.problems.append(
                Problem(
                    _where(root, m.rel, base),
                    f"the manifest cannot be read ({m.error}); "
                    "without it the run's parts are not part of the warehouse",
                    REPAIR + " (it rewrites the manifest from the run's parts on disk)",
                )
            )
    listed = set()
    for p in (p for m in manifests for p in m.parts):
        listed.add(p.path)
        problem = verify_part(root, p.path, p.sha256, p.rows)
        out.parts_checked += 1
        out.rows_checked += p.rows
        if problem is not None:
            out.problems.append(Problem(_where(root, p.path, base), problem, REPAIR))
    stray = set(unlisted_committed(root, manifests))
    for rel in sorted(stray):
        out.problems.append(
            Problem(
                _where(root, rel, base),
                "a part of a committed run that its manifest does not list (entries taken out of the manifest?): "
                "its rows are missing from the warehouse, and the next ingest would sweep it away as a leftover",
                REPAIR,
            )
        )
    lost = lost_documents(root, manifests)
    if lost:
        uris = sorted(u for us in lost.values() for u in us)
        out.problems.append(
            Problem(
                _where(root, "", base).rstrip("/"),
                f"{len(lost)} document(s) the ledger holds as loaded are in no Parquet part the manifests list "
                f"(inputs: {', '.join(uris[:3])}{', …' if len(uris) > 3 else ''})",
                REPAIR,
            )
        )
    for rel in list_files(root, "*/*"):
        if rel.startswith(f"{MANIFESTS}/") or rel in stray:
            continue
        if (rel.endswith(".parquet") and rel not in listed) or rel.endswith(".tmp"):
            out.leftovers.append(_where(root, rel, base))


# What DuckDB says when a file is damaged, and what it means.
_DB_ERRORS = (
    (re.compile(r"not a valid DuckDB database file"), "not_duckdb", "it is not a DuckDB database file (overwritten?)"),
    (re.compile(r"Could not read enough bytes|attempted to read"), "truncated", "it is cut short (truncated)"),
    (re.compile(r"Corrupt WAL file|replaying WAL"), "wal", "the write-ahead log beside it cannot be replayed"),
    (re.compile(r"WAL does not match"), "wal", "a write-ahead log of another database sits beside it"),
    (re.compile(r"Corrupt database file|checksum"), "checksum", "a block fails its checksum (bits changed on disk)"),
)


def classify_db_error(message: str) -> tuple[str, str]:
    """(code, words) for a DuckDB error raised while opening or reading a database file."""
    for pattern, code, words in _DB_ERRORS:
        if pattern.search(message):
            return code, words
    return "error", "DuckDB cannot read it"


def health_check(path: Path) -> str:
    """`ok`, `missing`, or the class of damage (see classify_db_error) of a database file.
    Opens read-only: never creates an empty database where one is expected."""
    if not path.exists():
        return "missing"
    try:
        con = duckdb.connect(str(path), read_only=True)
    except _READ_ERRORS as exc:
        return classify_db_error(str(exc))[0]
    try:
        for (table,) in con.execute(_TABLES).fetchall():
            scan(con, table)
    except _READ_ERRORS as exc:
        return classify_db_error(str(exc))[0]
    finally:
        con.close()
    return "ok"


def verify_database(path: Path, out: Report, base: Path) -> None:
    where = _rel(path, base)
    if not path.exists():
        out.problems.append(Problem(where, "there is no published database", REBUILD))
        return
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        out.problems.append(
            Problem(
                _rel(wal, base),
                "a write-ahead log sits beside the published database; nothing should write that file, and "
                "opening it may fail with 'WAL does not match database file'",
                "move the .wal aside (keep it for inspection); the next ingest refuses to publish over it otherwise",
            )
        )
    try:
        con = duckdb.connect(str(path), read_only=True)
    except _READ_ERRORS as exc:
        out.problems.append(Problem(where, f"{classify_db_error(str(exc))[1]}: {exc}", REBUILD))
        return
    try:
        tables = [r[0] for r in con.execute(_TABLES).fetchall()]
        for table in tables:
            try:
                out.rows_checked += scan(con, table)
                out.tables_checked += 1
            except _READ_ERRORS as exc:
                out.problems.append(
                    Problem(f"{where} table {table}", f"{classify_db_error(str(exc))[1]}: {exc}", REBUILD)
                )
        if "runs" in tables:
            with contextlib.suppress(*_READ_ERRORS):  # a damaged table is reported above
                out.published_runs = int(con.execute("select count(*) from runs").fetchall()[0][0])
    finally:
        con.close()


def verify(warehouse_dir: Path, parquet_root: Root | None = None, database: Path | None = None) -> Report:
    """Scrub the warehouse: every committed Parquet part (in `parquet_root`, a folder or an fsspec
    URL; by default the warehouse folder's parquet/) and the published database."""
    out = Report()
    root = warehouse_dir / "parquet" if parquet_root is None else parquet_root
    verify_parquet(root, out, warehouse_dir)
    verify_database(database or warehouse_dir / "warehouse.duckdb", out, warehouse_dir)
    if out.published_runs and not out.manifests:  # checking nothing is not "no damage"
        out.problems.append(
            Problem(
                _where(root, "", warehouse_dir).rstrip("/"),
                f"the database was published from {out.published_runs} run(s), but this Parquet tree holds no "
                "manifest, so none of the warehouse's parts were checked",
                "if the warehouse was ingested with --parquet-url, pass the same URL to verify; if the tree is "
                "lost, keep warehouse.duckdb (the only copy left) and do not run `baogao rebuild`",
            )
        )
    return out
