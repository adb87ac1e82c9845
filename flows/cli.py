"""The `baogao` command line: ingest reports, query the warehouse, list its tables."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from flows.settings import REPO_ROOT, Settings, configure_prefect

app = typer.Typer(
    help="baogao (报告): Chinese work reports in, a DuckDB warehouse out.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)

WarehouseOpt = Annotated[
    Path,
    typer.Option("--warehouse", "-w", help="Warehouse folder (holds warehouse.duckdb and parquet/).",
                 file_okay=False),
]
DEFAULT_WAREHOUSE = REPO_ROOT / "warehouse"


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders (searched recursively) to ingest. Default: seeds/."),
    ] = None,
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    workers: Annotated[int | None, typer.Option(help="Worker processes for the CPU-bound work. Default: CPU count.")] = None,
    lock_timeout: Annotated[
        float, typer.Option(help="Seconds to wait for another running ingest before giving up.")
    ] = 60.0,
) -> None:
    """Ingest reports (.txt .html .htm .pdf .docx, corpus .jsonl/.csv, optionally .gz) into the warehouse.

    Only new or changed inputs are processed; an edited file replaces its older version. Every
    input gets one outcome (loaded, unchanged, duplicate, skipped, rejected, needs_review) in the
    ingest_log table; rejected inputs are listed at the end and the rest of the batch goes on.
    """
    configure_prefect()
    from flows import progress
    from flows.ingest import QualityGateFailed, ingest as ingest_flow
    from flows.lock import LockTimeout
    from flows.warehouse import WarehouseError

    overrides: dict[str, Any] = {"warehouse_dir": warehouse, "lock_timeout_seconds": lock_timeout}
    if paths:
        overrides["sources"] = paths
    if workers is not None:
        overrides["workers"] = workers
    settings = Settings(**overrides)
    bar = Progress(
        TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=False, disable=not err.is_terminal,
    )
    tasks: dict[str, Any] = {}

    def on_progress(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    progress.set_callback(on_progress)
    try:
        with bar:
            summary = ingest_flow(settings)
    except LockTimeout as exc:
        _fail(str(exc))
    except QualityGateFailed as exc:
        _fail(str(exc))
    except WarehouseError as exc:
        _fail(str(exc))
    finally:
        progress.set_callback(None)
    _print_summary(summary)


def _print_summary(summary: Any) -> None:
    t = Table(title=f"run {summary.run_id}", show_header=False, box=None)
    for label, value in (
        ("documents seen", summary.docs_seen),
        ("new", summary.docs_new),
        ("changed", summary.docs_changed),
        ("unchanged", summary.docs_unchanged),
        ("duplicate", summary.docs_duplicate),
        ("skipped", summary.docs_skipped),
        ("rejected", summary.docs_rejected),
        ("needs review", summary.docs_needs_review),
        ("documents in warehouse", summary.rows.get("documents", 0)),
        ("metrics", summary.metrics),
        ("entities", summary.entities),
        ("seconds", f"{summary.seconds:.1f}"),
    ):
        t.add_row(label, str(value))
    console.print(t)
    if summary.rejects:
        r = Table(title="not loaded", show_lines=False)
        for col in ("input", "outcome", "reason", "message"):
            r.add_column(col, overflow="fold")
        for line in summary.rejects:
            r.add_row(_short_uri(line.source_uri), line.outcome, line.reason_code, line.message)
        console.print(r)
    console.print(f"warehouse: {summary.warehouse}")


def _short_uri(uri: str) -> str:
    prefix = REPO_ROOT.as_uri() + "/"
    return uri[len(prefix):] if uri.startswith(prefix) else uri


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="The SQL to run (read-only).")],
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """Run SQL against the warehouse, opened read-only with no access to other files."""
    import duckdb

    from flows.warehouse import WarehouseError, read_only_connection

    try:
        con = read_only_connection(warehouse / "warehouse.duckdb")
    except WarehouseError as exc:
        _fail(str(exc))
        return
    try:
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description or []]
        rows = cur.fetchall()
    except duckdb.Error as exc:
        _fail(f"the query failed: {exc}")
        return
    finally:
        con.close()
    _print_rows(columns, rows, format)


def _print_rows(columns: list[str], rows: list[tuple[Any, ...]], fmt: Format) -> None:
    if fmt is Format.json:
        sys.stdout.write(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False,
                                    default=str, indent=1) + "\n")
    elif fmt is Format.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)
        sys.stdout.write(buf.getvalue())
    else:
        t = Table()
        for c in columns:
            t.add_column(c, overflow="fold")
        for r in rows:
            t.add_row(*("NULL" if v is None else str(v) for v in r))
        console.print(t)
        console.print(f"{len(rows)} rows")


@app.command()
def tables(warehouse: WarehouseOpt = DEFAULT_WAREHOUSE) -> None:
    """List every table and view of the warehouse with its grain and row count."""
    from flows.warehouse import WarehouseError, read_only_connection

    try:
        con = read_only_connection(warehouse / "warehouse.duckdb")
    except WarehouseError as exc:
        _fail(str(exc))
        return
    try:
        objects = con.execute(
            "select table_name, 'table', comment from duckdb_tables() "
            "where schema_name = 'main' and table_name not like '\\_%' escape '\\' "
            "union all select view_name, 'view', comment from duckdb_views() "
            "where not internal and schema_name = 'main' order by 1"
        ).fetchall()
        t = Table()
        for col in ("name", "kind", "rows", "grain"):
            t.add_column(col, overflow="fold")
        for name, kind, comment in objects:
            count = con.execute(f'select count(*) from "{name}"').fetchall()[0][0]  # noqa: S608 - catalog names
            t.add_row(name, kind, f"{count:,}", comment or "")
    finally:
        con.close()
    console.print(t)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
