"""The Parquet tree, the warehouse's source of truth.

Layout: `parquet/<table>/part-<run_id>-<batch>.parquet`, written to a hidden temp name and renamed
so no reader ever sees a partial file, never rewritten. A run commits by writing
`parquet/_manifests/<run_id>.json` (temp + rename) listing its parts with row counts and sha256;
parts that no manifest lists belong to an interrupted run and are ignored (and swept later).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

MANIFESTS = "_manifests"


@dataclass(frozen=True)
class PartInfo:
    table: str
    path: str  # relative to the parquet root, posix
    rows: int
    sha256: str


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(target: Path, data: bytes) -> None:
    """Write `data` to `target` so that readers see the old file or the whole new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    with tmp.open("wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)
    _fsync_dir(target.parent)


def write_part(root: Path, table: str, name: str, data: pa.Table) -> PartInfo:
    """Write one immutable part of `table`; refuses to overwrite an existing part."""
    target = root / table / f"part-{name}.parquet"
    if target.exists():
        raise FileExistsError(f"Parquet part {target} already exists; part names are never reused")
    sink = pa.BufferOutputStream()
    pq.write_table(data, sink, compression="zstd", write_page_checksum=True, write_statistics=True)
    payload = sink.getvalue().to_pybytes()
    atomic_write_bytes(target, payload)
    return PartInfo(table=table, path=target.relative_to(root).as_posix(), rows=data.num_rows,
                    sha256=hashlib.sha256(payload).hexdigest())


def commit_run(root: Path, run_id: str, parts: Iterable[PartInfo], transform_version: str) -> Path:
    """Write the run's manifest: from now on its parts are part of the warehouse."""
    manifest = {
        "run_id": run_id,
        "transform_version": transform_version,
        "parts": [p.__dict__ for p in sorted(parts, key=lambda p: p.path)],
    }
    target = root / MANIFESTS / f"{run_id}.json"
    atomic_write_bytes(target, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    return target


def committed_parts(root: Path) -> list[PartInfo]:
    """Every part listed in a manifest, in run order."""
    folder = root / MANIFESTS
    if not folder.is_dir():
        return []
    parts: list[PartInfo] = []
    for f in sorted(folder.glob("*.json")):
        data = json.loads(f.read_text(encoding="utf-8"))
        parts.extend(PartInfo(**p) for p in data["parts"])
    return parts


def parts_of(parts: list[PartInfo], table: str) -> list[PartInfo]:
    return [p for p in parts if p.table == table]


def read_columns(root: Path, parts: list[PartInfo], columns: list[str]) -> pa.Table | None:
    """Selected columns of the given parts, concatenated; None when there are none."""
    if not parts:
        return None
    tables = [pq.read_table(root / p.path, columns=columns) for p in parts]
    return pa.concat_tables(tables, promote_options="default")
