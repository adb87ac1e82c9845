"""Seconds per named stage, for the run's summary, its Prefect artifact and the benchmark."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager


class Timings:
    """Seconds per stage, added up over the stage's passes. `with timings("load"):` times a block;
    `timings.lap("clean")` adds the time since the previous lap (the transforms' `lap` callback)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def add_all(self, seconds: Mapping[str, float], prefix: str = "") -> None:
        for stage, s in seconds.items():
            self.add(prefix + stage, s)

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.add(stage, time.perf_counter() - t0)

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.add(stage, now - self._last)
        self._last = now

    def rounded(self, digits: int = 3) -> dict[str, float]:
        return {stage: round(s, digits) for stage, s in self.seconds.items()}
