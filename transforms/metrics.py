"""The `metrics` table: one row per quantity mentioned in the report body.

A quantity is a number (Arabic or Chinese numerals) with a unit or measure word: 提交提案266件,
1500余万元, 1.4万人次, 增长5%左右, 6%－6.5%, 百余名, 百分之八至九. Dates, durations (一年来),
ordinals (第一, 第三次会议), edition numbers (第2版), codes, and numbered formulas (两个确立,
三个一号工程, 4+4) are not quantities. One regex scans each sentence; the numerals are parsed
exactly (transforms/numbers.py), and each hit gets its qualifier, the noun it counts (`what`),
the verb that governs it, the part of the report it is in, whether it is a goal, and the
indicator of seeds/reference/indicators.csv it reports.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import pyarrow as pa

from transforms.indicators import Indicator, heads_its_clause, match_indicator
from transforms.models import Metric, Part, Qualifier, Section, Sentence
from transforms.numbers import (
    MULTIPLIERS,
    is_chinese_numeral,
    parse_arabic,
    parse_chinese,
    split_chinese_multiplier,
)
from transforms.segment import Segmentation, UserWord, segment_text
from transforms.subjects import Subject, Token, find_subject, sentence_tokens

METRICS_SCHEMA = pa.schema(
    [
        ("metric_id", pa.string()),
        ("doc_id", pa.string()),
        ("sentence_id", pa.int32()),
        ("char_start", pa.int32()),
        ("char_end", pa.int32()),
        ("surface", pa.string()),
        ("number_text", pa.string()),
        ("unit_text", pa.string()),
        ("value", pa.decimal128(38, 6)),
        ("value_high", pa.decimal128(38, 6)),
        ("unit", pa.string()),
        ("qualifier", pa.string()),
        ("what", pa.string()),
        ("what_head", pa.string()),
        ("verb", pa.string()),
        ("part_of_metric_id", pa.string()),
        ("period", pa.string()),
        ("indicator", pa.string()),
        ("is_target", pa.bool_()),
        ("is_estimate", pa.bool_()),
        ("stated_in_words", pa.string()),
    ]
)

# --- units -------------------------------------------------------------------------------------
# Measures: a Chinese numeral below ten is still a quantity with these (增长一倍, 两个百分点).
MEASURE_UNITS = (
    "个百分点", "百分点", "平方公里", "平方千米", "平方米", "立方米", "千瓦时", "千瓦", "千克", "公斤",
    "公里", "千米", "公顷", "美元", "港元", "欧元", "元", "吨", "斤", "亩", "倍",
)  # fmt: skip
# Counters (measure words). 小时/天/年/月/岁 are left out on purpose: they make durations,
# dates and ages, which are not metrics.
COUNT_UNITS = (
    "人次", "家次", "户次", "场次", "件次", "个", "件", "篇", "次", "项", "名", "人", "位", "场", "家",
    "条", "期", "份", "户", "所", "只", "头", "台", "套", "辆", "艘", "架", "座", "处", "种", "部",
    "本", "册", "幅", "首", "张", "株", "棵", "支", "批次", "例", "宗", "笔", "轮",
)  # fmt: skip
_ALL_UNITS = sorted(MEASURE_UNITS + COUNT_UNITS, key=len, reverse=True)
_PERCENT = {"%": "%", "％": "%", "‰": "‰", "百分之": "%", "千分之": "‰"}
_BASE_UNIT = {"百分点": "个百分点", "千米": "公里", "平方千米": "平方公里", "千克": "公斤"}

# Arabic: 1,234.5 with thousands commas, or digits that a scan may have spaced out (8 ．8 ％).
_AR = (
    r"[0-9０-９]{1,3}(?:,[0-9０-９]{3})+(?:[.．][0-9０-９]+)?"
    r"|[0-9０-９](?:[ ]?[0-9０-９])*(?:[ ]?[.．][ ]?[0-9０-９]+)?"
)
_CN = r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+)?"
_MULT = r"万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千(?!瓦|米|克|公顷)"
# A measure word that starts a longer word is not one: 上千万家庭, 3项目标, 10名单位.
_NOT_UNIT_WHEN_FOLLOWED = {
    "家": "庭长属乡园具电政",
    "人": "民员才口大均",
    "名": "单称义誉牌额",
    "部": "门署分队长委",
    "期": "间限末初待望",
    "位": "置于",
    "台": "湾阶",
    "所": "有在属以得谓",
    "处": "理于置",
    "头": "等号",
    "本": "地级届市县区科",
    "张": "贴",
    "座": "谈",
    "条": "件例款",
    "项": "目",
    "个": "体别性",
    "首": "都先次",
    "支": "持出付撑",
    "种": "子类植",
}
_UNIT = "|".join(
    re.escape(u) + (f"(?![{_NOT_UNIT_WHEN_FOLLOWED[u]}])" if u in _NOT_UNIT_WHEN_FOLLOWED else "") for u in _ALL_UNITS
)
_SCAN = re.compile(
    rf"""
    (?P<pct_pre>百分之|千分之)?
    (?P<num>{_AR}|{_CN})
    (?P<approx>余|多|来)?
    (?P<mult>{_MULT})?
    (?:\ ?(?P<pct1>%|％|‰))?
    (?:
        \ ?(?P<sep>[-－—–~～至到])\ ?(?:百分之)?
        (?P<hi>{_AR}|{_CN})
        (?P<approx2>余|多)?
        (?P<mult2>{_MULT})?
    )?
    (?:\ ?(?P<unit>%|％|‰|{_UNIT}))?
    (?P<jiao>[0-9０-９]角)?(?P<fen>[0-9０-９]分)?
    (?P<per>/(?:{_UNIT}))?
    (?P<suffix>以上|以下|以内|左右|上下)?
    """,
    re.VERBOSE,
)

_SUFFIX_QUALIFIER: dict[str, Qualifier] = {
    "以上": "more_than",
    "以下": "up_to",
    "以内": "up_to",
    "左右": "about",
    "上下": "about",
}
_APPROX_QUALIFIER: dict[str, Qualifier] = {"余": "more_than", "多": "more_than", "来": "about"}
_PREFIX_QUALIFIER = re.compile(
    r"(?P<q>大约|约|将近|接近|近|超过|超|逾|多达|不低于|不少于|至少|不超过|不高于|不多于|不到|不足|低于|小于|少于|高于|大于|突破)$"
)
_PREFIX_MAP: dict[str, Qualifier] = {
    "大约": "about", "约": "about", "将近": "about", "接近": "about", "近": "about",
    "超过": "more_than", "超": "more_than", "逾": "more_than", "多达": "more_than", "高于": "more_than",
    "大于": "more_than", "突破": "more_than",
    "不低于": "at_least", "不少于": "at_least", "至少": "at_least",
    "不超过": "up_to", "不高于": "up_to", "不多于": "up_to", "不到": "up_to", "不足": "up_to",
    "低于": "up_to", "小于": "up_to", "少于": "up_to",
}  # fmt: skip

# A number right after one of these is an ordinal, a denominator or part of a code, not a count.
_BAD_BEFORE = re.compile(r"(?:第|每|[A-Za-z+＋/_#№]) ?$")
_BAD_AFTER = re.compile(r"^ ?(?:[A-Za-z+＋]|[-－—][0-9０-９])")
# Idioms and names built from numerals and measure words.
_HAS_NUMERAL = re.compile(r"[0-9０-９零〇一二两三四五六七八九十百千万亿]")
_IDIOMS = ("千家万户", "千方百计", "百花齐放", "百家争鸣", "万无一失", "千头万绪", "千差万别", "千军万马", "十全十美")
_IDIOM_RE = re.compile("|".join(_IDIOMS))

# --- target, period, what, verb ----------------------------------------------------------------
_TARGET_CUE = re.compile(r"预期|目标|力争|确保|计划|争取|拟|调控目标")
_FUTURE_CUE = re.compile(r"今年|明年|下一步|今后|未来|到20\d\d年|力争|确保|拟")
_PAST_CUE = re.compile(
    r"去年|上年|过去|已经|完成了|实现了|达到了|超额|年初确定|预定目标|一年来|五年来|近两年|近三年|近年来|以来|累计|先后|回顾"
)
_LIST_OPENER = re.compile(r"[：:]\s*$")
# 今年经济社会发展的主要预期目标是：地区生产总值增长5%左右，…；城镇调查失业率5.5%左右: every figure
# after the colon of a target paragraph's lead is a target (in whatever part the paragraph sits).
_TARGET_LEAD = re.compile(r"(?:预期目标|主要目标|发展目标|调控目标)(?:是|为|包括)?[：:]")
_ESTIMATE = re.compile(r"预计|预估|估计")
# A paragraph or section about several years (这五年, “十四五”时期, 到2030年): its figures are not
# one year's actuals or targets unless their own clause names a year.
_MULTI_YEAR = re.compile(
    r"这五年|五年来|过去五年|的五年|今后五年|未来五年|“?十[一二三四五六七八九]五”?(?:时期|期间|以来|规划期)|到20\d\d年"
)
# A heading about a five-year plan (二、“十五五”主要目标任务) speaks of several years; one about the
# plan's first year (全力推动“十五五”开好局) does not.
_MULTI_YEAR_HEADING = re.compile(
    rf"{_MULTI_YEAR.pattern}|十[一二三四五六七八九]五”?(?:时期|期间|以来|规划|主要目标|目标|发展成就|成就)|五年"
)
# a year after 由/从 (由2020年的7.2%提升至7.4%) is the base of a comparison across years, not one year
_ONE_YEAR = re.compile(r"过去一年|过去的一年|一年来|去年|今年|比上年|(?<![到至由从])(?:19|20)\d\d年(?![底末])")
_NAMES_A_YEAR = re.compile(r"(?<!到)20\d\d年(?![底末])")

VERBS = (
    "开展", "举办", "召开", "组织", "提交", "提出", "收到", "征集", "立案", "交办", "办结", "办复", "答复",
    "办理", "采用", "采纳", "录用", "报送", "编发", "刊发", "报道", "发表", "完成", "形成", "建立", "建成",
    "建设", "成立", "开设", "培训", "服务", "惠及", "帮助", "解决", "调解", "化解", "推动", "助推", "助力",
    "撬动", "引进", "吸引", "投入", "安排", "下达", "筹集", "新增", "增加", "减少", "增长", "提高", "下降",
    "降低", "达到", "突破", "超过", "实现", "评选", "表彰", "整改", "参与", "参加", "走访", "联系", "慰问",
    "接待", "视察", "调研", "考察", "发放", "捐赠", "募集", "落实", "出台", "制定", "修订", "编辑", "出版",
    "覆盖", "发动", "收集", "发布", "选树", "培育", "认定", "获批", "获得", "入选", "涌现", "转化", "批示",
    "审议", "通过", "听取", "发言", "编纂", "整治", "改造", "新建", "改建", "扩建", "招引", "签约", "引导",
    "保持", "控制", "发行", "拨付", "支出", "减税", "降费", "带动", "吸纳", "脱贫", "搬迁", "治理", "造林",
    "作", "达", "为", "是",
)  # fmt: skip
_VERB_RE = re.compile("|".join(sorted(VERBS, key=len, reverse=True)))
# Words that carry no subject: a context made only of them borrows the subject of the clause before.
_NON_SUBJECT = re.compile(
    r"增长|增加|提高|下降|降低|减少|达到|保持在|保持|控制在|控制|定为|分别|其中|共计|共|累计|全年|今年|去年|"
    r"年均|平均|同比|比上年|上年|预期|目标|左右|以上|以内|增速|约|近|超过|为|是|达|到|至|从|比|的|和|与|及|"
    r"并|均|各|全部|全|在|了|已|将|要|再|又|仍|也|都|[^\u4e00-\u9fff]"
)
_CLAUSE_SPLIT = re.compile(r"[，；：,;:]")
_RATE_LIST = re.compile(r"((?:[\u4e00-\u9fff]{1,6}率)(?:[、和及与](?:[\u4e00-\u9fff]{1,6}率))+)[^，；：,;:]{0,6}$")
_WHAT_AFTER = re.compile(r"^[\u4e00-\u9fff“”]{1,12}")
_WHAT_STOP = re.compile(
    r"被|获|得到|在|参与|参加|提出|投入|的|和|等|受到|纳入|入选|实现|完成|覆盖|累计|分别|其中|"
    r"比|较|同比|增长|增加|下降|达到|达|为|是|向|经|由|对|从|到|,|，"
)


@dataclass(frozen=True)
class _Hit:
    """A quantity found in one sentence, before the sentence-level fields are filled in."""

    start: int  # offsets within the sentence
    end: int
    surface: str
    number_text: str
    unit_text: str
    value: Decimal
    value_high: Decimal | None
    unit: str
    qualifier: Qualifier | None


def scan_quantities(text: str) -> list[_Hit]:
    """Every quantity in one sentence, left to right, with exact values; rejects the look-alikes
    listed in the module docstring."""
    hits: list[_Hit] = []
    if not _HAS_NUMERAL.search(text):
        return hits
    for m in _SCAN.finditer(text):
        if m.group("unit", "pct1", "pct_pre", "mult") == (None, None, None, None) and m.group("num")[-1] not in "万亿":
            continue  # most candidates: 一是, 2023年, 二十大 — no measure word, no multiplier
        hit = _hit_from_match(text, m)
        if hit is not None:
            hits.append(hit)
    return hits


def _amount(num: str, mult: str) -> tuple[Decimal, str, str]:
    """(value, number as written, multiplier as written) of a numeral and the multiplier that
    follows it. A Chinese numeral takes its multiplier inside: 四亿零七百多万 is 4亿 + 700多万,
    not (4亿 + 700) × 1万; 一千五百万 splits into 一千五百 and 万."""
    if is_chinese_numeral(num):
        if mult:
            try:
                return parse_chinese(num + mult), num, mult
            except ValueError:
                return parse_chinese(num) * MULTIPLIERS[mult], num, mult
        head, inner = split_chinese_multiplier(num)
        return parse_chinese(head) * MULTIPLIERS.get(inner, 1), head, inner
    return parse_arabic(num) * MULTIPLIERS.get(mult, 1), num, mult


_FALL_BEFORE = re.compile(r"(?:下降|降低|微降|减少|回落|下滑|负增长)了?(?:约|近|接近|超过)? ?$")


def _hit_from_match(text: str, m: re.Match[str]) -> _Hit | None:
    g = m.groupdict()
    pct_pre, num, approx, hi = g["pct_pre"], g["num"], g["approx"], g["hi"]
    unit_raw: str | None = g["unit"]
    if g["sep"] is None and g["pct1"] is not None:
        if unit_raw is not None:
            return None  # 5%个: nonsense
        unit_raw = g["pct1"]
    if pct_pre:
        if unit_raw is not None:
            return None
        unit_raw = pct_pre
    start = m.start()
    if _BAD_BEFORE.search(text[max(0, start - 3) : start]):
        return None  # 第3次, 每10万人, G20, +4
    if hi is None and _BAD_AFTER.match(text[m.end("num") :]):
        return None  # 5G, 4+4, 0574-…
    if hi is not None and _BAD_AFTER.match(text[m.end("hi") :]):
        return None
    if _inside_book_title(text, start) or _IDIOM_RE.search(text, max(0, start - 3), m.end() + 3):
        return None
    chinese = is_chinese_numeral(num)
    if chinese and text[max(0, start - 1) : start] in ("上", "数", "几", "成"):
        return None  # 上千万家庭, 数十万, 成百上千: vague amounts, no number to give
    # a range shares its multiplier: 3-5万人 is 30000 to 50000
    low_mult = g["mult"] or ("" if hi is None or (chinese and is_chinese_numeral(hi)) else g["mult2"] or "")
    try:
        value, number_text, mult = _amount(num, low_mult)
        value_high: Decimal | None = None
        if hi is not None:
            value_high, _, _ = _amount(hi, g["mult2"] or g["mult"] or "")
    except ValueError:
        return None  # 十七十八, 一百二, 二〇二五: not one well-formed number
    bare_round = chinese and number_text in ("十", "百", "千") and approx is None
    if unit_raw is None:
        # 6600多万纳税人, 小于40万: a number with 万/亿 is a quantity even without a measure word
        # (unit ''); any other bare number is a year, a code, a list marker, 两会 ...
        if mult not in ("万", "亿", "万亿") or hi is not None or bare_round:
            return None
        unit_raw = ""
    if chinese and mult == "" and approx is None and hi is None:
        if unit_raw in COUNT_UNITS and (value < 10 or bare_round):
            return None  # 两个确立, 三个一号工程, 一批; 百名委员 (a programme's name), 千家万户
        if unit_raw in ("元", "美元") and value < 10:
            return None  # 一元化, 二元结构
    if g["jiao"] or g["fen"]:  # 123元1角1分 is 123.11元 (JioNLP #257 summed it to 6.11)
        if unit_raw != "元" or mult or hi is not None:
            return None
        value += parse_arabic((g["jiao"] or "0")[0]) / 10 + parse_arabic((g["fen"] or "0")[0]) / 100
    value = _canonical(value)
    value_high = _canonical(value_high) if value_high is not None else None
    if value_high is not None and value_high <= value:
        return None  # 2021—2035 style spans that are not ranges, or 10至5
    unit = _BASE_UNIT.get(_PERCENT.get(unit_raw, unit_raw), _PERCENT.get(unit_raw, unit_raw))
    if g["per"]:
        unit += g["per"]
    qualifier: Qualifier | None = None
    pq = _PREFIX_QUALIFIER.search(text[max(0, start - 3) : start])
    if pq:
        qualifier = _PREFIX_MAP[pq.group("q")]
    if approx:
        qualifier = _APPROX_QUALIFIER[approx]
    if g["suffix"]:
        qualifier = _SUFFIX_QUALIFIER[g["suffix"]]
    if unit in ("%", "个百分点") and _FALL_BEFORE.search(text, max(0, start - 8), start):
        # 下降3.3%, CPI微降0.1%: a fall is a negative change (降至/降到 name a level, not a fall)
        value, value_high = (-value_high, -value) if value_high is not None else (-value, None)
    if value_high is not None:
        qualifier = "range"
        number_text = text[m.start("num") : m.end("hi")]
        mult = g["mult2"] or ""
    unit_text = pct_pre if pct_pre else mult + unit_raw + (g["jiao"] or "") + (g["fen"] or "") + (g["per"] or "")
    return _Hit(
        start=start,
        end=m.end(),
        surface=m.group(),
        number_text=number_text,
        unit_text=unit_text,
        value=value,
        value_high=value_high,
        unit=unit,
        qualifier=qualifier,
    )


def _canonical(value: Decimal) -> Decimal:
    """The value without a trailing zero or exponent: 1.4万 → 14000, not 14000.0 or 1.4E+4."""
    value = value.normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value  # type: ignore[operator]


def _inside_book_title(text: str, pos: int) -> bool:
    """True inside 《…》: numbers in titles (《百村赋》, 《2021年…规划》) are names."""
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)


def _has_subject(piece: str) -> bool:
    return len(_NON_SUBJECT.sub("", piece)) >= 2


def _context_before(text: str, hits: Sequence[_Hit], i: int) -> str:
    """The clause text that leads up to hit i: walk back clause by clause (and past earlier
    quantities, shown as ＃) until it names a subject. 国内生产总值达到134.9万亿元、增长5% gives
    5% the context 国内生产总值达到＃、增长."""
    pieces: list[str] = []
    pos = hits[i].start
    j = i - 1
    while pos > 0:
        floor = hits[j].end if j >= 0 else 0
        segment = text[floor:pos]
        clauses = _CLAUSE_SPLIT.split(segment)
        seps = _CLAUSE_SPLIT.findall(segment)
        for k in range(len(clauses) - 1, -1, -1):
            pieces.append(clauses[k] + (seps[k] if k < len(seps) and pieces else ""))
            if _has_subject(clauses[k]):
                return "".join(reversed(pieces))
        if j < 0:
            break
        pieces.append("＃")
        pos = hits[j].start
        j -= 1
    return "".join(reversed(pieces))


def _what_after(text: str, hit: _Hit) -> str | None:
    """The noun right after a counter: 14篇社情民意信息被… → 社情民意信息."""
    m = _WHAT_AFTER.match(text[hit.end :])
    if not m:
        return None
    chunk = m.group().strip("“”")
    stop = _WHAT_STOP.search(chunk)
    if stop:
        chunk = chunk[: stop.start()]
    verb = _VERB_RE.match(chunk)
    if verb or len(chunk) < 1:
        return None
    return chunk or None


def _local(text: str, hits: Sequence[_Hit], i: int) -> str:
    floor = hits[i - 1].end if i > 0 else 0
    segment = text[floor : hits[i].start]
    return _CLAUSE_SPLIT.split(segment)[-1]


def _in_target_list(text: str, start: int) -> bool:
    """Whether the number at `start` follows a target paragraph's lead (…主要预期目标是：) in its
    sentence, with no past cue (去年, 完成了 …) between the lead and the number."""
    return _TARGET_LEAD.search(text, 0, start) is not None and _PAST_CUE.search(text, 0, start) is None


def _is_target(window: str, clause: str, period: Part, carried: bool, after_past: bool) -> bool:
    """A goal rather than an achieved figure. `clause` is the number's own clause (from the
    subject that leads up to it to the next comma), `window` the sentence up to the end of that
    clause. In the plan part every figure is a goal unless a past cue (去年, 过去, 预定目标 …)
    says otherwise, in its window or in the sentence before (过去一年，我们…。国内生产总值增长
    10.3%); in the review part only a clause with a target cue (预期, 目标, 力争 …) that speaks of
    the future (今年, 明年 …) is one; elsewhere a target cue without a past cue decides. A list
    opened by …目标是： carries its cue through its ；-separated items."""
    if carried:
        return True
    past = _PAST_CUE.search(window) is not None
    clause_cue = _TARGET_CUE.search(clause) is not None
    if period == "plan":
        return clause_cue or not (past or after_past)
    if period == "review":
        return clause_cue and not past and _FUTURE_CUE.search(window) is not None
    return not past and _TARGET_CUE.search(window) is not None


def extract_metrics(
    doc_id: str,
    sentences: Sequence[Sentence],
    sections: Sequence[Section],
    indicators: Sequence[Indicator] = (),
    seg: Segmentation | None = None,
    user_words: tuple[UserWord, ...] = (),
) -> list[Metric]:
    """One row per quantity mentioned in the report body; `char_start`/`char_end` index the
    document text (sentence offsets plus the position in the sentence). `period` is the part of
    the section the sentence is in; `indicator` comes from `indicators`
    (seeds/reference/indicators.csv). `what`, `what_head` and `verb` are read from the document's
    tokens `seg` (segment_text of the document text, tokenized once by the pipeline; without it
    each sentence with a quantity is tokenized here with `user_words`). `part_of_metric_id`
    links a part (其中…, 15个问题已解决12个) to its total, so that sums count it once."""
    part_of: dict[int, Part] = {s.section_id: s.part for s in sections}
    several_years = _sections_about_several_years(sections)
    rows: list[Metric] = []
    paragraph_end = -1
    multi_year = False  # the paragraph so far speaks of several years (这五年 …)
    lead_multi_year = False
    prev_one_line: str | None = None  # the last paragraph, when it was one short sentence
    paragraph_start = False
    in_targets = False  # the paragraph opened with a target lead (…主要预期目标是：)
    carry = False
    carry_section: int | None = None
    after_past = False  # the sentence before, in the same section, looked back (过去一年 …)
    prev_section: int | None = None
    prev_rows: list[Metric] = []  # the quantities of the last sentence that had any, in this section
    totals: set[str] = set()  # metrics stated as a total (累计…, 共…)
    narrowed: set[str] = set()  # metrics whose clause names who did it (各党派团体…提交提案78件)
    for k, sent in enumerate(sentences):
        text = sent.text
        period: Part = part_of.get(sent.section_id, "other")
        if carry and carry_section != sent.section_id:
            carry = False
        if prev_section != sent.section_id:
            after_past = False
            prev_rows = []
        if sent.char_start > paragraph_end:  # a new paragraph (a line break lies between)
            if prev_section != sent.section_id:
                lead_multi_year = False
            if multi_year and period == "review" and prev_section == sent.section_id:
                # a review paragraph that ends on several years (…五年来，我们…实现良好开局。) leads
                # the topic paragraphs after it (——人民生活水平实现新跃升。…增长34.3%)
                lead_multi_year = True
            if prev_one_line is not None:
                # a one-sentence lead (这是城乡面貌发生显著变化的五年。) speaks for the paragraphs after it
                lead_multi_year = _MULTI_YEAR.search(prev_one_line) is not None and not _NAMES_A_YEAR.search(
                    prev_one_line
                )
            # a paragraph that opens on one year (过去一年, 去年, 2025年) under a heading about five
            # years (一、过去五年工作回顾) reports that year
            one_year = _ONE_YEAR.search(text) is not None and not _MULTI_YEAR.search(text)
            if one_year:
                lead_multi_year = False  # 刚刚过去的2025年很不平凡。: the five years' paragraphs are over
            elif _is_multi_year_lead(text):
                lead_multi_year = True  # 过去的五年极不寻常。: the topic paragraphs after it are about them too
            multi_year = (lead_multi_year or sent.section_id in several_years) and not one_year
            paragraph_start = True
            in_targets = False
        else:
            paragraph_start = False
        if _MULTI_YEAR.search(text):
            multi_year = True
        elif _ONE_YEAR.search(text):
            multi_year = False  # 2012年，…国内生产总值增长7.8%: back to one year
        paragraph_end = sent.char_end
        hits = scan_quantities(text)
        if hits:
            if seg is None:
                own = segment_text(text, user_words)
                toks = sentence_tokens(own, 0, len(text))
            else:
                toks = sentence_tokens(seg, sent.char_start, sent.char_end)
            first = len(rows)
            _emit(
                rows,
                doc_id,
                sent,
                hits,
                period,
                (carry or in_targets, after_past),
                indicators,
                toks,
                user_words,
                prev_rows,
                multi_year=multi_year,
            )
            _mark_scope(text, sent.char_start, rows[first:], toks, totals, narrowed)
            prev_rows = rows[first:]
        if indicators and (carry or in_targets or _TARGET_LEAD.search(text)) and not multi_year:
            rows.extend(stated_in_words(doc_id, sent, period, carry or in_targets, indicators, len(rows)))
        # a list opened by "…目标是：" carries its target cue through the ；-separated items
        if _LIST_OPENER.search(text) and _TARGET_CUE.search(text):
            carry, carry_section = True, sent.section_id
        elif _TARGET_LEAD.search(text) and text.rstrip().endswith(("；", ";")) and not _PAST_CUE.search(text):
            carry, carry_section = True, sent.section_id  # 主要预期目标是：…； / …；
        elif carry and not text.rstrip().endswith(("；", ";", "：", ":")):
            carry = False
        if _TARGET_LEAD.search(text) and not _PAST_CUE.search(text):
            in_targets = True  # 主要预期目标是：…。 the rest of the paragraph states targets too
        after_past = _PAST_CUE.search(text) is not None and _TARGET_CUE.search(text) is None
        prev_section = sent.section_id
        next_start = sentences[k + 1].char_start if k + 1 < len(sentences) else None
        one_line = paragraph_start and len(text) <= 40 and (next_start is None or next_start > sent.char_end)
        if next_start is None or next_start > sent.char_end:
            prev_one_line = text if one_line else None
    return _link_repeated_parts(rows, totals, narrowed)


_RATE_UNITS = frozenset({"%", "‰", "个百分点", "倍"})
# "…266件提案中，": the number is the whole the clauses after it divide
_IN_TOTAL = re.compile(r"[^，；。：,;:]{0,12}中[，,：:]")


def _numbers_in_clause(text: str, hits: Sequence[_Hit], i: int) -> int:
    """How many quantities from hits[i] on stand in one run within its clause (247家、35家)."""
    n = 1
    while i + n < len(hits) and not _CLAUSE_SPLIT.search(text[hits[i + n - 1].end : hits[i + n].start]):
        n += 1
    return n


def _is_multi_year_lead(sentence: str) -> bool:
    """A paragraph's first sentence that is a short lead about several years naming none
    (过去的五年极不寻常。“十四五”时期我省发展历程极不寻常、极不平凡。)."""
    return len(sentence) <= 40 and _MULTI_YEAR.search(sentence) is not None and not _NAMES_A_YEAR.search(sentence)


def _sections_about_several_years(sections: Sequence[Section]) -> set[int]:
    """Sections whose heading, or an ancestor's, speaks of several years and names none
    (“十四五”时期发展成就, 三、“十五五”时期主要目标任务)."""
    by_id = {s.section_id: s for s in sections}
    out: set[int] = set()
    for s in sections:
        node: Section | None = s
        while node is not None:
            if _MULTI_YEAR_HEADING.search(node.heading) and not _NAMES_A_YEAR.search(node.heading):
                out.add(s.section_id)
                break
            node = by_id.get(node.parent_section_id) if node.parent_section_id is not None else None
    return out


def _emit(
    rows: list[Metric],
    doc_id: str,
    sent: Sentence,
    hits: Sequence[_Hit],
    period: Part,
    state: tuple[bool, bool],
    indicators: Sequence[Indicator],
    toks: Sequence[Token],
    user_words: tuple[UserWord, ...],
    prev_rows: Sequence[Metric],
    *,
    multi_year: bool = False,
) -> None:
    text = sent.text
    first_row = len(rows)
    prev: tuple[Subject, Metric] | None = None
    group: tuple[tuple[str, str | None], ...] = ()  # the members of an A、B分别… phrase
    respective: list[tuple[str, str | None]] = []  # the members still to be given out
    for i, hit in enumerate(hits):
        local = _local(text, hits, i)
        floor = hits[i - 1].end if i > 0 else 0
        counts = hit.unit in COUNT_UNITS or hit.unit == ""
        subject = find_subject(text, toks, hit.start, hit.end, floor, hit.unit, counts, user_words)
        what, head, verb = subject.what, subject.head, subject.verb
        if not subject.own and prev is not None and (prev[1].unit == hit.unit or subject.linked):
            what, head = prev[1].what, prev[1].what_head  # 编发信息467篇，被…分别采用38篇、77篇: the same thing
            run_start = _CLAUSE_SPLIT.search(text[hits[i - 1].end : hit.start]) is not None
            if not respective and group and run_start and _numbers_in_clause(text, hits, i) == len(group):
                respective = list(group)  # …分别为774亿元、536亿元…，比上年增长29.2%、39.4%…: again
            if respective:
                what, head = respective.pop(0)  # …“小巨人”、单项冠军企业分别达到247家、35家: the next member
        elif subject.conjuncts and len(subject.conjuncts) == _numbers_in_clause(text, hits, i):
            group = subject.conjuncts
            respective = list(group)
            what, head = respective.pop(0)
        else:
            group, respective = (), []
        if verb is None and prev is not None and prev[1].unit not in _RATE_UNITS and hit.unit not in _RATE_UNITS:
            verb = prev[1].verb  # 评选优秀委员51名，优秀界别组5个: the verb goes on
        after = _what_after(text, hit) if hit.unit in COUNT_UNITS else None
        context = _context_before(text, hits, i)
        tail = text[hit.end :]
        rest_of_clause = _CLAUSE_SPLIT.split(tail)[0]
        clause = context + hit.surface + rest_of_clause
        window = text[: hit.end] + rest_of_clause
        target = _is_target(window, clause, period, *state) or _in_target_list(text, hit.start)
        if subject.stock and not _TARGET_CUE.search(clause):
            target = False  # 在现有8个…的基础上: what exists already is not a goal
        estimate = _ESTIMATE.search(clause) is not None
        if tail.startswith("的"):  # 8%左右的国内生产总值增长目标
            context += "＃" + _CLAUSE_SPLIT.split(tail)[0]
        elif after:
            context += "＃" + after
        part_of = _total_of(text, sent.char_start, hit, subject, rows[first_row:], prev, prev_rows)
        # 办结率、满意率达100%: one number, one row per rate it is stated for
        rate_list = _RATE_LIST.search(local) if hit.unit == "%" else None
        if rate_list:
            rest = local[rate_list.end(1) :]
            pairs = [(name, name + rest) for name in re.split(r"[、和及与]", rate_list.group(1))]
        else:
            pairs = _coordinated_subjects(local, hit, indicators) or [(what, context)]
        for name, ctx in pairs:
            scope = text[: hit.start] + ctx[len(context) :] if ctx.startswith(context) else ctx
            indicator = match_indicator(indicators, hit.unit, ctx, text, scope) if indicators else None
            if indicator is None and indicators and hit.unit == "%" and not _has_subject(local):
                indicator = _indicator_further_back(indicators, text, hit)
            elif indicator is None and indicators and hit.unit not in _RATE_UNITS and _REACH_ONLY.match(local):
                indicator = _indicator_further_back(indicators, text, hit, reached=True)
            if indicator is not None and hit.unit not in _RATE_UNITS and _LEVEL_CHANGE_END.search(local):
                indicator = None  # 粮食总产量增加109亿公斤: the change of a level, not the level
            if indicator is not None and multi_year and not _NAMES_A_YEAR.search(clause):
                indicator = None  # 这五年…城镇化率达到71.5%: the end of a period, not the year's figure
            rows.append(
                Metric(
                    metric_id=f"{doc_id}:{len(rows)}",
                    doc_id=doc_id,
                    sentence_id=sent.sentence_id,
                    char_start=sent.char_start + hit.start,
                    char_end=sent.char_start + hit.end,
                    surface=hit.surface,
                    number_text=hit.number_text,
                    unit_text=hit.unit_text,
                    value=hit.value,
                    value_high=hit.value_high,
                    unit=hit.unit,
                    qualifier=hit.qualifier,
                    what=name,
                    what_head=head if name == what else name,
                    verb=verb,
                    part_of_metric_id=part_of,
                    period=period,
                    indicator=indicator,
                    is_target=target,
                    is_estimate=estimate,
                )
            )
        prev = (subject, rows[-1])


_TOTAL_CUE = re.compile(r"累计|共计|合计|总计|共有|共")


def _mark_scope(
    text: str, base: int, rows: Sequence[Metric], toks: Sequence[Token], totals: set[str], narrowed: set[str]
) -> None:
    """Which quantities of a sentence are stated as totals (累计, 共 … in their clause) and which as
    the share of a group the sentence names as its subject with 各 (各党派团体…提交提案78件)."""
    group_end = next(  # where the first 各… group named in the sentence ends
        (t.end for t in toks if t.word.startswith("各") and len(t.word) > 1 and t.tag != "r"), None
    )
    for r in rows:
        start = r.char_start - base
        clause = _CLAUSE_SPLIT.split(text[:start])[-1]
        if _TOTAL_CUE.search(clause):
            totals.add(r.metric_id)
        elif group_end is not None and group_end <= start and "其中" not in text[:start]:
            narrowed.add(r.metric_id)


def _root(row: Metric) -> str:
    return row.part_of_metric_id or row.metric_id


def _total_of(
    text: str,
    base: int,
    hit: _Hit,
    subject: Subject,
    earlier: Sequence[Metric],
    prev: tuple[Subject, Metric] | None,
    prev_rows: Sequence[Metric],
) -> str | None:
    """The metric_id of the total this quantity is a part of, or None. A share or rate (办结率
    98%, 占比30%) is its own figure, never a part. Parts are:
    - what follows 其中 in the sentence: part of the last count before 其中 (in the unit of the
      part when there is one), or of the sentence before when 其中 opens the sentence;
    - what follows "…N个X中，": part of N;
    - a number after 占 (出口100亿元，机电产品占60亿元);
    - a number whose clause names nothing and is no change (15个问题已解决12个; 编发信息467篇，
      被…采用38篇), smaller than the number whose subject it borrows."""
    if hit.unit in _RATE_UNITS:
        return None
    counts = [r for r in earlier if r.unit not in _RATE_UNITS]

    def larger(candidates: Sequence[Metric]) -> Metric | None:
        same = [r for r in candidates if r.unit == hit.unit]
        # a count of one thing may divide a count of another (刊发新闻156件，其中…报道48次); amounts
        # in different measures never do (215个项目 … 其中 1184万千瓦)
        other = [r for r in candidates if r.unit in COUNT_UNITS and hit.unit in COUNT_UNITS]
        pick = same[-1] if same else (other[-1] if other else None)
        if pick is None or pick.value is None or (pick.unit == hit.unit and pick.value <= hit.value):
            return None
        return pick

    q = text.rfind("其中", 0, hit.start)
    if q >= 0:
        before_q = [r for r in counts if r.char_end - base <= q]
        total = larger([r for r in before_q if r.part_of_metric_id is None])
        if total is None and not before_q and not text[:q].strip("，,　 "):
            total = larger([r for r in prev_rows if r.unit not in _RATE_UNITS and r.part_of_metric_id is None])
        if total is not None:
            return total.metric_id
    for r in reversed(counts):
        if r.part_of_metric_id is None and _IN_TOTAL.match(text, r.char_end - base):
            total = larger([r])
            if total is not None:
                return total.metric_id
    if subject.share:
        total = larger([r for r in counts if r.part_of_metric_id is None])
        return total.metric_id if total is not None else None
    if (
        not subject.own
        and not subject.change
        and not subject.compared
        and prev is not None
        and prev[1].unit == hit.unit
    ):
        # 分别提高30元和5元: siblings after 分别 are parts of a total before them, not of each other
        if subject.each and prev[1].part_of_metric_id is None and prev[0].own is not False:
            return None
        root = next((r for r in earlier if r.metric_id == _root(prev[1])), prev[1])
        if root.value is not None and root.value > hit.value and root.unit == hit.unit:
            return root.metric_id
    return None


def _link_repeated_parts(rows: list[Metric], totals: set[str], narrowed: set[str]) -> list[Metric]:
    """A later, smaller figure of the same thing done the same way is a part of a figure stated as
    a total (累计…提交提案266件 … 各党派团体…提交提案78件): `totals` are the metrics whose clause says
    累计/共/共计/合计/总计, `narrowed` those whose clause names who did it before the verb and says
    no total itself. Both must be in the review; the what, verb and unit must be the same."""
    first: dict[tuple[str, str, str], Metric] = {}
    out: list[Metric] = []
    for r in rows:
        key = (r.what or "", r.verb or "", r.unit)
        total = first.get(key)
        if (
            total is not None
            and r.metric_id in narrowed
            and r.part_of_metric_id is None
            and r.period == total.period == "review"
            and total.sentence_id != r.sentence_id
            and total.value is not None
            and r.value is not None
            and total.value > r.value
        ):
            r = r.model_copy(update={"part_of_metric_id": total.metric_id})
        elif (
            total is None
            and r.metric_id in totals
            and r.what is not None
            and r.verb is not None
            and r.unit not in _RATE_UNITS
            and not r.is_target
        ):
            first[key] = r
        out.append(r)
    return out


_CHANGE_END = re.compile(r"(增长|下降|降低|微降|减少|回落|增速|涨幅|增幅)$")


def _coordinated_subjects(local: str, hit: _Hit, indicators: Sequence[Indicator]) -> list[tuple[str, str]]:
    """社会消费品零售总额、固定资产投资增长4%左右: one number stated for two subjects joined by 、
    gives one (what, context) per subject, when each names a different indicator."""
    if hit.unit != "%" or "、" not in local or not indicators:
        return []
    verb = _CHANGE_END.search(local)
    if verb is None:
        return []
    names = local[: verb.start()].split("、")
    if len(names) < 2 or any(not n for n in names):
        return []
    pairs = [(n, n + verb.group()) for n in names]
    found = {match_indicator(indicators, hit.unit, ctx, ctx) for _, ctx in pairs}
    return pairs if None not in found and len(found) == len(pairs) else []


# A level's own clause that ends in a change verb states how much it changed (粮食总产量增加109亿
# 公斤, 比上年增产74亿斤), not the level; a clause of a verb of reaching alone (…，达到9680亿斤)
# states the level of a subject named before it.
_LEVEL_CHANGE_END = re.compile(r"(?:增长|增加|增产|减产|减少|下降|降低|提高|多)了?$")
_REACH_ONLY = re.compile(r"^\s*(?:又|再|已|共|均|全年)?(?:达到|达|为|突破|超过|增至|增加到|提高到|升至)\s*$")


def _indicator_further_back(indicators: Sequence[Indicator], text: str, hit: _Hit, reached: bool = False) -> str | None:
    """全省进出口总值创历史新高，达到5379亿元、增长18.5%: a change whose own clause holds only its
    verb belongs to the subject the sentence named before, when an indicator phrase runs from
    that subject to this very verb; so does a level whose own clause holds only a verb of reaching
    (`reached`: 粮食总产量在上年大幅度增长的基础上，又增产291亿斤，达到9680亿斤)."""
    before = text[: hit.start]
    if not reached and not _CHANGE_END.search(before):
        return None
    # the nearest clause first: 对中亚进出口分别增长19%，全省进出口总值…、增长18.5% is the latter's
    for b in reversed([0, *(m.end() for m in _CLAUSE_SPLIT.finditer(before))]):
        wide = before[b:]
        code = match_indicator(indicators, hit.unit, wide, text, wide)
        if code is not None:
            return code
        if _PERIOD_END.search(wide):
            break
    return None


_PERIOD_END = re.compile(r"[；;。]")


# --- targets stated in words -----------------------------------------------------------------
_WORDS_CLAUSE = re.compile(r"[^，；。,;]+")
_CHANGE_WORD = re.compile(r"^(?:增长|增速|增幅|涨幅)")
_LIST_TAIL = re.compile(r"^(?:、[^、]{1,12})+?等?(?:指标|主要指标)")
_STATE_TASK = re.compile(
    r"^(?:按照国家要求)?完成(?:国家|上级)下达(?:我省|我市|我区|的)*(.+?)(?:目标任务|目标|任务|指标)$"
)
_NO_TARGET = re.compile(r"不设|未设|没有提出|不再设|不提出")


def _subject_phrases(indicator: Indicator) -> list[str]:
    """The subject of each of an indicator's `^` phrases (地区生产总值 of ^地区生产总值…增长); an
    indicator whose phrases name the measure itself, with no `^` (居民消费价格, 城镇调查失业率), is
    named by those of them that hold no gap."""
    heads = [p[1:].split("…")[0] for p in indicator.phrases if p.startswith("^")]
    return heads or [p for p in indicator.phrases if "…" not in p]


def stated_in_words(
    doc_id: str, sent: Sentence, period: Part, carried: bool, indicators: Sequence[Indicator], first_id: int
) -> list[Metric]:
    """One row per indicator whose target a target paragraph states without a number:
    居民收入增长与经济增长同步, 固定资产投资提质增效, 完成国家下达的粮食生产…目标任务, and an explicit
    no-target (不设具体目标). Only clauses with no numeral at all, in a sentence that sets targets
    (after a …目标是： lead, or in a list such a lead opened); value is NULL, `stated_in_words`
    holds the words."""
    text = sent.text
    lead = _TARGET_LEAD.search(text)
    if not carried and lead is None:
        return []
    # a review of targets met (去年…主要预期目标是：, 完成了…), or a five-year plan's goals; after a
    # lead, a past cue counts only in its own clause (…、力争比去年实现更多增长，居民收入增长与经济增长同步)
    if _MULTI_YEAR.search(text) or _PAST_CUE.search(text, 0, lead.end() if lead else len(text)):
        return []
    out: list[Metric] = []
    seen: set[str] = set()
    for m in _WORDS_CLAUSE.finditer(text, lead.end() if lead else 0):
        clause = m.group().strip()
        if not clause or re.search(r"[0-9０-９]|百分之", clause) or _PAST_CUE.search(clause):
            continue
        offset = m.start() + m.group().find(clause)
        task = _STATE_TASK.match(clause)
        for ind in indicators:
            if ind.code in seen or any(x in text[: m.end()] for x in ind.excludes):
                continue
            words = None
            for subject in _subject_phrases(ind):
                if task:
                    if any(item.startswith(subject) for item in re.split(r"[、和及]", task.group(1))):
                        words = clause  # 完成国家下达的粮食生产、…目标任务: as written
                        break
                    continue
                if clause.startswith(subject) or (subject in clause and heads_its_clause(clause, clause.find(subject))):
                    rest = clause[clause.find(subject) + len(subject) :]
                    tail = _LIST_TAIL.match(rest)
                    change = _CHANGE_WORD.match(rest)
                    rest = rest[tail.end() :] if tail else rest[change.end() :] if change else rest
                    # 能耗和主要污染物排放量继续下降: two subjects, not a target for the first
                    joined = not tail and not change and rest[:1] in ("和", "与", "及", "、")
                    if rest and not joined and len(rest) <= 24:
                        words = rest
                    break
            if words is None:
                continue
            if _NO_TARGET.search(words):
                words = words  # an explicit no-target is recorded as written
            seen.add(ind.code)
            out.append(
                Metric(
                    metric_id=f"{doc_id}:{first_id + len(out)}",
                    doc_id=doc_id,
                    sentence_id=sent.sentence_id,
                    char_start=sent.char_start + offset,
                    char_end=sent.char_start + offset + len(clause),
                    surface=clause,
                    number_text="",
                    unit_text="",
                    value=None,
                    value_high=None,
                    unit="",
                    qualifier=None,
                    what=None,
                    verb=None,
                    period=period,
                    indicator=ind.code,
                    is_target=True,
                    stated_in_words=words,
                )
            )
    return out
