"""What the corpus kinds share: a corpus file is read as a stream, hashed as it is read, one
input per row with text; the row's other columns travel as its metadata."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import IO, Any
from urllib.parse import quote

from sources.base import (
    CHUNK,
    Expand,
    FoundFile,
    Keep,
    Limits,
    Members,
    WorkItem,
    changed,
    open_file,
    reject,
    too_large_document,
)
from transforms.decode import DecodeError, storable
from transforms.models import Reject

TEXT_COLUMNS = ("content", "full_text", "text")
# Columns that name a row for good: a row's input is `file#url=…` when it has one, so a row
# added above it or a row removed leaves the others' identity (and their ledger) as it was.
# A row without one, or repeating an earlier row's, is `file#row=N`.
KEY_COLUMNS = ("id", "url", "source_url")

Rows = Callable[[str, str, IO[bytes], Limits], Iterator[WorkItem | Reject]]


def expander(rows: Rows) -> Expand:
    """The `expand` of a corpus kind whose rows `rows` reads from a byte stream."""

    def expand(found: FoundFile, limits: Limits, _members: Members, keep: Keep) -> Iterator[WorkItem | Reject]:
        return corpus_rows(found, limits, rows, keep)

    return expand


def corpus_rows(
    found: FoundFile, limits: Limits, rows: Rows, keep: Keep = lambda item: item
) -> Iterator[WorkItem | Reject]:
    """One WorkItem per row of a corpus file with text, one Reject per row without. Read as a
    stream, each row passing through `keep` as it is read (so that its text need not stay in
    memory); a file that changes meanwhile is reported once, as a whole."""
    items: list[WorkItem | Reject] = []
    h = hashlib.sha256()
    try:
        with open_file(found.path) as raw:
            hashing = _HashingReader(raw, h)
            unpacked: Any = gzip.GzipFile(fileobj=hashing, mode="rb") if found.path.suffix.lower() == ".gz" else hashing
            # The limit counts the bytes the rows are read from, unpacked: a 7 MB .gz can hold 1 GB.
            stream = io.BufferedReader(_Capped(unpacked, limits.max_corpus_bytes), CHUNK)
            head = stream.peek(CHUNK)[:CHUNK]
            if b"\x00" in head:
                items.append(
                    reject(
                        found.uri,
                        found.name,
                        "binary",
                        "the corpus file holds NUL bytes: binary data, not JSON Lines or CSV text",
                    )
                )
            else:
                try:
                    keys: set[str] = set()
                    for r in rows(found.uri, found.name, stream, limits):
                        items.append(keep(keyed(r, found.uri, keys)) if isinstance(r, WorkItem) else r)
                except _OverLimit:
                    items.append(
                        reject(
                            f"{found.uri}#rest",
                            found.name,
                            "too_large",
                            f"the corpus file unpacks to more than {limits.max_corpus_bytes:,} bytes; the rows "
                            "before that are read, the rest is not. Split it or raise BAOGAO_MAX_CORPUS_BYTES",
                        )
                    )
            while hashing.read(CHUNK):  # hash the rest (a reader may stop early)
                pass
    except FileNotFoundError:
        yield reject(found.uri, found.name, "vanished", "the corpus file disappeared while it was being read")
        return
    except (OSError, EOFError, zlib.error) as exc:
        items.append(
            reject(
                f"{found.uri}#rest",
                found.name,
                "read_error",
                f"the corpus file is damaged after {len(items)} rows ({exc}); the rows before "
                "are read, the rest is not",
            )
        )
    if found.sha256 is not None and h.hexdigest() != found.sha256:
        yield changed(found.uri, found.name)
        return
    if not items:  # no rows at all (empty, blank lines, a header alone): one outcome for the file
        yield reject(found.uri, found.name, "empty", "the corpus file holds no rows", outcome="skipped")
        return
    yield from items


def keyed(item: WorkItem, uri: str, seen: set[str]) -> WorkItem:
    """`item`, a row of the corpus file at `uri`, named by its key column when it has one that no
    earlier row of the file had (see KEY_COLUMNS)."""
    meta = dict(item.meta)
    for column in KEY_COLUMNS:
        value = meta.get(column)
        if isinstance(value, int | str) and not isinstance(value, bool) and str(value).strip():
            named = f"{uri}#{column}={quote(str(value).strip(), safe=':/?=&%@+,;~')}"
            if named in seen:
                return item
            seen.add(named)
            return replace(item, uri=named)
    return item


class _OverLimit(Exception):
    pass


class _Capped(io.RawIOBase):
    """Reads through to `raw` and raises _OverLimit past `limit` bytes."""

    def __init__(self, raw: Any, limit: int) -> None:
        self.raw = raw
        self.limit = limit
        self.done = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        # Small reads: a gzip stream cut short raises on the read that meets the cut, and the
        # rows before it must already have been handed on.
        data = self.raw.read(min(len(b), 1 << 16))
        self.done += len(data)
        if self.done > self.limit:
            raise _OverLimit
        b[: len(data)] = data
        return len(data)


class _HashingReader(io.RawIOBase):
    """Reads through to `raw`, hashing every byte on the way."""

    def __init__(self, raw: IO[bytes], h: Any) -> None:
        self.raw = raw
        self.h = h

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self.raw.read(len(b))
        self.h.update(data)
        b[: len(data)] = data
        return len(data)


def row_item(uri: str, name: str, n: int, raw: bytes, row: Any, limits: Limits) -> WorkItem | Reject:
    """Row `n` of a corpus file as an input: its text column, the rest as metadata."""
    row_uri = f"{uri}#row={n}"
    if not isinstance(row, dict):
        return reject(row_uri, name, "bad_row", f"row {n} is not an object with named columns")
    column = next((c for c in TEXT_COLUMNS if isinstance(row.get(c), str) and row[c].strip()), None)
    if column is None:
        return reject(
            row_uri,
            name,
            "no_text",
            f"row {n} has no text: expected a non-empty column named one of {', '.join(TEXT_COLUMNS)}",
        )
    text_bytes = len(row[column].encode("utf-8", "surrogatepass"))
    if text_bytes > limits.max_document_bytes:
        return too_large_document(row_uri, name, text_bytes, limits, f"row {n}")
    try:
        storable(json.dumps(row, ensure_ascii=False), f"row {n}")
    except DecodeError as exc:
        return reject(row_uri, name, exc.code, str(exc))
    meta = tuple(sorted((k, v) for k, v in row.items() if k != column))
    return WorkItem(
        uri=row_uri,
        name=name,
        kind="text",
        content_sha256=hashlib.sha256(raw).hexdigest(),
        text=row[column],
        meta=meta,
        size=len(raw),
    )
