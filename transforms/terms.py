"""The `terms` and `keywords` tables (issue 5 fills them)."""

from __future__ import annotations

import pyarrow as pa

from transforms.models import Keyword, Sentence, Term

TERMS_SCHEMA = pa.schema(
    [("doc_id", pa.string()), ("term", pa.string()), ("pos", pa.string()), ("count", pa.int32())]
)

KEYWORDS_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("method", pa.string()),
        ("term", pa.string()),
        ("score", pa.float64()),
        ("rank", pa.int32()),
    ]
)


def count_terms(doc_id: str, sentences: list[Sentence]) -> list[Term]:
    """One row per (document, term, pos); not yet implemented (issue 5)."""
    return []


def textrank_keywords(doc_id: str, sentences: list[Sentence]) -> list[Keyword]:
    """Top TextRank keywords per document; not yet implemented (issue 5)."""
    return []
