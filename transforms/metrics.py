"""The `metrics` table: one row per quantity mentioned in the report body (issue 4 fills it)."""

from __future__ import annotations

import pyarrow as pa

from transforms.models import Metric, Section, Sentence

METRICS_SCHEMA = pa.schema(
    [
        ("metric_id", pa.string()),
        ("doc_id", pa.string()),
        ("sentence_id", pa.int32()),
        ("char_start", pa.int32()),
        ("char_end", pa.int32()),
        ("surface", pa.string()),
        ("number_text", pa.string()),
        ("unit_text", pa.string()),
        ("value", pa.decimal128(38, 6)),
        ("value_high", pa.decimal128(38, 6)),
        ("unit", pa.string()),
        ("qualifier", pa.string()),
        ("what", pa.string()),
        ("verb", pa.string()),
        ("period", pa.string()),
        ("indicator", pa.string()),
        ("is_target", pa.bool_()),
    ]
)


def extract_metrics(doc_id: str, sentences: list[Sentence], sections: list[Section]) -> list[Metric]:
    """One row per quantity mentioned in the report body; not yet implemented (issue 4)."""
    return []
