"""Building and publishing the DuckDB file from the Parquet tree.

A run never writes into the file readers use: it copies the published database aside (or starts
a new one), brings it in line with the committed Parquet parts, runs the quality checks, checkpoints
and closes it, and swaps it in with os.replace. Readers holding the old file keep a consistent
snapshot; the next connection sees the new one.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from store.parts import PartInfo, Root, filesystem, fsync, part_url, parts_of
from transforms.tables import DOCUMENT_TABLES, LEDGER_TABLES

DOC_TABLES = tuple(t.name for t in DOCUMENT_TABLES)
LOG_TABLES = tuple(t.name for t in LEDGER_TABLES)  # each publish appends the parts it has not loaded yet
# What a build may hold in memory before it spills to warehouse/.staging/tmp: the flow's own
# process needs memory too, and DuckDB's default is 80 % of the machine's. With the flow's own
# objects and the local Prefect server beside it this keeps a run under 1.5 GB whatever the corpus.
STAGING_MEMORY_LIMIT = "512MB"
# The contract is the text of sql/00_tables.sql: a published file built from another text is rebuilt fresh.
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class WarehouseError(RuntimeError):
    """A warehouse problem explained for a person: what happened and what to do."""


@dataclass(frozen=True)
class PublishResult:
    path: Path
    rows: dict[str, int]
    # Why the build started from nothing instead of from the published file, when that was not asked.
    rebuilt_because: str | None = None


def sql_files(sql_dir: Path) -> tuple[Path, list[Path], list[Path]]:
    """(tables file, derive files, view files), each list in name order."""
    files = sorted(sql_dir.glob("*.sql"))
    tables = sql_dir / "00_tables.sql"
    derive = [f for f in files if f.name.startswith("derive_")]
    views = [f for f in files if f != tables and f not in derive]
    return tables, derive, views


def read_only_connection(path: Path, config: dict[str, str] | None = None) -> duckdb.DuckDBPyConnection:
    """A connection for analysts: read-only, no access to other files, configuration (with
    `config`'s settings) locked."""
    if not path.exists():
        raise WarehouseError(f"no warehouse at {path}; run `baogao ingest` first")
    try:
        con = duckdb.connect(
            str(path),
            read_only=True,
            config={
                "enable_external_access": False,
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                **(config or {}),
                "lock_configuration": True,
            },
        )
    except duckdb.Error as exc:
        raise WarehouseError(f"could not open the warehouse {path}: {exc}") from exc
    return con


@contextmanager
def staging_connection(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    spill = path.parent / "tmp"
    con = duckdb.connect(
        str(path),
        config={
            "autoinstall_known_extensions": False,
            "threads": os.cpu_count() or 1,
            # Big joins and loads spill here instead of growing memory with the corpus: DuckDB's
            # default limit is 80 % of the machine's memory.
            "temp_directory": str(spill),
            "memory_limit": STAGING_MEMORY_LIMIT,
        },
    )
    try:
        yield con
    finally:
        con.close()


def schema_version(tables_sql: Path) -> str:
    return hashlib.sha256(tables_sql.read_bytes()).hexdigest()[:16]


def _has_schema(con: duckdb.DuckDBPyConnection, version: str) -> bool:
    row = con.execute(
        "select count(*) from duckdb_tables() where table_name = '_baogao' and schema_name = 'main'"
    ).fetchall()
    if not row[0][0]:
        return False
    found = con.execute("select value from _baogao where key = 'schema_version'").fetchall()
    return bool(found) and found[0][0] == version


def create_schema(con: duckdb.DuckDBPyConnection, tables_sql: Path) -> None:
    """The contract's tables, and the build's own bookkeeping (tables named _*):
    _baogao: versions of what the file was built with (the contract, reference data, SQL);
    _doc_parts: the documents part each loaded document's rows came from;
    _part_docs: the documents each documents part holds (read once per part);
    _loaded_parts: the ledger parts whose rows are loaded."""
    con.execute(tables_sql.read_text(encoding="utf-8"))
    con.execute("create table _baogao (key varchar, value varchar)")
    con.execute("insert into _baogao values ('schema_version', ?)", [schema_version(tables_sql)])
    con.execute("create table _doc_parts (doc_id varchar, part varchar)")
    con.execute("create table _part_docs (part varchar, doc_id varchar)")
    con.execute("create table _loaded_parts (tbl varchar, part varchar)")


def _want(con: duckdb.DuckDBPyConnection, root: Root, parts: list[PartInfo], keep: set[str]) -> None:
    """Temp table _want: doc_id -> the documents part (file name) holding its newest rows, for the
    documents in `keep`. Which documents each part holds is kept in _part_docs, so a run reads the
    doc_ids of its own new parts only, never again those of every earlier run."""
    docs = parts_of(parts, "documents")
    names = [p.path.rsplit("/", 1)[-1] for p in docs]
    seen = {r[0] for r in con.execute("select distinct part from _part_docs").fetchall()}
    new = [part_url(root, p.path) for p, name in zip(docs, names, strict=True) if name not in seen]
    if new:
        con.execute(
            "insert into _part_docs select regexp_extract(filename, '[^/]+$'), doc_id "
            "from read_parquet(?, filename = true)",
            [new],
        )
    # Committed order decides: a later part replaces an earlier one's rows of the same document.
    order = pa.schema([("part", pa.string()), ("pos", pa.int64())])
    con.register("_order", pa.table({"part": names, "pos": list(range(len(names)))}, schema=order))
    con.register("_keep", pa.table({"doc_id": sorted(keep)}, schema=pa.schema([("doc_id", pa.string())])))
    con.execute(
        "create or replace temp table _want as "
        "select p.doc_id, arg_max(p.part, o.pos) as part from _part_docs p "
        "join _order o using (part) semi join _keep k using (doc_id) group by p.doc_id"
    )
    con.unregister("_order")
    con.unregister("_keep")


def sync(con: duckdb.DuckDBPyConnection, root: Root, parts: list[PartInfo], keep: set[str]) -> bool:
    """Make the document tables hold exactly the documents in `keep`, each from its newest part,
    touching only documents that changed; append the ledger parts not loaded yet."""
    _want(con, root, parts, keep)
    con.execute("create or replace temp table _drop as select doc_id from _doc_parts except select doc_id from _want")
    con.execute(
        "insert into _drop select h.doc_id from _doc_parts h join _want w using (doc_id) where h.part <> w.part"
    )
    con.execute(
        "create or replace temp table _add as select w.* from _want w "
        "anti join _doc_parts h on h.doc_id = w.doc_id and h.part = w.part"
    )
    # The report years whose documents change, for the derived tables kept per year (term_years):
    # those of the documents dropped, taken before they go, and of those added, below.
    con.execute("delete from _changed_years")
    con.execute(
        "insert into _changed_years select report_year(delivered_on, plan_year, review_year, source_meta) "
        "from documents semi join _drop using (doc_id)"
    )
    for table in DOC_TABLES:
        con.execute("delete from " + duckdb_identifier(table) + " where doc_id in (select doc_id from _drop)")
    con.execute("delete from _doc_parts where doc_id in (select doc_id from _drop)")
    wanted_parts = {r[0] for r in con.execute("select distinct part from _add").fetchall()}
    for table in DOC_TABLES:
        files = [part_url(root, p.path) for p in parts_of(parts, table) if p.path.rsplit("/", 1)[-1] in wanted_parts]
        if not files:
            continue
        con.execute(
            "insert into " + duckdb_identifier(table) + " by name "  # files are bound parameters
            "select * exclude (filename) from read_parquet(?, filename = true) r "
            "semi join _add a on r.doc_id = a.doc_id and regexp_extract(r.filename, '[^/]+$') = a.part",
            [files],
        )
    con.execute("insert into _doc_parts select doc_id, part from _add")
    # The documents this build added: the offset checks in sql/checks/ look at these only (every
    # other document passed them when it was added); a fresh build adds, and so checks, them all.
    con.execute("delete from _changed_docs")
    con.execute("insert into _changed_docs select doc_id from _add")
    con.execute(
        "insert into _changed_years select report_year(delivered_on, plan_year, review_year, source_meta) "
        "from documents semi join _add using (doc_id)"
    )
    changed = con.execute("select (select count(*) from _add) + (select count(*) from _drop)").fetchall()[0][0]
    _append_log_parts(con, root, parts)
    return bool(changed)


def _append_log_parts(con: duckdb.DuckDBPyConnection, root: Root, parts: list[PartInfo]) -> None:
    """Add the rows of the ledger parts (ingest_log, runs) not loaded before; _loaded_parts says
    which were."""
    for table in LOG_TABLES:
        loaded = {r[0] for r in con.execute("select part from _loaded_parts where tbl = ?", [table]).fetchall()}
        new = [p.path for p in parts_of(parts, table) if p.path not in loaded]
        if not new:
            continue
        urls = [part_url(root, path) for path in new]
        con.execute(
            "create or replace temp table _new_rows as select * exclude (filename), "
            "list_position(?, filename) as _part from read_parquet(?, filename = true)",
            [urls, urls],
        )
        if table == "runs":
            # A run that failed after committing is recorded again with its final status: the
            # row of the latest part stands.
            con.execute("delete from runs where run_id in (select run_id from _new_rows)")
            con.execute(
                "delete from _new_rows where (run_id, _part) not in "
                "(select run_id, max(_part) from _new_rows group by run_id)"
            )
        con.execute(
            "insert into " + duckdb_identifier(table) + " by name "
            "select * exclude (_part) from _new_rows order by _part"
        )
        con.executemany("insert into _loaded_parts values (?, ?)", [[table, path] for path in new])
        con.execute("drop table _new_rows")


def load_reference(con: duckdb.DuckDBPyConnection, reference_dir: Path) -> None:
    """Fill each ref_<stem> table declared in 00_tables.sql from seeds/reference/<stem>.csv
    (columns matched by name; lines starting with # are comments)."""
    declared = con.execute(
        "select table_name, list(column_name order by column_index) from duckdb_columns() "
        "where table_name like 'ref\\_%' escape '\\' group by table_name order by table_name"
    ).fetchall()
    for table, columns in declared:
        con.table(table).filter("false")  # validates the name against the catalog
        con.execute("delete from " + duckdb_identifier(table))
        path = reference_dir / f"{table.removeprefix('ref_')}.csv"
        if not path.exists():
            continue
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
        data = pa.table(
            {c: [r.get(c) or None for r in rows] for c in columns},
            schema=pa.schema([(c, pa.string()) for c in columns]),
        )
        con.from_arrow(data).insert_into(table)


def duckdb_identifier(name: str) -> str:
    """A quoted identifier for a name that came from the catalog or a constant."""
    if not _IDENT.fullmatch(name):
        raise ValueError(f"not a plain identifier: {name!r}")
    return '"' + name + '"'


def run_sql_files(con: duckdb.DuckDBPyConnection, files: list[Path]) -> None:
    for f in files:
        try:
            con.execute(f.read_text(encoding="utf-8"))
        except duckdb.Error as exc:
            raise WarehouseError(f"{f.name} failed: {exc}") from exc


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    names = [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'main' and not internal "
            "and table_name not like '\\_%' escape '\\' order by table_name"
        ).fetchall()
    ]
    return {n: con.execute("select count(*) from " + duckdb_identifier(n)).fetchall()[0][0] for n in names}


def build(
    target: Path,
    staging: Path,
    sql_dir: Path,
    reference_dir: Path,
    root: Root,
    parts: list[PartInfo],
    keep: set[str],
    fresh: bool = False,
) -> PublishResult:
    """Build the next warehouse at `staging` and return its row counts; does not publish. It starts
    from a copy of `target` when that is compatible (only changed documents are touched), or from
    an empty database when `fresh` or when there is none."""
    staging.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        leftover.unlink(missing_ok=True)
    tables_sql, _derive, _views = sql_files(sql_dir)
    damaged: str | None = None
    if target.exists() and not fresh:
        shutil.copyfile(target, staging)
        try:
            with staging_connection(staging) as con:
                compatible = _has_schema(con, schema_version(tables_sql))
                # The build rewrites only what changed: a block damaged on disk elsewhere would be
                # published again, so every value is read once before the copy is built on.
                damage = first_damage(con) if compatible else None
        except duckdb.Error as exc:
            staging.unlink(missing_ok=True)
            raise WarehouseError(
                f"the published warehouse {target} cannot be opened ({exc}); nothing was changed. Run "
                "`baogao rebuild` to build it again from the Parquet parts, then ingest again"
            ) from exc
        if damage is not None:
            damaged = (
                f"the published warehouse {target} has a damaged table ({damage[0]}: {damage[1]}); "
                "the new one was built from the Parquet parts instead of from it"
            )
        if not compatible or damage is not None:
            staging.unlink()
    if not staging.exists():
        with staging_connection(staging) as con:
            create_schema(con, tables_sql)
    built = build_into(staging, sql_dir, reference_dir, root, parts, keep)
    return PublishResult(built.path, built.rows, damaged)


def scan(con: duckdb.DuckDBPyConnection, table: str) -> int:
    """Read every value of every column of `table` (count(*) alone would read only metadata, and
    DuckDB checks a block's checksum only when it reads the block)."""
    rows = 0
    reader = con.table(table).select("*").to_arrow_reader(batch_size=65_536)
    for batch in reader:
        rows += batch.num_rows
    return rows


def first_damage(con: duckdb.DuckDBPyConnection) -> tuple[str, str] | None:
    """(table, DuckDB's message) of the first table that cannot be read whole; None when all can."""
    tables = con.execute("select table_name from duckdb_tables() where schema_name = 'main' order by 1").fetchall()
    for (table,) in tables:
        try:
            scan(con, table)
        except (duckdb.Error, pa.ArrowException) as exc:
            return table, str(exc).splitlines()[0]
    return None


def build_into(
    staging: Path, sql_dir: Path, reference_dir: Path, root: Root, parts: list[PartInfo], keep: set[str]
) -> PublishResult:
    _tables_sql, derive, views = sql_files(sql_dir)
    with staging_connection(staging) as con:
        fs = filesystem(root)
        if fs is not None:  # s3:// and other fsspec URLs: DuckDB reads the parts through fsspec
            con.register_filesystem(fs)
        con.execute("begin")
        changed = sync(con, root, parts, keep)
        # Reference tables, derived tables and views are redone only when what they come from
        # changed: a nightly run that found nothing new finds them right already.
        references = sorted(reference_dir.glob("*.csv")) if reference_dir.is_dir() else []
        if _stale(con, "reference_version", references):
            load_reference(con, reference_dir)
        if _stale(con, "derive_version", derive):
            # Derived with other SQL: every year is redone, those no document has any more too.
            con.execute(
                "insert into _changed_years select year from term_years union "
                "select report_year(delivered_on, plan_year, review_year, source_meta) from documents"
            )
            run_sql_files(con, derive)
        elif changed:
            run_sql_files(con, derive)
        if _stale(con, "views_version", views):
            run_sql_files(con, views)
        con.execute("commit")
        rows = table_counts(con)
        con.execute("checkpoint")
    return PublishResult(path=staging, rows=rows)


def _stale(con: duckdb.DuckDBPyConnection, key: str, files: list[Path]) -> bool:
    """True when `files` (names and contents) differ from what _baogao records under `key`, which
    then records them: the caller redoes what it builds from them in the same transaction."""
    version = files_version(files)
    stored = con.execute("select value from _baogao where key = ?", [key]).fetchall()
    if stored and stored[0][0] == version:
        return False
    con.execute("delete from _baogao where key = ?", [key])
    con.execute("insert into _baogao values (?, ?)", [key, version])
    return True


def files_version(files: list[Path]) -> str:
    """A version of `files`, their names and contents, as _baogao records it."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def up_to_date(con: duckdb.DuckDBPyConnection, sql_dir: Path, reference_dir: Path) -> bool:
    """True when the warehouse on `con` was built from the SQL and reference files as they are now,
    so that a build adding no document would change nothing. Only reads."""
    tables_sql, derive, views = sql_files(sql_dir)
    references = sorted(reference_dir.glob("*.csv")) if reference_dir.is_dir() else []
    wanted = {
        "schema_version": schema_version(tables_sql),
        "reference_version": files_version(references),
        "derive_version": files_version(derive),
        "views_version": files_version(views),
    }
    try:
        stored = dict(con.execute("select key, value from _baogao").fetchall())
    except duckdb.Error:
        return False
    return all(stored.get(k) == v for k, v in wanted.items())


def swap_in(staging: Path, target: Path) -> None:
    """Atomically replace the published database with the staged one."""
    wal = target.with_name(target.name + ".wal")
    if wal.exists():
        # A WAL left by a crashed writer would make the new file unopenable ("WAL does not match
        # database file"). Nothing of baogao writes the published file, so someone opened it
        # read-write by hand; the WAL is kept aside for inspection, never deleted silently.
        quarantine = target.parent / "quarantine"
        quarantine.mkdir(exist_ok=True)
        os.replace(wal, quarantine / f"{wal.name}.{time.strftime('%Y%m%dT%H%M%S')}.{os.getpid()}")
    # Readers only: a BI tool that opens the published file read-write gets "Permission denied"
    # (unless it runs as the file's owner or root) instead of leaving a WAL beside it.
    os.chmod(staging, 0o444)
    fsync(staging)
    os.replace(staging, target)
    fsync(target.parent)
