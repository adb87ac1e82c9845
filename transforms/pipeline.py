"""One document through every transform: SourceDoc in, all of its warehouse rows out."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from transforms.clean import dedup_key
from transforms.entities import extract_entities
from transforms.extract import ExtractError
from transforms.metadata import prepare
from transforms.metrics import extract_metrics
from transforms.models import Document, DocumentRows, Reject, RunInfo, SourceDoc
from transforms.resources import Resources
from transforms.segment import segment_text
from transforms.structure import split_sections, split_sentences
from transforms.terms import count_terms, textrank_keywords
from transforms.themes import document_themes

__all__ = ["RunInfo", "doc_id_for", "process"]

# A document with fewer characters than this after cleaning is not a report.
MIN_CHARS = 20


def doc_id_for(text: str) -> str:
    """A document's identity: the first 16 hex digits of sha256 over its dedup key."""
    return hashlib.sha256(dedup_key(text).encode("utf-8")).hexdigest()[:16]


def _no_lap(stage: str) -> None:
    return None


def process(
    source: SourceDoc, resources: Resources, run: RunInfo, lap: Callable[[str], None] = _no_lap
) -> DocumentRows | Reject:
    """Every row one document contributes, or a Reject saying why it cannot be loaded.

    `lap(stage)` is called as each stage ends (clean, metadata, structure, segment, metrics,
    entities, terms, themes), so a caller can time the stages (flows/work.py does) without this
    module reading a clock."""
    try:
        # Extracted, cleaned, then Simplified (the original kept): offsets, metadata and analysis
        # read Simplified text (transforms/metadata.py::prepare).
        prepared = prepare(
            source.media_type, source.text, source.data, source.source_meta, resources.regions, run.max_document_bytes
        )
    except ExtractError as exc:
        return Reject(
            source_uri=source.source_uri, source_name=source.source_name, reason_code=exc.code, message=str(exc)
        )
    text, doc_meta = prepared.text, prepared.meta
    if len(dedup_key(text)) < MIN_CHARS:
        return Reject(
            source_uri=source.source_uri,
            source_name=source.source_name,
            reason_code="no_text",
            message=f"no report text found (fewer than {MIN_CHARS} characters after cleaning)",
        )
    doc_id = doc_id_for(text)
    lap("clean")
    meta = source.source_meta
    document = Document(
        doc_id=doc_id,
        source_uri=source.source_uri,
        source_name=source.source_name,
        source_meta=json.dumps(meta, ensure_ascii=False, sort_keys=True) if meta else None,
        content_sha256=source.content_sha256,
        media_type=source.media_type,
        encoding=source.encoding,
        script=prepared.script,
        char_count=len(text),
        text=text,
        original_text=prepared.original_text,
        **doc_meta.model_dump(),
        transform_version=run.transform_version,
        run_id=run.run_id,
        ingested_at=run.ingested_at,
    )
    lap("metadata")
    sections = split_sections(
        doc_id,
        text,
        review_year=doc_meta.review_year,
        plan_year=doc_meta.plan_year,
        default_part=prepared.default_part,
    )
    sentences = split_sentences(doc_id, text, sections)
    lap("structure")
    # Segmented once; metrics, entities, terms and keywords all read these tokens.
    seg = segment_text(text, resources.user_words)
    lap("segment")
    metrics = extract_metrics(doc_id, sentences, sections, resources.indicators, seg, resources.user_words)
    lap("metrics")
    entity_mentions = extract_entities(
        doc_id,
        text,
        sentences,
        seg,
        user_words=resources.user_words,
        formulas=resources.formulas,
        regions=resources.regions,
        home=document.region_code,
        countries=resources.countries,
        leaders=resources.leaders,
    )
    lap("entities")
    terms = count_terms(doc_id, seg, resources.stopwords)
    keywords = textrank_keywords(doc_id, seg, resources.stopwords, compiled=run.compiled_textrank)
    lap("terms")
    themes = document_themes(doc_id, text, sentences, resources.themes)
    lap("themes")
    return DocumentRows(
        document=document,
        sections=sections,
        sentences=sentences,
        metrics=metrics,
        entity_mentions=entity_mentions,
        terms=terms,
        keywords=keywords,
        document_themes=themes,
    )
