"""Reference data the transforms need, handed in as values (flows/seeds.py loads it from seeds/).

Frozen and picklable: worker processes receive it once and keep it for every batch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resources:
    """Everything loaded from `seeds/reference` and `seeds/dict`. Fields default to empty so a
    test can build exactly the resources it needs."""

    # Add fields here as transforms need reference data (one per seed file), e.g.
    # regions: tuple[Region, ...] = ()
    pass
