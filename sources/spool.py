"""Corpus rows' text set aside on disk while a run plans its work.

Planning reads every row of a corpus file to tell new rows from loaded ones; the rows to transform
would otherwise stay in memory until their batch comes, so a corpus of a GB of new rows would be a
GB in memory before the first batch starts. The spool keeps one row at a time in memory: its text
is written to a file and the work item carries where, which the worker reads back (read_spooled).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import IO

from sources.base import WorkItem


class Spool:
    """An append-only file of UTF-8 texts; `keep` moves a work item's text into it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None
        self._offset = 0

    def keep(self, item: WorkItem) -> WorkItem:
        """`item` with its text in the spool, or as it is when it carries none."""
        if item.text is None:
            return item
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("wb")  # a retried survey starts the spool afresh
        data = item.text.encode("utf-8", "surrogatepass")
        self._file.write(data)
        spooled = (str(self.path), self._offset, len(data))
        self._offset += len(data)
        return replace(item, text=None, spooled=spooled)

    def close(self) -> None:
        """Flush what was written; the workers read it from now on."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def read_spooled(item: WorkItem) -> str:
    """The text `Spool.keep` set aside for `item`."""
    assert item.spooled is not None
    path, offset, length = item.spooled
    with open(path, "rb") as f:
        f.seek(offset)
        data = f.read(length)
    if len(data) != length:
        raise OSError(f"the run's spool file {path} is shorter than expected (was it deleted during the run?)")
    return data.decode("utf-8", "surrogatepass")


@contextmanager
def removed_after(path: Path) -> Iterator[Path]:
    """`path` for the body's use, deleted when the body ends however it ends."""
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
