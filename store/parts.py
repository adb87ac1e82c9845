"""The Parquet tree, the warehouse's source of truth.

Layout: `<root>/<table>/part-<run_id>-<batch>.parquet`, never rewritten. A run commits by writing
`<root>/_manifests/<run_id>.json` listing its parts with row counts and sha256; parts that no
manifest lists belong to an interrupted run and are ignored (and swept later).

The root is a local folder (the default, `warehouse/parquet`) or any fsspec URL (`s3://bucket/prefix`
through s3fs, `gs://`, `memory://` in tests). Locally every file is written to a hidden temp name,
fsynced and renamed, so no reader ever sees a partial file. On an object store a PUT is already
all-or-nothing (a reader sees the old object, none, or the whole new one), so parts and manifests
are written in one request; the manifest stays the commit point either way.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, cast

import pyarrow as pa
import pyarrow.parquet as pq

MANIFESTS = "_manifests"

# A local folder, or an fsspec URL such as "s3://bucket/prefix".
Root = Path | str


@dataclass(frozen=True)
class PartInfo:
    table: str
    path: str  # relative to the parquet root, posix
    rows: int
    sha256: str


def is_remote(root: Root) -> bool:
    """True for a URL with a scheme other than file:// (those go through fsspec)."""
    return isinstance(root, str) and "://" in root and not root.startswith("file://")


def local_root(root: Root) -> Path:
    if isinstance(root, Path):
        return root
    return Path(root.removeprefix("file://"))


def _remote(root: str) -> tuple[Any, str]:
    """(fsspec filesystem, root path without the scheme); credentials and endpoints come from the
    filesystem's usual configuration (for s3fs: AWS_* variables, ~/.aws, AWS_ENDPOINT_URL)."""
    from fsspec.core import url_to_fs

    fs, path = url_to_fs(root)
    return fs, path.rstrip("/")


def filesystem(root: Root) -> Any | None:
    """The fsspec filesystem behind a remote root (for DuckDB's register_filesystem); None locally."""
    return _remote(root)[0] if isinstance(root, str) and is_remote(root) else None


def part_url(root: Root, rel: str) -> str:
    """Where a reader (DuckDB, pyarrow) finds the file `rel` of the tree."""
    if isinstance(root, str) and is_remote(root):
        return root.rstrip("/") + "/" + rel
    return str(local_root(root) / rel)


def fsync(path: Path) -> None:
    """Flush a file, or a folder's entries (after a rename in it), to disk."""
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
    fsync(target.parent)


def _is_file(root: Root, rel: str) -> bool:
    if isinstance(root, str) and is_remote(root):
        fs, base = _remote(root)
        return bool(fs.isfile(f"{base}/{rel}"))
    return (local_root(root) / rel).is_file()


def _open(root: Root, rel: str) -> BinaryIO:
    if isinstance(root, str) and is_remote(root):
        fs, base = _remote(root)
        return cast(BinaryIO, fs.open(f"{base}/{rel}", "rb"))
    return (local_root(root) / rel).open("rb")


def list_files(root: Root, pattern: str) -> list[str]:
    """The files under the root matching a glob pattern (`*/part-*.parquet`), relative posix
    paths, sorted."""
    if isinstance(root, str) and is_remote(root):
        fs, base = _remote(root)
        found = fs.glob(f"{base}/{pattern}", detail=True)
        return sorted(name[len(base) + 1 :] for name, info in found.items() if info.get("type") == "file")
    folder = local_root(root)
    if not folder.is_dir():
        return []
    return sorted(f.relative_to(folder).as_posix() for f in folder.glob(pattern) if f.is_file())


def _put(root: Root, rel: str, data: bytes) -> None:
    if isinstance(root, str) and is_remote(root):
        fs, base = _remote(root)
        fs.pipe_file(f"{base}/{rel}", data)
    else:
        atomic_write_bytes(local_root(root) / rel, data)


def write_part(root: Root, table: str, name: str, data: pa.Table) -> PartInfo:
    """Write one immutable part of `table`; refuses to overwrite an existing part."""
    rel = f"{table}/part-{name}.parquet"
    if _is_file(root, rel):
        raise FileExistsError(f"Parquet part {part_url(root, rel)} already exists; part names are never reused")
    sink = pa.BufferOutputStream()
    pq.write_table(data, sink, compression="zstd", write_page_checksum=True, write_statistics=True)
    payload = sink.getvalue().to_pybytes()
    _put(root, rel, payload)
    return PartInfo(table=table, path=rel, rows=data.num_rows, sha256=hashlib.sha256(payload).hexdigest())


@dataclass(frozen=True)
class Manifest:
    """One run's manifest as read: its parts, or why the file cannot be read."""

    rel: str  # `_manifests/<run_id>.json`, relative to the root
    run_id: str
    transform_version: str | None
    parts: list[PartInfo]  # empty when the file cannot be read
    error: str | None = None

    @property
    def completed(self) -> bool:
        """A run that committed its data: its ledger part is listed (a failed run lists only its
        runs row, and its data parts are leftovers)."""
        return any(p.path.endswith("-ledger.parquet") for p in self.parts)


