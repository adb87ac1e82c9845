"""Tar archives, compressed or not: one input per member; members are documents (sources.archive
checks each)."""

from __future__ import annotations

import tarfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from sources.archive import hash_stream, member_check, member_item, member_name, member_uri
from sources.base import FoundFile, InputKind, Keep, Limits, Members, WorkItem, reject
from transforms.models import Reject

NAME = "archive_tar"


def expand(found: FoundFile, limits: Limits, members: Members, _keep: Keep) -> Iterator[WorkItem | Reject]:
    try:
        tf = tarfile.open(found.path, "r:*")  # noqa: SIM115 - closed by the `with` below
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        yield reject(found.uri, found.name, "bad_archive", f"the tar archive cannot be opened ({exc})")
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
                    yield reject(
                        f"{found.uri}#rest",
                        found.name,
                        "archive_bomb",
                        f"the archive holds more than {limits.max_archive_members:,} files; the rest is "
                        "not read (raise BAOGAO_MAX_ARCHIVE_MEMBERS if it is genuine)",
                    )
                    return
                problem = _problem(found, info, limits, members)
                if problem is not None:
                    yield problem
                    continue
                total += info.size
                if total > limits.max_corpus_bytes:
                    yield reject(
                        f"{found.uri}#rest",
                        found.name,
                        "archive_bomb",
                        f"the archive unpacks to more than {limits.max_corpus_bytes:,} bytes; the rest is not read",
                    )
                    return
                f = tf.extractfile(info)
                assert f is not None
                digest, size = hash_stream(f, info.size, limits.max_file_bytes)
                yield member_item(found, info.name, NAME, digest, size, members)
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            yield reject(
                f"{found.uri}#rest",
                found.name,
                "bad_archive",
                f"the tar archive is damaged after {count} files ({exc}); the rest is not read",
            )


def _problem(found: FoundFile, info: tarfile.TarInfo, limits: Limits, members: Members) -> Reject | None:
    uri, name = member_uri(found, info.name), member_name(found, info.name)
    try:
        tarfile.data_filter(info, "/nonexistent-destination")
    except tarfile.FilterError as exc:
        code = (
            "symlink"
            if isinstance(exc, tarfile.AbsoluteLinkError | tarfile.LinkOutsideDestinationError)
            else ("unsafe_path")
        )
        return reject(uri, name, code, f"the archive member is unsafe ({exc}); it is not read")
    if info.issym() or info.islnk():
        return reject(uri, name, "symlink", "the archive member is a link; links are not followed")
    if not info.isfile():
        return reject(uri, name, "not_a_file", "the archive member is not a regular file; it is not read")
    return member_check(found, info.name, info.size, limits, members)


def read_member(path: Path, member: str, limit: int) -> bytes:
    with tarfile.open(path, "r:*") as tf:
        g = tf.extractfile(member)
        if g is None:
            raise FileNotFoundError(member)
        with g:
            return g.read(limit + 1)


KIND = InputKind(NAME, suffixes=(".tar", ".tar.gz"), aliases=(".tgz",), expand=expand, read_member=read_member)
