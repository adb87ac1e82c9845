"""What the warehouse holds, as its ledger says, read without re-reading the whole ledger.

Every run appends a ledger part with a row for each input it saw, unchanged ones included, so
reading every part grows with every night the warehouse has run (and reading every documents part
for its transform version grows with the corpus). The state after the last committed run is kept
in `warehouse/.ledger_state.json`, a cache derived from the committed parts: a run reads it and
only the ledger parts committed after it. When the cache is missing or damaged, was written for
another transform version, or its parts are not the first ledger parts the manifests list (a run
committed out of order, a hand-edited tree), the state is read from every ledger part, which is
always right.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from store.parts import (
    CommittedRun,
    PartInfo,
    Root,
    atomic_write_bytes,
    committed_runs,
    is_remote,
    local_root,
    parts_of,
    read_columns,
)
from transforms.ledger import LOG_TUPLE_COLUMNS, LedgerState, LogTuple, Mapping, advance

STATE_NAME = ".ledger_state.json"
FORMAT = 1


def read_state(root: Root, warehouse_dir: Path, version: str) -> tuple[list[PartInfo], list[str], LedgerState]:
    """(committed parts, their ledger parts' paths, the ledger state under `version`)."""
    runs = committed_runs(root)
    parts = [p for run in runs for p in run.parts]
    ledger = parts_of(parts, "ingest_log")
    paths = [p.path for p in ledger]
    cached = _load(warehouse_dir, version)
    if cached is not None and cached[0] == paths[: len(cached[0])]:
        done, state = cached
    else:
        done, state = [], LedgerState()
    new = ledger[len(done) :]
    state = advance(state, ledger_rows(root, new), _current_runs(runs, version))
    if not done:
        # Derived from the whole ledger (no cache, or one made stale by `baogao repair`): a
        # document is loaded only if a listed part still holds it, so one whose part was lost is
        # transformed again from its input instead of being called unchanged.
        state = LedgerState(mappings=state.mappings, current_docs=state.current_docs & held_documents(root, parts))
    return parts, paths, state


def held_documents(root: Root, parts: list[PartInfo]) -> set[str]:
    """doc_ids of the listed documents parts that exist."""
    docs = parts_of(parts, "documents")
    if not is_remote(root):
        docs = [p for p in docs if (local_root(root) / p.path).is_file()]
    table = read_columns(root, docs, ["doc_id"])
    return set() if table is None else set(table.column("doc_id").to_pylist())


def save_state(warehouse_dir: Path, version: str, ledger_paths: list[str], state: LedgerState) -> None:
    """Keep `state`, the state after the ledger parts `ledger_paths` (all committed, in order)."""
    data = {
        "format": FORMAT,
        "transform_version": version,
        "ledger_parts": ledger_paths,
        "mappings": {uri: [m.content_sha256, m.doc_id] for uri, m in state.mappings.items()},
        "current_docs": sorted(state.current_docs),
    }
    atomic_write_bytes(warehouse_dir / STATE_NAME, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _load(warehouse_dir: Path, version: str) -> tuple[list[str], LedgerState] | None:
    try:
        data: dict[str, Any] = json.loads((warehouse_dir / STATE_NAME).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("transform_version") != version:
            return None
        mappings = {uri: Mapping(content_sha256=sha, doc_id=doc) for uri, (sha, doc) in data["mappings"].items()}
        paths = [str(p) for p in data["ledger_parts"]]
        return paths, LedgerState(mappings=mappings, current_docs={str(d) for d in data["current_docs"]})
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def ledger_rows(root: Root, parts: list[PartInfo]) -> list[LogTuple]:
    """The state's columns of the ledger parts among `parts`, as LogTuples."""
    log = read_columns(root, parts_of(parts, "ingest_log"), list(LOG_TUPLE_COLUMNS))
    if log is None:
        return []
    return list(zip(*(log.column(c).to_pylist() for c in LOG_TUPLE_COLUMNS), strict=True))


def _current_runs(runs: list[CommittedRun], version: str) -> set[str]:
    """Runs whose documents were made by the transforms of `version` (each run's manifest says)."""
    return {run.run_id for run in runs if run.transform_version == version}


SEEN_NAME = ".seen.json"
Seen = dict[str, tuple[tuple[int, int, int, int], str]]


def load_seen(warehouse_dir: Path) -> Seen:
    """The file stamps and hashes the last committed run saw (sources.discover.stamps); empty
    when there are none or the file is unreadable (then every input is hashed, which is always right)."""
    try:
        raw = json.loads((warehouse_dir / SEEN_NAME).read_text(encoding="utf-8"))
        return {uri: (tuple(stamp), sha) for uri, (stamp, sha) in raw.items()}  # type: ignore[misc]
    except (OSError, ValueError, TypeError):
        return {}


def save_seen(warehouse_dir: Path, seen: Seen) -> None:
    """Keep the stamps and hashes of the files this (committed) run read."""
    atomic_write_bytes(warehouse_dir / SEEN_NAME, json.dumps(seen, ensure_ascii=False).encode("utf-8"))
