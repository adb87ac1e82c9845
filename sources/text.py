"""Plain text files: their bytes decoded to Unicode (transforms.decode), the encoding recorded."""

from __future__ import annotations

from sources.base import InputKind, WorkItem, decoded
from transforms.models import Reject, SourceDoc


def read(item: WorkItem, data: bytes) -> SourceDoc | Reject:
    return decoded(item, data, "text")


KIND = InputKind("text", suffixes=(".txt",), aliases=(".text",), read=read, sized_as_text=True)
