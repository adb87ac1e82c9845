"""Rows (pydantic models or named tuples) to pyarrow tables, sorted by key so Parquet files are byte-stable."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel


def to_table(rows: Sequence[BaseModel] | Sequence[tuple[Any, ...]], schema: pa.Schema, key: Sequence[str]) -> pa.Table:
    """A table with exactly `schema`'s columns, rows ordered by `key` (Arrow's sort is stable and
    orders strings by code point, as Python's does)."""
    table = pa.table({name: list(map(attrgetter(name), rows)) for name in schema.names}, schema=schema)
    if table.num_rows < 2 or not key:
        return table
    return table.take(pc.sort_indices(table, sort_keys=[(k, "ascending") for k in key]))
