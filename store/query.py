"""The analysts' sandbox: SQL typed into `baogao query` reads the warehouse and nothing else.

A read-only connection with file access off still lets `COPY ... TO` write the database file
itself and its WAL (DuckDB always lets a database reach its own files), so statements are
checked before any runs, against a list of the kinds that only read: select in all its forms
(with, from-first, values, show, describe, summarize) and explain. A query that runs past its
time limit is interrupted; one that needs more memory than its limit fails inside DuckDB (which
may not spill: there is nowhere it may write) or, while its rows are fetched, is stopped by a
watchdog on the process's memory.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import psutil

from store.warehouse import WarehouseError, read_only_connection

# Statement kinds that only read. PRAGMA is left out: some pragmas set options (locked anyway),
# and every pragma that reads has a select form (`pragma table_info(t)` = `describe t`).
READING = frozenset({duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN})
READING_WORDS = "select, with, from, values, show, describe, summarize, explain"
# How often the watchdog looks at the clock and the process's memory.
WATCH_SECONDS = 0.05


@dataclass(frozen=True)
class QueryLimits:
    """What one `baogao query` may take (flows/settings.py documents the defaults)."""

    seconds: float
    memory_mb: int


class QueryRefused(WarehouseError):
    """A statement that is not a read, refused before anything ran."""


class QueryStopped(WarehouseError):
    """A query stopped at its time or memory limit."""


def check_reads_only(sql: str) -> None:
    """Raise QueryRefused unless every statement in `sql` only reads."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"the SQL cannot be parsed: {exc}") from exc
    for n, st in enumerate(statements, 1):
        if st.type not in READING:
            kind = st.type.name.lower()
            where = f"statement {n}" if len(statements) > 1 else "the statement"
            raise QueryRefused(
                f"`baogao query` is read-only: {where} is {kind} ({st.query.strip()[:60]!r}), and only "
                f"reads run here ({READING_WORDS}); nothing was run"
            )


def connect(path: Path, limits: QueryLimits) -> duckdb.DuckDBPyConnection:
    """A read-only connection with no file access, no spilling, and the memory limit set before
    the configuration is locked."""
    # no spill files: nothing a query does writes
    return read_only_connection(path, {"memory_limit": f"{limits.memory_mb}MB", "temp_directory": ""})


class _Watchdog:
    """Interrupts the connection when the query runs past its time, or the process grows past
    its memory limit over what it held when the query started."""

    def __init__(self, con: duckdb.DuckDBPyConnection, limits: QueryLimits) -> None:
        self.con = con
        self.limits = limits
        self.process = psutil.Process()
        self.ceiling = self.process.memory_info().rss + limits.memory_mb * 2**20
        self.started = time.monotonic()
        self.reason: str | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="query-watchdog", daemon=True)

    def _watch(self) -> None:
        while not self._done.wait(WATCH_SECONDS):
            if time.monotonic() - self.started > self.limits.seconds:
                self.reason = "time"
            elif self.process.memory_info().rss > self.ceiling:
                self.reason = "memory"
            if self.reason:
                self.con.interrupt()
                return

    def __enter__(self) -> _Watchdog:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def check(self) -> None:
        if self.reason:
            raise stopped(self.reason, self.limits)


def stopped(reason: str, limits: QueryLimits) -> QueryStopped:
    if reason == "time":
        return QueryStopped(
            f"the query ran past its time limit of {limits.seconds:g} s and was stopped; narrow it, or raise "
            "the limit with --timeout SECONDS (BAOGAO_QUERY_TIMEOUT_SECONDS)"
        )
    return QueryStopped(
        f"the query needed more than its memory limit of {limits.memory_mb} MB and was stopped; narrow it "
        "(fewer rows or columns, an aggregate, a limit), or raise the limit with --memory-limit MB "
        "(BAOGAO_QUERY_MEMORY_MB)"
    )


@contextmanager
def sandbox(
    path: Path, sql: str, limits: QueryLimits
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Callable[[], None]]]:
    """(connection, check) for running `sql`, once every statement in it is known to only read.
    Call `check` between chunks of rows fetched. Raises QueryRefused, QueryStopped, or
    WarehouseError for SQL that fails."""
    check_reads_only(sql)
    con = connect(path, limits)
    try:
        with _Watchdog(con, limits) as watchdog:
            try:
                yield con, watchdog.check
            except duckdb.OutOfMemoryException as exc:
                raise stopped("memory", limits) from exc
            except duckdb.Error as exc:
                if watchdog.reason:
                    raise stopped(watchdog.reason, limits) from exc
                raise WarehouseError(f"the query failed: {exc}") from exc
            watchdog.check()
    finally:
        con.close()
