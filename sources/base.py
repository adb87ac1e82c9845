"""What every input kind shares: the shape of a kind, of a found file, of a work item, and the
rejects any kind may give.

An *input* is one file, one row of a corpus file, or one member of an archive. Every input
discovered gets exactly one outcome in the run's ledger (ingest_log); the sources say why an
input cannot be read, and never raise for one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from transforms.decode import LOW_CONFIDENCE, DecodeError, decode_bytes
from transforms.models import MediaType, Reject, SourceDoc

CHUNK = 1 << 20
UNSUPPORTED = "unsupported"

# A file's identity on disk: (size, mtime_ns, inode, ctime_ns). Writing a file changes its ctime,
# which no tool can set back, so an equal stamp means the bytes hashed last time are still there.
Stamp = tuple[int, int, int, int]


@dataclass(frozen=True)
class Limits:
    """Size caps on inputs; Settings documents each and is where they are set."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_corpus_bytes: int = 2 * 1024 * 1024 * 1024
    max_archive_members: int = 10_000
    max_archive_ratio: int = 100
    max_document_bytes: int = 4 * 1024 * 1024


@dataclass(frozen=True)
class FoundFile:
    """A file found under one of the sources."""

    path: Path
    uri: str
    name: str
    kind: str  # a name in sources.registry.KINDS, or UNSUPPORTED
    size: int
    sha256: str | None  # None when the file could not be read
    mtime_ns: int = 0
    stamp: Stamp | None = None  # see sources.discover.discover_inputs


@dataclass(frozen=True)
class WorkItem:
    """One input to process: a whole file or an archive member (read in the worker), or a corpus
    row (its text carried here, or spooled to disk until its batch comes)."""

    uri: str
    name: str
    kind: str
    content_sha256: str
    path: Path | None = None
    text: str | None = None
    meta: tuple[tuple[str, Any], ...] = ()
    member: str | None = None  # the member's name inside the archive at `path`
    archive: str | None = None  # the kind of that archive, which reads the member
    size: int = 0  # bytes of the file or member, known when the item was planned
    # A corpus row's text set aside on disk while the run plans (sources.spool): (file, offset, bytes).
    spooled: tuple[str, int, int] | None = None


@dataclass(frozen=True)
class Members:
    """What an archive may hold, as the registry knows it (sources.registry.MEMBERS)."""

    kind: Callable[[str], InputKind | None]  # a member's kind by its name; None when none reads it
    documents: str  # the suffixes of the document kinds, for messages


# What the planner does with each item as it is read (a corpus row's text may be set aside on disk).
Keep = Callable[[WorkItem], WorkItem]
Expand = Callable[[FoundFile, Limits, Members, Keep], Iterator[WorkItem | Reject]]


@dataclass(frozen=True)
class InputKind:
    """One kind of input and how it is read. A kind is one of three:
    - a document (`read`): a file's bytes become one SourceDoc; archives may hold documents;
    - a corpus file (`expand`, `gzip`): one input per row;
    - an archive (`expand`, `read_member`): one input per member, each a document.
    `suffixes` are named in messages; `aliases` are read the same way but not named."""

    name: str
    suffixes: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    read: Callable[[WorkItem, bytes], SourceDoc | Reject] | None = None
    expand: Expand | None = None
    read_member: Callable[[Path, str, int], bytes] | None = None
    gzip: bool = False  # also read when gzip-compressed (<suffix>.gz)
    # The file is about as large as its text (.txt, .html): over max_document_bytes it is refused
    # before it is read, as a document too large to transform.
    sized_as_text: bool = False

    @property
    def is_document(self) -> bool:
        return self.read is not None

    @property
    def is_archive(self) -> bool:
        return self.read_member is not None


def display_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as lone surrogates, which
    pyarrow and DuckDB refuse) shown as U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def uri_of(path: Path) -> str:
    return path.absolute().as_uri()  # percent-encodes every byte that needs it


def reject(
    uri: str, name: str, code: str, message: str, outcome: Literal["rejected", "needs_review", "skipped"] = "rejected"
) -> Reject:
    return Reject(source_uri=uri, source_name=display_name(name), reason_code=code, message=message, outcome=outcome)


def changed(uri: str, name: str) -> Reject:
    return reject(
        uri,
        name,
        "changed_during_read",
        "the file changed while baogao read it (it is being written?); it is read again on the next run",
        outcome="skipped",
    )


def too_large(
    uri: str, name: str, size: int, limit: int, what: str = "the file", setting: str = "BAOGAO_MAX_FILE_BYTES"
) -> Reject:
    return reject(
        uri,
        name,
        "too_large",
        f"{what} has {size:,} bytes, over the limit of {limit:,}; split it or raise {setting}",
    )


def too_large_document(uri: str, name: str, size: int, limits: Limits, what: str = "the document") -> Reject:
    """A document with more text than the transforms may take in one worker (Settings says why)."""
    return too_large(uri, name, size, limits.max_document_bytes, f"{what} (its text)", "BAOGAO_MAX_DOCUMENT_BYTES")


def open_file(path: Path) -> IO[bytes]:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    return os.fdopen(fd, "rb")


def decoded(item: WorkItem, data: bytes, media_type: MediaType) -> SourceDoc | Reject:
    """A text document's bytes decoded (transforms.decode), or why they cannot be."""
    try:
        text = decode_bytes(data)
    except DecodeError as exc:
        outcome: Literal["rejected", "skipped"] = "skipped" if exc.code == "empty" else "rejected"
        return reject(item.uri, item.name, exc.code, str(exc), outcome=outcome)
    if text.confidence < LOW_CONFIDENCE:
        return reject(
            item.uri,
            item.name,
            "uncertain_encoding",
            f"the encoding is uncertain: read as {text.encoding} with confidence {text.confidence:.2f} "
            f"it begins {text.text[:40]!r}; if that is right, re-save the file as UTF-8 and ingest it again",
            outcome="needs_review",
        )
    return SourceDoc(
        source_uri=item.uri,
        source_name=item.name,
        media_type=media_type,
        content_sha256=item.content_sha256,
        text=text.text,
        encoding=text.encoding,
        decode_note=text.note,
    )


def binary(item: WorkItem, data: bytes, media_type: MediaType) -> SourceDoc:
    """A document whose text the transforms extract from its bytes (PDF, DOCX)."""
    return SourceDoc(
        source_uri=item.uri,
        source_name=item.name,
        media_type=media_type,
        content_sha256=item.content_sha256,
        data=data,
    )
