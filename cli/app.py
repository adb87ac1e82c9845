"""The `baogao` command line: ingest reports, query the warehouse, list its tables."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from cli.output import TABLE_LIMIT, Format, Result, render_table, run_all, to_csv, to_json, write_xlsx
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
ParquetUrlOpt = Annotated[
    str | None,
    typer.Option(help="Parquet tree at this fsspec URL (s3://bucket/prefix) instead of <warehouse>/parquet."),
]


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
        float | None,
        typer.Option(
            help="Seconds to wait for another running ingest before giving up. "
            "Default: BAOGAO_LOCK_TIMEOUT_SECONDS, else 60."
        ),
    ] = None,
    runner: Annotated[
        str | None,
        typer.Option(
            help="Where batches run: local (a process pool here) or dask (a Dask cluster). "
            "Default: BAOGAO_RUNNER, else local."
        ),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(help="Dask scheduler for --runner dask (tcp://HOST:8786). Default: a temporary local cluster."),
    ] = None,
    parquet_url: ParquetUrlOpt = None,
) -> None:
    """Ingest reports (.txt .html .htm .pdf .docx, corpus .jsonl/.csv, optionally .gz, and .zip/.tar
    archives of reports) into the warehouse.

    Only new or changed inputs are processed; an edited file replaces its older version. Every
    input gets one outcome (loaded, unchanged, duplicate, skipped, rejected, needs_review) in the
    ingest_log table; rejected inputs are listed at the end and the rest of the batch goes on.
    When nothing is new, no flow runs and nothing is written (recorded in Prefect as no-change).
    """
    missing = [p for p in paths or [] if not p.exists()]
    if missing:  # before anything starts: a script must be able to tell
        _fail("; ".join(f"{p} does not exist" for p in missing) + ". Check the path (nothing was ingested).", code=2)
    if runner is not None and runner not in ("local", "dask"):
        _fail(f"unknown runner {runner!r}; choose one of local, dask")
    # An option left out leaves the setting to the environment (BAOGAO_*) or its default.
    given = {
        "lock_timeout_seconds": lock_timeout,
        "runner": runner,
        "dask_address": address,
        "parquet_url": parquet_url,
    }
    overrides: dict[str, Any] = {"warehouse_dir": warehouse, **{k: v for k, v in given.items() if v is not None}}
    if paths:
        overrides["sources"] = paths
    if workers is not None:
        overrides["workers"] = workers
    settings = Settings(**overrides)
    bar, on_progress = _stage_bar()
    with bar:
        on_progress("checking inputs", 0, 1)
        from flows.survey import nothing_new

        try:
            quiet = nothing_new(settings)
        except Exception:  # a look that fails decides nothing: the flow looks again and reports
            quiet = None
        if quiet is None:
            if settings.runner == "local":  # the workers get ready while Prefect loads (flows/work.py)
                from flows.work import start_early

                start_early(settings.workers, settings.seeds_dir)
            summary = _run_flow(settings, warehouse, on_progress)
        else:
            on_progress("recording", 0, 1)
            recorded = _record_nothing_new(quiet)
            on_progress("recording", 1, 1)
        for t in bar.tasks:  # every stage is over
            bar.update(t.id, completed=t.total)
    if quiet is None:
        _print_summary(summary)
        return
    console.print(
        f"nothing new: {quiet.inputs} inputs unchanged; the warehouse ({quiet.documents} documents, "
        f"published by run {quiet.last_run}) is as it was; {_since_start():.1f} s",
        highlight=False,
    )
    if recorded is not None:
        err.print(recorded, highlight=False)
    console.print(f"warehouse: {settings.database_path}", highlight=False)


def _stage_bar() -> tuple[Progress, Callable[[str, int, int], None]]:
    """A progress bar on stderr (only on a terminal) with one row per named stage, and the callback
    that moves it: (stage, done, total). A new stage ends the ones before it."""
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description:<16}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
        disable=not err.is_terminal,
    )
    tasks: dict[str, Any] = {}

    def on_progress(stage: str, done: int, total: int) -> None:
        for other in tasks.values():
            if other != tasks.get(stage):
                bar.update(other, completed=bar.tasks[other].total)
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    return bar, on_progress


def _run_flow(settings: Settings, warehouse: Path, on_progress: Any) -> Any:
    """Run the ingest flow on baogao's Prefect server (started when none is running)."""
    from cli import server

    on_progress("Prefect server", 0, 1)
    try:
        # Prefect loads here while the server comes up (a first start creates its database).
        server.ensure(say=_note, idle_minutes=settings.server_idle_minutes, wait=False)
        on_progress("loading Prefect", 0, 1)
        configure_prefect()
        from flows import progress
        from flows.ingest import run_ingest
        from flows.runners import RunnerUnavailable
        from store.checks import QualityGateFailed
        from store.lock import LockTimeout
        from store.parts import DamagedManifest
        from store.preflight import preflight
        from store.warehouse import WarehouseError

        on_progress("Prefect server", 0, 1)
        server.ensure(say=_note, idle_minutes=settings.server_idle_minutes)
    except server.ServerError as exc:
        _fail(str(exc))

    progress.set_callback(on_progress)
    try:
        preflight(settings.warehouse_dir, settings.parquet_root, settings.lock_timeout_seconds)
        return run_ingest(settings)
    except (RunnerUnavailable, LockTimeout, QualityGateFailed, WarehouseError, DamagedManifest) as exc:
        _fail(str(exc))
    except Exception as exc:  # never a bare traceback to a user: say what failed, keep the details
        _fail_unexpected("ingest", exc, warehouse)
    finally:
        progress.set_callback(None)


