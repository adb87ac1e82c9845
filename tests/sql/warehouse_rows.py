"""Hand-made warehouse rows for the tests of the entity, keyword and theme views (issue 5)."""

from __future__ import annotations

from pathlib import Path

import duckdb

SQL = Path(__file__).resolve().parents[2] / "sql"

# Three documents: two 政协 reports of one committee (2023, 2024) and one government report (2024).
DOCUMENTS = [
    ("d1", "政协余姚市委员会常务委员会工作报告", "政协余姚市委员会常务委员会", "2023-01-10", 1000),
    ("d2", "政协余姚市委员会常务委员会工作报告", "政协余姚市委员会常务委员会", "2024-01-24", 2000),
    ("d3", "政府工作报告", "国务院", None, 4000),  # no date: the year comes from source_meta
]


def warehouse() -> duckdb.DuckDBPyConnection:
    """An empty warehouse with the contract tables and the three documents above."""
    con = duckdb.connect()
    con.execute((SQL / "00_tables.sql").read_text(encoding="utf-8"))
    for doc_id, title, issuer, delivered_on, chars in DOCUMENTS:
        meta = '{"year": 2024}' if doc_id == "d3" else None
        con.execute(
            "insert into documents (doc_id, source_uri, source_name, source_meta, content_sha256, media_type,"
            " script, char_count, text, title, issuer, delivered_on, transform_version, run_id, ingested_at)"
            " values (?, ?, 'x.txt', ?, 'sha', 'text', 'simplified', ?, '', ?, ?, ?, 'v', 'r', now())",
            [doc_id, f"file:///{doc_id}", meta, chars, title, issuer, delivered_on],
        )
    # As a fresh build leaves them: every document added, every year changed.
    con.execute("insert into _changed_docs select doc_id from documents")
    con.execute(
        "insert into _changed_years"
        " select report_year(delivered_on, plan_year, review_year, source_meta) from documents"
    )
    return con


def run(con: duckdb.DuckDBPyConnection, *files: str) -> None:
    for name in files:
        con.execute((SQL / name).read_text(encoding="utf-8"))


def mention(con: duckdb.DuckDBPyConnection, doc_id: str, type_: str, name: str, code: str | None = None) -> None:
    con.execute(
        "insert into entity_mentions values (?, 0, ?, ?, ?, ?, ?, 0, ?)",
        [doc_id, type_, name, name, f"{type_}:{name}", code, len(name)],
    )
