"""Who delivered a report, when, where, and which years it covers: the metadata columns of
`documents`, read from the cleaned Simplified text, with the source's own metadata (a corpus
row's title, year, url) used only where the text is silent.

Every field is None unless the text (or the source metadata) says it; nothing is guessed. The
places these facts sit in a report are few and regular:

    中国人民政治协商会议第十四届余姚市委员会常务委员会工作报告        ← title (may wrap over two lines)
    ——2021年2月6日在政协伊春市第十一届委员会第六次会议上          ← delivered_on, term, meeting
    市政协主席 陈长锋                                               ← speaker_title, speaker_name
    各位委员：                                                      ← end of the title block
    我代表政协第十四届余姚市委员会常务委员会，向大会报告工作……      ← issuer
    一、2023年工作回顾 / 二、2024年工作任务                          ← review_year, plan_year
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import Counter
from typing import Any, Literal

from transforms.models import DocumentMeta, Frozen, Part
from transforms.numbers import CN_DIGITS
from transforms.regions import (
    NATIONAL_CODE,
    Region,
    RegionIndex,
    RegionLevel,
    mention_counts,
    most_mentioned,
    region_index,
    resolve,
    split_region_chain,
)

# ---------------------------------------------------------------------------------------------
# Chinese numerals.

_CN_DIGIT = {**CN_DIGITS, "○": 0, "Ｏ": 0}  # dates also write zero as ○ or a full-width O
CN_NUM = "〇零○一二两三四五六七八九十百"


def cn_int(s: str) -> int | None:
    """一 → 1, 十四 → 14, 二十一 → 21, 一百零三 → 103, 14 → 14; None when it is not a number."""
    if s.isdigit():
        return int(s)
    if not s or any(c not in _CN_DIGIT and c not in "十百" for c in s):
        return None
    total, current = 0, 0
    for c in s:
        if c == "百":
            total += (current or 1) * 100
            current = 0
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _CN_DIGIT[c] if current and s.find("十") < 0 and s.find("百") < 0 else _CN_DIGIT[c]
    return total + current


def cn_year(s: str) -> int | None:
    """'2024' or '二〇二四' / '一九五八' (digit by digit) → the year."""
    if s.isdigit():
        return int(s)
    if len(s) == 4 and all(c in _CN_DIGIT for c in s):
        return int("".join(str(_CN_DIGIT[c]) for c in s))
    return None


_YEAR = r"(\d{4}|[〇零○一二三四五六七八九]{4})"
_NUM = rf"(\d{{1,3}}|[{CN_NUM}]{{1,4}})"


# ---------------------------------------------------------------------------------------------
# The title block.

_SALUTATION = re.compile(r"^各位(代表|委员|常委|同志|领导)")
_TITLE_END = re.compile(r"(报告|决议|决定|综述|讲话|说明|纲要|公报)(（[^）]{1,8}）|\([^)]{1,8}\))?$")
_SUBTITLE = re.compile(
    rf"^[（(]?\s*[—\-－─―]*\s*{_YEAR}\s*年?\s*([0-9{CN_NUM}]{{1,4}})\s*[月]?\s*([0-9{CN_NUM}]{{0,3}})\s*日?\s*在(.{{2,80}}?)(会议|大会|会)上"
)
_SUBTITLE_START = re.compile(rf"^[（(]?\s*[—\-－─―]*\s*{_YEAR}\s*年?[0-9{CN_NUM}]{{1,4}}\s*月")
_ADOPTED = re.compile(
    rf"^[（(]\s*{_YEAR}年(\d{{1,2}}|[{CN_NUM}]{{1,2}})月(\d{{1,2}}|[{CN_NUM}]{{1,3}})日(.{{2,60}}?)通过\s*[）)]$"
)
_SPEAKER_TITLES = (
    "主席|副主席|市长|县长|区长|省长|州长|旗长|盟长|总理|副总理|主任|书记|秘书长|代市长|代县长|代区长|代省长"
)
# A name: two to four hanzi, or parts joined by a middle dot (艾尔肯·吐尼亚孜), as
# transliterated Uyghur and Kazakh names are written.
_NAME = r"[\u4e00-\u9fff]{2,5}|[\u4e00-\u9fff]{1,8}(?:[·•・.][\u4e00-\u9fff]{1,8})+"
_SPEAKER_LINE = re.compile(rf"^(.{{0,24}}?(?:{_SPEAKER_TITLES}))\s*({_NAME})$")
_SPEAKER_TITLE_ONLY = re.compile(rf"^(.{{0,24}}?(?:{_SPEAKER_TITLES}))$")
_NAME_ONLY = re.compile(rf"^(?:{_NAME})$")
# A page's headline that names the speaker: 张三同志在政协某市第八届委员会第三次会议上作常委会工作报告.
_HEADLINE_SPEAKER = re.compile(
    r"^(?P<name>[\u4e00-\u9fff]{2,4}?|[\u4e00-\u9fff]{1,8}(?:[·•・.][\u4e00-\u9fff]{1,8})+)(?:同志)?(?:代表.{2,30}?)?在.{2,60}?(?:会议|大会)上(?:所)?作.{0,16}报告$"
)


def title_block(text: str) -> list[str]:
    """The lines before the report's first paragraph (title, subtitle, speaker), at most 12."""
    out: list[str] = []
    for line in text.split("\n")[:12]:
        if _SALUTATION.match(line) or "。" in line or len(line) > 90:
            break
        out.append(line)
    return out


