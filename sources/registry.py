"""Every input kind baogao reads, by name and suffix. A new kind is a module beside this one with
the same skeleton (a docstring saying what the files are, its reading function, and `KIND`) and
one line in `KINDS` below."""

from __future__ import annotations

import hashlib
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from sources import archive_tar, archive_zip, corpus_csv, corpus_jsonl, docx, html, pdf, text
from sources.base import (
    UNSUPPORTED,
    FoundFile,
    InputKind,
    Keep,
    Limits,
    Members,
    WorkItem,
    changed,
    open_file,
    reject,
)
from sources.spool import read_spooled
from transforms.models import Reject, SourceDoc

KINDS: dict[str, InputKind] = {
    kind.name: kind
    for kind in (
        text.KIND,
        html.KIND,
        pdf.KIND,
        docx.KIND,
        corpus_jsonl.KIND,
        corpus_csv.KIND,
        archive_zip.KIND,
        archive_tar.KIND,
    )
}

_BY_SUFFIX: dict[str, str] = {s: k.name for k in KINDS.values() for s in (*k.suffixes, *k.aliases)}


def _named(kinds: list[InputKind]) -> str:
    return " ".join(s for k in kinds for s in k.suffixes)


DOCUMENT_SUFFIXES = _named([k for k in KINDS.values() if k.is_document])
SUPPORTED = (
    f"{DOCUMENT_SUFFIXES}, corpus files {_named([k for k in KINDS.values() if k.gzip])} (optionally .gz) "
    f"and archives {_named([k for k in KINDS.values() if k.is_archive])}"
)


def kind_of(path: Path | PurePosixPath) -> str:
    """The name of the kind that reads `path`, by its suffixes; UNSUPPORTED when none does."""
    suffixes = [s.lower() for s in path.suffixes]
    if "".join(suffixes[-2:]) in _BY_SUFFIX:
        return _BY_SUFFIX["".join(suffixes[-2:])]
    if suffixes and suffixes[-1] == ".gz":
        inner = _BY_SUFFIX.get(suffixes[-2]) if len(suffixes) > 1 else None
        return inner if inner is not None and KINDS[inner].gzip else UNSUPPORTED
    return _BY_SUFFIX.get(suffixes[-1], UNSUPPORTED) if suffixes else UNSUPPORTED


MEMBERS = Members(kind=lambda member: KINDS.get(kind_of(PurePosixPath(member))), documents=DOCUMENT_SUFFIXES)


def is_container(kind: str) -> bool:
    """True for a kind holding several inputs (a corpus file, an archive)."""
    found = KINDS.get(kind)
    return found is not None and found.expand is not None


def expand(found: FoundFile, limits: Limits, keep: Keep = lambda item: item) -> Iterator[WorkItem | Reject]:
    """The inputs inside a corpus file or an archive."""
    if found.size > limits.max_corpus_bytes:
        yield reject(
            found.uri,
            found.name,
            "too_large",
            f"the file has {found.size:,} bytes, over the limit of {limits.max_corpus_bytes:,} for corpus "
            "files and archives; split it or raise BAOGAO_MAX_CORPUS_BYTES",
        )
        return
    kind = KINDS[found.kind]
    assert kind.expand is not None
    yield from kind.expand(found, limits, MEMBERS, keep)


def document_item(found: FoundFile) -> WorkItem:
    """The work item of a single-document file."""
    assert found.sha256 is not None
    return WorkItem(
        uri=found.uri, name=found.name, kind=found.kind, content_sha256=found.sha256, path=found.path, size=found.size
    )


def read_item(item: WorkItem) -> SourceDoc | Reject:
    """Read a work item into a SourceDoc, or say why it cannot be read (in the worker)."""
    if item.text is not None or item.spooled is not None:
        try:
            text = item.text if item.text is not None else read_spooled(item)
        except OSError as exc:
            return reject(item.uri, item.name, "read_error", f"could not read the row back: {exc}")
        return SourceDoc(
            source_uri=item.uri,
            source_name=item.name,
            media_type="text",
            content_sha256=item.content_sha256,
            text=text,
            source_meta=dict(item.meta),
        )
    assert item.path is not None
    try:
        if item.member is not None:
            read_member = KINDS[item.archive or ""].read_member
            assert read_member is not None
            data = read_member(item.path, item.member, max(item.size, 1))
        else:
            with open_file(item.path) as f:
                data = f.read(item.size + 1) if item.size else f.read()
    except FileNotFoundError:
        return reject(
            item.uri,
            item.name,
            "vanished",
            "the file disappeared before it could be read (deleted or moved during the run)",
        )
    except (OSError, KeyError, zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error) as exc:
        return reject(
            item.uri,
            item.name,
            "read_error",
            f"could not read the file ({getattr(exc, 'strerror', None) or exc}); it may have been moved "
            "or changed during the run",
        )
    if hashlib.sha256(data).hexdigest() != item.content_sha256:
        return changed(item.uri, item.name)
    read = KINDS[item.kind].read
    assert read is not None
    return read(item, data)
