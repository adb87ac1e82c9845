"""Finding inputs and reading them into SourceDocs: the file-system side of ingestion.

An *input* is one file, or one row of a corpus file (.jsonl/.csv, optionally .gz). Every input
discovered gets exactly one outcome in the run's ledger (ingest_log).
"""

from __future__ import annotations

import csv
import fnmatch
import gzip
import hashlib
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from transforms.decode import DecodeError, decode_bytes
from transforms.models import Reject, SourceDoc

IGNORE_FILE = ".baogaoignore"
TEXT_COLUMNS = ("content", "full_text", "text")

Kind = Literal["text", "html", "pdf", "docx", "corpus_jsonl", "corpus_csv", "unsupported"]

_SUFFIX_KIND: dict[str, Kind] = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".jsonl": "corpus_jsonl",
    ".ndjson": "corpus_jsonl",
    ".csv": "corpus_csv",
}


@dataclass(frozen=True)
class FoundFile:
    """A file found under one of the sources."""

    path: Path
    uri: str
    name: str
    kind: Kind
    size: int
    sha256: str | None  # None when the file could not be read


@dataclass(frozen=True)
class WorkItem:
    """One input to process: a whole file (read in the worker) or a corpus row (carried here)."""

    uri: str
    name: str
    kind: Kind
    content_sha256: str
    path: Path | None = None
    text: str | None = None
    meta: tuple[tuple[str, Any], ...] = ()


def kind_of(path: Path) -> Kind:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
        inner = _SUFFIX_KIND.get(suffixes[-1]) if suffixes else None
        return inner if inner in ("corpus_jsonl", "corpus_csv") else "unsupported"
    return _SUFFIX_KIND.get(suffixes[-1], "unsupported") if suffixes else "unsupported"


def _ignore_patterns(directory: Path) -> list[str]:
    f = directory / IGNORE_FILE
    if not f.is_file():
        return []
    lines = f.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def _ignored(rel: str, is_dir: bool, patterns: list[str]) -> bool:
    for pat in patterns:
        if pat.endswith("/"):
            if is_dir and fnmatch.fnmatch(rel, pat.rstrip("/")):
                return True
        elif fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(rel.rsplit("/", 1)[-1], pat):
            return True
    return False


def walk(sources: list[Path]) -> Iterator[Path]:
    """Every file under `sources` (files given directly are yielded as they are), in sorted
    order. Hidden files and folders and paths listed in a `.baogaoignore` of a source folder are
    not inputs."""
    seen: set[Path] = set()
    for source in sources:
        if source.is_file() or not source.exists():
            if source not in seen:
                seen.add(source)
                yield source
            continue
        patterns = _ignore_patterns(source)
        for dirpath, dirnames, filenames in os.walk(source, followlinks=False):
            base = Path(dirpath)
            rel_dir = base.relative_to(source).as_posix()
            rel_dir = "" if rel_dir == "." else rel_dir + "/"
            dirnames[:] = sorted(
                d for d in dirnames if not d.startswith(".") and not _ignored(rel_dir + d, True, patterns)
            )
            for fname in sorted(filenames):
                if fname.startswith(".") or _ignored(rel_dir + fname, False, patterns):
                    continue
                p = base / fname
                if p not in seen:
                    seen.add(p)
                    yield p


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def uri_of(path: Path) -> str:
    return path.absolute().as_uri()


def find(path: Path) -> FoundFile | Reject:
    """Stat and hash one discovered path, or say why it cannot be an input."""
    uri = uri_of(path)
    name = path.name
    if not path.exists():
        if path.is_symlink():
            return Reject(source_uri=uri, source_name=name, reason_code="broken_symlink",
                          message="the symbolic link points to nothing; fix or remove the link")
        return Reject(source_uri=uri, source_name=name, reason_code="not_found",
                      message="no such file or folder; check the path")
    if not path.is_file():
        return Reject(source_uri=uri, source_name=name, reason_code="not_a_file",
                      message="not a regular file (a device, socket or pipe); only files are read")
    try:
        size = path.stat().st_size
        digest = sha256_file(path)
    except OSError as exc:
        return Reject(source_uri=uri, source_name=name, reason_code="read_error",
                      message=f"could not read the file ({exc.strerror or exc}); check its permissions")
    return FoundFile(path=path, uri=uri, name=name, kind=kind_of(path), size=size, sha256=digest)


