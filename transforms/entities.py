"""The `entity_mentions` table: one row per mention (issue 5 fills it)."""

from __future__ import annotations

import pyarrow as pa

from transforms.models import EntityMention, Sentence

ENTITY_MENTIONS_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("sentence_id", pa.int32()),
        ("type", pa.string()),
        ("text", pa.string()),
        ("name", pa.string()),
        ("entity_id", pa.string()),
        ("region_code", pa.string()),
        ("char_start", pa.int32()),
        ("char_end", pa.int32()),
    ]
)


def extract_entities(doc_id: str, sentences: list[Sentence]) -> list[EntityMention]:
    """One row per entity mention; not yet implemented (issue 5)."""
    return []
