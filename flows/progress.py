"""A seam for progress reporting: the CLI installs a callback, tasks report through it."""

from __future__ import annotations

from collections.abc import Callable

ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)

_callback: ProgressFn | None = None


def set_callback(fn: ProgressFn | None) -> None:
    global _callback
    _callback = fn


def report(stage: str, done: int, total: int) -> None:
    if _callback is not None:
        _callback(stage, done, total)
