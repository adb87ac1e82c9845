"""Planning a run, without I/O: which inputs to transform, in which batches, and which ledger
rows are decided before or after the transforms."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from sources.base import UNSUPPORTED, FoundFile, Limits, WorkItem, too_large, too_large_document
from sources.registry import KINDS, SUPPORTED, document_item, expand, is_container
from transforms.ledger import LedgerState, LogRow, RunRow, classify, in_force, is_unchanged
from transforms.models import Reject, RunInfo

if TYPE_CHECKING:
    from flows.work import ItemResult

# TextRank runs compiled (transforms/textrank_kernel.py) when each worker has at least this much
# input: numba's start in a process is paid once, and the compiled kernel repays it only on
# inputs of a few MB per worker (bench/ measures both; the threshold assumes packages without
# their bytecode, where the start is slowest).
COMPILED_TEXTRANK_BYTES_PER_WORKER = 4 * 1024 * 1024
OUTCOMES = ("loaded", "unchanged", "duplicate", "skipped", "rejected", "needs_review")


def new_run_id(now: dt.datetime) -> str:
    """A run id that sorts by time: the UTC timestamp, then a random suffix."""
    return now.strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(3)


def log_row(run: RunInfo, uri: str, name: str, outcome: str, reason: str, message: str, **kw: str | None) -> LogRow:
    return LogRow(
        run_id=run.run_id,
        source_uri=uri,
        source_name=name,
        outcome=outcome,
        reason_code=reason,
        message=message,
        at=run.ingested_at,
        **kw,
    )


def reject_row(run: RunInfo, r: Reject, sha: str | None = None) -> LogRow:
    return log_row(run, r.source_uri, r.source_name, r.outcome, r.reason_code, r.message, content_sha256=sha)


def plan(
    found: list[FoundFile | Reject],
    state: LedgerState,
    run: RunInfo,
    limits: Limits,
    keep: Callable[[WorkItem], WorkItem] = lambda item: item,
) -> tuple[list[WorkItem], list[LogRow]]:
    """Split inputs into work to do and ledger rows decided already (unchanged, rejected). Each
    item of work passes through `keep` (sources.spool.Spool.keep sets a corpus row's text aside)."""
    todo: list[WorkItem] = []
    decided: list[LogRow] = []

    def set_aside(item: WorkItem) -> WorkItem:
        # A row already loaded is not set aside: it will not be transformed.
        return item if is_unchanged(state, item.uri, item.content_sha256) else keep(item)

    def consider(item: WorkItem) -> None:
        doc_id = is_unchanged(state, item.uri, item.content_sha256)
        if doc_id is None:
            todo.append(keep(item))  # a no-op for a row `expand` already passed through it
        else:
            decided.append(
                log_row(
                    run,
                    item.uri,
                    item.name,
                    "unchanged",
                    "same_content",
                    "already loaded with the same content",
                    doc_id=doc_id,
                    content_sha256=item.content_sha256,
                )
            )

    for f in found:
        if isinstance(f, Reject):
            decided.append(reject_row(run, f))
        elif f.kind == UNSUPPORTED:
            decided.append(
                log_row(
                    run,
                    f.uri,
                    f.name,
                    "rejected",
                    "unsupported_type",
                    f"'{f.path.suffix or f.name}' files are not reports baogao reads; supported: {SUPPORTED}",
                    content_sha256=f.sha256,
                )
            )
        elif is_container(f.kind):
            for row in expand(f, limits, set_aside):
                if isinstance(row, Reject):
                    decided.append(reject_row(run, row))
                else:
                    consider(row)
        elif f.size > limits.max_file_bytes:
            decided.append(reject_row(run, too_large(f.uri, f.name, f.size, limits.max_file_bytes), f.sha256))
        elif KINDS[f.kind].sized_as_text and f.size > limits.max_document_bytes:
            decided.append(reject_row(run, too_large_document(f.uri, f.name, f.size, limits, "the file"), f.sha256))
        else:
            consider(document_item(f))
    return todo, decided


def outcomes(
    items: Iterable[ItemResult], state: LedgerState, loaded: AbstractSet[str], run: RunInfo
) -> tuple[list[LogRow], list[str]]:
    """The ledger rows of a transformed batch, and the documents it loads. `loaded` are the
    documents earlier batches of the run loaded: a later copy of one is a duplicate."""
    rows: list[LogRow] = []
    keep: list[str] = []
    seen = set(loaded)
    forced: set[str] | None = None

    def in_force_now(doc_id: str) -> bool:  # read once, and only for the rare input that asks
        nonlocal forced
        forced = in_force(state) if forced is None else forced
        return doc_id in forced

    for item in items:
        if item.reject is not None:
            rows.append(reject_row(run, item.reject, item.content_sha256))
            continue
        assert item.doc_id is not None
        outcome, reason, message = classify(state, item.uri, item.doc_id, seen, in_force_now)
        if item.note:
            message = f"{message}; {item.note}"
        rows.append(
            log_row(
                run,
                item.uri,
                item.name,
                outcome,
                reason,
                message,
                doc_id=item.doc_id,
                duplicate_of=item.doc_id if outcome == "duplicate" else None,
                content_sha256=item.content_sha256,
            )
        )
        if outcome == "loaded":
            if reason != "restored":  # a restored document's rows are stored already
                keep.append(item.doc_id)
            seen.add(item.doc_id)
    return rows, keep


def use_compiled_textrank(todo: list[WorkItem], workers: int) -> bool:
    """True when the run is large enough for the compiled TextRank to repay its start-up."""
    size = sum(_text_bytes(item) for item in todo)
    return size >= COMPILED_TEXTRANK_BYTES_PER_WORKER * max(1, workers)


def _text_bytes(item: WorkItem) -> int:
    if item.spooled is not None:
        return item.spooled[2]
    return item.size if item.text is None else 3 * len(item.text)


def batch_size(n: int, workers: int, most: int) -> int:
    """Inputs per batch: at most `most`, in a number of batches that is a multiple of `workers`
    and as even as can be, so that every worker gets the same share. A nightly handful is one
    batch per worker (10 inputs on 2 workers: 5 and 5, not 3, 3, 3 and 1), which also pays
    Prefect's per-task cost once per worker."""
    if n <= 0:
        return 1
    w = max(1, workers)
    count = -(-n // most)  # the fewest batches of at most `most`
    count = w * -(-count // w)  # rounded up to a multiple of the workers
    return max(1, -(-n // count))


def batches(items: list[WorkItem], size: int) -> Iterator[list[WorkItem]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def outcome_counts(log: list[LogRow]) -> Counter[str]:
    """Inputs per outcome, and per kind of load (new, changed)."""
    c: Counter[str] = Counter()
    for r in log:
        c[r.outcome] += 1
        if r.outcome == "loaded":
            c["changed" if r.reason_code in ("changed", "reprocessed", "restored") else "new"] += 1
    return c


def doc_counts(c: Counter[str]) -> dict[str, int]:
    """The runs table's docs_* columns from outcome counts (every input has one outcome)."""
    return {
        "docs_seen": sum(c[o] for o in OUTCOMES),
        "docs_new": c["new"],
        "docs_changed": c["changed"],
        "docs_unchanged": c["unchanged"],
        "docs_duplicate": c["duplicate"],
        "docs_skipped": c["skipped"],
        "docs_rejected": c["rejected"],
        "docs_needs_review": c["needs_review"],
    }


def run_row(
    run: RunInfo,
    log: list[LogRow],
    rows: dict[str, int],
    seconds: float,
    status: str,
    flow_run_id: str | None,
    message: str | None = None,
) -> RunRow:
    """The run's row in `runs`: what its inputs came to, and the rows of the warehouse it published."""
    return RunRow(
        run_id=run.run_id,
        started_at=run.ingested_at,
        finished_at=dt.datetime.now(dt.UTC),
        status=status,
        **doc_counts(outcome_counts(log)),
        metrics=rows.get("metrics", 0),
        entities=rows.get("entities", 0),
        seconds=round(seconds, 3),
        transform_version=run.transform_version,
        prefect_flow_run_id=flow_run_id,
        message=message,
    )
