"""What `baogao query` gives back: every statement's result as a table on screen (its first rows),
CSV, JSON or an Excel workbook."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

# A table on screen stops here unless --limit says otherwise: printing is what takes the time
# (every row of `terms` is about 120,000), and nobody reads past a screenful or two.
TABLE_LIMIT = 100
# Excel's own limit on the rows of one sheet (header included).
XLSX_MAX_ROWS = 1_048_576
FETCH_CHUNK = 10_000

if TYPE_CHECKING:
    import duckdb


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


@dataclass(frozen=True)
class Result:
    """One statement's answer: its columns, the rows kept, and how many rows it gave in all."""

    sql: str
    columns: list[str]
    rows: list[tuple[Any, ...]]
    total: int


def run_all(
    con: duckdb.DuckDBPyConnection, sql: str, limit: int | None, check: Callable[[], None] | None = None
) -> list[Result]:
    """Run every statement of `sql` in order and keep at most `limit` rows of each (None or 0:
    all). The rows past the limit are counted, not kept: DuckDB wants a result read to its end
    before the next statement runs. `check` is called between chunks of rows (the sandbox's
    memory watchdog, store/query.py)."""
    results = []
    for statement in con.extract_statements(sql):
        cur = con.execute(statement)
        columns = [d[0] for d in cur.description or []]
        if not limit:
            rows = []
            while chunk := cur.fetchmany(FETCH_CHUNK):
                rows.extend(chunk)
                if check is not None:
                    check()
            total = len(rows)
        else:
            rows = cur.fetchmany(limit)
            total = len(rows)
            while chunk := cur.fetchmany(FETCH_CHUNK):
                total += len(chunk)
        results.append(Result(statement.query.strip(), columns, rows, total))
    return results


def render_table(console: Console, results: Sequence[Result]) -> None:
    for i, r in enumerate(results):
        if len(results) > 1:
            head = " ".join(r.sql.split())
            console.print(f"[bold]{i + 1}.[/] {head[:100]}{'…' if len(head) > 100 else ''}", highlight=False)
        t = Table()
        for c in r.columns:
            t.add_column(c, overflow="fold")
        for row in r.rows:
            t.add_row(*("NULL" if v is None else str(v) for v in row))
        console.print(t)
        left_out = r.total - len(r.rows)
        if left_out:
            console.print(
                f"{r.total} rows; the first {len(r.rows)} shown, {left_out} left out (--limit N, --limit 0 for all)",
                highlight=False,
            )
        else:
            console.print(f"{r.total} rows", highlight=False)


def to_csv(results: Sequence[Result], bom: bool) -> str:
    """Each result as CSV with a header line; several results are separated by a blank line."""
    buf = io.StringIO()
    if bom:  # Excel reads a CSV file as the local code page unless it starts with a BOM
        buf.write("\ufeff")
    for i, r in enumerate(results):
        if i:
            buf.write("\n")
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(r.columns)
        w.writerows(r.rows)
    return buf.getvalue()


def to_json(results: Sequence[Result]) -> str:
    """One result: a list of objects, one per row. Several: a list of such lists. Decimals are
    JSON numbers written digit for digit (no float rounding); dates and the like are strings."""
    blocks = ["[\n" + ",\n".join(" " + _json_row(r.columns, row) for row in r.rows) + "\n]" for r in results]
    if len(blocks) == 1:
        return blocks[0] + "\n"
    return "[\n" + ",\n".join(blocks) + "\n]\n"


def _json_row(columns: list[str], row: tuple[Any, ...]) -> str:
    return _json_value(dict(zip(columns, row, strict=True)))


def _json_value(v: Any) -> str:
    if isinstance(v, Decimal):
        return str(v) if v.is_finite() else "null"
    if isinstance(v, float) and not math.isfinite(v):
        return "null"
    if isinstance(v, dict):
        return (
            "{" + ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: {_json_value(x)}" for k, x in v.items()) + "}"
        )
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_json_value(x) for x in v) + "]"
    return json.dumps(v, ensure_ascii=False, default=str)


def write_xlsx(results: Sequence[Result], path: Path) -> None:
    """One sheet per result, its header in the first row; numbers stay numbers."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for i, r in enumerate(results):
        if len(r.rows) + 1 > XLSX_MAX_ROWS:
            raise ValueError(
                f"result {i + 1} has {len(r.rows):,} rows, more than an Excel sheet holds ({XLSX_MAX_ROWS - 1:,}); "
                "use --format csv --bom, or narrow the query"
            )

    def cell(v: Any) -> Any:
        if v is None or isinstance(v, bool | int | float | Decimal | dt.date | dt.time):
            if isinstance(v, dt.datetime) and v.tzinfo is not None:  # Excel has no time zones
                return v.astimezone(dt.UTC).replace(tzinfo=None)
            return v
        text = str(v)
        return ILLEGAL_CHARACTERS_RE.sub("", text)

    book = Workbook(write_only=True)
    for i, r in enumerate(results):
        sheet = book.create_sheet(title=f"result {i + 1}" if len(results) > 1 else "result")
        sheet.append(r.columns)
        for row in r.rows:
            sheet.append([cell(v) for v in row])
    book.save(path)
