"""The registry of tables (transforms/tables.py) and the contract (sql/00_tables.sql) agree."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from transforms.models import DocumentRows
from transforms.tables import DERIVED, DOCUMENT_TABLES, TABLES

SQL = Path(__file__).resolve().parents[2] / "sql"


@pytest.fixture(scope="module")
def contract() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute((SQL / "00_tables.sql").read_text(encoding="utf-8"))
    return con


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    rows = con.execute(
        "select column_name, data_type from duckdb_columns() where table_name = ? order by column_index", [table]
    ).fetchall()
    # JSON columns travel in Parquet as text.
    return [(str(name), "VARCHAR" if kind == "JSON" else str(kind)) for name, kind in rows]


def test_every_table_of_the_contract_is_registered_derived_or_reference(contract: duckdb.DuckDBPyConnection) -> None:
    declared = {
        r[0]
        for r in contract.execute(
            "select table_name from duckdb_tables() where not starts_with(table_name, '_')"
        ).fetchall()
    }
    reference = {t for t in declared if t.startswith("ref_")}
    assert declared - reference == set(TABLES) | set(DERIVED)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_a_registered_schema_has_the_columns_and_types_of_the_contract(
    contract: duckdb.DuckDBPyConnection, name: str
) -> None:
    table = TABLES[name]
    empty = pa.Table.from_batches([], schema=table.schema)
    parquet = contract.from_arrow(empty)
    assert list(zip(parquet.columns, map(str, parquet.types), strict=True)) == _columns(contract, name)


@pytest.mark.parametrize("name", sorted(TABLES))
def test_a_registered_row_model_has_the_columns_and_the_key_is_among_them(name: str) -> None:
    table = TABLES[name]
    fields = getattr(table.row, "model_fields", None) or table.row._fields  # a model or a named tuple
    assert list(fields) == table.schema.names
    assert set(table.key) <= set(table.schema.names)


def test_every_document_table_is_a_field_of_document_rows() -> None:
    assert [t.rows for t in DOCUMENT_TABLES] == list(DocumentRows.model_fields)
