"""The `documents` table: one row per document version in force."""

from __future__ import annotations

import pyarrow as pa

DOCUMENTS_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("source_uri", pa.string()),
        ("source_name", pa.string()),
        ("source_meta", pa.string()),
        ("content_sha256", pa.string()),
        ("media_type", pa.string()),
        ("encoding", pa.string()),
        ("script", pa.string()),
        ("char_count", pa.int32()),
        ("text", pa.large_string()),
        ("original_text", pa.large_string()),
        ("title", pa.string()),
        ("issuer", pa.string()),
        ("body_type", pa.string()),
        ("level", pa.string()),
        ("province", pa.string()),
        ("city", pa.string()),
        ("county", pa.string()),
        ("region_code", pa.string()),
        ("term", pa.int32()),
        ("meeting", pa.int32()),
        ("delivered_on", pa.date32()),
        ("review_year", pa.int32()),
        ("plan_year", pa.int32()),
        ("speaker_name", pa.string()),
        ("speaker_title", pa.string()),
        ("region_source", pa.string()),
        ("transform_version", pa.string()),
        ("run_id", pa.string()),
        ("ingested_at", pa.timestamp("us", tz="UTC")),
    ]
)
