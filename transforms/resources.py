"""Reference data the transforms need, handed in as values (flows/seeds.py loads it from seeds/).

Frozen and picklable: worker processes receive it once and keep it for every batch.
"""

from __future__ import annotations

from dataclasses import dataclass

from transforms.indicators import Indicator
from transforms.regions import Region
from transforms.segment import UserWord


@dataclass(frozen=True)
class FormulaEntry:
    """A row of seeds/reference/formulas.csv: a numbered formula, or a look-alike that is not one."""

    name: str
    is_formula: bool = True


@dataclass(frozen=True)
class ThemeTerm:
    """A row of seeds/reference/themes.csv: a term whose presence puts a sentence under a theme."""

    theme: str
    term: str


@dataclass(frozen=True)
class Resources:
    """Everything loaded from `seeds/reference` and `seeds/dict`. Fields default to empty so a
    test can build exactly the resources it needs."""

    # Add fields here as transforms need reference data (one per seed file), e.g.
    # regions: tuple[Region, ...] = ()
    user_words: tuple[UserWord, ...] = ()  # seeds/dict/userdict.txt, validated (transforms/segment.py)
    stopwords: frozenset[str] = frozenset()  # seeds/dict/stopwords.txt
    formulas: tuple[FormulaEntry, ...] = ()  # seeds/reference/formulas.csv
    themes: tuple[ThemeTerm, ...] = ()  # seeds/reference/themes.csv
    indicators: tuple[Indicator, ...] = ()  # seeds/reference/indicators.csv (transforms/indicators.py)
    regions: tuple[Region, ...] = ()  # seeds/reference/regions.csv (transforms/regions.py)
    countries: frozenset[str] = frozenset()  # seeds/reference/countries.csv (names)
    leaders: frozenset[str] = frozenset()  # seeds/reference/leaders.csv (names)
    pass
