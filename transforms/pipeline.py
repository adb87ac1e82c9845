"""One document through every transform: SourceDoc in, all of its warehouse rows out."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from transforms import TRANSFORM_VERSION
from transforms.clean import clean_text, dedup_key
from transforms.entities import extract_entities
from transforms.html import html_to_text
from transforms.metrics import extract_metrics
from transforms.models import Document, DocumentRows, Reject, SourceDoc
from transforms.resources import Resources
from transforms.segment import segment_text
from transforms.structure import split_sections, split_sentences
from transforms.terms import count_terms, textrank_keywords
from transforms.themes import document_themes

# A document with fewer characters than this after cleaning is not a report.
MIN_CHARS = 20


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    ingested_at: dt.datetime


def doc_id_for(text: str) -> str:
    """A document's identity: the first 16 hex digits of sha256 over its dedup key."""
    return hashlib.sha256(dedup_key(text).encode("utf-8")).hexdigest()[:16]


def process(source: SourceDoc, resources: Resources, run: RunInfo) -> DocumentRows | Reject:
    """Every row one document contributes, or a Reject saying why it cannot be loaded."""
    if source.media_type == "html":
        raw = html_to_text(source.text or "")
    elif source.media_type == "text":
        raw = source.text or ""
    else:
        return Reject(
            source_uri=source.source_uri,
            source_name=source.source_name,
            reason_code="unsupported_type",
            message=f"{source.media_type.upper()} input is not supported yet",
        )
    text = clean_text(raw)
    if len(dedup_key(text)) < MIN_CHARS:
        return Reject(
            source_uri=source.source_uri,
            source_name=source.source_name,
            reason_code="no_text",
            message=f"no report text found (fewer than {MIN_CHARS} characters after cleaning)",
        )
    doc_id = doc_id_for(text)
    meta = source.source_meta
    title = meta.get("title") if isinstance(meta.get("title"), str) else None
    document = Document(
        doc_id=doc_id,
        source_uri=source.source_uri,
        source_name=source.source_name,
        source_meta=json.dumps(meta, ensure_ascii=False, sort_keys=True) if meta else None,
        content_sha256=source.content_sha256,
        media_type=source.media_type,
        encoding=source.encoding,
        script="simplified",
        char_count=len(text),
        text=text,
        original_text=None,
        title=title or text.split("\n", 1)[0][:100],
        transform_version=TRANSFORM_VERSION,
        run_id=run.run_id,
        ingested_at=run.ingested_at,
    )
    sections = split_sections(doc_id, text)
    sentences = split_sentences(doc_id, text, sections)
    # Segmented once; terms, keywords and entities all read these tokens.
    seg = segment_text(text, resources.user_words)
    return DocumentRows(
        document=document,
        sections=sections,
        sentences=sentences,
        metrics=extract_metrics(doc_id, sentences, sections, resources.indicators),
        entity_mentions=extract_entities(
            doc_id,
            text,
            sentences,
            seg,
            user_words=resources.user_words,
            formulas=resources.formulas,
            regions=getattr(resources, "regions", ()),  # Resources.regions arrives with the regions work
        ),
        terms=count_terms(doc_id, seg, resources.stopwords),
        keywords=textrank_keywords(doc_id, seg, resources.stopwords),
        document_themes=document_themes(doc_id, text, sentences, resources.themes),
    )
