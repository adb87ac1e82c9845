"""Finding inputs under the sources: walking folders and hashing files.

Folders nobody cleaned are the normal case, so:
- links are followed only when they stay inside the source folder (a link to /etc/passwd is
  rejected, a link to a folder is not walked, a link loop is reported);
- files are hashed in chunks (bounded memory) and the stat before and after must agree, so a file
  being written while it is read is retried next run instead of stored torn.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from sources.base import CHUNK, FoundFile, Stamp, changed, display_name, reject, uri_of
from sources.registry import kind_of
from transforms.models import Reject

IGNORE_FILE = ".baogaoignore"

# Test seam: called with (path, bytes read so far) after each chunk while a file is hashed.
on_chunk: Callable[[Path, int], None] | None = None


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
        # A folder that cannot be listed is an input of its own (find() says why), never a
        # silent hole: os.walk skips it after telling `onerror`.
        unlisted: list[OSError] = []
        for dirpath, dirnames, filenames in os.walk(source, followlinks=False, onerror=unlisted.append):
            yield from _unlisted(unlisted, source, seen)
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
        yield from _unlisted(unlisted, source, seen)


def _unlisted(errors: list[OSError], source: Path, seen: set[Path]) -> Iterator[tuple[Path, Path]]:
    while errors:
        p = Path(errors.pop(0).filename)
        if p not in seen:
            seen.add(p)
            yield p, source


def walk(sources: list[Path]) -> Iterator[Path]:
    """Every input path under `sources` (see walk_roots)."""
    for path, _root in walk_roots(sources):
        yield path


def _stamp(st: os.stat_result) -> Stamp:
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def discover_inputs(sources: list[Path], seen: dict[str, tuple[Stamp, str]] | None = None) -> list[FoundFile | Reject]:
    """Every input under `sources`, hashed, or the reason it cannot be read. A file whose stamp is
    the one in `seen` (uri -> (stamp, sha256) of the last committed run) keeps its hash unread: a
    nightly run costs a stat per loaded file, not a read of every byte ever loaded."""
    return [find(path, root, seen) for path, root in walk_roots(sources)]


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
            return reject(
                uri,
                name,
                "symlink",
                f"the link points to nothing readable ({display_name(target)}: missing, or a link "
                "loop); baogao does not follow it",
            )
        if path.is_dir():
            return reject(
                uri,
                name,
                "symlink",
                f"a link to a folder ({display_name(target)}); baogao does not walk linked folders, "
                "pass the folder itself as a source",
            )
        if root is not None and root != path and not _inside(path, root):
            return reject(
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
            return reject(uri, name, "not_found", "no such file or folder; check the path")
        return reject(uri, name, "vanished", "the file was listed but is gone (deleted or moved during the run)")
    except OSError as exc:
        return reject(uri, name, "read_error", f"could not read the file ({exc.strerror or exc})")
    if stat.S_ISDIR(before.st_mode):
        return _unreadable_folder(real, uri, name)
    if not stat.S_ISREG(before.st_mode):
        return reject(uri, name, "not_a_file", "not a regular file (a device, socket or pipe); only files are read")
    known = seen.get(uri) if seen else None
    if known is not None and known[0] == _stamp(before):
        digest, after = known[1], before  # hashed by the last committed run, untouched since
    else:
        try:
            digest = sha256_file(real)
            after = real.lstat()
        except FileNotFoundError:
            return reject(uri, name, "vanished", "the file disappeared while it was being read (deleted or moved)")
        except OSError as exc:
            return reject(
                uri, name, "read_error", f"could not read the file ({exc.strerror or exc}); check its permissions"
            )
        if (before.st_size, before.st_mtime_ns, before.st_ino) != (after.st_size, after.st_mtime_ns, after.st_ino):
            return changed(uri, name)
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


def _unreadable_folder(path: Path, uri: str, name: str) -> Reject:
    """The outcome of a folder discovery could not list."""
    try:
        with os.scandir(path):
            pass
    except OSError as exc:
        return reject(
            uri,
            name,
            "unreadable_folder",
            f"the folder cannot be read ({exc.strerror or exc}), so none of the files in it is ingested; "
            "give the user running baogao permission to list it (chmod a+rx) and run again",
        )
    return reject(
        uri,
        name,
        "unreadable_folder",
        "the folder could not be listed during the run (its permissions changed?); it is read on the next run",
        outcome="skipped",
    )


def stamps(found: list[FoundFile | Reject]) -> dict[str, tuple[Stamp, str]]:
    """uri -> (stamp, sha256) of every file found and read: what the next run's discover_inputs
    may trust without reading the file again."""
    return {f.uri: (f.stamp, f.sha256) for f in found if isinstance(f, FoundFile) and f.sha256 and f.stamp}
