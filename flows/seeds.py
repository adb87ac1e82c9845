"""Loading reference data from seeds/ into transforms.resources.Resources (the I/O side)."""

from __future__ import annotations

from pathlib import Path

from transforms.resources import Resources


def load_resources(seeds_dir: Path) -> Resources:
    """Read every reference file the transforms need from `seeds_dir`."""
    return Resources()