def find_title(block: list[str]) -> str | None:
    """The report's own title in the title block, joining a title wrapped over lines."""
    for i, line in enumerate(block):
        if _TITLE_END.search(line) and not _HEADLINE_SPEAKER.match(line):
            # A title wrapped over lines: join the short lines before it that carry no date.
            start = i
            while start > 0 and _title_part(block[start - 1]):
                start -= 1
            return "".join(block[start : i + 1])
    for i in range(len(block) - 1):
        joined = block[i] + block[i + 1]
        if _TITLE_END.search(joined) and _title_part(block[i]):
            return joined
    return None


def _title_part(line: str) -> bool:
    return (
        len(line) <= 40
        and not _SUBTITLE.match(line)
        and not _SPEAKER_LINE.match(line)
        and not _SPEAKER_TITLE_ONLY.match(line)
        and not re.search(r"[，。：；！？,:;]|\d{4}", line)
    )


def headline(block: list[str]) -> str | None:
    """A page's headline: the first title-block line that is neither a date, a speaker nor a
    byline (used when no line ends as a report title does)."""
    for line in block:
        if (
            _SUBTITLE.match(line)
            or _SPEAKER_LINE.match(line)
            or _SPEAKER_TITLE_ONLY.match(line)
            or _HEADLINE_SPEAKER.match(line)
        ):
            continue
        if 6 <= len(line) <= 80 and not re.search(r"[。；]", line) and not line.startswith(("（", "(")):
            return line
    return None


# ---------------------------------------------------------------------------------------------
# Dates.


def parse_month_day(month: str, day: str, year: int) -> dt.date | None:
    """The date, also from a subtitle that lost its 月 (——20231227日 → 2023-12-27) when only one
    reading of the digits is a real date; None when two readings are (2023127日)."""
    m, d = cn_int(month) if month else None, cn_int(day) if day else None
    if m is not None and d is not None and day:
        try:
            return dt.date(year, m, d)
        except ValueError:
            return None
    digits = month if month.isdigit() else ""
    readings = set()
    for cut in (1, 2):
        if 0 < cut < len(digits):
            with contextlib.suppress(ValueError):
                readings.add(dt.date(year, int(digits[:cut]), int(digits[cut:])))
    return readings.pop() if len(readings) == 1 else None


def find_delivery(lines: list[str]) -> tuple[dt.date | None, str | None]:
    """The delivery date and the meeting phrase from a subtitle (——2024年3月5日在第十四届全国
    人民代表大会第二次会议上) or an adoption note (（2023年3月13日第十四届…会议通过）)."""
    for i, line in enumerate(lines):
        m = _SUBTITLE.match(line)
        if m is None and i + 1 < len(lines) and _SUBTITLE_START.match(line):
            m = _SUBTITLE.match(line + lines[i + 1])  # a subtitle wrapped over two lines
        if m:
            year = cn_year(m.group(1))
            if year is None:
                return None, m.group(0)
            month, day = m.group(2), m.group(3)
            if not day and len(month) > 2:  # 20231227日: the 月 was lost
                return parse_month_day(month, "", year), m.group(0)
            return parse_month_day(month, day, year), m.group(0)
        m = _ADOPTED.match(line)
        if m:
            year = cn_year(m.group(1))
            date = parse_month_day(m.group(2), m.group(3), year) if year else None
            return date, m.group(4)
    return None, None


