"""The `baogao` command line: ingest reports, query the warehouse, list its tables."""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
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
    typer.Option("--warehouse", "-w", help="Warehouse folder (holds warehouse.duckdb and parquet/).", file_okay=False),
]
DEFAULT_WAREHOUSE = REPO_ROOT / "warehouse"


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {message}", markup=True, highlight=False)
    raise typer.Exit(code)


def _fail_unexpected(command: str, exc: BaseException, warehouse: Path) -> None:
    """An error baogao did not anticipate: a one-line explanation, the traceback in a file."""
    import datetime as dt
    import traceback

    logs = warehouse / "logs"
    try:
        logs.mkdir(parents=True, exist_ok=True)
        path = logs / f"{command}-error-{dt.datetime.now():%Y%m%dT%H%M%S}.txt"
        path.write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
        where = f"the full traceback is in {path}"
    except OSError:
        where = "the traceback could not be saved"
    _fail(
        f"{command} failed: {type(exc).__name__}: {exc}\n{where}; the previous warehouse is unchanged. "
        "Please report it with that file if the message does not say what to fix."
    )


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders (searched recursively) to ingest. Default: seeds/."),
    ] = None,
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes for the CPU-bound work. Default: CPU count.")
    ] = None,
    lock_timeout: Annotated[
        float, typer.Option(help="Seconds to wait for another running ingest before giving up.")
    ] = 60.0,
    runner: Annotated[
        str, typer.Option(help="Where batches run: local (a process pool here) or dask (a Dask cluster).")
    ] = "local",
    address: Annotated[
        str | None,
        typer.Option(help="Dask scheduler for --runner dask (tcp://HOST:8786). Default: a temporary local cluster."),
    ] = None,
    parquet_url: Annotated[
        str | None,
        typer.Option(help="Parquet tree at this fsspec URL (s3://bucket/prefix) instead of <warehouse>/parquet."),
    ] = None,
) -> None:
    """Ingest reports (.txt .html .htm .pdf .docx, corpus .jsonl/.csv, optionally .gz) into the warehouse.

    Only new or changed inputs are processed; an edited file replaces its older version. Every
    input gets one outcome (loaded, unchanged, duplicate, skipped, rejected, needs_review) in the
    ingest_log table; rejected inputs are listed at the end and the rest of the batch goes on.
    """
    configure_prefect()
    from flows import progress
    from flows.ingest import run_ingest
    from flows.runners import RUNNERS, RunnerUnavailable
    from store.checks import QualityGateFailed
    from store.lock import LockTimeout
    from store.warehouse import WarehouseError

    if runner not in RUNNERS:
        _fail(f"unknown runner {runner!r}; choose one of {', '.join(RUNNERS)}")
    overrides: dict[str, Any] = {
        "warehouse_dir": warehouse,
        "lock_timeout_seconds": lock_timeout,
        "runner": runner,
        "dask_address": address,
        "parquet_url": parquet_url,
    }
    if paths:
        overrides["sources"] = paths
    if workers is not None:
        overrides["workers"] = workers
    settings = Settings(**overrides)
    bar = Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal,
    )
    tasks: dict[str, Any] = {}

    def on_progress(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    progress.set_callback(on_progress)
    try:
        with bar:
            summary = run_ingest(settings)
    except RunnerUnavailable as exc:
        _fail(str(exc))
    except LockTimeout as exc:
        _fail(str(exc))
    except QualityGateFailed as exc:
        _fail(str(exc))
    except WarehouseError as exc:
        _fail(str(exc))
    except Exception as exc:  # never a bare traceback to a user: say what failed, keep the details
        _fail_unexpected("ingest", exc, warehouse)
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
    return uri[len(prefix) :] if uri.startswith(prefix) else uri


@app.command()
def query(
    sql: Annotated[str, typer.Argument(help="The SQL to run (read-only).")],
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """Run SQL against the warehouse, opened read-only with no access to other files."""
    import duckdb

    from store.warehouse import WarehouseError, read_only_connection

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
        sys.stdout.write(
            json.dumps([dict(zip(columns, r, strict=True)) for r in rows], ensure_ascii=False, default=str, indent=1)
            + "\n"
        )
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
    from store.warehouse import WarehouseError, duckdb_identifier, read_only_connection

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
            count = con.execute("select count(*) from " + duckdb_identifier(name)).fetchall()[0][0]
            t.add_row(name, kind, f"{count:,}", comment or "")
    finally:
        con.close()
    console.print(t)


@app.command()
def rebuild(warehouse: WarehouseOpt = DEFAULT_WAREHOUSE) -> None:
    """Recreate warehouse.duckdb from the Parquet parts alone (the source of truth), check it and
    publish it. Use it after deleting or damaging the DuckDB file, or after changing sql/."""
    configure_prefect()
    from flows.rebuild import rebuild as rebuild_flow
    from store.checks import QualityGateFailed
    from store.lock import LockTimeout

    try:
        rows, checks, seconds = rebuild_flow(Settings(warehouse_dir=warehouse))
    except (LockTimeout, QualityGateFailed) as exc:
        _fail(str(exc))
        return
    except Exception as exc:
        _fail_unexpected("rebuild", exc, warehouse)
        return
    t = Table(title=f"rebuilt {warehouse / 'warehouse.duckdb'} in {seconds:.1f} s")
    t.add_column("table")
    t.add_column("rows", justify="right")
    for name, n in sorted(rows.items()):
        t.add_row(name, f"{n:,}")
    console.print(t)
    console.print(f"{sum(c.passed for c in checks)}/{len(checks)} quality checks passed")


@app.command()
def status(
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    last: Annotated[int, typer.Option(help="How many recent runs to show.")] = 5,
) -> None:
    """The last runs and their outcome, the inputs the last run did not load, and the warehouse's age."""
    import datetime as dt

    from store.warehouse import WarehouseError, read_only_connection

    db = warehouse / "warehouse.duckdb"
    try:
        con = read_only_connection(db)
    except WarehouseError as exc:
        _fail(str(exc))
        return
    try:
        runs = con.execute(
            "select run_id, status, started_at, seconds, docs_seen, docs_new, docs_changed, docs_unchanged, "
            "docs_duplicate, docs_rejected + docs_needs_review + docs_skipped, coalesce(message, '') "
            "from runs order by run_id desc limit ?",
            [last],
        ).fetchall()
        latest = runs[0][0] if runs else None
        rejects = con.execute(
            "select source_uri, error_code, message from rejects where run_id = ? order by source_uri", [latest]
        ).fetchall()
        docs = con.execute("select count(*) from documents").fetchall()[0][0]
    finally:
        con.close()
    age = dt.datetime.now() - dt.datetime.fromtimestamp(db.stat().st_mtime)
    console.print(f"warehouse {db}: {docs:,} documents, published {_age(age)} ago")
    lock = warehouse / ".ingest.lock"
    if _lock_held(lock):
        console.print(f"[yellow]an ingest is running now[/] ({lock.read_text(encoding='utf-8')})")
    t = Table(title="recent runs")
    for col in (
        "run",
        "status",
        "started (UTC)",
        "seconds",
        "seen",
        "new",
        "changed",
        "unchanged",
        "duplicate",
        "not loaded",
        "message",
    ):
        t.add_column(col, overflow="fold")
    for r in runs:
        t.add_row(r[0], r[1], f"{r[2]:%Y-%m-%d %H:%M}", f"{r[3] or 0:.1f}", *(str(v) for v in r[4:10]), r[10])
    console.print(t)
    if rejects:
        rt = Table(title=f"not loaded in run {latest}")
        for col in ("input", "reason", "message"):
            rt.add_column(col, overflow="fold")
        for uri, code, message in rejects:
            rt.add_row(_short_uri(uri), code, message)
        console.print(rt)


def _age(delta: Any) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def _lock_held(path: Path) -> bool:
    import fcntl
    import os

    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@app.command()
def serve(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders to ingest on every run. Default: seeds/.")
    ] = None,
    cron: Annotated[str, typer.Option(help="When to run, as a cron expression (server time zone).")] = "0 2 * * *",
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    name: Annotated[str, typer.Option(help="Name of the Prefect deployment.")] = "nightly",
) -> None:
    """Serve the ingest flow as a Prefect deployment on a schedule (runs until interrupted).

    Runs are visible in the Prefect UI of the server in PREFECT_API_URL (see README: Scheduling).
    At most one scheduled ingest runs at a time.
    """
    configure_prefect()
    from flows.ingest import ingest as ingest_flow

    overrides: dict[str, Any] = {"warehouse_dir": warehouse.absolute()}
    if paths:
        overrides["sources"] = [p.absolute() for p in paths]
    settings = Settings(**overrides)
    console.print(f"serving deployment baogao-ingest/{name} on cron '{cron}'; Ctrl-C stops it")
    ingest_flow.serve(
        name=name,
        cron=cron,
        parameters={"settings": settings.model_dump(mode="json")},
        limit=1,
        description="Nightly baogao ingest: new and changed reports into the warehouse.",
    )


@app.command("report")
def report_site(
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    out: Annotated[
        Path | None, typer.Option(help="Folder to write the site to (replaced). Default: <warehouse>/report.")
    ] = None,
    where: Annotated[
        str | None,
        typer.Option(
            help='Only documents matching this SQL condition, e.g. "year >= 2000" or "province = \'浙江省\'".'
        ),
    ] = None,
    term: Annotated[
        list[str] | None,
        typer.Option(help="A term for the small multiples (repeat it); default: the strongest risers."),
    ] = None,
) -> None:
    """Write a static site of the warehouse: charts of targets and actuals, terms, themes and
    entities; a page per document with every metric and entity marked; search over every sentence.
    Open its index.html by double-click: it needs no server and no network."""
    from report.build import SiteError, SiteOptions, build_site

    out_dir = out or warehouse / "report"
    bar = Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal,
    )
    tasks: dict[str, Any] = {}

    def on_progress(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    try:
        with bar:
            summary = build_site(
                warehouse / "warehouse.duckdb",
                out_dir,
                SiteOptions(where=where, terms=tuple(term or ())),
                progress=on_progress,
            )
    except SiteError as exc:
        _fail(str(exc))
        return
    except Exception as exc:
        _fail_unexpected("report", exc, warehouse)
        return
    console.print(
        f"wrote {summary.pages:,} pages ({summary.documents:,} documents, {summary.charts} charts) "
        f"in {summary.seconds:.1f} s\nopen {out_dir / 'index.html'}"
    )


@app.command()
def docs(
    output: Annotated[Path, typer.Option(help="Where to write the data dictionary.")] = REPO_ROOT
    / "docs"
    / "warehouse.md",
) -> None:
    """Regenerate the data dictionary (docs/warehouse.md) from the COMMENT ON statements in sql/."""
    from store.catalog import write

    text = write(REPO_ROOT / "sql", output)
    console.print(f"wrote {output} ({text.count(chr(10) + '## ')} tables and views)")


@app.command()
def verify(warehouse: WarehouseOpt = DEFAULT_WAREHOUSE) -> None:
    """Scrub the warehouse: re-hash every Parquet part against its manifest, read every page with
    checksum verification, and read every table of the database. Exits 1 when anything is damaged.

    Damage inside a Parquet page does not make queries fail, it makes them return wrong values;
    run this on a schedule (e.g. nightly) to find it."""
    from store.verify import verify as scrub

    if not warehouse.is_dir():
        _fail(f"no warehouse folder at {warehouse}; run `baogao ingest` first or pass --warehouse")
    try:
        report = scrub(warehouse)
    except OSError as exc:
        _fail(f"could not read the warehouse folder: {exc}")
        return
    console.print(
        f"checked {report.parts_checked} Parquet parts and {report.tables_checked} tables "
        f"({report.rows_checked:,} rows read)"
    )
    if report.leftovers:
        console.print(
            f"{len(report.leftovers)} file(s) left by interrupted runs (not part of the warehouse; the next ingest "
            "removes them once they are an hour old)"
        )
    if report.ok:
        console.print("[green]no damage found[/]")
        return
    t = Table(title="damage found")
    for col in ("where", "what", "what to do"):
        t.add_column(col, overflow="fold")
    for p in report.problems:
        t.add_row(p.where, p.what, p.fix)
    console.print(t)
    raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
