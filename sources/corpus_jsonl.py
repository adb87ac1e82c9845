"""JSON Lines corpus files: one report per line, an object with a text column."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import IO

from sources.base import CHUNK, InputKind, Limits, WorkItem, reject, too_large
from sources.corpus import expander, row_item
from transforms.models import Reject

# What a JSON line may hold beyond its text: the other columns (title, dates, region, ...).
META_BYTES = 1024 * 1024


def rows(uri: str, name: str, stream: IO[bytes], limits: Limits) -> Iterator[WorkItem | Reject]:
    # A line longer than a document's text and some metadata is refused unread, as it streams past.
    longest = min(limits.max_file_bytes, limits.max_document_bytes + META_BYTES)
    for n, line, size in _lines(stream, longest):
        row_uri = f"{uri}#row={n}"
        if line is None:
            yield too_large(row_uri, name, size, longest, f"line {n}", "BAOGAO_MAX_DOCUMENT_BYTES")
            continue
        if n == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[3:]
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield reject(
                row_uri,
                name,
                "bad_row",
                f"line {n} is not valid UTF-8 (byte {exc.start}); JSON Lines files must be UTF-8",
            )
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            yield reject(
                row_uri,
                name,
                "bad_row",
                f"line {n} is not valid JSON ({exc.msg} at column {exc.colno}); fix or remove the line",
            )
            continue
        yield row_item(uri, name, n, line.rstrip(b"\r\n"), row, limits)


def _lines(stream: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, line bytes, size) of every line; bytes None for a line over `limit`, which
    is skipped without being held in memory."""
    n = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        n += 1
        if len(line) > limit and not line.endswith(b"\n"):
            size = len(line)
            while True:  # skip to the end of this line
                rest = stream.readline(CHUNK)
                size += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            yield n, None, size
            continue
        yield n, line, len(line)


KIND = InputKind("corpus_jsonl", suffixes=(".jsonl",), aliases=(".ndjson",), expand=expander(rows), gzip=True)
