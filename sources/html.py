"""Web pages: their bytes decoded like text; the transforms take the report's body out of the page."""

from __future__ import annotations

from sources.base import InputKind, WorkItem, decoded
from transforms.models import Reject, SourceDoc


def read(item: WorkItem, data: bytes) -> SourceDoc | Reject:
    return decoded(item, data, "html")


KIND = InputKind("html", suffixes=(".html", ".htm"), read=read, sized_as_text=True)
