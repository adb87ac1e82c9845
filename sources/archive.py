"""What the archive kinds share: archives are read member by member, and every member is checked
before anything big is read. Unsafe names, links, nested archives, members over the size cap and
compression ratios of a zip bomb are refused; bytes are counted while reading because declared
sizes can lie."""

from __future__ import annotations

import hashlib
import posixpath
from pathlib import PurePosixPath
from typing import IO
from urllib.parse import quote

from sources.base import CHUNK, FoundFile, Limits, Members, WorkItem, display_name, reject, too_large
from transforms.models import Reject


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


def member_uri(found: FoundFile, member: str) -> str:
    return f"{found.uri}#member={quote(member, safe='/')}"


def member_name(found: FoundFile, member: str) -> str:
    return display_name(f"{found.name}/{member}")


def member_check(found: FoundFile, member: str, size: int, limits: Limits, members: Members) -> Reject | None:
    """Why a member cannot be read, judged by its name and declared size, or None."""
    uri, name = member_uri(found, member), member_name(found, member)
    why = safe_member_name(member)
    if why is not None:
        return reject(uri, name, "unsafe_path", f"the archive member's name {why}; it is not read")
    kind = members.kind(member)
    if kind is not None and kind.is_archive:
        return reject(uri, name, "nested_archive", "an archive inside an archive is not opened; extract it first")
    if kind is None or not kind.is_document:
        return reject(
            uri,
            name,
            "unsupported_type",
            f"'{posixpath.splitext(member)[1] or member}' members are not read from archives; "
            f"archives may hold {members.documents}",
        )
    if size > limits.max_file_bytes:
        return too_large(uri, name, size, limits.max_file_bytes, "the archive member")
    return None


def member_item(found: FoundFile, member: str, archive: str, sha256: str, size: int, members: Members) -> WorkItem:
    """The input of one member (a document, member_check said) of the archive `found` of kind
    `archive`; it is read in the worker."""
    kind = members.kind(member)
    assert kind is not None
    return WorkItem(
        uri=member_uri(found, member),
        name=member_name(found, member),
        kind=kind.name,
        content_sha256=sha256,
        path=found.path,
        member=member,
        archive=archive,
        size=size,
    )


class TooBig(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


def hash_stream(f: IO[bytes], declared: int, limit: int) -> tuple[str, int]:
    """sha256 and size of a member, reading at most `limit` + 1 bytes whatever it declares."""
    h = hashlib.sha256()
    size = 0
    with f:
        while chunk := f.read(min(CHUNK, limit + 1 - size)):
            size += len(chunk)
            if size > limit:
                raise TooBig(size)
            h.update(chunk)
    return h.hexdigest(), size
