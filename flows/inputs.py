"""Finding inputs and reading them into SourceDocs: the file-system side of ingestion.

An *input* is one file, one row of a corpus file (.jsonl/.csv, optionally .gz), or one member of
an archive (.zip, .tar, .tar.gz/.tgz). Every input discovered gets exactly one outcome in the
run's ledger (ingest_log); this module says why an input cannot be read, never raises for one.

Folders nobody cleaned are the normal case, so:
- links are followed only when they stay inside the source folder (a link to /etc/passwd is
  rejected, a link to a folder is not walked, a link loop is reported);
- files are hashed in chunks (bounded memory) and the stat before and after must agree, so a file
  being written while it is read is retried next run instead of stored torn;
- corpus files are read line by line, each bad line gets its own reject with its line number;
- archives are read in memory, member by member: unsafe names, links, nested archives, members
  over the size cap and compression ratios of a zip bomb are refused before anything big is read,
  and bytes are counted while reading because declared sizes can lie.
"""

from __future__ import annotations

import codecs
import csv
import fnmatch
import gzip
import hashlib
import io
import json
import os
import posixpath
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal
from urllib.parse import quote

from flows.store import atomic_write_bytes
from transforms.decode import LOW_CONFIDENCE, DecodeError, decode_bytes, storable
from transforms.models import Reject, SourceDoc

IGNORE_FILE = ".baogaoignore"
TEXT_COLUMNS = ("content", "full_text", "text")
CHUNK = 1 << 20

Kind = Literal["text", "html", "pdf", "docx", "corpus_jsonl", "corpus_csv", "archive_zip", "archive_tar", "unsupported"]

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
    ".zip": "archive_zip",
    ".tar": "archive_tar",
    ".tgz": "archive_tar",
}
DOCUMENT_KINDS = ("text", "html", "pdf", "docx")
CORPUS_KINDS = ("corpus_jsonl", "corpus_csv")
ARCHIVE_KINDS = ("archive_zip", "archive_tar")
SUPPORTED = ".txt .html .htm .pdf .docx, corpus files .jsonl .csv (optionally .gz) and archives .zip .tar .tar.gz"

# Test seam: called with (path, bytes read so far) after each chunk while a file is hashed.
on_chunk: Callable[[Path, int], None] | None = None


@dataclass(frozen=True)
class Limits:
    """Size caps (flows/settings.py documents each)."""

    max_file_bytes: int = 50 * 1024 * 1024
    max_corpus_bytes: int = 2 * 1024 * 1024 * 1024
    max_archive_members: int = 10_000
    max_archive_ratio: int = 100

    @classmethod
    def of(cls, settings: Any) -> Limits:
        return cls(
            settings.max_file_bytes, settings.max_corpus_bytes, settings.max_archive_members, settings.max_archive_ratio
        )


@dataclass(frozen=True)
class FoundFile:
    """A file found under one of the sources."""

    path: Path
    uri: str
    name: str
    kind: Kind
    size: int
    sha256: str | None  # None when the file could not be read
    mtime_ns: int = 0
    stamp: Stamp | None = None  # see discover_inputs


@dataclass(frozen=True)
class WorkItem:
    """One input to process: a whole file or an archive member (read in the worker), or a corpus
    row (its text carried here)."""

    uri: str
    name: str
    kind: Kind
    content_sha256: str
    path: Path | None = None
    text: str | None = None
    meta: tuple[tuple[str, Any], ...] = ()
    member: str | None = None  # the member's name inside the archive at `path`
    size: int = 0  # bytes of the file or member, known when the item was planned


def kind_of(path: Path | PurePosixPath) -> Kind:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes[-2:] == [".tar", ".gz"]:
        return "archive_tar"
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
        inner = _SUFFIX_KIND.get(suffixes[-1]) if suffixes else None
        return inner if inner in CORPUS_KINDS else "unsupported"
    return _SUFFIX_KIND.get(suffixes[-1], "unsupported") if suffixes else "unsupported"


