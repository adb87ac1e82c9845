"""The warehouse's tables that baogao writes rows for: one entry per table, with the pyarrow
schema of its Parquet parts, the key its rows are sorted by, and the model of one row.

A new table is one entry here plus its `create table` and `comment on table` (its grain) in
sql/00_tables.sql; tests/sql/test_tables.py fails when the two disagree. Tables the SQL derives
from these (sql/derive_*.sql) are named in DERIVED; reference tables (`ref_*`) come from
seeds/reference/*.csv and are declared in the SQL alone.

Each schema stays beside the code that produces its rows, and is looked up by name when first
used: knowing which tables exist must not import the transforms (jieba and the rest) into a
process that only publishes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from importlib import import_module
from typing import Any

import pyarrow as pa


def _resolve(ref: str) -> Any:
    module, name = ref.split(":")
    return getattr(import_module(module), name)


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]  # rows are sorted by it, so parts are byte-stable from run to run
    schema_ref: str  # "module:NAME" of the pyarrow schema of its Parquet parts
    row_ref: str  # "module:NAME" of the model of one row
    rows: str = ""  # for a document table: the DocumentRows field holding its rows

    @cached_property
    def schema(self) -> pa.Schema:
        schema: pa.Schema = _resolve(self.schema_ref)
        return schema

    @cached_property
    def row(self) -> type:
        row: type = _resolve(self.row_ref)
        return row


# Tables whose rows belong to one document each, reloaded by doc_id when it changes; in the
# order a document's rows are written and loaded.
DOCUMENT_TABLES: tuple[Table, ...] = (
    Table("documents", ("doc_id",), "transforms.documents:DOCUMENTS_SCHEMA", "transforms.models:Document", "document"),
    Table(
        "sections",
        ("doc_id", "section_id"),
        "transforms.structure:SECTIONS_SCHEMA",
        "transforms.models:Section",
        "sections",
    ),
    Table(
        "sentences",
        ("doc_id", "sentence_id"),
        "transforms.structure:SENTENCES_SCHEMA",
        "transforms.models:Sentence",
        "sentences",
    ),
    Table(
        "metrics",
        ("doc_id", "char_start", "metric_id"),
        "transforms.metrics:METRICS_SCHEMA",
        "transforms.models:Metric",
        "metrics",
    ),
    Table(
        "entity_mentions",
        ("doc_id", "char_start", "char_end", "type"),
        "transforms.entities:ENTITY_MENTIONS_SCHEMA",
        "transforms.models:EntityMention",
        "entity_mentions",
    ),
    Table("terms", ("doc_id", "term", "pos"), "transforms.terms:TERMS_SCHEMA", "transforms.models:Term", "terms"),
    Table(
        "keywords",
        ("doc_id", "method", "rank"),
        "transforms.terms:KEYWORDS_SCHEMA",
        "transforms.models:Keyword",
        "keywords",
    ),
    Table(
        "document_themes",
        ("doc_id", "theme"),
        "transforms.themes:DOCUMENT_THEMES_SCHEMA",
        "transforms.models:DocumentTheme",
        "document_themes",
    ),
)
# The ledger: every run appends its rows; never reloaded.
LEDGER_TABLES: tuple[Table, ...] = (
    Table("ingest_log", ("source_uri",), "transforms.ledger:INGEST_LOG_SCHEMA", "transforms.ledger:LogRow"),
    Table("runs", ("run_id",), "transforms.ledger:RUNS_SCHEMA", "transforms.ledger:RunRow"),
)
TABLES: dict[str, Table] = {t.name: t for t in (*DOCUMENT_TABLES, *LEDGER_TABLES)}
# Built by sql/derive_<name>.sql from the tables above.
DERIVED: tuple[str, ...] = ("entities", "term_years")
