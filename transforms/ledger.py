"""The ingest ledger: what happened to every input of a run, and which documents are in force.

Pure decisions over values: the flows read the previous ledger from Parquet and hand it in.
Outcomes: loaded (reason new / changed / reprocessed / restored), unchanged, duplicate, skipped, rejected,
needs_review. Every discovered input gets exactly one row per run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import pyarrow as pa

from transforms.models import Frozen

INGEST_LOG_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("source_uri", pa.string()),
        ("source_name", pa.string()),
        ("outcome", pa.string()),
        ("reason_code", pa.string()),
        ("message", pa.string()),
        ("doc_id", pa.string()),
        ("duplicate_of", pa.string()),
        ("content_sha256", pa.string()),
        ("at", pa.timestamp("us", tz="UTC")),
    ]
)

RUNS_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("started_at", pa.timestamp("us", tz="UTC")),
        ("finished_at", pa.timestamp("us", tz="UTC")),
        ("status", pa.string()),
        ("docs_seen", pa.int32()),
        ("docs_new", pa.int32()),
        ("docs_changed", pa.int32()),
        ("docs_unchanged", pa.int32()),
        ("docs_duplicate", pa.int32()),
        ("docs_skipped", pa.int32()),
        ("docs_rejected", pa.int32()),
        ("docs_needs_review", pa.int32()),
        ("metrics", pa.int32()),
        ("entities", pa.int32()),
        ("seconds", pa.float64()),
        ("transform_version", pa.string()),
        ("prefect_flow_run_id", pa.string()),
        ("message", pa.string()),
    ]
)

# Outcomes after which an input maps to a document in force.
MAPPED = ("loaded", "unchanged", "duplicate")


class LogRow(Frozen):
    """One row of ingest_log."""

    run_id: str
    source_uri: str
    source_name: str
    outcome: str
    reason_code: str
    message: str
    doc_id: str | None = None
    duplicate_of: str | None = None
    content_sha256: str | None = None
    at: dt.datetime


class RunRow(Frozen):
    """One row of runs."""

    run_id: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    docs_seen: int
    docs_new: int
    docs_changed: int
    docs_unchanged: int
    docs_duplicate: int
    docs_skipped: int
    docs_rejected: int
    docs_needs_review: int
    metrics: int
    entities: int
    seconds: float | None
    transform_version: str
    prefect_flow_run_id: str | None
    message: str | None


@dataclass(frozen=True)
class Mapping:
    """Where an input pointed after the last run that mapped it."""

    content_sha256: str | None
    doc_id: str


@dataclass
class LedgerState:
    """What the warehouse already holds, read from committed Parquet parts."""

    # source_uri -> its latest mapping (runs in order; later rows win)
    mappings: dict[str, Mapping] = field(default_factory=dict)
    # doc_ids whose rows exist under the current transform version
    current_docs: set[str] = field(default_factory=set)


# (run_id, source_uri, outcome, doc_id, duplicate_of, content_sha256): the ledger columns the state needs.
LogTuple = tuple[str, str, str, str | None, str | None, str | None]
LOG_TUPLE_COLUMNS = ("run_id", "source_uri", "outcome", "doc_id", "duplicate_of", "content_sha256")


def build_state(log_rows: Iterable[LogTuple], current_docs: Iterable[str]) -> LedgerState:
    """`log_rows` are LogTuples of all committed ledger rows."""
    return advance(LedgerState(current_docs=set(current_docs)), log_rows, frozenset())


def advance(state: LedgerState, log_rows: Iterable[LogTuple], current_runs: Container[str]) -> LedgerState:
    """The state after `log_rows`, ledger rows of runs committed after every run `state` has seen:
    their mappings replace older ones, and documents loaded by a run in `current_runs` (the runs
    under the current transform version) are current. `state` itself is left as it was."""
    mappings = dict(state.mappings)
    current = set(state.current_docs)
    for run, uri, outcome, doc_id, duplicate_of, sha in sorted(log_rows, key=lambda r: r[0]):
        target = duplicate_of or doc_id
        if outcome in MAPPED and target:
            mappings[uri] = Mapping(content_sha256=sha, doc_id=target)
        if outcome == "loaded" and doc_id and run in current_runs:
            current.add(doc_id)
    return LedgerState(mappings=mappings, current_docs=current)


def log_tuple(row: LogRow) -> LogTuple:
    return (row.run_id, row.source_uri, row.outcome, row.doc_id, row.duplicate_of, row.content_sha256)


def is_unchanged(state: LedgerState, uri: str, content_sha256: str) -> str | None:
    """The doc_id an input still maps to when its bytes are the ones already loaded under the
    current transform version; None when it must be processed."""
    m = state.mappings.get(uri)
    if m is not None and m.content_sha256 == content_sha256 and m.doc_id in state.current_docs:
        return m.doc_id
    return None


def classify(
    state: LedgerState,
    uri: str,
    doc_id: str,
    loaded_this_run: AbstractSet[str],
    in_force_now: Callable[[str], bool] | None = None,
) -> tuple[str, str, str]:
    """(outcome, reason_code, message) for an input whose content became `doc_id`. `in_force_now`
    tells whether some input maps to a document now (default: read from `state`)."""
    previous = state.mappings.get(uri)
    if doc_id in state.current_docs or doc_id in loaded_this_run:
        if previous is not None and previous.doc_id == doc_id:
            return ("unchanged", "same_text", "the bytes changed but the cleaned text is the same; nothing to do")
        forced = in_force_now or (lambda d: d in in_force(state))
        if doc_id not in loaded_this_run and not forced(doc_id):
            # Stored by an earlier run and superseded since (a file edited, then put back): its rows
            # are in force again without being transformed or written anew.
            replaces = f"; it replaces document {previous.doc_id}" if previous is not None else ""
            return (
                "loaded",
                "restored",
                f"the same text as document {doc_id}, stored earlier and no longer in force, is in force again"
                + replaces,
            )
        return ("duplicate", "same_content", f"the same text is already loaded as document {doc_id}; not loaded again")
    if previous is None:
        return ("loaded", "new", "loaded as a new document")
    if previous.doc_id == doc_id:
        return ("loaded", "reprocessed", "processed again with the current version of baogao's transforms")
    return ("loaded", "changed", f"the content changed; this version replaces document {previous.doc_id}")


def in_force(state: LedgerState) -> set[str]:
    """Documents some input currently maps to."""
    return {m.doc_id for m in state.mappings.values()}
