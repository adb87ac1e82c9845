"""The `entity_mentions` table: who and what a report names, with exact offsets.

One row per mention; `text == documents.text[char_start:char_end]` and `name` is what the mention
resolves to (冯 楠 → 冯楠, 三个“一号工程” → 三个一号工程, 红安 → 红安县). Six types:

- document_title: the inside of every 《…》.
- quoted_term: the inside of every “…”, 「…」, 『…』 and ‘…’ that reads as a term (one line, no
  sentence end inside, at most 40 characters).
- formula: numbered political formulas (两个维护, 八八战略, 1+2+3+4, 4+X …), by pattern
  (`formula_spans`) and from seeds/reference/formulas.csv.
- person: bylines （冯 楠）, speaker lines (市政协主席 陈长锋), a name before or after a title
  (习近平总书记, 主席王瑞在), names in the user dictionary tagged nr, and every later mention of a
  name found so.
- organization: the known short forms (市委, 省政协, 国务院 …), a region plus an institution
  (余姚市委, 上虞政协, 政协伊春市委员会), and a proper head plus an institution suffix
  (大连东方投资置业有限公司, 省传统文化促进会).
- place: regions of seeds/reference/regions.csv (full names, and short names that stand alone),
  a chain such as 江西省宜春市 as one mention, towns (球川镇), countries and a few rivers and
  mountains the dictionary knows. Linked places carry `region_code`.

jieba's own nr/ns/nt tags are too noisy here to use alone (高水平 nr, 深度 ns): the rules below
use tokens only to check that a span starts and ends on a word boundary.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from transforms.models import EntityMention, EntityType, Sentence
from transforms.resources import FormulaEntry
from transforms.segment import Segmentation, UserWord

ENTITY_MENTIONS_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("sentence_id", pa.int32()),
        ("type", pa.string()),
        ("text", pa.string()),
        ("name", pa.string()),
        ("entity_id", pa.string()),
        ("region_code", pa.string()),
        ("char_start", pa.int32()),
        ("char_end", pa.int32()),
    ]
)

_HAN = "\u4e00-\u9fff"
_NUMERALS = "一二两三四五六七八九十百千万"
_WORD_CHAR = re.compile(rf"[{_HAN}A-Za-z0-9]")
_WORD = re.compile(rf"[{_HAN}A-Za-z0-9]+")
_NAME_WORD = re.compile(rf"[{_HAN}A-Za-z]+")
_ALL_NUMERALS = re.compile(rf"[{_NUMERALS}零〇0-9]+")

# ---------------------------------------------------------------------------------------------
# Identity


def entity_id(type_: str, name: str) -> str:
    """An entity's identity: the first 16 hex digits of sha256 over type, 0x1F and name."""
    return hashlib.sha256(f"{type_}\x1f{name}".encode()).hexdigest()[:16]


def normalize_name(surface: str) -> str:
    """The name a surface resolves to: no whitespace, no quotation marks inside (三个“一号工程”)."""
    return re.sub(r"[\s“”「」『』‘’\"]", "", surface)


@dataclass(frozen=True)
class Span:
    type: EntityType
    start: int
    end: int
    name: str
    region_code: str | None = None


# ---------------------------------------------------------------------------------------------
# Titles and quoted terms

_TITLE = re.compile(r"《([^《》\n]{1,100})》")
_QUOTES = [
    re.compile(r"“([^“”\n]{1,40})”"),
    re.compile(r"「([^「」\n]{1,40})」"),
    re.compile(r"『([^『』\n]{1,40})』"),
    re.compile(r"‘([^‘’\n]{1,40})’"),
]
_SENTENCE_END = re.compile(r"[。！？!?]")


def title_spans(text: str) -> list[Span]:
    """The inside of every 《…》 on one line."""
    out = []
    for m in _TITLE.finditer(text):
        name = m.group(1).strip()
        if name:
            out.append(Span("document_title", m.start(1), m.end(1), re.sub(r"\s+", "", name)))
    return out


def quoted_spans(text: str) -> list[Span]:
    """The inside of every quotation that reads as a term rather than a quoted sentence."""
    out = []
    for pattern in _QUOTES:
        for m in pattern.finditer(text):
            inner = m.group(1)
            if _SENTENCE_END.search(inner) or not _WORD_CHAR.search(inner):
                continue
            if len(inner.strip()) < 2:  # “专”出水平: a quoted character is emphasis, not a term
                continue
            start, end = m.start(1), m.end(1)
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            out.append(Span("quoted_term", start, end, normalize_name(text[start:end])))
    return out