_TERM = re.compile(rf"第{_NUM}届")
_MEETING = re.compile(rf"第{_NUM}次(?:全体)?会议")


def term_and_meeting(phrase: str | None) -> tuple[int | None, int | None]:
    if not phrase:
        return None, None
    t = _TERM.search(phrase)
    m = _MEETING.search(phrase)
    return (cn_int(t.group(1)) if t else None, cn_int(m.group(1)) if m else None)


# ---------------------------------------------------------------------------------------------
# Issuer and body.

_CPPCC_ISSUER = re.compile(
    rf"(?:中国人民政治协商会议|政协)((?:第{_NUM}届)?[\u4e00-\u9fff]{{0,20}}?(?:第{_NUM}届)?)委员会(常务委员会|常委会)?"
)
_DELEGATE = re.compile(r"我(?:受|代表)(.{2,40}?)(?:的委托)?[，,向作]")
_ADDRESSED = re.compile(rf"(?:向|^我们)(第{_NUM}届(?:全国)?人民代表大会(?:第{_NUM}次会议)?)", re.M)
_GOV = re.compile(r"([\u4e00-\u9fff]{2,20}?)人民政府$")
_LOCAL_CPPCC = re.compile(r"(省|市|县|区|旗|州)政协(?:常委会|常务委员会)")
_DELEGATE_LOCAL_CPPCC = re.compile(r"代表(省|市|县|区|旗|州)政协(?:常委会|常务委员会)")


def _canonical_cppcc(region_name: str | None, term: int | None, standing: bool) -> str:
    """政协伊春市第十一届委员会常务委员会: the form the national committee uses for local ones."""
    parts = ["政协", region_name or "", f"第{_cn_ordinal(term)}届" if term else "", "委员会"]
    if standing:
        parts.append("常务委员会")
    return "".join(parts)