def _record_nothing_new(quiet: Any) -> str | None:
    """Record a check that found nothing new as a completed run of the ingest flow in Prefect (its UI
    lists it beside the runs that loaded something). It waits for no server to start: when
    baogao's server is not up, the record is kept and sent by the next command that starts it.
    Returns what to tell the user, if anything."""
    from cli import server

    name = f"nothing-new-{quiet.run_id}"
    message = f"nothing new: {quiet.inputs} inputs unchanged; warehouse as published by run {quiet.last_run}"
    if configured := server.configured_api_url():
        try:
            server.record_flow_run(configured, "baogao-ingest", name, message, ["no-change"])
        except (OSError, ValueError) as exc:
            return f"[yellow]not recorded in Prefect:[/] {exc}"
        return None
    api = server.api_if_up()
    if api is not None:
        try:
            server.record_flow_run(api, "baogao-ingest", name, message, ["no-change"])
            return None
        except (OSError, ValueError):
            pass  # the server stopped meanwhile: kept for the next one, as below
    server.record_later("baogao-ingest", name, message, ["no-change"])
    return "no Prefect server is running: this check is recorded in Prefect when the next run starts one"


def _print_summary(summary: Any) -> None:
    run = summary.run
    t = Table(title=f"run {run.run_id}", show_header=False, box=None)
    for label, value in (
        ("documents seen", run.docs_seen),
        ("new", run.docs_new),
        ("changed", run.docs_changed),
        ("unchanged", run.docs_unchanged),
        ("duplicate", run.docs_duplicate),
        ("skipped", run.docs_skipped),
        ("rejected", run.docs_rejected),
        ("needs review", run.docs_needs_review),
        ("documents in warehouse", summary.rows.get("documents", 0)),
        ("metrics", run.metrics),
        ("entities", run.entities),
        ("seconds", f"{summary.seconds:.1f} in the flow, {_since_start():.1f} since the command started"),
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
    for note in summary.notes:
        console.print(f"note: {note}")
    console.print(f"warehouse: {summary.warehouse}")


def _idle_minutes() -> float:
    return Settings().server_idle_minutes


def _note(message: str) -> None:
    err.print(message, highlight=False)


def _since_start() -> float:
    """Seconds since this process started: what the user waited, start-up included."""
    import time

    import psutil

    return max(0.0, time.time() - float(psutil.Process().create_time()))


def _short_uri(uri: str) -> str:
    prefix = REPO_ROOT.as_uri() + "/"
    return uri[len(prefix) :] if uri.startswith(prefix) else uri


@app.command()
def query(
    sql: Annotated[
        str | None,
        typer.Argument(
            help="The SQL to run (read-only); several statements are run in order. `-`: read standard input."
        ),
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Read the SQL from this file (`-`: standard input).", dir_okay=False)
    ] = None,
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    limit: Annotated[
        int | None,
        typer.Option(
            help=f"Rows to give per statement; 0 for all. Default: {TABLE_LIMIT} in a table (saying how many were "
            "left out), all in csv, json and xlsx.",
            min=0,
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead of the screen (xlsx needs it).")
    ] = None,
    bom: Annotated[
        bool, typer.Option(help="Start CSV with a byte order mark, so Excel reads its Chinese as UTF-8.")
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout", help="Stop the query after this many seconds (default 300, BAOGAO_QUERY_TIMEOUT_SECONDS)."
        ),
    ] = None,
    memory_limit: Annotated[
        int | None,
        typer.Option(
            "--memory-limit",
            help="Stop the query when it needs more MB than this (default 2048, BAOGAO_QUERY_MEMORY_MB).",
        ),
    ] = None,
) -> None:
    """Run SQL against the warehouse: reads only, no access to other files, nothing written
    anywhere, stopped at its time and memory limits."""
    from store.query import QueryLimits, sandbox
    from store.warehouse import WarehouseError

    text = _sql_text(sql, file)
    if format is Format.xlsx and output is None:
        _fail("--format xlsx writes a workbook: add --output FILE.xlsx")
    settings = Settings()
    limits = QueryLimits(
        seconds=timeout if timeout is not None else settings.query_timeout_seconds,
        memory_mb=memory_limit if memory_limit is not None else settings.query_memory_mb,
    )
    try:
        with sandbox(warehouse / "warehouse.duckdb", text, limits) as (con, check):
            results = run_all(con, text, TABLE_LIMIT if limit is None and format is Format.table else limit, check)
    except WarehouseError as exc:
        _fail(str(exc))
        return
    if not results:
        _fail("no SQL to run (only blanks or comments): pass a statement, --file FILE, or - to read standard input")
    _give(results, format, output, bom)


def _sql_text(sql: str | None, file: Path | None) -> str:
    """The SQL from the argument, --file, or standard input (`-`, or piped with neither)."""
    if sql is not None and file is not None:
        _fail("give the SQL either as an argument or with --file, not both")
    if file is not None and str(file) != "-":
        try:
            return file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            _fail(f"cannot read the SQL file {file}: {exc}")
    if sql == "-" or (file is not None) or (sql is None and not sys.stdin.isatty()):
        return sys.stdin.read()
    if sql is None:
        _fail("no SQL to run: pass a statement, --file FILE, or - to read standard input")
    return sql or ""


def _give(results: list[Result], fmt: Format, output: Path | None, bom: bool) -> None:
    if fmt is Format.xlsx:
        assert output is not None
        try:
            write_xlsx(results, output)
        except (OSError, ValueError) as exc:
            _fail(f"could not write {output}: {exc}")
        err.print(f"wrote {output} ({', '.join(f'{r.total:,} rows' for r in results)})", highlight=False)
        return
    if fmt is Format.table and output is None:
        render_table(console, results)
        return
    if fmt is Format.table:
        buf = io.StringIO()
        render_table(Console(file=buf, width=200), results)
        text = buf.getvalue()
    else:
        text = to_csv(results, bom) if fmt is Format.csv else to_json(results)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        _fail(f"could not write {output}: {exc}")
    err.print(f"wrote {output} ({', '.join(f'{r.total:,} rows' for r in results)})", highlight=False)


@app.command()
def tables(warehouse: WarehouseOpt = DEFAULT_WAREHOUSE) -> None:
    """List every table and view of the warehouse with its grain and row count."""
    from store.catalog import objects, row_count
    from store.warehouse import WarehouseError, read_only_connection

    try:
        con = read_only_connection(warehouse / "warehouse.duckdb")
    except WarehouseError as exc:
        _fail(str(exc))
        return
    try:
        listed = [(name, kind, row_count(con, name), grain) for name, kind, grain in objects(con)]
    finally:
        con.close()
    if not console.is_terminal:  # piped: one line per object, tab-separated, for grep and cut
        sys.stdout.write(
            "".join("\t".join(map(str, row)) + "\n" for row in [("name", "kind", "rows", "grain"), *listed])
        )
        return
    t = Table()
    for col in ("name", "kind", "rows", "grain"):
        t.add_column(col, overflow="fold")
    for name, kind, count, comment in listed:
        t.add_row(name, kind, f"{count:,}", comment)
    console.print(t)


@app.command()
def rebuild(warehouse: WarehouseOpt = DEFAULT_WAREHOUSE) -> None:
    """Recreate warehouse.duckdb from the Parquet parts alone (the source of truth), check it and
    publish it. Use it after deleting or damaging the DuckDB file, or after changing sql/."""
    from cli import server

    with err.status("starting the Prefect server…"):
        try:
            server.ensure(say=_note, idle_minutes=_idle_minutes())
        except server.ServerError as exc:
            _fail(str(exc))
    configure_prefect()
    from flows.rebuild import rebuild as rebuild_flow
    from store.checks import QualityGateFailed
    from store.lock import LockTimeout
    from store.parts import DamagedManifest
    from store.preflight import preflight
    from store.warehouse import WarehouseError

    settings = Settings(warehouse_dir=warehouse)
    try:
        preflight(warehouse, settings.parquet_root, settings.lock_timeout_seconds, database=False)
        rows, checks, seconds = rebuild_flow(settings)
    except (LockTimeout, QualityGateFailed, DamagedManifest, WarehouseError) as exc:
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
def repair(warehouse: WarehouseOpt = DEFAULT_WAREHOUSE) -> None:
    """Mend the damage `baogao verify` finds in the Parquet tree: list again the parts a manifest
    lost, move damaged parts aside, read their documents again from their inputs, and rebuild the
    database. Exits 1 when some document could not be restored (it says which, and why)."""
    from cli import server

    with err.status("starting the Prefect server…"):
        try:
            server.ensure(idle_minutes=_idle_minutes())
        except server.ServerError as exc:
            _fail(str(exc))
    configure_prefect()
    from flows.repair import repair as repair_flow
    from store.checks import QualityGateFailed
    from store.lock import LockTimeout
    from store.parts import DamagedManifest
    from store.warehouse import WarehouseError

    if not warehouse.is_dir():
        _fail(f"no warehouse folder at {warehouse}; pass --warehouse")
    try:
        report = repair_flow(Settings(warehouse_dir=warehouse))
    except (LockTimeout, QualityGateFailed, DamagedManifest, WarehouseError, ValueError) as exc:
        _fail(str(exc))
        return
    except Exception as exc:
        _fail_unexpected("repair", exc, warehouse)
        return
    m = report.mended
    for label, items in (
        ("manifests rewritten", m.manifests_rewritten),
        ("parts listed again in their manifest", m.relisted),
        ("damaged parts (and the rest of their batch) moved aside", m.quarantined),
    ):
        if items:
            console.print(f"{label}: {len(items)}")
            for item in items:
                console.print(f"  {item}")
    if report.inputs_read:
        console.print(f"inputs read again: {len(report.inputs_read)}")
    console.print(f"restored {report.restored} document(s) of {report.lost_before} without a Parquet part")
    console.print(f"rebuilt {warehouse / 'warehouse.duckdb'}: {report.rows.get('documents', 0):,} documents")
    for path in m.ledger_lost:
        console.print(f"[red]could not restore[/] the ledger part {path}: inputs cannot give it back")
    if report.not_restored:
        t = Table(title=f"could not restore {len(report.not_restored)} input(s)")
        t.add_column("input", overflow="fold")
        t.add_column("why", overflow="fold")
        for uri, why in report.not_restored:
            t.add_row(_short_uri(uri), why)
        console.print(t)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def status(
    warehouse: WarehouseOpt = DEFAULT_WAREHOUSE,
    last: Annotated[int, typer.Option(help="How many recent runs to show.")] = 5,
) -> None:
    """The last runs and their outcome, the inputs the last run did not load, and the warehouse's age."""
    import datetime as dt

    from store.catalog import recent_runs
    from store.lock import running
    from store.warehouse import WarehouseError, read_only_connection

    db = warehouse / "warehouse.duckdb"
    try:
        con = read_only_connection(db)
    except WarehouseError as exc:
        _fail(str(exc))
        return
    try:
        recent = recent_runs(con, last)
    finally:
        con.close()
    runs, latest, rejects, docs = recent.runs, recent.latest, recent.rejects, recent.documents
    age = dt.datetime.now() - dt.datetime.fromtimestamp(db.stat().st_mtime)
    console.print(f"warehouse {db}: {docs:,} documents, published {_age(age)} ago")
    console.print(_server_line(), highlight=False)
    holder = running(warehouse)
    if holder is not None:
        console.print(f"[yellow]an ingest is running now[/] ({holder})")
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


server_app = typer.Typer(
    help="baogao's local Prefect server: started by the first run that needs it, reused by the next.",
    no_args_is_help=True,
)
app.add_typer(server_app, name="server")


@server_app.command("start")
def server_start() -> None:
    """Start baogao's Prefect server in the background (nothing to do when one is running)."""
    from cli import server

    if server.configured_api_url():
        _fail(f"a Prefect API is configured ({server.configured_api_url()}); baogao uses it and starts none")
    with err.status("starting the Prefect server (first time: about a minute)…"):
        try:
            server.ensure(idle_minutes=_idle_minutes())
        except server.ServerError as exc:
            _fail(str(exc))
    console.print(_server_line(), highlight=False)


@server_app.command("stop")
def server_stop() -> None:
    """Stop baogao's Prefect server (runs stay recorded in its database for the next start)."""
    from cli import server

    stopped = server.stop()
    if stopped is None:
        console.print("no baogao Prefect server is running")
    else:
        console.print(f"stopped the Prefect server at {stopped.url} (pid {stopped.pid})", highlight=False)


@server_app.command("status")
def server_status() -> None:
    """Which Prefect server baogao's runs use, and whether it is up."""
    console.print(_server_line(), highlight=False)


def _server_line() -> str:
    from cli import server

    if url := server.configured_api_url():
        return f"Prefect API: {url} (configured; baogao starts no server)"
    info = server.recorded()
    if info is None:
        return "Prefect server: none running; the next ingest starts one in the background"
    up = "up" if server.healthy(info) else "starting or not answering"
    idle = f"stops itself after {info.idle_minutes:g} min unused; " if info.idle_minutes else ""
    return (
        f"Prefect server: {info.url} ({up}, pid {info.pid}, started by baogao; UI there; "
        f"{idle}`baogao server stop` stops it)"
    )


def _age(delta: Any) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    if seconds < 172800:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


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
    from cli import server

    missing = [p for p in paths or [] if not p.exists()]
    if missing:
        _fail("; ".join(f"{p} does not exist" for p in missing) + ". Check the path.", code=2)
    overrides: dict[str, Any] = {"warehouse_dir": warehouse.absolute()}
    if paths:
        overrides["sources"] = [p.absolute() for p in paths]
    settings = Settings(**overrides)
    # Prefect's temporary per-process server cannot keep a schedule: serve on a real one, the
    # configured server or baogao's background server.
    with err.status("starting the Prefect server (first time: about a minute)…"):
        try:
            api = server.ensure(say=_note, idle_minutes=settings.server_idle_minutes)
        except server.ServerError as exc:
            _fail(str(exc))
    configure_prefect()
    from flows.ingest import ingest as ingest_flow

    ui = api.removesuffix("/api")
    console.print(f"serving deployment baogao-ingest/{name} on cron '{cron}' (Prefect UI: {ui}); Ctrl-C stops it")
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how serving ends, not an error
        ingest_flow.serve(
            name=name,
            cron=cron,
            parameters={"settings": settings.model_dump(mode="json")},
            limit=1,
            description="Nightly baogao ingest: new and changed reports into the warehouse.",
            print_starting_message=False,
        )
    console.print("stopped serving; the deployment stays registered, and no run was left half done")


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
    bar, on_progress = _stage_bar()
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
def verify(warehouse: WarehouseOpt = DEFAULT_WAREHOUSE, parquet_url: ParquetUrlOpt = None) -> None:
    """Scrub the warehouse: re-hash every Parquet part against its manifest, read every page with
    checksum verification, and read every table of the database. Exits 1 when anything is damaged.

    Damage inside a Parquet page does not make queries fail, it makes them return wrong values;
    run this on a schedule (e.g. nightly) to find it."""
    from store.verify import verify as scrub

    if not warehouse.is_dir():
        _fail(f"no warehouse folder at {warehouse}; run `baogao ingest` first or pass --warehouse")
    given: dict[str, Any] = {"parquet_url": parquet_url} if parquet_url else {}  # else BAOGAO_PARQUET_URL
    settings = Settings(warehouse_dir=warehouse, **given)
    try:
        report = scrub(warehouse, settings.parquet_root, settings.database_path)
    except (OSError, ValueError, ImportError) as exc:  # fsspec: an unknown scheme, a missing driver
        _fail(f"could not read the warehouse at {warehouse} (Parquet tree {settings.parquet_root}): {exc}")
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
