"""Loading reference data from seeds/ into transforms.resources.Resources (the I/O side)."""

from __future__ import annotations

import csv
import logging
from pathlib import Path

from transforms.indicators import Indicator, indicators_from_rows
from transforms.regions import Region, regions_from_rows
from transforms.resources import FormulaEntry, Resources, ThemeTerm
from transforms.segment import UserDictionary, parse_user_dictionary


def load_indicators(seeds_dir: Path) -> tuple[Indicator, ...]:
    """seeds/reference/indicators.csv, validated; none when the file is absent."""
    path = seeds_dir / "reference" / "indicators.csv"
    if not path.exists():
        return ()
    with path.open(encoding="utf-8", newline="") as f:
        return indicators_from_rows(csv.DictReader(f))


def load_user_dictionary(seeds_dir: Path) -> UserDictionary:
    """seeds/dict/userdict.txt, validated (transforms.segment.parse_user_dictionary says what
    was repaired or rejected); empty when the file is absent."""
    path = seeds_dir / "dict" / "userdict.txt"
    if not path.exists():
        return UserDictionary(())
    # Bytes decoded here, BOM and CR kept, so that the validation can report them.
    return parse_user_dictionary(path.read_bytes().decode("utf-8"))


def load_stopwords(seeds_dir: Path) -> frozenset[str]:
    """seeds/dict/stopwords.txt: one word a line, `#` starts a comment."""
    path = seeds_dir / "dict" / "stopwords.txt"
    if not path.exists():
        return frozenset()
    lines = (ln.strip().lstrip("\ufeff") for ln in path.read_text(encoding="utf-8").splitlines())
    return frozenset(ln for ln in lines if ln and not ln.startswith("#"))


def load_formulas(seeds_dir: Path) -> tuple[FormulaEntry, ...]:
    """seeds/reference/formulas.csv (name,is_formula,note)."""
    path = seeds_dir / "reference" / "formulas.csv"
    if not path.exists():
        return ()
    with path.open(encoding="utf-8-sig", newline="") as f:
        return tuple(
            FormulaEntry(row["name"].strip(), row.get("is_formula", "true").strip().lower() != "false")
            for row in csv.DictReader(f)
            if row["name"].strip()
        )


def load_themes(seeds_dir: Path) -> tuple[ThemeTerm, ...]:
    """seeds/reference/themes.csv (theme,term)."""
    path = seeds_dir / "reference" / "themes.csv"
    if not path.exists():
        return ()
    with path.open(encoding="utf-8-sig", newline="") as f:
        return tuple(
            ThemeTerm(row["theme"].strip(), row["term"].strip())
            for row in csv.DictReader(f)
            if row["theme"].strip() and row["term"].strip()
        )


def load_regions(seeds_dir: Path) -> tuple[Region, ...]:
    """seeds/reference/regions.csv (GB/T 2260 codes); none when the file is absent."""
    path = seeds_dir / "reference" / "regions.csv"
    if not path.exists():
        return ()
    with path.open(encoding="utf-8", newline="") as f:
        return regions_from_rows(csv.DictReader(f))


def load_names(seeds_dir: Path, stem: str) -> frozenset[str]:
    """The `name` column of seeds/reference/<stem>.csv (countries, leaders); none when absent."""
    path = seeds_dir / "reference" / f"{stem}.csv"
    if not path.exists():
        return frozenset()
    with path.open(encoding="utf-8-sig", newline="") as f:
        return frozenset(row["name"].strip() for row in csv.DictReader(f) if row["name"].strip())


def load_resources(seeds_dir: Path) -> Resources:
    """Read every reference file the transforms need from `seeds_dir`."""
    user_dictionary = load_user_dictionary(seeds_dir)
    for problem in user_dictionary.problems:
        logging.getLogger(__name__).warning(
            "seeds/dict/userdict.txt line %s (%s): %s %s",
            problem.line_no,
            problem.reason,
            problem.line,
            problem.message,
        )
    return Resources(
        indicators=load_indicators(seeds_dir),
        regions=load_regions(seeds_dir),
        user_words=user_dictionary.words,
        stopwords=load_stopwords(seeds_dir),
        formulas=load_formulas(seeds_dir),
        themes=load_themes(seeds_dir),
        countries=load_names(seeds_dir, "countries"),
        leaders=load_names(seeds_dir, "leaders"),
    )
