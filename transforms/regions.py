"""China's administrative regions (GB/T 2260) and finding which one a report belongs to.

The rows come from seeds/reference/regions.csv through `Resources.regions`; this module turns
them into an index (built once per tuple of regions and cached) and answers two questions:
which regions a name can mean (`lookup`), and which region a text is about (`resolve`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

RegionLevel = Literal["national", "province", "city", "county", "district"]
NATIONAL_CODE = "100000"  # not a GB/T 2260 code: the whole country, as GIS tools (DataV) number it


@dataclass(frozen=True)
class Region:
    """One row of seeds/reference/regions.csv."""

    code: str  # six digits
    name: str  # full name: 余姚市
    short_name: str  # 余姚 ('' when the name has no usable short form, as 忠县)
    # True when the short name alone reads as this place (常山, 浙江); False for short names that
    # are also ordinary words or names (合作, 和平, 同心): those count only before 政协/市委 ...
    short_name_standalone: bool
    level: RegionLevel
    parent_code: str  # '' for the country
    province: str
    city: str  # prefecture-level city ('' for provinces and county-level units directly under one)
    county: str
    aliases: tuple[str, ...] = ()


def regions_from_rows(rows: Iterable[dict[str, str]]) -> tuple[Region, ...]:
    """Regions from the rows of seeds/reference/regions.csv (csv.DictReader rows)."""
    out = []
    for row in rows:
        level = row["level"]
        if level not in ("national", "province", "city", "county", "district"):
            raise ValueError(f"regions.csv: region {row.get('code')} has an unknown level {level!r}")
        out.append(
            Region(
                code=row["code"],
                name=row["name"],
                short_name=row.get("short_name") or "",
                short_name_standalone=(row.get("short_name_standalone") or "").strip().lower() == "true",
                level=level,  # type: ignore[arg-type]
                parent_code=row.get("parent_code") or "",
                province=row.get("province") or "",
                city=row.get("city") or "",
                county=row.get("county") or "",
                aliases=tuple(a for a in (row.get("aliases") or "").split("|") if a),
            )
        )
    return tuple(out)


# What may follow a bare short name for it to count as naming an institution of that region.
_INSTITUTION_RE = re.compile(r"(?:政协|人大|政府(?!性)|市委|县委|区委|州委|旗委|盟委|省委|党委|委员会|日报|发布|融媒)")


@dataclass(frozen=True)
class RegionIndex:
    """Regions by code and by every name they go by, and one compiled pattern over all names."""

    by_code: dict[str, Region]
    by_name: dict[str, tuple[Region, ...]]  # full names, short names and aliases
    weak_names: frozenset[str]  # short names that count only before an institution word
    pattern: re.Pattern[str] = field(repr=False)

    def lookup(self, name: str) -> tuple[Region, ...]:
        """Every region `name` can mean: full names first, then short names."""
        return self.by_name.get(name, ())

    def ancestors(self, region: Region) -> list[Region]:
        """The region's parents, nearest first (the country not included)."""
        out: list[Region] = []
        code = region.parent_code
        while code and code != NATIONAL_CODE and code in self.by_code:
            parent = self.by_code[code]
            out.append(parent)
            code = parent.parent_code
        return out


