"""Damage to the Parquet tree that no run of baogao makes, found and mended.

The manifests are the commit record and the ledger says which documents are in force; the two
must agree. Damage breaks that in three ways, each found by `baogao verify`:
- a committed part is missing or its bytes changed: the documents of its batch are lost;
- a manifest lost entries (or cannot be read): parts of a committed run lie on disk unlisted,
  and the next sweep would delete them as leftovers of an interrupted run;
- a document the ledger holds as loaded has no part at all.
`mend` puts the tree back in a state every reader agrees on: unreadable manifests are rewritten
from their run's parts on disk, unlisted parts of committed runs are listed again, and damaged
parts leave the manifests (with the rest of their batch) for warehouse/quarantine/. What that
still leaves lost is read again from its inputs by `baogao repair` (flows/repair.py).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TypeVar

import pyarrow as pa
import pyarrow.parquet as pq

from store.parts import (
    MANIFESTS,
    Manifest,
    PartInfo,
    Root,
    list_files,
    parts_of,
    read_manifests,
    sha256_of,
    verify_part,
    write_manifest,
)
from store.state import forget_state, held_documents, ledger_rows
from transforms.ledger import build_state

_T = TypeVar("_T")

QUARANTINE = "quarantine"
# part-<run id>-<batch>.parquet; a run id is a UTC time and a random suffix (flows/ingest.py).
PART_NAME = re.compile(r"^part-(?P<run>\d{8}T\d{6}-[0-9a-f]+)-(?P<batch>[^.]+)\.parquet$")


def run_of(name: str) -> str | None:
    m = PART_NAME.match(name)
    return m.group("run") if m else None


def batch_of(name: str) -> tuple[str, str] | None:
    m = PART_NAME.match(name)
    return (m.group("run"), m.group("batch")) if m else None


def parts_on_disk(root: Root) -> list[str]:
    """Every part file under the tree (relative posix paths), listed or not."""
    return [rel for rel in list_files(root, "*/part-*.parquet") if not rel.startswith(f"{MANIFESTS}/")]


def unlisted_committed(root: Root, manifests: list[Manifest]) -> list[str]:
    """Parts on disk of runs that committed their data, which no manifest lists: entries taken
    out of a manifest, or a manifest that cannot be read."""
    committed = {m.run_id for m in manifests if m.completed or m.error is not None}
    listed = {p.path for m in manifests for p in m.parts}
    return [rel for rel in parts_on_disk(root) if rel not in listed and run_of(rel.rsplit("/", 1)[-1]) in committed]


def part_info(parquet_dir: Path, rel: str) -> PartInfo | None:
    """A PartInfo for a part file as it is now, or None when it is not a readable Parquet file."""
    if verify_part(parquet_dir, rel, None, None) is not None:
        return None
    rows = pq.ParquetFile(parquet_dir / rel).metadata.num_rows
    return PartInfo(table=rel.split("/", 1)[0], path=rel, rows=rows, sha256=sha256_of(parquet_dir, rel))


def _each_readable(parts: list[PartInfo], read: Callable[[list[PartInfo]], _T]) -> Iterator[_T]:
    """`read` over each part alone, leaving out parts that are missing or damaged: those are
    reported on their own, and the rest still says what the warehouse holds."""
    for p in parts:
        try:
            yield read([p])
        except (OSError, pa.ArrowException):
            continue


def lost_documents(root: Root, manifests: list[Manifest] | None = None) -> dict[str, list[str]]:
    """doc_id -> the inputs mapping to it, for every document in force by the ledger that no
    listed documents part on disk holds."""
    manifests = read_manifests(root) if manifests is None else manifests
    parts = [p for m in manifests for p in m.parts]
    ledger = parts_of(parts, "ingest_log")
    state = build_state([t for rows in _each_readable(ledger, partial(ledger_rows, root)) for t in rows], [])
    documents = parts_of(parts, "documents")
    present = set().union(*_each_readable(documents, partial(held_documents, root)))
    lost: dict[str, list[str]] = {}
    for uri, mapping in sorted(state.mappings.items()):
        if mapping.doc_id not in present:
            lost.setdefault(mapping.doc_id, []).append(uri)
    return lost


@dataclass
class Mended:
    manifests_rewritten: list[str] = field(default_factory=list)
    relisted: list[str] = field(default_factory=list)
    quarantined: list[str] = field(default_factory=list)
    ledger_lost: list[str] = field(default_factory=list)  # ledger or runs parts that are gone for good


def _quarantine(warehouse_dir: Path, path: Path, stamp: str) -> str:
    target = warehouse_dir / QUARANTINE / stamp / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, target)
    return target.relative_to(warehouse_dir).as_posix()


def mend(warehouse_dir: Path, parquet_dir: Path) -> Mended:
    """Make the manifests list exactly the sound parts of committed runs (see the module
    docstring). Call under the writer lock."""
    out = Mended()
    stamp = time.strftime("%Y%m%dT%H%M%S")
    manifests = read_manifests(parquet_dir)
    unlisted = unlisted_committed(parquet_dir, manifests)
    for m in manifests:
        name = m.rel.rsplit("/", 1)[-1]
        parts = list(m.parts)
        if m.error is not None:  # rebuilt from the run's parts on disk; the damaged file kept
            out.quarantined.append(_quarantine(warehouse_dir, parquet_dir / m.rel, stamp))
            out.manifests_rewritten.append(name)
        for rel in unlisted:
            if run_of(rel.rsplit("/", 1)[-1]) == m.run_id and (info := part_info(parquet_dir, rel)) is not None:
                parts.append(info)
                out.relisted.append(rel)
        bad_batches = {
            batch_of(p.path.rsplit("/", 1)[-1])
            for p in parts
            if verify_part(parquet_dir, p.path, p.sha256, p.rows) is not None
        }
        for p in [p for p in parts if batch_of(p.path.rsplit("/", 1)[-1]) in bad_batches]:
            if p.table in ("ingest_log", "runs"):
                out.ledger_lost.append(p.path)
                continue
            parts.remove(p)
            if (parquet_dir / p.path).exists():
                out.quarantined.append(_quarantine(warehouse_dir, parquet_dir / p.path, stamp))
        if m.error is not None or parts != m.parts:
            write_manifest(parquet_dir, replace(m, parts=parts, error=None))
            if name not in out.manifests_rewritten:
                out.manifests_rewritten.append(name)
    if out.manifests_rewritten:
        forget_caches(warehouse_dir)
    return out


def forget_caches(warehouse_dir: Path) -> None:
    """Remove the caches derived from the tree as it was: the next run derives them again."""
    forget_state(warehouse_dir)
