"""PDF files: their bytes travel as they are; the transforms extract the text (transforms.extract)."""

from __future__ import annotations

from sources.base import InputKind, WorkItem, binary
from transforms.models import Reject, SourceDoc


def read(item: WorkItem, data: bytes) -> SourceDoc | Reject:
    return binary(item, data, "pdf")


KIND = InputKind("pdf", suffixes=(".pdf",), read=read)