def _open_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix.lower() == ".gz":
        data = gzip.decompress(data)
    return data


def corpus_rows(found: FoundFile) -> Iterator[WorkItem | Reject]:
    """One WorkItem per row of a corpus file with text, one Reject per row without; the row's
    other columns travel as its metadata."""
    try:
        data = _open_bytes(found.path)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield Reject(source_uri=found.uri, source_name=found.name, reason_code="read_error",
                     message=f"could not read the corpus file: {exc}")
        return
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if found.kind == "corpus_jsonl":
        yield from _jsonl_rows(found, data)
    else:
        yield from _csv_rows(found, data)


def _row_item(found: FoundFile, n: int, raw: bytes, row: Any) -> WorkItem | Reject:
    uri = f"{found.uri}#row={n}"
    if not isinstance(row, dict):
        return Reject(source_uri=uri, source_name=found.name, reason_code="bad_row",
                      message=f"row {n} is not an object with named columns")
    column = next((c for c in TEXT_COLUMNS if isinstance(row.get(c), str) and row[c].strip()), None)
    if column is None:
        return Reject(source_uri=uri, source_name=found.name, reason_code="no_text",
                      message=f"row {n} has no text: expected a non-empty column named one of {', '.join(TEXT_COLUMNS)}")
    meta = tuple(sorted((k, v) for k, v in row.items() if k != column))
    return WorkItem(uri=uri, name=found.name, kind="text", content_sha256=hashlib.sha256(raw).hexdigest(),
                    text=row[column], meta=meta)


def _jsonl_rows(found: FoundFile, data: bytes) -> Iterator[WorkItem | Reject]:
    for n, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            yield Reject(source_uri=f"{found.uri}#row={n}", source_name=found.name, reason_code="bad_row",
                         message=f"line {n} is not valid JSON ({exc}); fix or remove the line")
            continue
        yield _row_item(found, n, line, row)


def _csv_rows(found: FoundFile, data: bytes) -> Iterator[WorkItem | Reject]:
    try:
        text = decode_bytes(data).text
    except DecodeError as exc:
        yield Reject(source_uri=found.uri, source_name=found.name, reason_code=exc.code, message=str(exc))
        return
    csv.field_size_limit(1 << 30)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for n, row in enumerate(reader, start=1):
        raw = json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8")
        yield _row_item(found, n, raw, row)


def read_item(item: WorkItem) -> SourceDoc | Reject:
    """Read a work item into a SourceDoc (decoding files), or say why it cannot be read."""
    if item.text is not None:
        return SourceDoc(source_uri=item.uri, source_name=item.name, media_type="text",
                         content_sha256=item.content_sha256, text=item.text, source_meta=dict(item.meta))
    assert item.path is not None
    try:
        data = item.path.read_bytes()
    except OSError as exc:
        return Reject(source_uri=item.uri, source_name=item.name, reason_code="read_error",
                      message=f"could not read the file ({exc.strerror or exc}); it may have been moved or deleted during the run")
    if hashlib.sha256(data).hexdigest() != item.content_sha256:
        return Reject(source_uri=item.uri, source_name=item.name, reason_code="changed_during_read",
                      message="the file changed while the run was reading it; it will be read again on the next run",
                      outcome="skipped")
    if item.kind in ("pdf", "docx"):
        return SourceDoc(source_uri=item.uri, source_name=item.name, media_type=item.kind,
                         content_sha256=item.content_sha256, data=data)
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        outcome: Literal["rejected", "skipped"] = "skipped" if exc.code == "empty" else "rejected"
        return Reject(source_uri=item.uri, source_name=item.name, reason_code=exc.code, message=str(exc), outcome=outcome)
    media: Literal["text", "html"] = "html" if item.kind == "html" else "text"
    return SourceDoc(source_uri=item.uri, source_name=item.name, media_type=media,
                     content_sha256=item.content_sha256, text=decoded.text, encoding=decoded.encoding)