def display_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as lone surrogates, which
    pyarrow and DuckDB refuse) shown as U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def uri_of(path: Path) -> str:
    return path.absolute().as_uri()  # percent-encodes every byte that needs it


def _reject(
    uri: str, name: str, code: str, message: str, outcome: Literal["rejected", "needs_review", "skipped"] = "rejected"
) -> Reject:
    return Reject(source_uri=uri, source_name=display_name(name), reason_code=code, message=message, outcome=outcome)


# ---------------------------------------------------------------------------------------------
# Discovery


def _ignore_patterns(directory: Path) -> list[str]:
    f = directory / IGNORE_FILE
    if not f.is_file():
        return []
    lines = f.read_text(encoding="utf-8", errors="replace").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def _ignored(rel: str, is_dir: bool, patterns: list[str]) -> bool:
    for pat in patterns:
        if pat.endswith("/"):
            if is_dir and fnmatch.fnmatch(rel, pat.rstrip("/")):
                return True
        elif fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(rel.rsplit("/", 1)[-1], pat):
            return True
    return False


def walk_roots(sources: list[Path]) -> Iterator[tuple[Path, Path]]:
    """(path, source root) of every input under `sources`, in sorted order. A file given
    directly is its own root. Hidden files and folders and paths listed in a `.baogaoignore` of a
    source folder are not inputs. Links to folders are yielded (to be reported), never walked."""
    seen: set[Path] = set()
    for source in sources:
        if not source.is_dir() or (source.is_symlink() and not source.exists()):
            if source not in seen:
                seen.add(source)
                yield source, source
            continue
        patterns = _ignore_patterns(source)
        for dirpath, dirnames, filenames in os.walk(source, followlinks=False):
            base = Path(dirpath)
            rel_dir = base.relative_to(source).as_posix()
            rel_dir = "" if rel_dir == "." else rel_dir + "/"
            keep = []
            for d in sorted(dirnames):
                if d.startswith(".") or _ignored(rel_dir + d, True, patterns):
                    continue
                if (base / d).is_symlink():
                    filenames.append(d)  # reported as a link, not walked
                else:
                    keep.append(d)
            dirnames[:] = keep
            for fname in sorted(filenames):
                if fname.startswith(".") or _ignored(rel_dir + fname, False, patterns):
                    continue
                p = base / fname
                if p not in seen:
                    seen.add(p)
                    yield p, source


def walk(sources: list[Path]) -> Iterator[Path]:
    """Every input path under `sources` (see walk_roots)."""
    for path, _root in walk_roots(sources):
        yield path


# A file's identity on disk: (size, mtime_ns, inode, ctime_ns). Writing a file changes its ctime,
# which no tool can set back, so an equal stamp means the bytes hashed last time are still there.
Stamp = tuple[int, int, int, int]
SEEN_NAME = ".seen.json"


def _stamp(st: os.stat_result) -> Stamp:
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def discover_inputs(sources: list[Path], seen: dict[str, tuple[Stamp, str]] | None = None) -> list[FoundFile | Reject]:
    """Every input under `sources`, hashed, or the reason it cannot be read. A file whose stamp is
    the one in `seen` (uri -> (stamp, sha256) of the last committed run) keeps its hash unread: a
    nightly run costs a stat per loaded file, not a read of every byte ever loaded."""
    return [find(path, root, seen) for path, root in walk_roots(sources)]


def load_seen(warehouse_dir: Path) -> dict[str, tuple[Stamp, str]]:
    """The stamps and hashes the last committed run saw; empty when there are none or the file
    is unreadable (then every input is hashed, which is always right)."""
    try:
        raw = json.loads((warehouse_dir / SEEN_NAME).read_text(encoding="utf-8"))
        return {uri: (tuple(stamp), sha) for uri, (stamp, sha) in raw.items()}  # type: ignore[misc]
    except (OSError, ValueError, TypeError):
        return {}