# ---------------------------------------------------------------------------------------------
# Formulas

# 1+2+3+4, 4+X, 10+2, 1+N: numbers and capital letters joined by +, with at least one digit.
_ARITHMETIC = re.compile(
    r"(?<![0-9A-Za-z.+＋])(?:[0-9]{1,2}|[A-Z])(?:[+＋](?:[0-9]{1,2}|[A-Z]))+(?![0-9A-Za-z+＋%％.])"
)
# 三个“一号工程”, 两个“一百年”: a count of a quoted phrase.
_COUNTED_QUOTE = re.compile(rf"[{_NUMERALS[1:]}]{{1,2}}[个大项条支]“([{_HAN}A-Za-z0-9]{{2,8}})”")
# 五联五促, 六治六提六争: one numeral repeated before each verb.
# The characters between must be words, not digits of a year (一九五九年 is a date).
_VERB = rf"(?![{_NUMERALS}零〇年月日])[{_HAN}]"
_REPEATED_NUMERAL = re.compile(rf"([{_NUMERALS[1:]}])({_VERB})\1({_VERB})(?:\1({_VERB}))?")
# 一委一品, 一岗双责, 一府两院: 一 X 一/两/双 Y (quoted only: unquoted it is usually an idiom).
_ONE_X_ONE_Y = re.compile(rf"一[{_HAN}]{{1,3}}[一两双][{_HAN}]{{1,3}}")
# Dates and plans that start like a formula: 五一劳动奖章, 三八红旗手, 十四五规划.
_NOT_FORMULA_START = re.compile(
    rf"(?:[五七八六]一|三八|五四|十一|十[{_NUMERALS[:9]}]五|[{_NUMERALS[:9]}]五(?:规划|计划|时期|期间|末|普法))"
)
_IDIOMS = frozenset({"十全十美", "三三两两", "一心一意", "一言一行", "一举一动", "一点一滴", "一针一线", "一草一木"})


def is_formula_shape(phrase: str) -> bool:
    """True for a (quoted) phrase shaped as a numbered formula: a numeral plus a fixed phrase
    (八八战略, 四个意识, 三下沉, 五型机关, 一委一品), or numbers joined by + (4+X)."""
    if not 2 <= len(phrase) <= 10 or phrase in _IDIOMS:
        return False
    if _ARITHMETIC.fullmatch(phrase):
        return True
    if not _WORD.fullmatch(phrase):
        return False
    if _ALL_NUMERALS.fullmatch(phrase) or _NOT_FORMULA_START.match(phrase):
        return False
    if phrase[0] == "一":
        return _ONE_X_ONE_Y.fullmatch(phrase) is not None
    # A numeral and a short fixed phrase; longer phrases are slogans that happen to start with a
    # number (十四任书记抓一只果).
    return phrase[0] in _NUMERALS and len(phrase) <= 6


def _listed(formulas: tuple[FormulaEntry, ...]) -> tuple[frozenset[str], frozenset[str]]:
    return (
        frozenset(f.name for f in formulas if f.is_formula),
        frozenset(f.name for f in formulas if not f.is_formula),
    )


_LIST_PATTERNS: dict[frozenset[str], re.Pattern[str] | None] = {}


def _alternation(names: frozenset[str]) -> re.Pattern[str] | None:
    pattern = _LIST_PATTERNS.get(names)
    if pattern is None and names:
        pattern = re.compile("|".join(map(re.escape, sorted(names, key=lambda n: (-len(n), n)))))
        _LIST_PATTERNS[names] = pattern
    return pattern


