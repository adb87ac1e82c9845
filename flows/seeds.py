"""Loading reference data from seeds/ into transforms.resources.Resources (the I/O side)."""

from __future__ import annotations

import csv
from pathlib import Path

from transforms.indicators import Indicator, indicators_from_rows
from transforms.resources import Resources


def load_indicators(seeds_dir: Path) -> tuple[Indicator, ...]:
    """seeds/reference/indicators.csv, validated; none when the file is absent."""
    path = seeds_dir / "reference" / "indicators.csv"
    if not path.exists():
        return ()
    with path.open(encoding="utf-8", newline="") as f:
        return indicators_from_rows(csv.DictReader(f))


def load_resources(seeds_dir: Path) -> Resources:
    """Read every reference file the transforms need from `seeds_dir`."""
    return Resources(indicators=load_indicators(seeds_dir))