def save_seen(warehouse_dir: Path, found: list[FoundFile | Reject]) -> None:
    """Remember the stamp and hash of every file this (committed) run read."""
    data = {f.uri: (f.stamp, f.sha256) for f in found if isinstance(f, FoundFile) and f.sha256 and f.stamp}
    atomic_write_bytes(warehouse_dir / SEEN_NAME, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _inside(path: Path, root: Path) -> bool:
    real_root = Path(os.path.realpath(root if root.is_dir() else root.parent))
    try:
        Path(os.path.realpath(path)).relative_to(real_root)
    except ValueError:
        return False
    return True


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as f:
        done = 0
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
            done += len(chunk)
            if on_chunk is not None:
                on_chunk(path, done)
    return h.hexdigest()


def find(path: Path, root: Path | None = None, seen: dict[str, tuple[Stamp, str]] | None = None) -> FoundFile | Reject:
    """Stat and hash one discovered path, or say why it cannot be an input. `root` is the source
    folder it was found under; a link must resolve inside it. A file stamped as in `seen` is not
    read again (discover_inputs)."""
    uri = uri_of(path)
    name = path.name
    if path.is_symlink():
        target = os.readlink(path)
        if not path.exists():
            return _reject(
                uri,
                name,
                "symlink",
                f"the link points to nothing readable ({display_name(target)}: missing, or a link "
                "loop); baogao does not follow it",
            )
        if path.is_dir():
            return _reject(
                uri,
                name,
                "symlink",
                f"a link to a folder ({display_name(target)}); baogao does not walk linked folders, "
                "pass the folder itself as a source",
            )
        if root is not None and root != path and not _inside(path, root):
            return _reject(
                uri,
                name,
                "symlink",
                f"the link leads outside the source folder (to {display_name(os.path.realpath(path))}); "
                "baogao does not follow it. Copy the file in if it should be read",
            )
        real = Path(os.path.realpath(path))
    else:
        real = path
    try:
        before = real.lstat()
    except FileNotFoundError:
        if root is None or root == path:
            return _reject(uri, name, "not_found", "no such file or folder; check the path")
        return _reject(uri, name, "vanished", "the file was listed but is gone (deleted or moved during the run)")
    except OSError as exc:
        return _reject(uri, name, "read_error", f"could not read the file ({exc.strerror or exc})")
    if not stat.S_ISREG(before.st_mode):
        return _reject(uri, name, "not_a_file", "not a regular file (a device, socket or pipe); only files are read")
    known = seen.get(uri) if seen else None
    if known is not None and known[0] == _stamp(before):
        digest, after = known[1], before  # hashed by the last committed run, untouched since
    else:
        try:
            digest = sha256_file(real)
            after = real.lstat()
        except FileNotFoundError:
            return _reject(uri, name, "vanished", "the file disappeared while it was being read (deleted or moved)")
        except OSError as exc:
            return _reject(
                uri, name, "read_error", f"could not read the file ({exc.strerror or exc}); check its permissions"
            )
        if (before.st_size, before.st_mtime_ns, before.st_ino) != (after.st_size, after.st_mtime_ns, after.st_ino):
            return _changed(uri, name)
    return FoundFile(
        path=real,
        uri=uri,
        name=display_name(name),
        kind=kind_of(path),
        size=after.st_size,
        sha256=digest,
        mtime_ns=after.st_mtime_ns,
        stamp=_stamp(after),
    )


def document_item(found: FoundFile) -> WorkItem:
    """The work item of a single-document file."""
    assert found.sha256 is not None
    return WorkItem(
        uri=found.uri, name=found.name, kind=found.kind, content_sha256=found.sha256, path=found.path, size=found.size
    )


def _changed(uri: str, name: str) -> Reject:
    return _reject(
        uri,
        name,
        "changed_during_read",
        "the file changed while baogao read it (it is being written?); it is read again on the next run",
        outcome="skipped",
    )


def too_large(uri: str, name: str, size: int, limit: int, what: str = "the file") -> Reject:
    return _reject(
        uri,
        name,
        "too_large",
        f"{what} has {size:,} bytes, over the limit of {limit:,}; split it or raise BAOGAO_MAX_FILE_BYTES",
    )


# ---------------------------------------------------------------------------------------------
# Containers: corpus files and archives expand into one input per row or member.


def expand(found: FoundFile, limits: Limits) -> Iterator[WorkItem | Reject]:
    """The inputs inside a corpus file or an archive."""
    if found.size > limits.max_corpus_bytes:
        yield _reject(
            found.uri,
            found.name,
            "too_large",
            f"the file has {found.size:,} bytes, over the limit of {limits.max_corpus_bytes:,} for corpus "
            "files and archives; split it or raise BAOGAO_MAX_CORPUS_BYTES",
        )
        return
    if found.kind in CORPUS_KINDS:
        yield from corpus_rows(found, limits)
    elif found.kind == "archive_zip":
        yield from _zip_members(found, limits)
    elif found.kind == "archive_tar":
        yield from _tar_members(found, limits)


def corpus_rows(found: FoundFile, limits: Limits | None = None) -> Iterator[WorkItem | Reject]:
    """One WorkItem per row of a corpus file with text, one Reject per row without; the row's
    other columns travel as its metadata. Read as a stream; a file that changes meanwhile is
    reported once, as a whole."""
    limits = limits or Limits()
    items: list[WorkItem | Reject] = []
    h = hashlib.sha256()
    try:
        with _open_file(found.path) as raw:
            hashing = _HashingReader(raw, h)
            stream: Any = (
                gzip.GzipFile(fileobj=hashing, mode="rb")
                if found.path.suffix.lower() == ".gz"
                else io.BufferedReader(hashing, CHUNK)
            )
            items.extend(_rows(found.uri, found.name, found.kind, stream, limits))
            while hashing.read(CHUNK):  # hash the rest (a reader may stop early)
                pass
    except FileNotFoundError:
        yield _reject(found.uri, found.name, "vanished", "the corpus file disappeared while it was being read")
        return
    except (OSError, EOFError, zlib.error) as exc:
        items.append(
            _reject(
                f"{found.uri}#rest",
                found.name,
                "read_error",
                f"the corpus file is damaged after {len(items)} rows ({exc}); the rows before "
                "are read, the rest is not",
            )
        )
    if found.sha256 is not None and h.hexdigest() != found.sha256:
        yield _changed(found.uri, found.name)
        return
    yield from items


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


def _open_file(path: Path) -> IO[bytes]:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    return os.fdopen(fd, "rb")


def _rows(uri: str, name: str, kind: Kind, stream: IO[bytes], limits: Limits) -> Iterator[WorkItem | Reject]:
    if kind == "corpus_jsonl":
        yield from _jsonl_rows(uri, name, stream, limits)
    else:
        yield from _csv_rows(uri, name, stream, limits)


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


def _jsonl_rows(uri: str, name: str, stream: IO[bytes], limits: Limits) -> Iterator[WorkItem | Reject]:
    for n, line, size in _lines(stream, limits.max_file_bytes):
        row_uri = f"{uri}#row={n}"
        if line is None:
            yield too_large(row_uri, name, size, limits.max_file_bytes, f"line {n}")
            continue
        if n == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[3:]
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield _reject(
                row_uri,
                name,
                "bad_row",
                f"line {n} is not valid UTF-8 (byte {exc.start}); JSON Lines files must be UTF-8",
            )
            continue
        try:
            row = json.loads(text)
        except json.JSONDecodeError as exc:
            yield _reject(
                row_uri,
                name,
                "bad_row",
                f"line {n} is not valid JSON ({exc.msg} at column {exc.colno}); fix or remove the line",
            )
            continue
        yield _row_item(uri, name, n, line.rstrip(b"\r\n"), row)


def _csv_rows(uri: str, name: str, stream: IO[bytes], limits: Limits) -> Iterator[WorkItem | Reject]:
    data = stream.read(limits.max_corpus_bytes + 1)
    try:
        text = decode_bytes(data).text
    except DecodeError as exc:
        yield _reject(uri, name, exc.code, str(exc))
        return
    csv.field_size_limit(limits.max_file_bytes)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    n = 0
    while True:
        n += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield _reject(f"{uri}#row={n}", name, "bad_row", f"row {n} cannot be read as CSV ({exc})")
            return
        raw = json.dumps(row, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
        yield _row_item(uri, name, n, raw, row)


def _row_item(uri: str, name: str, n: int, raw: bytes, row: Any) -> WorkItem | Reject:
    row_uri = f"{uri}#row={n}"
    if not isinstance(row, dict):
        return _reject(row_uri, name, "bad_row", f"row {n} is not an object with named columns")
    column = next((c for c in TEXT_COLUMNS if isinstance(row.get(c), str) and row[c].strip()), None)
    if column is None:
        return _reject(
            row_uri,
            name,
            "no_text",
            f"row {n} has no text: expected a non-empty column named one of {', '.join(TEXT_COLUMNS)}",
        )
    try:
        storable(json.dumps(row, ensure_ascii=False), f"row {n}")
    except DecodeError as exc:
        return _reject(row_uri, name, exc.code, str(exc))
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


def safe_member_name(name: str) -> str | None:
    """Why an archive member's name is unsafe (absolute, `..`, drive letter, NUL), or None."""
    if "\x00" in name:
        return "holds a NUL character"
    unified = name.replace("\\", "/")
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":"):
        return "is an absolute path"
    if ".." in PurePosixPath(unified).parts:
        return "climbs out of the archive with '..'"
    return None


def _member_uri(found: FoundFile, member: str) -> str:
    return f"{found.uri}#member={quote(member, safe='/')}"


def _member_name(found: FoundFile, member: str) -> str:
    return display_name(f"{found.name}/{member}")


def _member_check(found: FoundFile, member: str, size: int, limits: Limits) -> Reject | None:
    uri, name = _member_uri(found, member), _member_name(found, member)
    why = safe_member_name(member)
    if why is not None:
        return _reject(uri, name, "unsafe_path", f"the archive member's name {why}; it is not read")
    kind = kind_of(PurePosixPath(member))
    if kind in ARCHIVE_KINDS:
        return _reject(uri, name, "nested_archive", "an archive inside an archive is not opened; extract it first")
    if kind in CORPUS_KINDS or kind == "unsupported":
        return _reject(
            uri,
            name,
            "unsupported_type",
            f"'{posixpath.splitext(member)[1] or member}' members are not read from archives; "
            "archives may hold .txt .html .htm .pdf .docx",
        )
    if size > limits.max_file_bytes:
        return too_large(uri, name, size, limits.max_file_bytes, "the archive member")
    return None


def _zip_members(found: FoundFile, limits: Limits) -> Iterator[WorkItem | Reject]:
    try:
        zf = zipfile.ZipFile(found.path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield _reject(found.uri, found.name, "bad_archive", f"the zip archive cannot be opened ({exc})")
        return
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        declared = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        if len(infos) > limits.max_archive_members:
            yield _reject(
                found.uri,
                found.name,
                "archive_bomb",
                f"the archive holds {len(infos):,} files, over the limit of {limits.max_archive_members:,}; "
                "it is not opened (raise BAOGAO_MAX_ARCHIVE_MEMBERS if it is genuine)",
            )
            return
        ratio_bomb = declared > limits.max_file_bytes and declared > limits.max_archive_ratio * max(packed, 1)
        if declared > limits.max_corpus_bytes or ratio_bomb:
            yield _reject(
                found.uri,
                found.name,
                "archive_bomb",
                f"the archive unpacks to {declared:,} bytes from {packed:,} (a zip bomb?); it is not opened",
            )
            return
        for info in infos:
            uri, name = _member_uri(found, info.filename), _member_name(found, info.filename)
            problem = _member_check(found, info.filename, info.file_size, limits)
            if problem is None and stat.S_ISLNK(info.external_attr >> 16):
                problem = _reject(uri, name, "symlink", "the archive member is a link; links are not followed")
            if problem is None and info.flag_bits & 0x1:
                problem = _reject(uri, name, "encrypted", "the archive member is encrypted; baogao has no password")
            if (
                problem is None
                and info.file_size > limits.max_archive_ratio * max(info.compress_size, 1)
                and (info.file_size > 1024 * 1024)
            ):
                problem = _reject(
                    uri,
                    name,
                    "archive_bomb",
                    f"the member unpacks to {info.file_size:,} bytes from {info.compress_size:,} "
                    "(a zip bomb?); it is not read",
                )
            if problem is not None:
                yield problem
                continue
            try:
                digest, size = _hash_stream(zf.open(info), info.file_size, limits.max_file_bytes)
            except _TooBig as exc:
                yield too_large(uri, name, exc.size, limits.max_file_bytes, "the archive member (its real size)")
                continue
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
                yield _reject(uri, name, "bad_archive", f"the archive member cannot be read ({exc})")
                continue
            yield WorkItem(
                uri=uri,
                name=name,
                kind=kind_of(PurePosixPath(info.filename)),
                content_sha256=digest,
                path=found.path,
                member=info.filename,
                size=size,
            )


def _tar_members(found: FoundFile, limits: Limits) -> Iterator[WorkItem | Reject]:
    try:
        tf = tarfile.open(found.path, "r:*")  # noqa: SIM115 - closed by the `with` below
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        yield _reject(found.uri, found.name, "bad_archive", f"the tar archive cannot be opened ({exc})")
        return
    total = 0
    count = 0
    with tf:
        try:
            for info in tf:
                if info.isdir():
                    continue
                count += 1
                if count > limits.max_archive_members:
                    yield _reject(
                        f"{found.uri}#rest",
                        found.name,
                        "archive_bomb",
                        f"the archive holds more than {limits.max_archive_members:,} files; the rest is "
                        "not read (raise BAOGAO_MAX_ARCHIVE_MEMBERS if it is genuine)",
                    )
                    return
                uri, name = _member_uri(found, info.name), _member_name(found, info.name)
                problem = _tar_problem(found, info, limits)
                if problem is not None:
                    yield problem
                    continue
                total += info.size
                if total > limits.max_corpus_bytes:
                    yield _reject(
                        f"{found.uri}#rest",
                        found.name,
                        "archive_bomb",
                        f"the archive unpacks to more than {limits.max_corpus_bytes:,} bytes; the rest is not read",
                    )
                    return
                f = tf.extractfile(info)
                assert f is not None
                digest, size = _hash_stream(f, info.size, limits.max_file_bytes)
                yield WorkItem(
                    uri=uri,
                    name=name,
                    kind=kind_of(PurePosixPath(info.name)),
                    content_sha256=digest,
                    path=found.path,
                    member=info.name,
                    size=size,
                )
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            yield _reject(
                f"{found.uri}#rest",
                found.name,
                "bad_archive",
                f"the tar archive is damaged after {count} files ({exc}); the rest is not read",
            )


def _tar_problem(found: FoundFile, info: tarfile.TarInfo, limits: Limits) -> Reject | None:
    uri, name = _member_uri(found, info.name), _member_name(found, info.name)
    try:
        tarfile.data_filter(info, "/nonexistent-destination")
    except tarfile.FilterError as exc:
        code = (
            "symlink"
            if isinstance(exc, tarfile.AbsoluteLinkError | tarfile.LinkOutsideDestinationError)
            else ("unsafe_path")
        )
        return _reject(uri, name, code, f"the archive member is unsafe ({exc}); it is not read")
    if info.issym() or info.islnk():
        return _reject(uri, name, "symlink", "the archive member is a link; links are not followed")
    if not info.isfile():
        return _reject(uri, name, "not_a_file", "the archive member is not a regular file; it is not read")
    return _member_check(found, info.name, info.size, limits)


class _TooBig(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


def _hash_stream(f: IO[bytes], declared: int, limit: int) -> tuple[str, int]:
    """sha256 and size of a member, reading at most `limit` + 1 bytes whatever it declares."""
    h = hashlib.sha256()
    size = 0
    with f:
        while chunk := f.read(min(CHUNK, limit + 1 - size)):
            size += len(chunk)
            if size > limit:
                raise _TooBig(size)
            h.update(chunk)
    return h.hexdigest(), size


def _read_member(path: Path, member: str, limit: int) -> bytes:
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf, zf.open(member) as f:
            data = f.read(limit + 1)
    else:
        with tarfile.open(path, "r:*") as tf:
            g = tf.extractfile(member)
            if g is None:
                raise FileNotFoundError(member)
            with g:
                data = g.read(limit + 1)
    return data


# ---------------------------------------------------------------------------------------------
# Reading (in the worker)


def read_item(item: WorkItem) -> SourceDoc | Reject:
    """Read a work item into a SourceDoc (decoding files), or say why it cannot be read."""
    if item.text is not None:
        return SourceDoc(
            source_uri=item.uri,
            source_name=item.name,
            media_type="text",
            content_sha256=item.content_sha256,
            text=item.text,
            source_meta=dict(item.meta),
        )
    assert item.path is not None
    try:
        if item.member is not None:
            data = _read_member(item.path, item.member, max(item.size, 1))
        else:
            with _open_file(item.path) as f:
                data = f.read(item.size + 1) if item.size else f.read()
    except FileNotFoundError:
        return _reject(
            item.uri,
            item.name,
            "vanished",
            "the file disappeared before it could be read (deleted or moved during the run)",
        )
    except (OSError, KeyError, zipfile.BadZipFile, tarfile.TarError, EOFError, zlib.error) as exc:
        return _reject(
            item.uri,
            item.name,
            "read_error",
            f"could not read the file ({getattr(exc, 'strerror', None) or exc}); it may have been moved "
            "or changed during the run",
        )
    if hashlib.sha256(data).hexdigest() != item.content_sha256:
        return _changed(item.uri, item.name)
    if item.kind in ("pdf", "docx"):
        return SourceDoc(
            source_uri=item.uri,
            source_name=item.name,
            media_type=item.kind,
            content_sha256=item.content_sha256,
            data=data,
        )
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        outcome: Literal["rejected", "skipped"] = "skipped" if exc.code == "empty" else "rejected"
        return _reject(item.uri, item.name, exc.code, str(exc), outcome=outcome)
    if decoded.confidence < LOW_CONFIDENCE:
        return _reject(
            item.uri,
            item.name,
            "uncertain_encoding",
            f"the encoding is uncertain: read as {decoded.encoding} with confidence {decoded.confidence:.2f} "
            f"it begins {decoded.text[:40]!r}; if that is right, re-save the file as UTF-8 and ingest it again",
            outcome="needs_review",
        )
    media: Literal["text", "html"] = "html" if item.kind == "html" else "text"
    return SourceDoc(
        source_uri=item.uri,
        source_name=item.name,
        media_type=media,
        content_sha256=item.content_sha256,
        text=decoded.text,
        encoding=decoded.encoding,
        decode_note=decoded.note,
    )