def formula_spans(text: str, formulas: tuple[FormulaEntry, ...] = ()) -> list[tuple[int, int, str]]:
    """(start, end, name) of every numbered political formula in `text`, longest first where
    two overlap. Found by pattern — numbers joined by + anywhere (1+2+3+4, 4+X), a count of a
    quoted phrase (三个“一号工程”), a repeated numeral (五联五促), any quoted phrase shaped as a
    formula (“四个意识”) — and, unquoted, every formula of `formulas` (seeds/reference/formulas.csv)
    or quoted elsewhere in the text. Rows of `formulas` marked not a formula are never returned.

    Metrics extraction calls this to leave formulas alone (两个 in 两个维护 is not a count)."""
    listed, excluded = _listed(formulas)
    found: list[tuple[int, int, str]] = []
    for m in _ARITHMETIC.finditer(text):
        if re.search("[0-9]", m.group()):
            found.append((m.start(), m.end(), m.group().replace("＋", "+")))
    for m in _COUNTED_QUOTE.finditer(text):
        found.append((m.start(), m.end(), normalize_name(m.group())))
    for m in _REPEATED_NUMERAL.finditer(text):
        if m.group() not in _IDIOMS:
            found.append((m.start(), m.end(), m.group()))
    quoted: set[str] = set()
    for span in quoted_spans(text):
        if span.name not in excluded and (span.name in listed or is_formula_shape(span.name)):
            found.append((span.start, span.end, span.name))
            quoted.add(span.name)
    known = _alternation(frozenset(listed | quoted))
    if known is not None:
        for m in known.finditer(text):
            found.append((m.start(), m.end(), m.group()))
    chosen: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for start, end, name in sorted(set(found), key=lambda f: (-(f[1] - f[0]), f[0])):
        if name in excluded or any(start < e and s < end for s, e in taken):
            continue
        chosen.append((start, end, name))
        taken.append((start, end))
    return sorted(chosen)


# ---------------------------------------------------------------------------------------------
# Persons

_SURNAMES_1 = (
    "王李张刘陈杨黄赵周吴徐孙马胡朱郭何罗高林郑梁谢唐许冯宋韩邓彭曹曾田于萧潘袁董叶杜丁蒋程余吕魏蔡苏任卢沈姜"
    "姚钟崔陆谭汪石付贾范金方韦夏廖侯白孟邹秦尹江熊薛邱阎段雷季史陶毛贺龙万顾关郝孔向龚邵钱武黎汤戴严文常牛莫洪"
    "米康温代赖施覃安傅习楼骆倪褚殷童柯葛单鲁游庞易卓蓝聂晏左符申耿焦祝章齐喻俞柳鲍翟岳欧梅屈滕阮甘凌霍虞宁辛管"
    "柴桂包裴纪窦邬应饶项谷邢冷封尚房解伍詹樊兰穆储钮车麦景丛乔盛刁宫栗邝阙巫蒲池廉柏岑邸娄敖杭路隋荣薄"
)
_SURNAMES_2 = ("欧阳", "司马", "诸葛", "上官", "东方", "令狐", "公孙", "夏侯", "皇甫", "尉迟", "长孙", "慕容", "司徒")
_NAME = rf"(?:{'|'.join(_SURNAMES_2)}|[{_SURNAMES_1}])[ 　]?[{_HAN}]{{1,2}}"
_TITLES = (
    "主席|副主席|书记|副书记|市长|副市长|县长|副县长|区长|副区长|省长|副省长|主任|副主任|总理|副总理|部长|秘书长|委员长"
)
# A byline on its own line: （冯 楠）, （记者 张三）.
_BYLINE = re.compile(rf"^[（(](?:记者|通讯员|作者|文/|文|撰稿)?[ 　]?({_NAME})[）)]$", re.M)
# A speaker line: 市政协主席 陈长锋.
_SPEAKER = re.compile(rf"^[{_HAN}]{{0,20}}(?:{_TITLES})[ 　]+({_NAME})$", re.M)
# A name right after a title, up to a word that ends the name: 主席王瑞在, 书记 张兆金同志.
_AFTER_TITLE = re.compile(
    rf"(?:{_TITLES})[ 　]?({_NAME})(?=同志|在|说|指出|强调|表示|代表|主持|讲话|作|[\s，,。、；;：:）)”]|$)"
)
# A name right before a word that only follows names: 习近平总书记, 陈长锋同志, 楼宝善捐赠(艺术作品展),
# 某某先生 / 女士 / 教授 / 院士 / 烈士.
_BEFORE_HONORIFIC = re.compile(rf"({_NAME})(?=总书记|同志|先生|女士|教授|院士|烈士|捐赠|捐资|捐建)")


def _person_name(surface: str) -> str:
    return re.sub(r"\s+", "", surface)


