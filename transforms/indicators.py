"""Canonical indicators (seeds/reference/indicators.csv) and how a metric is mapped to one.

A row of the reference says which phrases signal the indicator, which base units it comes in,
which words must appear somewhere in the sentence, and which words rule it out. Phrases are plain
text; `…` inside a phrase stands for any text short of a ；or 。, so `国内生产总值…增长` matches
国内生产总值达到134.9万亿元、增长 (the context a phrase is sought in is already cut down to the
clauses that lead up to the number, see transforms/metrics.py). A `增长` after `…` stands for the
change either way (增长, 下降, 降低, 微降 …: 进出口下降5.4%). A phrase that opens with `^` names the
region's own figure only when it heads its clause: nothing but words of scope, time or report
(全省, 全年, 2025年, 实现, 预计 …) may stand before it, so 海洋生产总值, 县域经济增长,
能源工业增加值, 城镇居民人均可支配收入 and 对俄进出口 are a part of the region, not the region's
indicator. The CSV is data an analyst extends without touching code; this module only reads the
values it is handed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

INDICATOR_COLUMNS = ("indicator", "name", "unit", "phrases", "requires", "excludes", "better", "description")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_CLAUSE_GAP = "[^；。;]*?"
_CHANGE = "(?:增长|下降|降低|微降|减少|回落|下滑)"
# What may stand before a `^` phrase in its clause: the whole region, time, reporting verbs.
_SCOPE_WORD = (
    r"全省|全市|全区|全州|全县|全盟|全旗|全国|全体|全年|全社会|我国|我省|我市|我区|我州|我县|本省|本市|本区|"
    r"今年|去年|上年|当年|明年|其中|初步统计|初步核算|经初步核算|预计|实现|完成|力争|确保|争取|努力|推动|促进|"
    r"保持|主要|同比|[0-9]{4}年|[一二三四五六七八九十]+是|"
    r"在?[\u4e00-\u9fff]{2,10}下"  # a condition: 正常年景下, 在省委坚强领导下
)
_SCOPE_ONLY = re.compile(rf"(?:(?:{_SCOPE_WORD})的?|[\s“”‘’＃])*")
_CLAUSE_MARK = re.compile(r"[，；：、。,;:（(]")


@dataclass(frozen=True)
class Indicator:
    """One row of seeds/reference/indicators.csv, parsed."""

    code: str
    name: str
    units: tuple[str, ...]
    phrases: tuple[str, ...]
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    better: str = ""  # higher, lower or empty
    description: str = ""


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (cell or "").split("|") if p.strip())


def indicators_from_rows(rows: Iterable[Mapping[str, str]]) -> tuple[Indicator, ...]:
    """Parse and validate the CSV rows (as csv.DictReader yields them); ValueError names the
    offending row so an analyst can fix the file."""
    out: list[Indicator] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):  # line 1 is the header
        code = (row.get("indicator") or "").strip()
        if not _CODE.match(code):
            raise ValueError(f"indicators.csv line {n}: indicator code {code!r} must be lower_snake_case")
        if code in seen:
            raise ValueError(f"indicators.csv line {n}: indicator {code!r} appears twice")
        seen.add(code)
        units, phrases = _split(row.get("unit")), _split(row.get("phrases"))
        if not units or not phrases:
            raise ValueError(f"indicators.csv line {n}: {code} needs at least one unit and one phrase")
        better = (row.get("better") or "").strip()
        if better not in ("", "higher", "lower"):
            raise ValueError(f"indicators.csv line {n}: better must be higher, lower or empty, not {better!r}")
        out.append(
            Indicator(
                code=code,
                name=(row.get("name") or "").strip(),
                units=units,
                phrases=phrases,
                requires=_split(row.get("requires")),
                excludes=_split(row.get("excludes")),
                better=better,
                description=(row.get("description") or "").strip(),
            )
        )
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    parts = phrase.lstrip("^").split("…")
    return re.compile(
        _CLAUSE_GAP.join(_CHANGE if k and part == "增长" else re.escape(part) for k, part in enumerate(parts))
    )


# A verb of saying, planning or achieving: what stands before it is its actor (中央提出今年经济增长
# 预期目标为7%), not a modifier of the indicator's noun.
_GOVERNING_VERB = re.compile(r"提出|要求|确定|明确|计划|预期|安排|实现|完成|力争|确保|争取|预计|推动|促进|努力")


def heads_its_clause(context: str, start: int) -> bool:
    """Whether only words of scope, time or report stand between the clause start (or the last
    governing verb) and `start`."""
    clause_start = max((m.end() for m in _CLAUSE_MARK.finditer(context, 0, start)), default=0)
    clause_start = max((m.end() for m in _GOVERNING_VERB.finditer(context, clause_start, start)), default=clause_start)
    return _SCOPE_ONLY.fullmatch(context, clause_start, start) is not None


def _best_end(indicator: Indicator, context: str) -> int:
    """The end of the phrase match nearest the number (the end of `context`), or -1."""
    best = -1
    for phrase in indicator.phrases:
        for m in _phrase_pattern(phrase).finditer(context):
            if m.end() > best and (not phrase.startswith("^") or heads_its_clause(context, m.start())):
                best = m.end()
    return best


def match_indicator(
    indicators: Iterable[Indicator], unit: str, context: str, sentence: str, scope: str | None = None
) -> str | None:
    """The code of the indicator whose phrase sits nearest before the number in `context` (the
    clause text that leads up to the number, plus the noun that follows it), among those whose
    unit fits, whose required words are in `sentence` and none of whose excluded words is in
    `scope` (default `context`; the metrics pass the sentence up to the number, so 2005年与2000年
    相比，国内生产总值增长57.3% sees its 相比). Ties go to the earlier row of the reference."""
    scope = context if scope is None else scope
    best_code: str | None = None
    best_end = -1
    for ind in indicators:
        if unit not in ind.units:
            continue
        if ind.requires and not any(r in sentence for r in ind.requires):
            continue
        if any(x in scope for x in ind.excludes):
            continue
        end = _best_end(ind, context)
        if end > best_end:
            best_code, best_end = ind.code, end
    return best_code
