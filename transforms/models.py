"""Row models shared by the transforms: one model per warehouse table row.

The field names are the warehouse contract (sql/00_tables.sql); change them only with a reason,
and together with the SQL, the pyarrow schemas and the README.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, SkipValidation

from transforms import TRANSFORM_VERSION

MediaType = Literal["text", "html", "pdf", "docx"]
Part = Literal["review", "plan", "other"]
EntityType = Literal["person", "organization", "place", "document_title", "quoted_term", "formula"]
Qualifier = Literal["more_than", "about", "at_least", "up_to", "range"]


@dataclass(frozen=True)
class RunInfo:
    """What every row of one run shares (the flows make one per run; transforms.pipeline stamps it)."""

    run_id: str
    ingested_at: dt.datetime
    # What produced the rows: TRANSFORM_VERSION plus a fingerprint of the transforms' code and
    # reference data (flows/versions.py), so any change to either reprocesses documents.
    transform_version: str = TRANSFORM_VERSION
    # How, not what: TextRank through the numba kernel (same scores; its start-up in each process
    # pays only on large runs, so flows/plan.py turns it on by the size of the work).
    compiled_textrank: bool = False
    # Most bytes (UTF-8) of text one document may hold; a PDF or DOCX whose text is longer is
    # refused as it is extracted (a small file can hold a great deal of compressed text).
    max_document_bytes: int | None = None


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceDoc(Frozen):
    """One document as the flows found it: decoded text (or raw bytes for PDF/DOCX) plus where
    it came from. A corpus row's other columns arrive in `source_meta`."""

    source_uri: str
    source_name: str
    media_type: MediaType
    content_sha256: str  # sha256 of the raw bytes of this document (a file, or one corpus row)
    text: str | None = None  # decoded text for text/html; None for pdf/docx
    data: bytes | None = None  # raw bytes for pdf/docx
    encoding: str | None = None  # codec the bytes were decoded with; None for pdf/docx/corpus rows
    decode_note: str | None = None  # what decoding repaired (bytes shown as U+FFFD, NULs removed), for the ledger
    source_meta: dict[str, Any] = {}


class DocumentSource(Frozen):
    """The first columns of a `documents` row: where the document came from, and its text."""

    doc_id: str
    source_uri: str
    source_name: str
    source_meta: str | None  # JSON object text, or None
    content_sha256: str
    media_type: MediaType
    encoding: str | None
    script: Literal["simplified", "traditional"]
    char_count: int
    text: str
    original_text: str | None  # the text in its original script when it was converted; else None


class DocumentMeta(Frozen):
    """The metadata columns of one `documents` row."""

    title: str | None = None
    issuer: str | None = None
    body_type: str | None = None  # 政协, 政府, 人大, 党委
    level: str | None = None  # national, province, city, county, district
    province: str | None = None
    city: str | None = None
    county: str | None = None
    region_code: str | None = None
    term: int | None = None
    meeting: int | None = None
    delivered_on: dt.date | None = None
    review_year: int | None = None
    plan_year: int | None = None
    speaker_name: str | None = None
    speaker_title: str | None = None
    region_source: str | None = None  # text, source or text_over_source (sql/00_tables.sql)


class Document(DocumentMeta, DocumentSource):
    """One row per document version in force: DocumentSource's columns, then DocumentMeta's (the
    bases are listed in reverse, as pydantic puts the last base's fields first), then the run's."""

    transform_version: str
    run_id: str
    ingested_at: dt.datetime


class Section(Frozen):
    """One row per heading. Section 0 of every document is its root (the whole text, depth 0)."""

    doc_id: str
    section_id: int
    parent_section_id: int | None
    depth: int
    heading: str
    part: Part
    char_start: int
    char_end: int


class Sentence(Frozen):
    """One row per sentence; `text == documents.text[char_start:char_end]`."""

    doc_id: str
    sentence_id: int
    section_id: int
    text: str
    char_start: int
    char_end: int


class Metric(Frozen):
    """One row per quantity mentioned in the report body; offsets index documents.text."""

    metric_id: str
    doc_id: str
    sentence_id: int
    char_start: int
    char_end: int
    surface: str
    number_text: str
    unit_text: str
    value: Decimal | None  # None only for a target stated in words
    value_high: Decimal | None
    unit: str
    qualifier: Qualifier | None
    what: str | None
    what_head: str | None = None
    verb: str | None
    part_of_metric_id: str | None = None
    period: Part
    indicator: str | None
    is_target: bool
    is_estimate: bool = False  # 预计 ...: the year was not over when the figure was written
    stated_in_words: str | None = None  # a target without a number: 与经济增长同步, 保持稳定 ...


class EntityMention(Frozen):
    """One row per mention of an entity; offsets index documents.text."""

    doc_id: str
    sentence_id: int
    type: EntityType
    text: str  # exactly documents.text[char_start:char_end]
    name: str  # the normalized name the mention resolves to (冯 楠 → 冯楠)
    entity_id: str
    region_code: str | None
    char_start: int
    char_end: int


class Term(NamedTuple):
    """One row per (document, term, pos).

    A typed tuple, not a model like the other rows: a backfill makes millions of them, and a
    validated model costs several times a tuple. Its values come from the tokenizer and a
    Counter, so there is nothing to validate."""

    doc_id: str
    term: str
    pos: str
    count: int  # type: ignore[assignment]  # the contract's column name; shadows tuple.count, unused here


class Keyword(Frozen):
    """One row per (document, method, term)."""

    doc_id: str
    method: str
    term: str
    score: float
    rank: int


class DocumentTheme(Frozen):
    """One row per (document, theme of seeds/reference/themes.csv), themes with no sentence included."""

    doc_id: str
    theme: str
    sentences: int  # sentences that contain at least one of the theme's terms
    share: float  # sentences / all sentences of the document (0 for a document without sentences)
    mentions: int  # occurrences of the theme's terms in the document


class DocumentRows(Frozen):
    """Everything one document contributes to the warehouse."""

    document: Document
    sections: list[Section]
    sentences: list[Sentence]
    metrics: list[Metric] = []
    entity_mentions: list[EntityMention] = []
    terms: Annotated[list[Term], SkipValidation] = []  # see Term
    keywords: list[Keyword] = []
    document_themes: list[DocumentTheme] = []


class Reject(Frozen):
    """An input that could not become a document, with a reason a person understands."""

    source_uri: str
    source_name: str
    reason_code: str
    message: str
    outcome: Literal["rejected", "needs_review", "skipped"] = "rejected"