def person_spans(text: str, seg: Segmentation, user_tags: dict[str, str]) -> list[Span]:
    """Names of people: bylines, speaker lines, names next to a title, names the user dictionary
    tags nr, then every other mention in the text of a name found so."""
    found: list[tuple[int, int]] = []
    for pattern in (_BYLINE, _SPEAKER, _AFTER_TITLE):
        found.extend((m.start(1), m.end(1)) for m in pattern.finditer(text))
    boundaries = set(seg.starts)
    for m in _BEFORE_HONORIFIC.finditer(text):
        # The name must start on a word boundary: in 贯彻习近平总书记 the name is 习近平, not 彻习近平.
        for start in range(m.start(1), m.end(1) - 1):
            if start in boundaries and text[start] in _SURNAMES_1:
                found.append((start, m.end(1)))
                break
    for k in [k for k, tag in enumerate(seg.tags) if tag == "nr"]:
        if user_tags.get(seg.words[k]) == "nr":
            found.append((seg.starts[k], seg.starts[k + 1]))
    names = {_person_name(text[s:e]) for s, e in found}
    spans = [Span("person", s, e, _person_name(text[s:e])) for s, e in found]
    if names:
        for m in re.finditer("|".join(map(re.escape, sorted(names, key=len, reverse=True))), text):
            spans.append(Span("person", m.start(), m.end(), m.group()))
    return spans


# ---------------------------------------------------------------------------------------------
# Organizations

_KNOWN_ORGS = (
    "中国共产党",
    "中共中央",
    "党中央",
    "国务院",
    "全国人大常委会",
    "全国人大",
    "全国政协",
    "中央军委",
    "中国人民政治协商会议全国委员会",
    "中国人民政治协商会议",
    "最高人民法院",
    "最高人民检察院",
    "中央政府",
    "省委",
    "市委",
    "州委",
    "县委",
    "区委",
    "省政府",
    "市政府",
    "州政府",
    "县政府",
    "区政府",
    "省人大",
    "市人大",
    "州人大",
    "县人大",
    "区人大",
    "省政协",
    "市政协",
    "州政协",
    "县政协",
    "区政协",
    "省纪委",
    "市纪委",
    "县纪委",
    "区纪委",
    "省监委",
    "市监委",
    "县监委",
    "区监委",
    "工商联",
    "省委常委会",
    "市委常委会",
    "县委常委会",
    "区委常委会",
    "人民政协报",
    "人民政协网",
)
_KNOWN_ORG = re.compile("|".join(sorted(_KNOWN_ORGS, key=len, reverse=True)))
# What follows a region name when the two name a body of that region.
_REGION_BODY = (
    "人民政府|政府|政协|人大常委会|人大|纪委|监委|委员会|日报|融媒体中心|省委|市委|州委|县委|区委|旗委|盟委|党委"
)
# After a full region name ending in 省/市/县/区/州/旗, 委 alone makes its Party committee.
_REGION_BODY_AFTER_FULL = re.compile(rf"(?:{_REGION_BODY}|委(?!员))")
_REGION_BODY_AFTER_SHORT = re.compile(rf"(?:{_REGION_BODY})")
_CPPCC_COMMITTEE = re.compile(
    rf"(?:中国人民政治协商会议|政协)(?:第[{_NUMERALS}]+届)?[{_HAN}]{{2,12}}?委员会(?:常务委员会)?"
)
_ORG_SUFFIXES = (
    "有限责任公司|股份有限公司|有限公司|公司|集团|大学|学院|医院|研究院|研究所|研究会|促进会|联合会|协会|商会"
    "|书画院|联谊社|楹联社|银行|法院|检察院|局|厅|办公室|基金会"
)
_ORG_SUFFIX = re.compile(rf"(?:{_ORG_SUFFIXES})$")
_ORG_SUFFIX_LAST = frozenset(suffix[-1] for suffix in _ORG_SUFFIXES.split("|"))
_OWN_OUTLET = re.compile("联谊报|联谊社|日报")
_GENERIC_ORGS = frozenset({"上市公司", "公司", "大学", "学院", "医院", "协会", "商会", "异地商会", "办公室", "银行"})
_SCOPE_HEADS = frozenset({"省", "市", "县", "区", "州", "国家", "中国", "中华", "全国", "中共", "中央"})
_MAX_ORG_TOKENS = 6


