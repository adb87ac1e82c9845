"""Zip archives: one input per member; members are documents (sources.archive checks each)."""

from __future__ import annotations

import stat
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from sources.archive import TooBig, hash_stream, member_check, member_item, member_name, member_uri
from sources.base import FoundFile, InputKind, Keep, Limits, Members, WorkItem, reject, too_large
from transforms.models import Reject

NAME = "archive_zip"


def expand(found: FoundFile, limits: Limits, members: Members, _keep: Keep) -> Iterator[WorkItem | Reject]:
    try:
        zf = zipfile.ZipFile(found.path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield reject(found.uri, found.name, "bad_archive", f"the zip archive cannot be opened ({exc})")
        return
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        declared = sum(i.file_size for i in infos)
        packed = sum(i.compress_size for i in infos)
        if len(infos) > limits.max_archive_members:
            yield reject(
                found.uri,
                found.name,
                "archive_bomb",
                f"the archive holds {len(infos):,} files, over the limit of {limits.max_archive_members:,}; "
                "it is not opened (raise BAOGAO_MAX_ARCHIVE_MEMBERS if it is genuine)",
            )
            return
        ratio_bomb = declared > limits.max_file_bytes and declared > limits.max_archive_ratio * max(packed, 1)
        if declared > limits.max_corpus_bytes or ratio_bomb:
            yield reject(
                found.uri,
                found.name,
                "archive_bomb",
                f"the archive unpacks to {declared:,} bytes from {packed:,} (a zip bomb?); it is not opened",
            )
            return
        for info in infos:
            uri, name = member_uri(found, info.filename), member_name(found, info.filename)
            problem = member_check(found, info.filename, info.file_size, limits, members)
            if problem is None and stat.S_ISLNK(info.external_attr >> 16):
                problem = reject(uri, name, "symlink", "the archive member is a link; links are not followed")
            if problem is None and info.flag_bits & 0x1:
                problem = reject(uri, name, "encrypted", "the archive member is encrypted; baogao has no password")
            if (
                problem is None
                and info.file_size > limits.max_archive_ratio * max(info.compress_size, 1)
                and (info.file_size > 1024 * 1024)
            ):
                problem = reject(
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
                digest, size = hash_stream(zf.open(info), info.file_size, limits.max_file_bytes)
            except TooBig as exc:
                yield too_large(uri, name, exc.size, limits.max_file_bytes, "the archive member (its real size)")
                continue
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as exc:
                yield reject(uri, name, "bad_archive", f"the archive member cannot be read ({exc})")
                continue
            yield member_item(found, info.filename, NAME, digest, size, members)


def read_member(path: Path, member: str, limit: int) -> bytes:
    with zipfile.ZipFile(path) as zf, zf.open(member) as f:
        return f.read(limit + 1)


KIND = InputKind(NAME, suffixes=(".zip",), expand=expand, read_member=read_member)