def write_manifest(root: Root, manifest: Manifest) -> str:
    """Write (or rewrite) a manifest whole. Returns where."""
    data = {
        "run_id": manifest.run_id,
        "transform_version": manifest.transform_version,
        "parts": [p.__dict__ for p in sorted(manifest.parts, key=lambda p: p.path)],
    }
    _put(root, manifest.rel, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    return part_url(root, manifest.rel)


def commit_run(root: Root, run_id: str, parts: Iterable[PartInfo], transform_version: str | None) -> str:
    """Write the run's manifest: from now on its parts are part of the warehouse. Returns where."""
    return write_manifest(root, Manifest(f"{MANIFESTS}/{run_id}.json", run_id, transform_version, list(parts)))


class DamagedManifest(ValueError):
    """A manifest that cannot be read: said for a person, with what to do."""


# The version of a damaged manifest, kept when it is rewritten from its run's parts.
_VERSION = re.compile(r'"transform_version"\s*:\s*"([^"]*)"')


def _why(exc: Exception) -> str:
    return f"it has no {exc} entry" if isinstance(exc, KeyError) else str(exc)


def read_manifests(root: Root) -> list[Manifest]:
    """Every manifest in run order (run ids start with a UTC timestamp). One that cannot be read
    is kept, with its error and no parts, for `baogao verify` to report and `baogao repair` to
    rewrite; a writer reads through committed_runs, which refuses it."""
    out: list[Manifest] = []
    for rel in list_files(root, f"{MANIFESTS}/*.json"):
        raw = b""
        try:
            with _open(root, rel) as f:
                raw = f.read()
            data = json.loads(raw.decode("utf-8"))
            parts = [PartInfo(**p) for p in data["parts"]]
            out.append(Manifest(rel, str(data["run_id"]), data.get("transform_version"), parts))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            version = _VERSION.search(raw.decode("utf-8", "replace"))
            run_id = PurePosixPath(rel).stem
            out.append(Manifest(rel, run_id, version.group(1) if version else None, [], _why(exc)))
    return out


def committed_runs(root: Root) -> list[Manifest]:
    """Every committed run with its parts, in run order. Raises DamagedManifest when a manifest
    cannot be read: what is committed is then unknown, and nothing may be built or written on it."""
    runs = read_manifests(root)
    for m in runs:
        if m.error is not None:
            raise DamagedManifest(
                f"the manifest {part_url(root, m.rel)} cannot be read ({m.error}), so baogao cannot tell which "
                "Parquet parts are committed and changes nothing; run `baogao verify` to see the damage and "
                "`baogao repair` to rewrite the manifest from its run's parts"
            )
    return runs


def committed_parts(root: Root) -> list[PartInfo]:
    """Every part listed in a manifest, in run order."""
    return [p for run in committed_runs(root) for p in run.parts]


def parts_of(parts: list[PartInfo], table: str) -> list[PartInfo]:
    return [p for p in parts if p.table == table]


def read_columns(root: Root, parts: list[PartInfo], columns: list[str]) -> pa.Table | None:
    """Selected columns of the given parts, concatenated; None when there are none."""
    if not parts:
        return None
    if isinstance(root, str) and is_remote(root):
        fs, base = _remote(root)

        def read(p: PartInfo) -> pa.Table:
            return pq.read_table(f"{base}/{p.path}", columns=columns, filesystem=fs)

    else:
        folder = local_root(root)

        def read(p: PartInfo) -> pa.Table:
            # ParquetFile skips the dataset layer read_table goes through.
            return pq.ParquetFile(folder / p.path).read(columns=columns)

    # A run may read many small parts; Arrow decodes outside the GIL, so threads overlap the reads.
    with ThreadPoolExecutor(max_workers=min(8, len(parts))) as pool:
        tables = list(pool.map(read, parts))
    return pa.concat_tables(tables, promote_options="default")


def sha256_of(root: Root, rel: str) -> str:
    h = hashlib.sha256()
    with _open(root, rel) as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verify_part(root: Root, rel: str, expected_sha256: str | None, expected_rows: int | None) -> str | None:
    """What is wrong with the part `rel`, or None when every byte and page checks out."""
    if not _is_file(root, rel):
        return "the part is missing"
    if expected_sha256 is not None:
        actual = sha256_of(root, rel)
        if actual != expected_sha256:
            return (
                f"its sha256 is {actual[:12]}…, the manifest says {expected_sha256[:12]}…: "
                "the file was changed or damaged"
            )
    try:
        if isinstance(root, str) and is_remote(root):
            with _open(root, rel) as source:
                rows = _rows_read(source)
        else:  # a path: pyarrow reads the file itself, outside the GIL
            rows = _rows_read(str(local_root(root) / rel))
    except (OSError, pa.ArrowException) as exc:
        return f"it cannot be read: {exc}"
    if expected_rows is not None and rows != expected_rows:
        return f"it holds {rows} rows, the manifest says {expected_rows}"
    return None


def _rows_read(source: str | BinaryIO) -> int:
    """Read every page of every column, checking page checksums; the rows read."""
    rows = 0
    for batch in pq.ParquetFile(source, page_checksum_verification=True).iter_batches(batch_size=65_536):
        rows += batch.num_rows
    return rows