def organization_spans(text: str, seg: Segmentation, regions: Any, region_spans: list[tuple[int, int]]) -> list[Span]:
    """Named bodies: known short forms, a region plus an institution, a 政协 committee by its full
    name, and a proper head (a region, 省/市/县, 国家, a known body) plus an institution suffix."""
    found: list[tuple[int, int]] = [(m.start(), m.end()) for m in _KNOWN_ORG.finditer(text)]
    found.extend((m.start(), m.end()) for m in _CPPCC_COMMITTEE.finditer(text))
    for start, end in region_spans:
        full = text[end - 1] in "省市县区州旗" if end > start else False
        body = (_REGION_BODY_AFTER_FULL if full else _REGION_BODY_AFTER_SHORT).match(text, end)
        if body:
            lead = start - 2 if text[max(0, start - 2) : start] == "中共" else start
            found.append((lead, body.end()))
    # A body's own newspaper or club: 省政协联谊报, 市政协联谊社.
    found.extend((s, m.end()) for s, e in list(found) if (m := _OWN_OUTLET.match(text, e)))
    # A proper head followed by nouns and an institution suffix, on word boundaries.
    heads = {s for s, _ in region_spans} | {s for s, _ in found}
    for i in [i for i, word in enumerate(seg.words) if word[-1] in _ORG_SUFFIX_LAST]:
        word, tag = seg.words[i], seg.tags[i]
        if not _ORG_SUFFIX.search(word) or word in _GENERIC_ORGS:
            continue
        end = seg.starts[i + 1]
        if tag == "nt" and len(word) > 2 and not word.endswith("协商会"):  # 厦门大学, 国家信访局
            found.append((seg.starts[i], end))
            continue
        for j in range(i - 1, max(-1, i - _MAX_ORG_TOKENS), -1):
            w, t = seg.words[j], seg.tags[j]
            if not _NAME_WORD.fullmatch(w) or t in ("v", "p", "c", "u", "uj", "d", "r", "m", "f"):
                break
            if seg.starts[j] in heads or w in _SCOPE_HEADS:
                found.append((seg.starts[j], end))
                break
    return [Span("organization", s, e, normalize_name(text[s:e])) for s, e in found]


# ---------------------------------------------------------------------------------------------
# Places

# A town in a list or after punctuation: 球川镇、东案乡、青石镇. Two characters before 镇/乡, none
# of them a word that builds ordinary phrases with 镇/乡 (送下乡, 进镇, 各乡, 城乡).
_TOWN = re.compile(r"(?:(?<=[，,、。；;：:（(“\s])|^)([\u4e00-\u9fff]{2}(?:镇|乡|街道))", re.M)
_NOT_IN_TOWN = set("各下进送城村全乡镇本该到返")
_PROVINCE_ABBREVIATIONS = "京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川蜀黔贵滇云陕秦甘陇青宁新藏桂蒙港澳台"
_COUNTRY_NOT = frozenset({"全国", "我国", "各国", "本国", "外国", "大国", "强国", "中国"})
_NATURAL = re.compile(r"[江河湖山海岛]$|运河$")
# Two-character natural features are mostly ordinary words (河湖长制, 山海协作); these are not.
_NATURAL_2 = frozenset(
    {"长江", "黄河", "淮河", "珠江", "太湖", "巢湖", "洱海", "渤海", "黄海", "东海", "南海", "泰山", "黄山", "姚江"}
)


# Short region names that in these reports are mostly words (助企惠民); they count before 县委 …
_SHORT_NAMES_NOT_PLACES = frozenset({"惠民"})


@dataclass(frozen=True)
class _RegionMatch:
    start: int
    end: int
    region: Any  # transforms.regions.Region


_PREFIXES: dict[int, frozenset[str]] = {}


def _name_candidates(seg: Segmentation, index: Any) -> list[tuple[int, int, str]]:
    """(first token, last token, name) of region names made of whole tokens, longest first and
    left to right (a name never starts or ends inside a word). Looked up token by token against
    the set of name prefixes, which is much faster than running the region pattern over every
    character."""
    prefixes = _PREFIXES.get(id(index))
    if prefixes is None:
        prefixes = frozenset(name[:k] for name in index.by_name for k in range(1, len(name) + 1))
        _PREFIXES[id(index)] = prefixes
    by_name = index.by_name
    words = seg.words
    out: list[tuple[int, int, str]] = []
    i, n = 0, len(words)
    while i < n:
        if words[i] not in prefixes:
            i += 1
            continue
        best = -1
        name = ""
        for j in range(i, min(i + 4, n)):
            name += words[j]
            if name not in prefixes:
                break
            if name in by_name:
                best = j
        if best < 0:
            i += 1
            continue
        out.append((i, best, "".join(words[i : best + 1])))
        i = best + 1
    return out


