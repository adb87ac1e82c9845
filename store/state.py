"""What the last committed run knew, kept for the next one in one file, `warehouse/.state.json`.

Both parts are caches derived from what is committed; when the file is missing or damaged a run
reads everything again, which is always right:
- the ledger state: every run appends a ledger part with a row for each input it saw, so reading
  every part grows with every night the warehouse has run. A run reads the kept state and only
  the ledger parts committed after it. The kept state is not used when it was written for
  another transform version, or its parts are not the first ledger parts the manifests list (a
  run committed out of order, a hand-edited tree);
- the stamps and hashes of the input files the run read (sources.discover.stamps): a file whose
  stamp is unchanged is not read again to be hashed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from store.parts import (
    Manifest,
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

STATE_NAME = ".state.json"
FORMAT = 2
Seen = dict[str, tuple[tuple[int, int, int, int], str]]


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


def save_state(warehouse_dir: Path, version: str, ledger_paths: list[str], state: LedgerState, seen: Seen) -> None:
    """Keep `state`, the state after the ledger parts `ledger_paths` (all committed, in order), and
    the stamps of the files the run read."""
    data = {
        "format": FORMAT,
        "transform_version": version,
        "ledger_parts": ledger_paths,
        "mappings": {uri: [m.content_sha256, m.doc_id] for uri, m in state.mappings.items()},
        "current_docs": sorted(state.current_docs),
        "seen": seen,
    }
    atomic_write_bytes(warehouse_dir / STATE_NAME, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def forget_state(warehouse_dir: Path) -> None:
    """Drop the kept state: the next run derives it again from the inputs and the Parquet parts."""
    (warehouse_dir / STATE_NAME).unlink(missing_ok=True)


def _read(warehouse_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((warehouse_dir / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("format") == FORMAT else {}


def _load(warehouse_dir: Path, version: str) -> tuple[list[str], LedgerState] | None:
    data = _read(warehouse_dir)
    if data.get("transform_version") != version:
        return None
    try:
        mappings = {uri: Mapping(content_sha256=sha, doc_id=doc) for uri, (sha, doc) in data["mappings"].items()}
        paths = [str(p) for p in data["ledger_parts"]]
        return paths, LedgerState(mappings=mappings, current_docs={str(d) for d in data["current_docs"]})
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def load_seen(warehouse_dir: Path) -> Seen:
    """The file stamps and hashes the last committed run read; empty when there are none."""
    try:
        return {uri: (tuple(stamp), sha) for uri, (stamp, sha) in _read(warehouse_dir).get("seen", {}).items()}
    except (ValueError, TypeError, AttributeError):
        return {}


def ledger_rows(root: Root, parts: list[PartInfo]) -> list[LogTuple]:
    """The state's columns of the ledger parts among `parts`, as LogTuples."""
    log = read_columns(root, parts_of(parts, "ingest_log"), list(LOG_TUPLE_COLUMNS))
    if log is None:
        return []
    return list(zip(*(log.column(c).to_pylist() for c in LOG_TUPLE_COLUMNS), strict=True))


def _current_runs(runs: list[Manifest], version: str) -> set[str]:
    """Runs whose documents were made by the transforms of `version` (each run's manifest says)."""
    return {run.run_id for run in runs if run.transform_version == version}