def _cn_ordinal(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


# ---------------------------------------------------------------------------------------------
# Years.

_REVIEW_MARK = re.compile(r"回顾|总结|决算|成就|胜利|执行情况|工作情况")
_PLAN_MARK = re.compile(r"任务|安排|建议|总体要求|主要工作|重点工作|目标|部署|预算|计划|打算|政策取向|要点")
_BARE_WORK = re.compile(r"^\d{4}年(?:的)?(?:政府)?工作$")
_YEAR_RANGE = re.compile(r"(\d{4})年?[、，和至到—\-－~]+(?=\d{4}年)")
_YEAR_IN = re.compile(rf"{_YEAR}年")
_RELATIVE_REVIEW = re.compile(r"过去一年|过去的一年|一年来|去年|过去五年|过去的五年|五年来|过去[两三四五]年")
# 今年经济社会发展的主要预期目标是: the paragraph that sets the year's targets.
_THIS_YEAR_TARGETS = re.compile(r"今年[^。；]{0,16}(?:主要预期目标|主要目标|预期目标)")
_TOP_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")
_JUST_PASSED = re.compile(r"(?:刚刚过去的|回望|回顾)(\d{4})年")


def report_years(
    headings: list[str], text: str, reference_year: int | None, delivered_month: int | None = None
) -> tuple[int | None, int | None]:
    """(review_year, plan_year) from headings that name a year beside review or plan words
    (一、2023年工作回顾; 二、2024年工作任务; 一、1998年工作回顾和1999年工作的总体要求), else from
    headings that say 今年 / 过去一年 relative to `reference_year` (the delivery year). A report
    whose headings name several plan years (1980、1981年) or none gets None."""
    review: set[int] = set()
    plan: set[int] = set()
    relative_review = relative_plan = False
    for h in headings:
        top = _TOP_NUMBERED.match(h) is not None
        h = re.sub(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|首先报告|关于|对)", "", h)
        matches = list(_YEAR_IN.finditer(h))
        for k, m in enumerate(matches):
            segment = h[m.start() : matches[k + 1].start() if k + 1 < len(matches) else len(h)]
            years = [cn_year(m.group(1))]
            # 1980、1981年国民经济计划: the year before the range counts too.
            years += [int(y) for y in _YEAR_RANGE.findall(h[max(0, m.start() - 12) : m.end()])]
            for year in years:
                if year is None:
                    continue
                if _PLAN_MARK.search(segment) and not _REVIEW_MARK.search(segment):
                    plan.add(year)
                elif _REVIEW_MARK.search(segment):
                    review.add(year)
                elif _BARE_WORK.match(segment) and reference_year:
                    # 2011年的工作 in a 2011 report is its plan; 2001年的工作 in a 2002 one, its review.
                    if year == reference_year:
                        plan.add(year)
                    elif year == reference_year - 1:
                        review.add(year)
        if not matches:
            if _RELATIVE_REVIEW.search(h) or (top and re.search(r"工作回顾|工作总结", h)):
                relative_review = True  # 一、工作回顾: the year before the delivery
            if "今年" in h and _PLAN_MARK.search(h):
                relative_plan = True
    plan_year = plan.pop() if len(plan) == 1 else None
    review_year = review.pop() if len(review) == 1 else None
    if plan_year is None and relative_plan and reference_year:
        plan_year = reference_year
    if review_year is None:
        passed = {int(y) for y in _JUST_PASSED.findall(text[:20000])}
        if len(passed) == 1:
            review_year = passed.pop()
        elif relative_review and (plan_year or reference_year):
            review_year = (plan_year or reference_year or 0) - 1
    if review_year is None and reference_year and plan_year in (None, reference_year) and (delivered_month or 12) <= 3:
        # No heading dates the review, but a report delivered at the year's opening session
        # (January to March) looks back on one year (一年来, 过去一年) and names the year before:
        # that is the year it reviews.
        opening = text[:6000]
        if _RELATIVE_REVIEW.search(opening) and f"{reference_year - 1}年" in opening:
            review_year = reference_year - 1
    if (
        plan_year is None
        and review_year is not None
        and reference_year == review_year + 1
        and (text.count("今年") >= 3 or _THIS_YEAR_TARGETS.search(text))
    ):
        # Delivered the year after the one it reviews and speaking of 今年 again and again (its
        # tasks "今年要……"): it plans that year. One passing 从今年起 is not enough (1988).
        plan_year = reference_year
    return review_year, plan_year


# ---------------------------------------------------------------------------------------------
# Everything together.


def extract_metadata(
    text: str,
    source_meta: dict[str, Any],
    regions: tuple[Region, ...],
    headings: list[str] | None = None,
) -> DocumentMeta:
    """The metadata of one report. `text` is the cleaned Simplified text, `headings` its section
    headings (structure.find_headings), `source_meta` the source's own columns."""
    block = title_block(text)
    head = text[:1500]
    meta_title = source_meta.get("title") if isinstance(source_meta.get("title"), str) else None
    meta_year = _int_or_none(source_meta.get("year"))

    title = find_title(block) or (None if meta_title else headline(block)) or meta_title
    delivered_on, meeting_phrase = find_delivery(block + text.split("\n", 12)[:12])
    if meeting_phrase is None:
        m = _ADDRESSED.search(head)
        meeting_phrase = m.group(1) if m else None
    if meeting_phrase is None and title and ("届" in title):
        meeting_phrase = title
    term, meeting = term_and_meeting(meeting_phrase)

    index = region_index(regions) if regions else None
    named = _region_named_in_block(block, meeting_phrase, title, index)
    issuer, body_type, level, region = _issuer(text, head, title, meta_title, index, named)
    region, region_source = _weigh_source_region(region, source_meta, meta_title, index)
    if region is not None and level is None:
        level = region.level
    if (
        body_type == "政府"
        and title == "政府工作报告"
        and region is not None
        and region.level != "national"
        and (delivered_on or meta_year)
    ):
        # A page that titles the report only 政府工作报告: the year and the region make it one.
        title = f"{delivered_on.year if delivered_on else meta_year}年{region.name}政府工作报告"
    if term is None and issuer and body_type == "政协":
        term = term_and_meeting(issuer)[0]
    if body_type == "政协" and issuer and issuer.startswith("政协"):
        issuer = _canonical_cppcc(
            region.name if region and region.level != "national" else None,
            term,
            "常务委员会" in issuer or "常委会" in issuer,
        )
    speaker_name, speaker_title = _speaker(block, region)

    reference_year = delivered_on.year if delivered_on else meta_year
    review_year, plan_year = report_years(
        headings or [], text, reference_year, delivered_on.month if delivered_on else None
    )
    if body_type == "人大" and title and "决议" in title:
        review_year = plan_year = None  # a resolution approves a report; it reviews and plans nothing

    fields: dict[str, Any] = {"province": None, "city": None, "county": None, "region_code": None}
    if region is not None:
        if region.level == "national":
            fields["region_code"] = NATIONAL_CODE
        else:
            fields = {
                "province": region.province or None,
                "city": region.city or None,
                "county": region.county or None,
                "region_code": region.code,
            }
    return DocumentMeta(
        title=title,
        issuer=issuer,
        body_type=body_type,
        level=level,
        term=term,
        meeting=meeting,
        delivered_on=delivered_on,
        review_year=review_year,
        plan_year=plan_year,
        speaker_name=speaker_name,
        speaker_title=speaker_title,
        region_source=region_source if region is not None else None,
        **fields,
    )


def _int_or_none(v: Any) -> int | None:
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return None


_NATIONAL_BODIES = {
    "国务院": ("国务院", "政府"),
    "中华人民共和国国务院": ("国务院", "政府"),
    "中央人民政府": ("中央人民政府", "政府"),
    "全国人民代表大会": ("全国人民代表大会", "人大"),
}
_NATIONAL = Region(
    code=NATIONAL_CODE,
    name="中华人民共和国",
    short_name="中国",
    short_name_standalone=False,
    level="national",
    parent_code="",
    province="",
    city="",
    county="",
)


_CONGRESS_OF = re.compile(rf"在(.{{2,30}}?)(?:第{_NUM}届)?人民代表大会")
_TITLE_OF = re.compile(
    r"^(?:\d{4}年)?(.{2,30}?)(?:\d{4}年)?(?:人民政府|政府|人民代表大会常务委员会|人大常委会)工作报告"
)
_GOV_ISSUER = re.compile(r"^(自治区|自治州|省|市|县|区|州|旗|盟)?(?:人民)?政府$")


def _region_named_in_block(
    block: list[str], meeting_phrase: str | None, title: str | None, index: RegionIndex | None
) -> Region | None:
    """The region the title block names as the report's own: the people's congress the
    subtitle addresses (在天津市第十八届人民代表大会…), the title (2026年天津市政府工作报告),
    or the speaker's title (四川省人民政府省长): the first of them that names one."""
    if index is None:
        return None
    pieces: list[str] = []
    for source in (meeting_phrase or "", *[ln for ln in block if _SUBTITLE.match(ln)]):
        m = _CONGRESS_OF.search(source)
        if m:
            pieces.append(m.group(1))
    if title:
        m = _TITLE_OF.match(title)
        if m:
            pieces.append(m.group(1))
    for line in block:
        sub = _SUBTITLE.match(line)
        rest = line[sub.end() :].strip() if sub else line
        m = _SPEAKER_LINE.match(rest) or _SPEAKER_TITLE_ONLY.match(rest)
        if m:
            pieces.append(m.group(1))
    for piece in pieces:
        names = split_region_chain(piece, index)
        if names:
            region = resolve(names, index, Counter())
            if region is not None:
                return region
    return None


def _weigh_source_region(
    region: Region | None, source_meta: dict[str, Any], meta_title: str | None, index: RegionIndex | None
) -> tuple[Region | None, str]:
    """(region, where it came from): the text's region, else the one a corpus row's columns
    name (province, city, county, or its title); 'text_over_source' when both name one and they
    disagree (a row's columns are a scraper's guess; the report's own title block is the report)."""
    meta_region: Region | None = None
    if index is not None:
        for key in ("county", "city", "province"):
            value = source_meta.get(key)
            if isinstance(value, str) and value.strip():
                names = split_region_chain(value.strip(), index)
                meta_region = resolve(names, index, Counter()) if names else None
                if meta_region is not None:
                    break
        if meta_region is None and meta_title:
            m = _TITLE_OF.match(meta_title)
            names = split_region_chain(m.group(1), index) if m else []
            meta_region = resolve(names, index, Counter()) if names else None
    if region is None:
        return meta_region, "source"
    if meta_region is None or meta_region.code == region.code or index is None:
        return region, "text"
    if meta_region in index.ancestors(region):
        return region, "text"  # the row names the province of a city's report
    return region, "text_over_source"


def _issuer(
    text: str,
    head: str,
    title: str | None,
    meta_title: str | None,
    index: RegionIndex | None,
    named: Region | None = None,
) -> tuple[str | None, str | None, str | None, Region | None]:
    """(issuer, body_type, level, region). `named` is the region the title block names, for
    an issuer the text gives by its level only (我代表省人民政府)."""
    title_or_meta = title or meta_title or ""
    # A resolution of a people's congress on a report.
    if "决议" in title_or_meta and "人民代表大会" in title_or_meta:
        if "全国人民代表大会" in title_or_meta:
            return "全国人民代表大会", "人大", "national", _NATIONAL
        return None, "人大", None, None
    delegate = _DELEGATE.search(head)
    said = delegate.group(1) if delegate else ""
    if not said:
        local = _DELEGATE_LOCAL_CPPCC.search(text)
        said = local.group(0)[2:] if local else ""
    for name, (issuer, body) in _NATIONAL_BODIES.items():
        if said.startswith(name):
            return issuer, body, "national", _NATIONAL
    cppcc_text = " ".join(filter(None, [said, title_or_meta]))
    if "政协" in cppcc_text or "政治协商会议" in cppcc_text or "政协" in title_or_meta:
        return _cppcc_issuer(text, said, title_or_meta, index)
    if _GOV_ISSUER.match(said) and named is not None and named.level != "national":
        # 我代表省人民政府 / 省政府: the level only; the title block names the region.
        return named.name + "人民政府", "政府", named.level, named
    if said.endswith("人民政府"):
        region = _region_from_chain(said[: -len("人民政府")], text, index)
        return said, "政府", region.level if region else None, region
    if "全国人民代表大会" in title_or_meta or "全国人民代表大会常务委员会" in said:
        return "全国人民代表大会常务委员会", "人大", "national", _NATIONAL
    if "人民代表大会常务委员会" in said:
        region = _region_from_chain(said.split("人民代表大会")[0], text, index)
        return said, "人大", region.level if region else None, region
    if "政府工作报告" in title_or_meta:
        for name, (issuer, body) in _NATIONAL_BODIES.items():
            if body == "政府" and (name in title_or_meta or name in (meta_title or "")):
                return issuer, body, "national", _NATIONAL
        if named is not None and named.level != "national":
            return named.name + "人民政府", "政府", named.level, named
        return None, "政府", None, None
    if re.search(r"(中国共产党|中共).{0,20}(委员会|代表大会)", title_or_meta):
        return None, "党委", None, None
    return None, None, None, None


def _cppcc_issuer(
    text: str, said: str, title: str, index: RegionIndex | None
) -> tuple[str | None, str | None, str | None, Region | None]:
    for source in (said, title):
        m = _CPPCC_ISSUER.search(source)
        if m and "全国委员会" in source:
            return "政协全国委员会" + ("常务委员会" if m.group(4) else ""), "政协", "national", _NATIONAL
        if m:
            chain = re.sub(rf"第{_NUM}届", "", m.group(1))
            region = _region_from_chain(chain, text, index)
            if region is not None:
                return m.group(0), "政协", region.level, region
    # 我代表县政协常委会: the level is named, the place is the one the report keeps naming.
    local = _LOCAL_CPPCC.search(said) or _LOCAL_CPPCC.search(text[:3000])
    region = None
    if index is not None:
        context = mention_counts(text, index)
        levels: tuple[RegionLevel, ...] = ("county", "district", "city", "province")
        if local:
            levels = {
                "省": ("province",),
                "市": ("city", "county"),
                "县": ("county",),
                "区": ("district",),
                "旗": ("county",),
                "州": ("city",),
            }[local.group(1)]  # type: ignore[assignment]
        region = most_mentioned(index, context, levels)
    if local and region is not None:
        return "政协委员会常务委员会", "政协", region.level, region
    return None, "政协", region.level if region else None, region


def _region_from_chain(chain: str, text: str, index: RegionIndex | None) -> Region | None:
    if index is None or not chain:
        return None
    names = split_region_chain(chain, index)
    if not names:
        return None
    return resolve(names, index, mention_counts(text[:3000], index))


def _speaker(block: list[str], region: Region | None) -> tuple[str | None, str | None]:
    """(name, title) from a speaker line: 伊春市政协主席 王瑞 / 国务院总理 + 李强 on the next line /
    the end of the subtitle line (……会议上 陕西省省长 赵刚). A title naming only the level
    (市政协主席, 省长, 自治区人民政府主席) gets the region's name in front (余姚市政协主席, 吉林省省长)."""
    lines = []
    for line in block:
        m = _SUBTITLE.match(line)
        lines.append(line[m.end() :].strip() if m else line)
    for i, line in enumerate(lines):
        m = _SPEAKER_LINE.match(line)
        title = name = None
        if m and m.group(1):
            title, name = m.group(1), m.group(2)
        else:
            t = _SPEAKER_TITLE_ONLY.match(line)
            if t and i + 1 < len(lines) and _NAME_ONLY.match(lines[i + 1].replace(" ", "")):
                title, name = t.group(1), lines[i + 1].replace(" ", "")
        if title and name:
            return name, _full_title(title.strip(), region)
    # A name alone right under the subtitle (1957: 周恩来).
    for i, line in enumerate(block[:-1]):
        if _SUBTITLE.match(line) and _NAME_ONLY.match(block[i + 1]):
            return block[i + 1], None
    # A page headline naming the speaker (某某同志在……会议上作常委会工作报告).
    for line in block:
        h = _HEADLINE_SPEAKER.match(line)
        if h and h.group("name"):
            return h.group("name"), None
    return None, None


_LEVEL_WORDS = ("自治区", "自治州", "省", "市", "县", "区", "旗", "州", "盟")


def _full_title(title: str, region: Region | None) -> str:
    """省长 → 吉林省省长, 市政协主席 → 余姚市政协主席, 自治区人民政府主席 → 内蒙古自治区人民政府主席:
    a title that opens with the bare level word of the speaker's own region gets the region's name."""
    if region is None or region.level == "national":
        return title
    for word in _LEVEL_WORDS:
        if title.startswith(word) and region.name.endswith(word):
            rest = title[len(word) :]
            if rest == "长" or title in ("省长", "市长", "县长", "区长", "州长", "旗长", "盟长"):
                return region.name + title  # 省长: the level word is part of the title
            if rest.startswith(("政协", "人大", "人民政府", "政府", "长", "委", "主席")):
                return region.name + rest
            return title
    return title


def count_names(text: str, index: RegionIndex) -> Counter[str]:
    """Region-name mentions in `text` (a thin re-export for tests and callers)."""
    return mention_counts(text, index)


# ---------------------------------------------------------------------------------------------
# The first half of the pipeline: a source's bytes or text to clean Simplified text + metadata.


class Prepared(Frozen):
    """A source made ready for the row transforms: its clean Simplified text, what it was before
    conversion, its script, metadata, and the part every section without one defaults to."""

    text: str
    original_text: str | None
    script: Literal["simplified", "traditional"]
    meta: DocumentMeta
    default_part: Part


def prepare(
    media_type: str,
    text: str | None,
    data: bytes | None,
    source_meta: dict[str, Any],
    regions: tuple[Region, ...],
    max_bytes: int | None = None,
) -> Prepared:
    """Extract (HTML/PDF/DOCX), clean, convert to Simplified, read the metadata. Raises
    transforms.extract.ExtractError when the source holds no usable text."""
    from transforms.clean import clean_text, to_simplified_kept
    from transforms.extract import raw_text
    from transforms.structure import default_part_for, find_headings

    simplified, original, script = to_simplified_kept(clean_text(raw_text(media_type, text, data, max_bytes)))
    headings = [h for _, _, h in find_headings(simplified)]
    meta = extract_metadata(simplified, source_meta, regions, headings)
    return Prepared(
        text=simplified, original_text=original, script=script, meta=meta, default_part=default_part_for(meta.title)
    )