def region_matches(text: str, seg: Segmentation, regions: tuple[Any, ...]) -> list[_RegionMatch]:
    """Region names in `text` on word boundaries, each resolved to one region (a short name that
    is also an ordinary word counts only before an institution: 合作市委)."""
    if not regions:
        return []
    from transforms.regions import _INSTITUTION_RE, region_index, resolve

    index = region_index(regions)
    kept: list[tuple[int, int, str, bool]] = []
    for first, last, name in _name_candidates(seg, index):
        start, end = seg.starts[first], seg.starts[last + 1]
        institution = _INSTITUTION_RE.match(text, end) is not None
        # A short name that is also a word (合作, 同心) counts before an institution, or when jieba
        # reads it as one name-like word (余姚 nr, 常山 ns, 红安 nz).
        if (
            name in index.weak_names
            and not institution
            and not (first == last and seg.tags[first] in ("ns", "nr", "nrt", "nz"))
            # jieba cutting it into single characters also says it is not read as a word (拱/墅)
            and not (last > first and all(len(w) == 1 for w in seg.words[first : last + 1]))
        ):
            continue
        # 和县, 忠县: a two-character full name right after a character is usually two words
        # (县委的正确领导和县人大).
        full = any(r.name == name for r in index.lookup(name))
        if full and len(name) == 2 and start > 0 and re.match(rf"[{_HAN}]", text[start - 1]):
            continue
        if name in _SHORT_NAMES_NOT_PLACES and not institution:
            continue
        kept.append((start, end, name, institution))
    # The names the text uses pick between regions that share a name (鼓楼区 is in four cities).
    context = Counter(name for _, _, name, _ in kept)
    out: list[_RegionMatch] = []
    for start, end, name, _ in kept:
        candidates = index.lookup(name)
        chosen = candidates[0] if len(candidates) == 1 else resolve([name], index, context)
        if chosen is not None:
            out.append(_RegionMatch(start, end, chosen))
    return out


def _place_name(region: Any, regions: tuple[Any, ...]) -> str:
    from transforms.regions import region_index

    index = region_index(regions)
    if len([r for r in index.lookup(region.name) if r.name == region.name]) <= 1:
        return str(region.name)
    chain = [a.name for a in reversed(index.ancestors(region))]
    return "".join([*chain, region.name])


def place_spans(text: str, seg: Segmentation, regions: tuple[Any, ...], matches: list[_RegionMatch]) -> list[Span]:
    """Regions (a chain such as 江西省宜春市 is one mention, named and linked by its last link),
    towns, countries and the rivers and mountains the dictionary tags ns."""
    spans: list[Span] = []
    i = 0
    while i < len(matches):
        first = matches[i]
        last = first
        j = i + 1
        while j < len(matches) and matches[j].start == last.end and _is_within(matches[j].region, last.region, regions):
            last = matches[j]
            j += 1
        spans.append(Span("place", first.start, last.end, _place_name(last.region, regions), str(last.region.code)))
        i = j
    # A river named after its region: 常山江 (a region's short name, then 江/河/溪 ending a word).
    boundaries = set(seg.starts)
    for rm in matches:
        end = rm.end + 1
        short = rm.region.short_name == text[rm.start : rm.end]
        if short and text[rm.end : end] in ("江", "河", "溪") and end in boundaries:
            spans.append(Span("place", rm.start, end, text[rm.start : end]))
    for m in _TOWN.finditer(text):
        if not _NOT_IN_TOWN & set(m.group(1)[:2]):
            spans.append(Span("place", m.start(1), m.end(1), m.group(1)))
    for k in [k for k, tag in enumerate(seg.tags) if tag == "ns"]:
        word, start = seg.words[k], seg.starts[k]
        if len(word) < 2:
            continue
        if len(word) == 2 and word[0] in _PROVINCE_ABBREVIATIONS and word[1] in "东西南北中":
            spans.append(Span("place", start, start + len(word), word))  # 浙西, 苏北, 皖南
        elif word in ("中国", "中华人民共和国"):
            spans.append(Span("place", start, start + len(word), "中国", "100000"))
        elif (word.endswith("国") and word not in _COUNTRY_NOT) or (
            _NATURAL.search(word) and (len(word) > 2 or word in _NATURAL_2)
        ):
            spans.append(Span("place", start, start + len(word), word))
    return spans


