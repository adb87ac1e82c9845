"""CSV corpus files: one report per row, with a header naming a text column."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import IO

from sources.base import CHUNK, InputKind, Limits, WorkItem, reject
from sources.corpus import TEXT_COLUMNS, expander, row_item
from sources.corpus_jsonl import META_BYTES
from transforms.decode import DecodeError, decode_bytes
from transforms.models import Reject


def rows(uri: str, name: str, stream: io.BufferedReader | IO[bytes], limits: Limits) -> Iterator[WorkItem | Reject]:
    """Rows as they stream: the encoding is detected on the first MB (up to its last line end),
    and the rest is decoded as it is read, never held whole."""
    head = stream.peek(CHUNK)[:CHUNK] if isinstance(stream, io.BufferedReader) else b""
    if not head.strip():
        return  # no rows: the corpus file gets its one outcome as empty
    cut = head.rfind(b"\n")
    try:
        encoding = decode_bytes(head[: cut + 1] if cut > 0 else head).encoding
    except DecodeError as exc:
        yield reject(uri, name, exc.code, str(exc), outcome="skipped" if exc.code == "empty" else "rejected")
        return
    csv.field_size_limit(min(limits.max_file_bytes, limits.max_document_bytes + META_BYTES))
    text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
    reader = csv.DictReader(text)
    try:
        columns = reader.fieldnames or []
    except csv.Error as exc:
        yield reject(uri, name, "bad_row", f"the header cannot be read as CSV ({exc})")
        return
    if columns and not any(c in TEXT_COLUMNS for c in columns):
        # A table of something else (a download manifest, a list of links): one outcome for the
        # file, not one per row.
        shown = ", ".join(columns[:10]) + (", …" if len(columns) > 10 else "")
        yield reject(
            uri,
            name,
            "no_text_column",
            f"the CSV has no text column (its columns: {shown}); a corpus CSV needs one named "
            f"{', '.join(TEXT_COLUMNS)}. If it is not a corpus, list it in a .baogaoignore",
        )
        return
    n = 0
    while True:
        n += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeError) as exc:
            yield reject(
                f"{uri}#row={n}", name, "bad_row", f"row {n} cannot be read as CSV ({exc}); the rest is not read"
            )
            return
        raw = json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
        yield row_item(uri, name, n, raw, row, limits)


KIND = InputKind("corpus_csv", suffixes=(".csv",), expand=expander(rows), gzip=True)
