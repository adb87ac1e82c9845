"""Hand-made documents and metrics for the tests of the views over metrics (v_dated_metrics and
the views built on it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb

SQL = Path(__file__).resolve().parents[2] / "sql"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def warehouse() -> duckdb.DuckDBPyConnection:
    """An empty warehouse with the contract tables."""
    con = duckdb.connect()
    con.execute((SQL / "00_tables.sql").read_text(encoding="utf-8"))
    return con


def create_view(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Create the view `name` and v_dated_metrics, which it builds on."""
    for view in dict.fromkeys(("v_dated_metrics", name)):
        con.execute((SQL / f"{view}.sql").read_text(encoding="utf-8"))


def _insert(con: duckdb.DuckDBPyConnection, table: str, row: dict[str, object]) -> None:
    con.execute(f"insert into {table} ({', '.join(row)}) values ({', '.join('?' * len(row))})", list(row.values()))


def add_document(con: duckdb.DuckDBPyConnection, doc_id: str, **cols: object) -> None:
    _insert(con, "documents", {
        "doc_id": doc_id, "source_uri": f"file:///{doc_id}", "source_name": doc_id, "content_sha256": doc_id,
        "media_type": "text", "script": "simplified", "char_count": 0, "text": "", "transform_version": "t",
        "run_id": "r", "ingested_at": NOW, **cols,
    })  # fmt: skip


def add_metric(con: duckdb.DuckDBPyConnection, doc_id: str, n: int, **cols: object) -> None:
    """Metric `n` of the document: 5% in its n-th sentence unless `cols` say otherwise."""
    _insert(con, "metrics", {
        "metric_id": f"{doc_id}:{n}", "doc_id": doc_id, "sentence_id": n, "char_start": 10 * n, "char_end": 10 * n + 3,
        "surface": "5%", "number_text": "5", "unit_text": "%", "value": Decimal(5), "value_high": None, "unit": "%",
        "qualifier": None, "what": None, "verb": None, "period": "review", "indicator": None, "is_target": False,
        **cols,
    })  # fmt: skip
