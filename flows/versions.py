"""The version stamped on every processed document: what produced its rows."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import transforms
from transforms import TRANSFORM_VERSION


@cache
def transform_version(seeds_dir: Path) -> str:
    """TRANSFORM_VERSION plus a fingerprint of the transforms' source and the reference data and
    dictionaries in seeds/ that shape their output. Documents stamped with another version are
    processed again on the next ingest, so a warehouse never mixes rows from two versions."""
    h = hashlib.sha256()
    code = sorted(Path(transforms.__file__).parent.glob("*.py"))
    data = sorted(p for d in ("reference", "dict") for p in (seeds_dir / d).glob("*") if p.is_file())
    for path in (*code, *data):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return f"{TRANSFORM_VERSION}+{h.hexdigest()[:12]}"