def _trie_regex(words: list[str]) -> str:
    """One alternation shaped as a trie, so that matching costs one pass over the text."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return emit(trie)


_CACHE: list[tuple[tuple[Region, ...], RegionIndex]] = []


def region_index(regions: tuple[Region, ...]) -> RegionIndex:
    """The index over `regions`, built on first use and kept for the same tuple."""
    for cached_regions, index in _CACHE:
        if cached_regions is regions:
            return index
    by_code = {r.code: r for r in regions}
    names: dict[str, list[Region]] = {}
    for r in regions:
        if r.level == "national":
            continue
        names.setdefault(r.name, []).append(r)
    for r in regions:  # short names after full names, so lookup() lists full-name matches first
        if r.level == "national":
            continue
        for alias in (r.short_name, *r.aliases):
            if alias and r not in names.setdefault(alias, []):
                names[alias].append(r)
    by_name = {k: tuple(v) for k, v in names.items()}
    full_names = {r.name for r in regions}
    weak = frozenset(
        r.short_name for r in regions if r.short_name and not r.short_name_standalone and r.short_name not in full_names
    )
    # Longest names first inside the trie is implicit: the trie regex is greedy along each branch.
    pattern = re.compile(_trie_regex(sorted(by_name)) or r"(?!)")
    index = RegionIndex(by_code=by_code, by_name=by_name, weak_names=weak, pattern=pattern)
    _CACHE[:] = [(regions, index)]
    return index


def mention_counts(text: str, index: RegionIndex) -> Counter[str]:
    """How often each region name occurs in `text`; a short name that is also an ordinary word
    (合作, 和平, 同心) only counts when an institution word follows it (合作市委)."""
    counts: Counter[str] = Counter()
    for m in index.pattern.finditer(text):
        name = m.group()
        if name in index.weak_names and not _INSTITUTION_RE.match(text, m.end()):
            continue
        counts[name] += 1
    return counts


def split_region_chain(chain: str, index: RegionIndex) -> list[str]:
    """'浙江省宁波市余姚市' → ['浙江省', '宁波市', '余姚市']: region names read left to right,
    longest first; characters that start no name are skipped."""
    out: list[str] = []
    i = 0
    while i < len(chain):
        m = index.pattern.match(chain, i)
        if m and m.end() > i:
            out.append(m.group())
            i = m.end()
        else:
            i += 1
    return out


_LEVEL_RANK = {"national": 0, "province": 1, "city": 2, "county": 3, "district": 3}


def resolve(
    names: list[str],
    index: RegionIndex,
    context: Counter[str],
    levels: tuple[RegionLevel, ...] | None = None,
) -> Region | None:
    """The one region the most specific of `names` means, or None when it cannot be told.

    `names` are read from a heading such as 政协浙江省余姚市委员会 (outermost first); the others
    and the names mentioned in the text (`context`) pick between regions that share a name
    (鼓楼区 is in four cities). `levels` limits the candidates (县政协 → county).
    """
    for name in reversed(names):
        candidates = [r for r in index.lookup(name) if levels is None or r.level in levels]
        if not candidates:
            continue
        if len(candidates) == 1:
            return candidates[0]
        hints = set(names) - {name}
        scored: list[tuple[int, int, Region]] = []
        for r in candidates:
            chain = index.ancestors(r)
            named = sum(1 for a in chain if {a.name, a.short_name, *a.aliases} & hints)
            mentioned = sum(
                context.get(a.name, 0) + context.get(a.short_name, 0) for a in chain if a.short_name or a.name
            )
            full = 1 if r.name == name else 0
            scored.append((named * 1000 + mentioned, full, r))
        scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
        if scored[0][:2] > scored[1][:2]:
            return scored[0][2]
        return None
    return None


def most_mentioned(index: RegionIndex, context: Counter[str], levels: tuple[RegionLevel, ...]) -> Region | None:
    """The region of one of `levels` that the text names most often, when one clearly leads
    (at least twice, and more often than any other); None otherwise."""
    totals: Counter[str] = Counter()
    for name, n in context.items():
        candidates = [r for r in index.lookup(name) if r.level in levels]
        if len(candidates) == 1:
            totals[candidates[0].code] += n
        elif len(candidates) > 1:
            chosen = resolve([name], index, context, levels)
            if chosen is not None:
                totals[chosen.code] += n
    if not totals:
        return None
    ranked = totals.most_common(2)
    best_code, best = ranked[0]
    if best < 2 or (len(ranked) > 1 and ranked[1][1] >= best):
        return None
    return index.by_code[best_code]


def region_fields(region: Region | None) -> dict[str, str | None]:
    """documents.province/city/county/region_code for a region (None where it has none)."""
    if region is None:
        return {"province": None, "city": None, "county": None, "region_code": None}
    return {
        "province": region.province or None,
        "city": region.city or None,
        "county": region.county or None,
        "region_code": region.code,
    }


def level_rank(level: str) -> int:
    return _LEVEL_RANK.get(level, 9)