def _is_within(child: Any, parent: Any, regions: tuple[Any, ...]) -> bool:
    from transforms.regions import region_index

    return any(a.code == parent.code for a in region_index(regions).ancestors(child))


# ---------------------------------------------------------------------------------------------
# All together


def _overlaps(span: Span, others: Iterable[tuple[int, int]]) -> bool:
    return any(span.start < e and s < span.end for s, e in others)


def _inside(span: Span, others: Iterable[tuple[int, int]]) -> bool:
    return any(s <= span.start and span.end <= e for s, e in others)


def _longest_first(spans: list[Span]) -> list[Span]:
    """Of overlapping spans of one type, keep the longest (then the earliest)."""
    kept: list[Span] = []
    taken: list[tuple[int, int]] = []
    for sp in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if not _overlaps(sp, taken):
            kept.append(sp)
            taken.append((sp.start, sp.end))
    return kept


def entity_spans(
    text: str,
    seg: Segmentation,
    *,
    user_words: tuple[UserWord, ...] = (),
    formulas: tuple[FormulaEntry, ...] = (),
    regions: tuple[Any, ...] = (),
) -> list[Span]:
    """Every entity span of a text, before they are tied to sentences. `regions` are the rows of
    seeds/reference/regions.csv (transforms.regions.Region)."""
    user_tags = {w.word: w.tag for w in user_words if w.tag}
    titles = title_spans(text)
    in_titles = [(s.start, s.end) for s in titles]
    quotes = quoted_spans(text)
    formula_rows = [Span("formula", s, e, n) for s, e, n in formula_spans(text, formulas)]
    matches = [
        m for m in region_matches(text, seg, regions) if not _inside(Span("place", m.start, m.end, ""), in_titles)
    ]
    region_spans = [(m.start, m.end) for m in matches]
    orgs = _longest_first(
        [o for o in organization_spans(text, seg, regions, region_spans) if not _inside(o, in_titles)]
    )
    org_ranges = [(o.start, o.end) for o in orgs]
    persons = _longest_first(
        [p for p in person_spans(text, seg, user_tags) if not _inside(p, in_titles) and not _overlaps(p, org_ranges)]
    )
    person_ranges = [(p.start, p.end) for p in persons]
    places = _longest_first(
        [
            p
            for p in place_spans(text, seg, regions, matches)
            if not _inside(p, in_titles) and not _overlaps(p, org_ranges) and not _overlaps(p, person_ranges)
        ]
    )
    return titles + quotes + formula_rows + orgs + persons + places


def extract_entities(
    doc_id: str,
    text: str,
    sentences: list[Sentence],
    seg: Segmentation,
    *,
    user_words: tuple[UserWord, ...] = (),
    formulas: tuple[FormulaEntry, ...] = (),
    regions: tuple[Any, ...] = (),
) -> list[EntityMention]:
    """One row per entity mention in the document; `text[char_start:char_end]` is the mention and
    `sentence_id` the sentence it starts in. Sorted by offset, then type."""
    starts = [s.char_start for s in sentences]
    rows: list[EntityMention] = []
    seen: set[tuple[str, int, int]] = set()
    spans = entity_spans(text, seg, user_words=user_words, formulas=formulas, regions=regions)
    for sp in sorted(spans, key=lambda s: (s.start, s.end, s.type)):
        if not sp.name or (sp.type, sp.start, sp.end) in seen:
            continue
        seen.add((sp.type, sp.start, sp.end))
        i = max(0, bisect_right(starts, sp.start) - 1)
        rows.append(
            EntityMention(
                doc_id=doc_id,
                sentence_id=sentences[i].sentence_id if sentences else 0,
                type=sp.type,
                text=text[sp.start : sp.end],
                name=sp.name,
                entity_id=entity_id(sp.type, sp.name),
                region_code=sp.region_code,
                char_start=sp.start,
                char_end=sp.end,
            )
        )
    return rows
