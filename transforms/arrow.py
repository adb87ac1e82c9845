"""Rows (pydantic models) to pyarrow tables, sorted by key so Parquet files are byte-stable."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
from pydantic import BaseModel


def to_table(rows: Sequence[BaseModel], schema: pa.Schema, key: Sequence[str]) -> pa.Table:
    """A table with exactly `schema`'s columns, rows ordered by `key`."""
    columns: dict[str, list[object]] = {name: [] for name in schema.names}
    ordered = sorted(rows, key=lambda r: tuple(getattr(r, k) for k in key))
    for row in ordered:
        for name in schema.names:
            columns[name].append(getattr(row, name))
    return pa.table(columns, schema=schema)
