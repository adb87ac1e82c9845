"""The `entity_mentions` table: who and what a report names, with exact offsets.

One row per mention; `text == documents.text[char_start:char_end]` and `name` is what the mention
resolves to (冯 楠 → 冯楠, 三个“一号工程” → 三个一号工程, 红安 → 红安县). Six types:

- document_title: the inside of every 《…》.
- quoted_term: the inside of every “…”, 「…」, 『…』 and ‘…’ that reads as a term (one line, no
  sentence end inside, at most 40 characters).
- formula: numbered political formulas (两个维护, 八八战略, 1+2+3+4, 4+X …), by pattern
  (`formula_spans`: quoted shapes with a numeral or 双, quoted digit codes before a noun (“1131”),
  quoted lists of numbered members, repeated numerals, N项/N条 + a rule's head, N大 + a
  programme's or campaign's head, N X 融合/合一, 一X一Y) and from seeds/reference/formulas.csv;
  counts, quantities, streaks, ordinals, decimals, sessions, plan periods and idioms are not
  formulas, nor a label that opens with a place.
- person: bylines （冯 楠）, speaker lines (市政协主席 陈长锋), a name before or after a title or
  a form of address (习近平总书记, 主席王瑞在, 李克强总理, 温家宝同志), national leaders
  (seeds/reference/leaders.csv), the other names of a list that holds one (刘少奇、朱德、周恩来),
  names in the user dictionary tagged nr, and every later mention of a name found so. A name is
  whole jieba words: one jieba tags as a person (李强, not 李强所) or characters it could not
  join (陈/长/锋); a word it knows otherwise is no name (包钢, 常委会, 毛泽东思想).
- organization: the known short forms (市委, 省政协, 国务院 …), a region plus an institution
  (余姚市委, 上虞政协, 政协伊春市委员会), a proper head (a region, the country or Party, a known
  body) plus an institution suffix (大连东方投资置业有限公司, 国家统计局, 市委党校), and
  committees' short forms (发改委, 卫健委, 提案委). A 政协 committee goes by one name. Words
  jieba's dictionary tags as institutions that read as one body, not a kind (财政部, 中国政府;
  not 商业银行), a firm's proper name before 公司/集团 (中粮集团), the other names in a list
  with a body (共青团、妇联), and a short form given in brackets, resolved to the full name
  (中物院 → 中国工程物理研究院).
- place: regions of seeds/reference/regions.csv (full names; short names only where the text
  supports them, see `region_matches`), a chain such as 江西省宜春市 as one mention, villages and
  towns (球川镇), countries (seeds/reference/countries.csv) and the rivers and mountains the
  dictionary knows; by morphology, parts of the world and areas (东南亚, 青藏高原, 黄河流域),
  groupings of provinces' abbreviations (粤港澳), airports and metropolitan areas named after a
  place (鹤岗机场, 哈尔滨都市圈). Linked places carry `region_code`.

jieba's own nr/ns/nt tags are too noisy here to use alone (高水平 nr, 新建 ns, 爱国 ns): the rules
use them only together with the grammar of the text (word boundaries, titles, suffixes, lists).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left, bisect_right
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
_NUMERAL_CHARS = frozenset(_NUMERALS + "亿")
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

# A title on one line; a page may break the line right inside the marks (《\n…\n》).
_TITLE = re.compile(r"《[ \t　]*\n?[ \t　]*([^《》\n]{1,100}?)[ \t　]*\n?[ \t　]*》")
_QUOTES = [
    re.compile(r"“[ \t　]*\n?([^“”\n]{1,40}?)\n?[ \t　]*”"),  # a page may break the line inside: “\n一带一路\n”
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
# After 第 the count is an ordinal (第七个“世界美食之都”).
_COUNTED_QUOTE = re.compile(rf"(?<!第)[{_NUMERALS[1:]}]{{1,2}}[个大项条支]“([{_HAN}A-Za-z0-9]{{2,8}})”")
# 五联五促, 六治六提六争: one numeral repeated before each verb.
# The characters between must be words, not digits of a year (一九五九年 is a date).
# Older reports write the point and the large numerals in traditional characters (二十八點八上升).
_VERB = rf"(?![{_NUMERALS}零〇年月日点點萬億届期倍])[{_HAN}]"
_REPEATED_NUMERAL = re.compile(rf"([{_NUMERALS[1:]}])({_VERB})\1({_VERB})(?:\1({_VERB}))?")
# 一委一品, 一岗双责, 一府两院: 一 X 一/两/双 Y (quoted only: unquoted it is usually an idiom).
_ONE_X_ONE_Y = re.compile(rf"一[^{_NUMERALS}零〇\W\d]{{1,3}}[{_NUMERALS[:10]}双多][{_HAN}]{{1,3}}")
# Dates and plans that start like a formula: 五一劳动奖章, 三八红旗手, 十四五规划.
_NOT_FORMULA_START = re.compile(
    rf"(?:[五七八六]一|三八|五四|十一|十[{_NUMERALS[:9]}]五|[{_NUMERALS[:9]}]五(?:规划|计划|时期|期间|末|普法))"
)
_IDIOMS = frozenset(
    {
        "十全十美",
        "三三两两",
        "一心一意",
        "一言一行",
        "一举一动",
        "一点一滴",
        "一针一线",
        "一草一木",
        "一时一地",
        "一朝一夕",
        "一五一十",
        "一穷二白",
        "一模一样",
        "一丝一毫",
        "一砖一瓦",
        "一问一答",
        "一唱一和",
        "一张一弛",
        "一来一往",
        "一字一句",
        "一板一眼",
        "一生一世",
        "一心一德",
        "一兵一卒",
        "百战百胜",
        "百发百中",
    }
)
# Numbered rules and programmes that need no quotation marks: 八项规定, (和平共处)五项原则,
# 四项基本原则; 三大攻坚战, 十大行动; 一带一路, 一老一小, 一链一策一行 (一 X 一 Y, where X and Y
# are no numbers, measure words or function words: 一百一十, 一个一个, 一年一次 are not).
# The head may carry a modifier of a few characters (四项基本原则, 六条政治标准, 十大重点节能工程,
# 七项惠民行动), but not a number: 一百五十六项工程 counts projects.
_MODIFIER = rf"[^{_NUMERALS}零〇\W\d]"
_NOT_AFTER_NUMBER = rf"(?<![{_NUMERALS}零〇\d第])"
_NUMBERED_RULE = re.compile(
    rf"{_NOT_AFTER_NUMBER}[{_NUMERALS[1:11]}](?:项|条){_MODIFIER}{{0,2}}?(?:规定|原则|注意|纪律|禁令|主张|方针|准则|标准)"
)
# 三大攻坚战, 三大改造, 三大革命运动; 八项民生工程; 四化 (建设, 同步): the modernizations counted.
_NUMBERED_PROGRAMME = re.compile(
    rf"{_NOT_AFTER_NUMBER}[{_NUMERALS[2:11]}](?:大(?:{_MODIFIER}{{2,4}}?)?(?:攻坚战|战略|行动|工程|运动|改造|革命|战役)"
    rf"|项{_MODIFIER}{{0,4}}?(?:行动|工程)|化(?=[{_HAN}]))"
)
# 三网融合, 三证合一, 多规合一, 两化融合: several things made one is a reform; 两岸融合, 两地融合 join
# places.
_MERGED = re.compile(rf"(?<![{_NUMERALS}零〇\d])[{_NUMERALS[1:10]}多](?![岸地国省市区])[{_HAN}](?:合一|融合)")
_NOT_X = rf"{_NUMERALS}零〇亿億萬個个件步代年月日次点點的和就即是了倍时天周批项位名份种条亩吨斤元米"
_ONE_X_ONE_Y_BARE = re.compile(rf"一([^{_NOT_X}\W\d])一([^{_NOT_X}\W\d])(?:一([^{_NOT_X}\W\d]))?")
# After a single numeral, a unit or measure word makes a quantity, not a formula (四两拨千斤, 十年磨一剑, 百家争鸣),
# as do people and days (百人计划, 百日行动, 九天); 次 makes an ordinal (二次创业) and 连 a streak (九连增, 六连冠).
_QUANTITY_AFTER_NUMERAL = frozenset("年两岁点倍成家斤次人日天连")
# 十五冬, 十九大, 二十届: a number of two numerals counts an event or session, not items of a rule.
# A count with its measure word still names items (十二个奋力推进).
_COMPOUND_NUMBER_START = re.compile(r"(?:十[一二三四五六七八九]|[二三四五六七八九]十)(?![个项条大])")
# 双 counts like a numeral in 双碳, 双一流, 双千; these words with 双 are ordinary words.
_SHUANG_WORDS = ("双向", "双重", "双方", "双边", "双赢", "双语", "双手", "双倍", "双双")
# A count with its measure word (六个现代化灌区, 两个继续走在前列) names its items and may run longer.
_COUNTED_ITEMS = re.compile(rf"[{_NUMERALS[1:10]}][个大项条][{_HAN}]{{2,6}}")
# “1131”数字政府, “2211”产业体系, “863”计划: a quoted code of digits before a noun names a programme; before
# a measure word or 年 it is a number (“21”条, “2035”年).
_DIGIT_CODE = re.compile(r"[1-9][0-9]{2,5}")
_NOT_AFTER_DIGIT_CODE = frozenset("年月日号条个次项元万亿")


_LIST_SEPARATOR = re.compile(r"[、，,·]")


def _numbered_member(part: str) -> bool:
    return (
        2 <= len(part) <= 6
        and part[0] in _NUMERALS + "双"
        and _WORD.fullmatch(part) is not None
        and not _ALL_NUMERALS.fullmatch(part)
        and not _NOT_FORMULA_START.match(part)
    )


def is_formula_shape(phrase: str) -> bool:
    """True for a (quoted) phrase shaped as a numbered formula: a numeral plus a fixed phrase
    (八八战略, 四个意识, 三下沉, 五型机关, 一委一品), or numbers joined by + (4+X)."""
    parts = _LIST_SEPARATOR.split(phrase)
    if len(parts) > 1:
        # 双随机、一公开, 一个中心、两个基本点, 千村示范、万村整治: every member of the list is numbered.
        return len(parts) <= 4 and all(_numbered_member(p) for p in parts)
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
    if _COMPOUND_NUMBER_START.match(phrase) or phrase.startswith(_SHUANG_WORDS):
        return False
    if _COUNTED_ITEMS.fullmatch(phrase):
        return True
    # A numeral and a short fixed phrase; longer phrases are slogans that happen to start with a
    # number (十四任书记抓一只果).
    return phrase[0] in _NUMERALS + "双" and len(phrase) <= 6 and phrase[1] not in _QUANTITY_AFTER_NUMERAL


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
    for pattern in (_NUMBERED_RULE, _NUMBERED_PROGRAMME, _MERGED, _ONE_X_ONE_Y_BARE):
        for m in pattern.finditer(text):
            if m.group() not in _IDIOMS:
                found.append((m.start(), m.end(), m.group()))
    quoted: set[str] = set()
    for span in quoted_spans(text):
        if span.name in excluded:
            continue
        after = text[span.end + 1 : span.end + 2]
        code = _DIGIT_CODE.fullmatch(span.name) is not None and re.fullmatch(f"[{_HAN}]", after) is not None
        if span.name in listed or is_formula_shape(span.name) or (code and after not in _NOT_AFTER_DIGIT_CODE):
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
        # “百花齐放，百家争鸣” and “百花齐放、百家争鸣” are one formula.
        chosen.append((start, end, re.sub("[，,]", "、", name)))
        taken.append((start, end))
    return sorted(chosen)


# ---------------------------------------------------------------------------------------------
# Names from a reference list, on word boundaries

_NAME_PREFIXES: dict[frozenset[str], frozenset[str]] = {}


def known_spans(seg: Segmentation, names: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, name) of every name of `names` made of whole tokens (1-4 of them), longest
    first: 邓小平 counts, 邓小平理论 (one token) does not, nor 美国 inside a longer word."""
    if not names:
        return []
    prefixes = _NAME_PREFIXES.get(names)
    if prefixes is None:
        prefixes = frozenset(n[:k] for n in names for k in range(1, len(n) + 1))
        _NAME_PREFIXES[names] = prefixes
    starts = seg.starts
    return [(starts[i], starts[j + 1], name) for i, j, name in token_runs(seg.words, prefixes, names)]


def token_runs(words: tuple[str, ...], prefixes: frozenset[str], names: Any) -> list[tuple[int, int, str]]:
    """(first token, last token, name) of every key of `names` made of 1-4 whole tokens, longest
    first and left to right. Only tokens that start some name are visited (one set lookup per
    token, in a comprehension), which keeps the cost of a long text low."""
    out: list[tuple[int, int, str]] = []
    n = len(words)
    after = -1
    for i in [i for i, w in enumerate(words) if w in prefixes]:
        if i <= after:
            continue
        best, name, found = -1, "", ""
        for j in range(i, min(i + 4, n)):
            name += words[j]
            if name not in prefixes:
                break
            if name in names:
                best, found = j, name
        if best >= 0:
            out.append((i, best, found))
            after = best
    return out


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
# A name right before a word that only follows names or a title: 习近平总书记, 陈长锋同志, 李克强总理,
# 楼宝善捐赠(艺术作品展), 某某先生 / 女士 / 教授 / 院士 / 烈士 / 代表 / 委员.
_BEFORE_HONORIFIC = re.compile(
    # The character class first lets the engine reject most positions at once.
    rf"({_NAME})(?=[总同先女教院烈捐主副委书代])(?=总书记|同志|先生|女士|教授|院士|烈士|捐赠|捐资|捐建|总理|副总理|主席|副主席|委员长|书记|代表|委员)"
)
# Tags of tokens that are never part of a name (的, 在, 所, 和 …).
_NOT_NAME_TAGS = frozenset(
    {"p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "r", "m", "mq", "q", "d", "f", "y", "e", "o", "x"}
)
_PERSON_TAGS = frozenset({"nr", "nrfg", "nrt"})
_GIVEN_NAME_NOT = frozenset({"p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "r", "y", "e", "o", "x"})
_NAME_JOINERS = frozenset({"、", "和", "与", "及"})
_AFTER_NAME = frozenset({"同志", "等", "先生", "女士", "总理", "主席"}) | _NAME_JOINERS


def _person_name(surface: str) -> str:
    return re.sub(r"\s+", "", surface)


def _is_name(seg: Segmentation, first: int, last: int) -> bool:
    """True when tokens first..last read as one person's name: one token jieba tags as a person
    (李强 nrfg), or characters jieba cut one by one because it does not know the name (陈/长/锋),
    none of them a function word. Not a word jieba knows otherwise (包钢 n, 常委会 n, 金融 n)."""
    words, tags = seg.words[first : last + 1], seg.tags[first : last + 1]
    length = sum(len(w) for w in words)
    if not 2 <= length <= 4 or any(not _NAME_WORD.fullmatch(w) for w in words):
        return False
    if len(words) == 1:
        return tags[0] in _PERSON_TAGS
    # A surname cut off alone (whatever jieba tags it: 张 q, 曾 d), then the given name in one or
    # two characters that are no function words (冯/楠, 王/思明, 陈/长/锋, 张/鸣/岐).
    if len(words[0]) != 1 or words[0] not in _SURNAMES_1:
        return False
    # One-character pieces may carry any content tag (兆 m, 鸣 v); longer words must not be verbs
    # nor counts (中苏两国总理: 两国 is no given name).
    return all(
        (
            t not in _GIVEN_NAME_NOT and w not in _NUMERAL_CHARS
            if len(w) == 1
            else t not in _NOT_NAME_TAGS and t not in ("v", "vn") and not set(w) & _NUMERAL_CHARS
        )
        for w, t in zip(words[1:], tags[1:], strict=True)
    )


class _TokenIndex:
    """The token that starts at a character offset, found by bisection (building a dict of every
    token of a long report would cost more than the few lookups the rules make)."""

    def __init__(self, starts: list[int]) -> None:
        self.starts = starts

    def get(self, pos: int) -> int | None:
        k = bisect_left(self.starts, pos)
        return k if k < len(self.starts) - 1 and self.starts[k] == pos else None

    def __contains__(self, pos: int) -> bool:
        return self.get(pos) is not None


# Tags several rules start from; the tokens that carry them are found in one pass per text.
_RULE_TAGS = frozenset({"ns", "nr", "nt", "nz", "j"})
_LAST_TAGGED: list[tuple[Segmentation, dict[str, list[int]]]] = []


def _tagged(seg: Segmentation) -> dict[str, list[int]]:
    """The positions of the tokens of each tag of _RULE_TAGS, in order: one comprehension over
    the tokens serves every rule (a pass over a long report costs about as much as a rule).
    The last text's answer is kept (a tuple replaced whole, checked by identity)."""
    last = _LAST_TAGGED[-1] if _LAST_TAGGED else None
    if last is not None and last[0] is seg:
        return last[1]
    tags = seg.tags
    out: dict[str, list[int]] = {t: [] for t in _RULE_TAGS}
    for k in [k for k, t in enumerate(tags) if t in _RULE_TAGS]:
        out[tags[k]].append(k)
    _LAST_TAGGED[:] = [(seg, out)]
    return out


def _name_at(seg: Segmentation, index: _TokenIndex, start: int, end: int) -> tuple[int, int] | None:
    """The longest name starting at `start` and ending at or before `end`, on word boundaries
    (总理李强所作: 李强, not 李强所)."""
    first = index.get(start)
    if first is None:
        return None
    last = first
    best = None
    while last + 1 < len(seg.starts) and seg.starts[last + 1] <= end:
        if _is_name(seg, first, last):
            best = (start, seg.starts[last + 1])
        last += 1
    return best


def person_spans(
    text: str,
    seg: Segmentation,
    user_tags: dict[str, str],
    leaders: frozenset[str] = frozenset(),
    known: list[tuple[int, int, str]] | None = None,
) -> list[Span]:
    """Names of people: bylines, speaker lines, names next to a title or a form of address (on
    word boundaries, read as a name by jieba or cut into characters it does not know), names of
    national leaders (seeds/reference/leaders.csv: 邓小平, not inside 邓小平理论), names the user
    dictionary tags nr, the other names of a list that holds one (刘少奇、朱德、周恩来), then every
    other mention in the text of a name found so."""
    index = _TokenIndex(seg.starts)
    found: list[tuple[int, int]] = []
    for pattern in (_BYLINE, _SPEAKER):
        found.extend((m.start(1), m.end(1)) for m in pattern.finditer(text))
    for m in _AFTER_TITLE.finditer(text):
        name = _name_at(seg, index, m.start(1), m.end(1))
        if name:
            found.append(name)
    for m in _BEFORE_HONORIFIC.finditer(text):
        # The name must start on a word boundary: in 贯彻习近平总书记 the name is 习近平, not 彻习近平.
        for start in range(m.start(1), m.end(1) - 1):
            if start in index and text[start] in _SURNAMES_1 + "".join(_SURNAMES_2):
                name = _name_at(seg, index, start, m.end(1))
                if name and name[1] == m.end(1):
                    found.append(name)
                    break
    named = known_spans(seg, leaders) if known is None else [k for k in known if k[2] in leaders]
    found.extend((s, e) for s, e, _ in named if not text.startswith(("思想", "理论"), e))
    for k in _tagged(seg)["nr"]:
        if user_tags.get(seg.words[k]) == "nr":
            found.append((seg.starts[k], seg.starts[k + 1]))
    found.extend(_listed_names(text, seg, index, found))
    names = {_person_name(text[s:e]) for s, e in found}
    spans = [Span("person", s, e, _person_name(text[s:e])) for s, e in found]
    if names:
        boundaries = set(seg.starts)
        for m in re.finditer("|".join(map(re.escape, sorted(names, key=len, reverse=True))), text):
            if m.start() in boundaries and m.end() in boundaries:
                spans.append(Span("person", m.start(), m.end(), m.group()))
    return spans


def _listed_names(
    text: str, seg: Segmentation, index: _TokenIndex, found: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Names in a list with a name already found: 刘少奇、朱德、周恩来同志 (each item a name)."""
    out: list[tuple[int, int]] = []
    todo = list(found)
    seen = set(found)
    while todo:
        start, end = todo.pop()
        first = index.get(start)
        # The next item: after a joiner, up to the next joiner or punctuation.
        k = index.get(end)
        if k is not None and seg.words[k] in _NAME_JOINERS and k + 1 < len(seg.words):
            j = k + 1
            while j < len(seg.words) and _NAME_WORD.fullmatch(seg.words[j]) and seg.words[j] not in _AFTER_NAME:
                j += 1
            item_ends = (
                j < len(seg.words)
                and j - k <= 4
                and (
                    seg.words[j] in _NAME_JOINERS
                    or seg.words[j] in _AFTER_NAME
                    or not _WORD_CHAR.match(seg.words[j][0])
                )
            )
            if item_ends and j - 1 >= k + 1 and _is_name(seg, k + 1, j - 1):
                span = (seg.starts[k + 1], seg.starts[j])
                if span not in seen:
                    seen.add(span)
                    out.append(span)
                    todo.append(span)
        # The item before: a joiner right before the name, and the item starts after a joiner or punctuation.
        if first is not None and first >= 2 and seg.words[first - 1] in _NAME_JOINERS:
            j = first - 1
            i = j
            while i > 0 and _NAME_WORD.fullmatch(seg.words[i - 1]) and j - i < 3:
                i -= 1
            before_ok = i == 0 or seg.words[i - 1] in _NAME_JOINERS or not _WORD_CHAR.match(seg.words[i - 1][0])
            if i < j and before_ok and _is_name(seg, i, j - 1):
                span = (seg.starts[i], seg.starts[j])
                if span not in seen:
                    seen.add(span)
                    out.append(span)
                    todo.append(span)
    return out


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
    "自治区党委",
    "自治区政府",
    "自治区人大常委会",
    "自治区人大",
    "自治区政协",
    "自治区纪委",
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
    # 所 ends an institute's name in a word of three characters or more (光机所, 物理所); alone it
    # is a particle (李强所作), and 楼堂馆所, 科研院所, 公共场所 are kinds of places.
    rf"有限责任公司|股份有限公司|有限公司|公司|集团|大学|学院|党校|医院|研究院|研究所|研究会|促进会|联合会|协会|商会"
    rf"|书画院|联谊社|楹联社|银行|法院|检察院|局|厅|办公室|基金会|科学院|中心|日报|报社|电视台|出版社|委员会|(?<=[{_HAN}]{{2}})(?<![馆院场])所"
)
_ORG_SUFFIX = re.compile(rf"(?:{_ORG_SUFFIXES})$")
_ORG_SUFFIX_LAST = frozenset(suffix[-1] for suffix in _ORG_SUFFIXES.split("|"))
_OWN_OUTLET = re.compile("联谊报|联谊社|日报|常委会(?!议)|常务委员会")
_GENERIC_ORGS = frozenset({"上市公司", "公司", "大学", "学院", "医院", "协会", "商会", "异地商会", "办公室", "银行"})
_SCOPE_HEADS = frozenset({"省", "市", "县", "区", "州", "国家", "中国", "中华", "全国", "中共", "中央"})
_MAX_ORG_TOKENS = 6
_NOT_ORG_TAGS = frozenset({"v", "p", "c", "u", "uj", "ul", "d", "r", "m", "f", "q", "t", "y", "x"})
_NOT_BUREAU = (
    "格局",
    "布局",
    "大局",
    "全局",
    "结局",
    "开局",
    "时局",
    "僵局",
    "骗局",
    "残局",
    "变局",
    "定局",
    "困局",
    "破局",
    "好局",
    "新局",
)
_COMMITTEE_TAGS = frozenset({"n", "vn", "j", "b", "a", "nz"})
# Heads that make a body of the whole country or the Party: 国家统计局, 中央党校, 中国人民银行.
_NATIONAL_HEADS = ("国家", "中国", "中华", "全国", "中共", "中央")


def _proper_head(head: str, index: Any) -> bool:
    """True when the words before an institution suffix name whose it is: the country or Party
    (国家, 中国, 中央 …), a known body (市委党校), or a region (厦门大学, 鞍山钢铁公司); not a
    kind (商业银行, 公立医院, 新格局)."""
    if len(head) < 2:
        return False
    if head.startswith(_NATIONAL_HEADS) or _KNOWN_ORG.match(head):
        return True
    if index is not None:
        return any(head[:k] in index.by_name for k in range(2, min(len(head), 8) + 1))
    return False


def organization_spans(text: str, seg: Segmentation, regions: Any, region_spans: list[tuple[int, int]]) -> list[Span]:
    """Named bodies: known short forms, a region plus an institution, a 政协 committee by its full
    name, a proper head (a region, 省/市/县, 国家, a known body, a word jieba tags as a place or
    an institution) then nouns and an institution suffix (…公司, …集团, …大学, …学院, …医院, …党校,
    …局, …厅, …中心 …), and committees' short forms (发改委, 卫健委, 提案委)."""
    from transforms.regions import region_index

    found: list[tuple[int, int]] = [(m.start(), m.end()) for m in _KNOWN_ORG.finditer(text)]
    found.extend((m.start(), m.end()) for m in _CPPCC_COMMITTEE.finditer(text))
    for start, end in region_spans:
        full = text[end - 1] in "省市县区州旗" if end > start else False
        body = (_REGION_BODY_AFTER_FULL if full else _REGION_BODY_AFTER_SHORT).match(text, end)
        if body:
            lead = start - 2 if text[max(0, start - 2) : start] == "中共" else start
            found.append((lead, body.end()))
    # A body's own newspaper or club (省政协联谊报, 市政协联谊社), or its standing committee
    # (市政协常委会, 县人大常委会).
    found.extend((s, m.end()) for s, e in list(found) if (m := _OWN_OUTLET.match(text, e)))
    # A proper head followed by nouns and an institution suffix, on word boundaries.
    heads = {s for s, _ in region_spans} | {s for s, _ in found}
    index = region_index(regions) if regions else None
    words, tags, starts = seg.words, seg.tags, seg.starts
    suffixed = [i for i, word in enumerate(words) if word[-1] in _ORG_SUFFIX_LAST]
    for i in suffixed:
        word = words[i]
        suffix = _ORG_SUFFIX.search(word)
        if suffix is None or word in _GENERIC_ORGS:
            continue
        # 大局, 格局, 新格局, 工业布局: a one-character suffix that ends an ordinary word.
        if (len(word) == 2 and len(suffix.group()) == 1) or word.endswith(_NOT_BUREAU):
            continue
        end = starts[i + 1]
        # 福州大学城, 厦门科学城: a university town or park is a place.
        if i + 1 < len(words) and words[i + 1] in ("城", "园"):
            continue
        if _proper_head(word[: suffix.start()], index):  # 厦门大学, 国家信访局, 市委党校
            found.append((starts[i], end))
            continue
        # Walk back over nouns to the farthest proper head: 绵阳全国军民两用技术交易中心.
        head = None
        for j in range(i - 1, max(-1, i - _MAX_ORG_TOKENS), -1):
            w, t = words[j], tags[j]
            if not _NAME_WORD.fullmatch(w) or t in _NOT_ORG_TAGS:
                break
            if starts[j] in heads or w in _SCOPE_HEADS or t == "nt":
                head = starts[j]
        # …中心 names a role as often as a body (上海建设科技创新中心, 香港国际金融中心), unless
        # jieba's dictionary knows the word as an institution (交易中心 nt).
        if head is not None and (suffix.group() != "中心" or tags[i] == "nt"):
            found.append((head, end))
    # A committee's short form: 发改委 (an abbreviation jieba knows), 卫健委, 提案委, 农业农村委.
    for i in [i for i, w in enumerate(words) if w[-1] == "委"]:
        word = words[i]
        if len(word) >= 3 and tags[i] == "j":
            lead = i - 1 if i > 0 and words[i - 1] in ("省", "市", "县", "区", "州") else i
            found.append((starts[lead], starts[i + 1]))
        elif word == "委" and i > 0 and not text.startswith("员", starts[i + 1]):
            j, size = i, 0
            while j > 0 and size < 4 and tags[j - 1] in _COMMITTEE_TAGS and _NAME_WORD.fullmatch(words[j - 1]):
                if words[j - 1] in _SCOPE_HEADS:
                    break
                size += len(words[j - 1])
                j -= 1
            if size >= 2:
                lead = j - 1 if j > 0 and words[j - 1] in ("省", "市", "县", "区", "州") else j
                found.append((starts[lead], starts[i + 1]))
    found.extend(_named_company_spans(seg, [i for i in suffixed if words[i] in _COMPANY_HEADS]))
    found.extend(_dictionary_org_spans(seg, index))
    # 福州大学城, 厦门科学城: a university town or park is a place.
    found = [(s, e) for s, e in found if text[e : e + 1] not in ("城", "园")]
    found.extend(_listed_orgs(seg, found, region_spans))
    spans = [Span("organization", s, e, organization_name(text[s:e])) for s, e in found]
    return spans + _abbreviation_spans(text, seg, spans)


# Tags of a word in a name of a body in a list: an abbreviation, an institution, a proper noun,
# a place, or a noun (中国银行, 兰州炼油厂); verbs, adverbs, adjectives and words jieba tags as a
# person's name (大力支持 nr is one of its mistakes) are no part of it.
_ORG_ITEM_TAGS = frozenset({"nt", "j", "nz", "ns"})
_ORG_ITEM_OTHER_TAGS = frozenset({"n", "ng", "zg", "b", "l"})
_LIST_ENDS = frozenset({"、", "等", "和", "及", "与", "）", ")"})


def _listed_orgs(
    seg: Segmentation, found: list[tuple[int, int]], region_spans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The other items of a list (、) that holds a body found, where each is a name rather than
    a kind or a place: its last word one jieba reads as a name, an abbreviation or an institution
    (最高法, 友协), characters it could not join (中/铝), or a body's suffix (交通厅, 兰州炼油厂).
    A common noun (工会, 中试平台) is a kind, a region (大庆, 香港) a place; an item must end the
    list or be followed by another (、, 等, 和)."""
    words, tags, starts = seg.words, seg.tags, seg.starts
    index = _TokenIndex(list(starts))
    taken = list(found) + list(region_spans)
    out: list[tuple[int, int]] = []
    todo = list(found)
    seen = set(found)
    while todo:
        start, end = todo.pop()
        for direction in (1, -1):
            k = index.get(end) if direction == 1 else index.get(start)
            if k is None:
                continue
            sep = k if direction == 1 else k - 1
            if not 0 <= sep < len(words) or words[sep] != "、":
                continue
            item: list[int] = []
            j = sep + direction
            while 0 <= j < len(words) and _NAME_WORD.fullmatch(words[j]) and len(item) < 4:
                if words[j] in _LIST_ENDS:
                    break
                item.append(j)
                j += direction
            edge = words[j] if 0 <= j < len(words) else "。"
            if not item or not (edge in _LIST_ENDS or not _WORD_CHAR.match(edge[0])):
                continue
            item.sort()
            span = (starts[item[0]], starts[item[-1] + 1])
            length = span[1] - span[0]
            cut = sum(len(words[m]) == 1 for m in item) >= 2
            last, last_tag = words[item[-1]], tags[item[-1]]
            named = last_tag in _ORG_ITEM_TAGS or cut or _ORG_SUFFIX.search(last) is not None
            if (
                not 2 <= length <= 8
                or not named
                or any(tags[m] not in _ORG_ITEM_TAGS | _ORG_ITEM_OTHER_TAGS and len(words[m]) > 1 for m in item)
                or any(tags[m] in _FUNCTION_TAGS for m in item)
                or any(span[0] < e and s < span[1] for s, e in taken)
                or span in seen
            ):
                continue
            seen.add(span)
            out.append(span)
            todo.append(span)
    return out


# A company or institution head written as a word of its own after its name (吉翼 公司, 中粮 集团).
_COMPANY_HEADS = frozenset({"公司", "集团", "银行", "研究院", "研究所", "大学", "学院", "医院", "实验室"})
# Tags of a word that can be a firm's name: an abbreviation, a place, a proper noun; a person's
# name only before 公司 or 集团 (比亚迪 nr; jieba tags some ordinary words as names: 智慧 医院).
_FIRM_NAME_TAGS = frozenset({"nz", "j", "ns"})
_FIRM_HEADS = frozenset({"公司", "集团"})


def _named_company_spans(seg: Segmentation, heads: list[int]) -> list[tuple[int, int]]:
    """A firm or institution whose name is a word jieba reads as a name, an abbreviation or a
    proper noun (梅花 nr, 中粮 j, 吉利 ns), or characters it could not join (吉/翼), right before
    公司, 集团, 银行, 研究院 …: 吉翼公司, 中粮集团. A kind (电力公司, 国有公司, 该公司) is not one."""
    words, tags, starts = seg.words, seg.tags, seg.starts
    out: list[tuple[int, int]] = []
    for i in heads:
        if i == 0:
            continue
        prev, tag = words[i - 1], tags[i - 1]
        name_like = tag in _FIRM_NAME_TAGS or (tag in _PERSON_TAGS and words[i] in _FIRM_HEADS)
        if len(prev) >= 2 and name_like and _NAME_WORD.fullmatch(prev) and prev not in _NOT_PLACE_NS:
            out.append((starts[i - 1], starts[i + 1]))
            continue
        # Two or three characters cut one by one, none of them a function word or a numeral.
        j = i
        while j > 0 and i - j < 3:
            w = words[j - 1]
            if len(w) != 1 or not _NAME_WORD.fullmatch(w) or tags[j - 1] in _FUNCTION_TAGS or w in _NOT_IN_NAME:
                break
            j -= 1
        if i - j >= 2:
            out.append((starts[j], starts[i + 1]))
    return out


# Heads of a body's name in a word jieba's dictionary tags as an institution (nt): ministries and
# commissions (财政部, 国资委, 海关总署), governments, parties, armies and international bodies.
_MINISTRY_HEAD = re.compile(r"(?:部|委|署|局|厅)$")
# 对外部, 东中部, 全部, 格局: a part or a whole, not a ministry.
_NOT_MINISTRY = re.compile(r"(?:[东西南北中内外]部|全部|局部|[格布大全开变结时僵骗残定困破]局)$")
_BODY_HEAD = re.compile(r"(?:政府|党|军|部队|组织|集团|银行|公司|大学|学院|科学院|工程院|委员会|联合会)$")


def _dictionary_org_spans(seg: Segmentation, index: Any) -> list[tuple[int, int]]:
    """Words jieba's dictionary tags as an institution (nt) or an abbreviation (j) that read as
    one body rather than a kind of body: a ministry or commission (财政部, 中宣部, 国资委, 海关总署;
    not 对外部, 东中部), or a body named after a place, a country or the nation (中国政府,
    日本政府, 中国人民解放军, 中国工程院; not 商业银行, 人民政府, 公立医院), and the associations
    known by a short form (妇联, 侨联, 社科联)."""
    words, tags, starts = seg.words, seg.tags, seg.starts
    out: list[tuple[int, int]] = []
    tagged = _tagged(seg)
    for k in sorted(tagged["nt"] + tagged["j"] + tagged["nz"]):
        word, tag = words[k], tags[k]
        if len(word) < 2 or not _NAME_WORD.fullmatch(word):
            continue
        body = _BODY_HEAD.search(word)
        ministry = tag == "nt" and len(word) >= 3 and _MINISTRY_HEAD.search(word) and not _NOT_MINISTRY.search(word)
        # A newspaper or broadcaster by its name (人民日报, 光明日报, 中央电视台).
        ministry = ministry or (len(word) >= 4 and word.endswith(("日报", "晚报", "电视台", "通讯社")))
        named = tag == "nt" and body is not None and _proper_head(word[: body.start()], index)
        association = len(word) <= 3 and word.endswith("联") and tag in ("j", "nz", "nt", "n")
        if ministry or named or association:
            out.append((starts[k], starts[k + 1]))
    return out


# A short form in brackets after a body's full name: 中国工程物理研究院（中物院）, （以下简称发改委）.
_ABBREVIATION = re.compile(rf"[（(](?:以下简称|简称|下称)?“?([{_HAN}]{{2,8}})”?[）)]")


def _abbreviation_spans(text: str, seg: Segmentation, spans: list[Span]) -> list[Span]:
    """Every mention, on word boundaries, of a short form given in brackets right after a body's
    name, resolved to that name: its characters are the name's, in order (中物院 for
    中国工程物理研究院, 发改委 for 国家发展和改革委员会)."""
    short: dict[str, str] = {}
    for sp in spans:
        m = _ABBREVIATION.match(text, sp.end)
        if m is None:
            continue
        abbr = m.group(1)
        if len(abbr) < len(sp.name) and abbr[0] in sp.name and _is_subsequence(abbr, sp.name):
            short.setdefault(abbr, sp.name)
    if not short:
        return []
    boundaries = set(seg.starts)
    pattern = re.compile("|".join(map(re.escape, sorted(short, key=len, reverse=True))))
    return [
        Span("organization", m.start(), m.end(), short[m.group()])
        for m in pattern.finditer(text)
        if m.start() in boundaries and m.end() in boundaries
    ]


def _is_subsequence(short: str, name: str) -> bool:
    chars = iter(name)
    return all(c in chars for c in short)


def organization_name(surface: str) -> str:
    """The name a body goes by: a 政协 committee under one name whether its full title is
    written out or not (中国人民政治协商会议第十四届余姚市委员会常务委员会 → 政协第十四届余姚市委员会
    常务委员会)."""
    name = normalize_name(surface)
    if (
        name.startswith("中国人民政治协商会议")
        and name.endswith("委员会")
        and len(name) > len("中国人民政治协商会议全国委员会")
    ):
        return "政协" + name.removeprefix("中国人民政治协商会议")
    return name


# ---------------------------------------------------------------------------------------------
# Places

# Villages, towns, townships and streets: a name, then 村/镇/乡/街道 as a word of its own (in 乡村,
# 城乡, 下乡 jieba keeps 乡 inside a word). The name is a word jieba tags as a place or a name
# (横店镇), or characters jieba cut one by one because it does not know them (球川镇, 梁弄镇);
# ordinary words (加强乡, 县和乡, 每个乡, 示范村) are not names.
_TOWN_SUFFIXES = frozenset({"镇", "乡", "村", "街道"})
_NAME_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz"})
_FUNCTION_TAGS = frozenset(
    {"p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "r", "m", "mq", "q", "d", "f", "y", "e", "o", "x", "v", "t"}
)
_NOT_IN_NAME = frozenset("省市县区州旗盟各每全本该此")
_CLAUSE_OPENERS = frozenset("、，,。；;：:（(“\n 　")
_PROVINCE_ABBREVIATIONS = "京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川蜀黔贵滇云陕秦甘陇青宁新藏桂蒙港澳台"
# A country's full name that jieba knows as a place word: 德意志民主共和国, 柬埔寨王国.
_SLOGAN_TAGS = frozenset({"n", "a", "an", "nz", "b"})
_SLOGAN_NEXT = frozenset({"建设", "行动", "战略", "品牌", "工程"})
_STATE_SUFFIX = ("共和国", "王国", "联邦", "酋长国", "合众国")
_NATURAL = re.compile(r"[江河湖山海岛]$|运河$")
_FEATURES = frozenset("江河湖海山")
# Two-character natural features are mostly ordinary words (河湖长制, 山海协作); these are not.
_NATURAL_2 = frozenset(
    {"长江", "黄河", "淮河", "珠江", "太湖", "巢湖", "洱海", "渤海", "黄海", "东海", "南海", "泰山", "黄山", "姚江"}
)


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
    return token_runs(seg.words, prefixes, index.by_name)


_REGION_SUFFIX_CHARS = frozenset("省市县区州旗盟")
# What joins the members of a list of regions: 汕头、潮州、揭阳; 四川和重庆.
_LIST_JOINERS = frozenset({"、", "和", "与", "及"})
_ITEM_EDGES = frozenset("、和与及，,。；;：:（）()“”等\n ")


_SCOPES: dict[tuple[int, str | None], frozenset[str]] = {}


def _scope(index: Any, home: str | None) -> frozenset[str]:
    key = (id(index), home)
    scope = _SCOPES.get(key)
    if scope is None:
        scope = _SCOPES[key] = _scope_codes(index, home)
    return scope


def _scope_codes(index: Any, home: str | None) -> frozenset[str]:
    """The regions a document's own region makes unambiguous: the region, its ancestors, and every
    region of its prefecture-level city (the cities of the province, for a provincial report).
    Empty for a national report or when the document's region is unknown."""
    region = index.by_code.get(home) if home else None
    if region is None or region.level == "national":
        return frozenset()
    chain = [region, *index.ancestors(region)]
    inside = {r.code for r in chain}
    if region.level == "province":
        # A province's counties are too many to make a short name unambiguous (新兴, 龙江 are words).
        inside.update(r.code for r in index.by_code.values() if r.parent_code == region.code and r.level == "city")
        return frozenset(inside)
    top = next((r for r in chain if r.level == "city"), chain[-1])
    inside.update(r.code for r in index.by_code.values() if _is_under(r, top, index))
    return frozenset(inside)


def _is_under(region: Any, top: Any, index: Any) -> bool:
    return any(a.code == top.code for a in index.ancestors(region))


def region_matches(
    text: str, seg: Segmentation, regions: tuple[Any, ...], home: str | None = None
) -> list[_RegionMatch]:
    """Region names in `text` on word boundaries, each resolved to one region.

    A full name (余姚市, 浙江省) counts as written. A short name counts only where the text supports
    it, because most county short names are also words (新建, 和平, 友谊, 共和, 平原, 安宁): it is
    a province's (浙江, 西藏) or a prefecture-level city's that reads as a place (厦门, 大庆); it
    comes before an institution (合作市委, 上虞政协); it follows a region it lies in (四川汶川,
    鹤岗东山); it stands in a list (、 和 与) with regions that count; or it is unambiguous in the
    document's own region (`home`, a region code: 常山 in a 衢州 report)."""
    if not regions:
        return []
    from transforms.regions import _INSTITUTION_RE, region_index

    index = region_index(regions)
    scope = _scope(index, home)
    # (start, end, candidates, accepted): candidates narrowed as support is found.
    found: list[tuple[int, int, tuple[Any, ...]]] = []
    status: list[bool | None] = []  # True: counts; None: needs a neighbour that counts
    for first, last, name in _name_candidates(seg, index):
        start, end = seg.starts[first], seg.starts[last + 1]
        candidates = index.lookup(name)
        # A full name, current or former (下城区 is now part of 杭州市's 拱墅区 and 上城区).
        full = [r for r in candidates if r.name == name or (name in r.aliases and name[-1] in _REGION_SUFFIX_CHARS)]
        if full:
            # 和县, 忠县: a two-character full name right after a character is usually two words
            # (县委的正确领导和县人大).
            if len(name) == 2 and start > 0 and re.match(rf"[{_HAN}]", text[start - 1]):
                continue
            # A district's full name that jieba knows as an ordinary word (解放区 nt) is that word.
            ordinary = first == last and len(name) <= 3 and seg.tags[first] not in _NAME_TAGS
            local = all(r.level in ("county", "district") for r in full)
            if ordinary and local and not _INSTITUTION_RE.match(text, end):
                continue
            found.append((start, end, tuple(full)))
            status.append(True)
            continue
        # A short name cut into pieces that are words of their own is not read as one (和/平安).
        if last > first and not all(len(w) == 1 for w in seg.words[first : last + 1]):
            continue
        in_scope = tuple(r for r in candidates if r.code in scope)
        if _INSTITUTION_RE.match(text, end) is not None or len(in_scope) == 1:
            found.append((start, end, in_scope if len(in_scope) == 1 else candidates))
            status.append(True)
            continue
        provinces = tuple(r for r in candidates if r.level == "province")
        cities = tuple(r for r in candidates if r.level == "city")
        # A city's short name counts when jieba reads it as a name (拉萨 nrt, 厦门 ns), unless it
        # ends a phrase with the word before it (幸福安康, 祖国安康).
        tagged = first == last and seg.tags[first] in _NAME_TAGS
        after_phrase = first > 0 and seg.tags[first - 1] in ("a", "an", "n") and len(seg.words[first - 1]) > 1
        if provinces or (len(cities) == 1 and tagged and (cities[0].short_name_standalone or not after_phrase)):
            found.append((start, end, provinces or cities))
            status.append(True)
        elif tagged and len(name) >= 3 and len(candidates) == 1 and name[-1] not in _FEATURES:
            # A short name of three characters or more that jieba reads as one name is no everyday
            # word (格尔木, 二连浩特, 九寨沟, 石景山), when only one region goes by it; one ending
            # in 江/河/湖/山/海 is as often the river or mountain (清水河, 武夷山).
            found.append((start, end, candidates))
            status.append(True)
        else:
            found.append((start, end, candidates))
            status.append(None)
    # A name right after a region it can lie in is that one (鹤岗兴安 is 鹤岗市兴安区, not 兴安盟).
    for k in range(1, len(found)):
        start, end, _ = found[k]
        if status[k - 1] and found[k - 1][1] == start:
            parents = {r.code for r in found[k - 1][2]}
            candidates = index.lookup(text[start:end])
            inside = tuple(r for r in candidates if any(a.code in parents for a in index.ancestors(r)))
            if inside:
                found[k] = (start, end, inside)
                status[k] = True
    # Three or more region names in one list are regions (与玉山、拱墅、慈溪及周边县市).
    run = [0]
    for k in range(1, len(found) + 1):
        if k < len(found) and text[found[k - 1][1] : found[k][0]] in _LIST_JOINERS:
            run.append(k)
            continue
        if len(run) >= 3:
            for m in run:
                status[m] = status[m] or True
        run = [k]
    # A short name of a region the document also names in full (汶川 after 汶川县), on its own as
    # a word jieba reads as a place.
    named_in_full = {
        r.code for (s, e, cands), st in zip(found, status, strict=True) if st for r in cands if r.name == text[s:e]
    }
    if named_in_full:
        index_of = _TokenIndex(list(seg.starts))
        for k, (start, end, candidates) in enumerate(found):
            token = index_of.get(start)
            if status[k] is not None or token is None or seg.tags[token] not in _NAME_TAGS:
                continue
            inside = tuple(r for r in candidates if r.code in named_in_full)
            if len(inside) == 1:
                found[k] = (start, end, inside)
                status[k] = True
    # Support from neighbours: a region it lies in right before it, or a list of regions.
    changed = True
    while changed:
        changed = False
        for k, (start, end, candidates) in enumerate(found):
            if status[k] is not None:
                continue
            if k > 0 and status[k - 1] and found[k - 1][1] == start:
                parents = {r.code for r in found[k - 1][2]}
                inside = tuple(r for r in candidates if any(a.code in parents for a in index.ancestors(r)))
                if inside:
                    found[k] = (start, end, inside)
                    status[k] = changed = True
                    continue
            # Only a whole list item (苏北平原、淮北平原: 平原 ends a phrase, it is no item).
            if not (start == 0 or text[start - 1] in _ITEM_EDGES) or not (end == len(text) or text[end] in _ITEM_EDGES):
                continue
            for j in (k - 1, k + 1):
                if 0 <= j < len(found) and status[j]:
                    a, b = (found[j][1], start) if j < k else (end, found[j][0])
                    if text[a:b] in _LIST_JOINERS:
                        status[k] = changed = True
                        break
    # The names the text uses pick between regions that share a name (鼓楼区 is in four cities);
    # otherwise the higher level wins (吉林 is the province, 抚顺 the city, 西安 the city).
    context = Counter(text[s:e] for (s, e, _), st in zip(found, status, strict=True) if st)
    out: list[_RegionMatch] = []
    for (start, end, candidates), st in zip(found, status, strict=True):
        if not st:
            continue
        chosen = candidates[0] if len(candidates) == 1 else _choose(text[start:end], candidates, index, context)
        if chosen is not None:
            out.append(_RegionMatch(start, end, chosen))
    return out


def _choose(name: str, candidates: tuple[Any, ...], index: Any, context: Counter[str]) -> Any:
    from transforms.regions import level_rank, resolve

    best = min(level_rank(r.level) for r in candidates)
    top = [r for r in candidates if level_rank(r.level) == best]
    if len(top) == 1:
        return top[0]
    chosen = resolve([name], index, context, levels=(top[0].level,))
    return chosen if chosen in top else None


def _place_name(region: Any, regions: tuple[Any, ...]) -> str:
    from transforms.regions import region_index

    index = region_index(regions)
    if len([r for r in index.lookup(region.name) if r.name == region.name]) <= 1:
        return str(region.name)
    chain = [a.name for a in reversed(index.ancestors(region))]
    return "".join([*chain, region.name])


def place_spans(
    text: str,
    seg: Segmentation,
    regions: tuple[Any, ...],
    matches: list[_RegionMatch],
    countries: frozenset[str] = frozenset(),
    known: list[tuple[int, int, str]] | None = None,
    home: str | None = None,
) -> list[Span]:
    """Regions (a chain such as 江西省宜春市 is one mention, named and linked by its last link),
    villages and towns, countries (seeds/reference/countries.csv, and full names of states the
    dictionary tags ns) and the rivers and mountains the dictionary tags ns."""
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
    spans.extend(town_spans(text, seg))
    spans.extend(feature_spans(text, seg, matches, regions, home))
    for start, end, name in known_spans(seg, countries) if known is None else known:
        if name in countries:
            spans.append(Span("place", start, end, name))
    for k in _tagged(seg)["ns"]:
        word, start = seg.words[k], seg.starts[k]
        if len(word) < 2:
            continue
        if len(word) == 2 and word[0] in _PROVINCE_ABBREVIATIONS and word[1] in "东西南北中":
            spans.append(Span("place", start, start + len(word), word))  # 浙西, 苏北, 皖南
        elif word in ("中国", "中华人民共和国"):
            # 数字中国, 美丽中国, 健康中国: a programme named after the country, not a mention of it.
            named = k > 0 and len(seg.words[k - 1]) == 2 and seg.tags[k - 1] in _SLOGAN_TAGS
            nxt = seg.words[k + 1] if k + 1 < len(seg.words) else "。"
            # 中国（绵阳）科技城, 中国（内蒙古）自由贸易试验区: the country heads the name of a place
            # or programme in the region named in brackets.
            in_name = text.startswith("（", start + len(word))
            if not in_name and not (word == "中国" and named and (nxt in _SLOGAN_NEXT or not _WORD_CHAR.match(nxt))):
                spans.append(Span("place", start, start + len(word), "中国", "100000"))
        elif word.endswith(_STATE_SUFFIX) and len(word) > 3 and not word.startswith(("中华", "人民")):
            spans.append(Span("place", start, start + len(word), word))
        elif (
            _NATURAL.search(word)
            and (len(word) > 2 or word in _NATURAL_2)
            and not (len(word) > 3 and set(word[-2:]) <= _FEATURES)
        ):
            # 松花江, 洞庭湖, 喜马拉雅山; not 江河湖海 or 半壁江山 (figures of speech)
            spans.append(Span("place", start, start + len(word), word))
    return spans


# Parts of the world and areas, by the last morpheme of a word jieba tags as a place: 东南亚,
# 拉丁美洲, 太平洋, 四川盆地, 青藏高原, 珠江三角洲, 台湾海峡, 辽东半岛, 渤海湾, 黄河流域.
_AREA_WORD = re.compile(
    r"(?:[东西南北]{1,2}[亚欧非美]|中[东亚]|[亚欧非澳美]洲|.{2,}[洲洋]|.+(?:盆地|高原|三角洲?|海峡|半岛|群岛)|.{2,}湾|.{2,}流域)$"
)
# 五大洲, 大洋: counts and kinds, not parts of the world; 和澳洲: a conjunction jieba glued on.
_NOT_AREA_WORD = re.compile(rf"^(?:[{_NUMERALS}]?大[洲洋]$|[和与同及])")
# A place word, then one character that makes a natural feature or a port of it: 兴隆湖, 杭州湾,
# 宁波港 (jieba cuts the character off when it does not know the whole name).
_FEATURE_CHARS = frozenset("湖山江河岛峡湾港")
# What a place names when an airport or a metropolitan area is named after it.
_AREA_HEADS = ("都市圈", "城市群")
_LINE_HEADS = frozenset({"铁路", "高铁", "高速", "公路", "高速公路", "线", "航线", "管道", "班列"})


_INITIALS: dict[tuple[int, str | None], frozenset[str]] = {}


def _city_initials(index: Any, home: str | None) -> frozenset[str]:
    """The first characters of the short names of the cities of the document's province, which
    its reports join into names of groupings (成渝, 呼包鄂, 西咸); none for a national report."""
    key = (id(index), home)
    initials = _INITIALS.get(key)
    if initials is None:
        region = index.by_code.get(home) if home else None
        chain = [region, *index.ancestors(region)] if region is not None else []
        province = next((r for r in chain if r.level == "province"), None)
        initials = frozenset(
            r.short_name[0]
            for r in index.by_code.values()
            if province is not None and r.level == "city" and r.parent_code == province.code and r.short_name
        )
        _INITIALS[key] = initials
    return initials


def feature_spans(
    text: str,
    seg: Segmentation,
    matches: list[_RegionMatch],
    regions: tuple[Any, ...] = (),
    home: str | None = None,
) -> list[Span]:
    """Places named by their morphology rather than a reference list: parts of the world and
    natural areas (a place word ending in 洲, 洋, 盆地, 高原, 海峡, 半岛, 湾 …), a place word with a
    feature character cut off after it (兴隆湖, 宁波港), an airport after a place (鹤岗机场,
    北京大兴国际机场), a metropolitan area (哈尔滨都市圈, 长三角城市群), and a grouping of
    provinces' abbreviations (粤港澳, 京津, 陕甘宁; not a railway: 京沪高铁)."""
    words, tags, starts = seg.words, seg.tags, seg.starts
    n = len(words)
    region_at = {m.start: m for m in matches}
    out: list[Span] = []

    def place_word(k: int, turned_down: bool) -> tuple[int, str | None] | None:
        """The end (and region code) of a place that starts at token k: a region named there, or
        a word jieba tags as a place. A region's name the region rules turned down counts only
        when `turned_down` (兴隆湖 is a lake; in 新建机场, 新建 is a verb)."""
        m = region_at.get(starts[k])
        if m is not None:
            return m.end, str(m.region.code)
        word = words[k]
        if tags[k] == "ns" and len(word) >= 2 and word not in _NOT_PLACE_NS and (turned_down or word not in names):
            return starts[k + 1], None
        return None

    def names_a_line(k: int) -> bool:
        """True when the list that token k opens names railways or roads (京沪、京广等高铁)."""
        for m in range(k + 1, min(k + 9, n)):
            if words[m] in _LINE_HEADS:
                return True
            if not (_NAME_WORD.fullmatch(words[m]) or words[m] in ("、", "等")) or tags[m] in ("v", "p", "uj"):
                return False
        return False

    from transforms.regions import region_index

    names = region_index(regions).by_name if regions else {}
    initials = _city_initials(region_index(regions), home) if regions else frozenset()
    tok = _TokenIndex(list(starts))
    # Only tokens tagged as places, abbreviations or names, and those that start a region, can
    # start one of these (one set lookup per token, in a comprehension).
    tagged = _tagged(seg)
    visit = set(tagged["ns"] + tagged["j"] + tagged["nr"])
    visit.update(k for m in matches if (k := tok.get(m.start)) is not None)
    for k in sorted(visit):
        word, tag = words[k], tags[k]
        # 中亚国家, 东南亚地区: jieba keeps the noun after the place in the word.
        area = re.sub(r"(?:国家|地区|各国)$", "", word) if tag == "ns" else ""
        if len(area) >= 2 and area not in _NOT_PLACE_NS and _AREA_WORD.match(area) and not _NOT_AREA_WORD.match(area):
            out.append(Span("place", starts[k], starts[k] + len(area), area))
        elif (
            tag in ("ns", "j", "nr")
            and 2 <= len(word) <= 4
            and all(c in _PROVINCE_ABBREVIATIONS or c in initials for c in word)
            and word not in names
            and not names_a_line(k)
        ):
            # 福厦/泉: a grouping goes on over single characters that are initials too.
            last = k
            while last + 1 < n and len(words[last + 1]) == 1 and words[last + 1] in initials:
                last += 1
            out.append(Span("place", starts[k], starts[last + 1], text[starts[k] : starts[last + 1]]))
        found = place_word(k, True)
        if found is None or (found[1] is None and word in names):
            # A natural feature or a port named after the word: 兴隆湖, 宁波港.
            feature = found is not None and k + 2 <= n - 1 and words[k + 1] in _FEATURE_CHARS
            if feature and not _WORD_CHAR.match(words[k + 2][:1] or "。"):
                out.append(Span("place", starts[k], starts[k + 2], text[starts[k] : starts[k + 2]]))
            continue
        end, code = found
        j = tok.get(end)
        if j is None:
            continue
        after = words[j + 1] if j + 1 < n else ""
        if words[j] in _FEATURE_CHARS and end == starts[k + 1] and not _WORD_CHAR.match(after[:1] or "。"):
            out.append(Span("place", starts[k], starts[j + 1], text[starts[k] : starts[j + 1]]))
            continue
        # The airport and the metropolitan area keep the code of the region they are named after.
        # An airport: the place, at most two words of its own name, then (国际)机场.
        for m in range(j, min(j + 4, n)):
            if words[m] in ("机场", "国际机场") or (words[m] == "国际" and m + 1 < n and words[m + 1] == "机场"):
                last = m + 1 if words[m] == "国际" else m
                out.append(Span("place", starts[k], starts[last + 1], text[starts[k] : starts[last + 1]], code))
                break
            if tags[m] in _FUNCTION_TAGS or not _NAME_WORD.fullmatch(words[m]):
                break
        if text.startswith(_AREA_HEADS, end):
            head = next(h for h in _AREA_HEADS if text.startswith(h, end))
            if end + len(head) in tok:
                out.append(Span("place", starts[k], end + len(head), text[starts[k] : end + len(head)], code))
    return out


# Words jieba tags as places that are ordinary nouns here.
_NOT_PLACE_NS = frozenset({"城市", "城镇", "海洋", "大国", "外国", "都市", "山区", "新区", "大城市", "海湾", "大湾"})


def town_spans(text: str, seg: Segmentation) -> list[Span]:
    """Villages, towns, townships and streets named before their suffix: 球川镇, 小岗村, 城关街道;
    a name that is also a noun (青石镇) only in a list with other towns (球川镇、东案乡、青石镇)."""
    found: list[tuple[int, int, bool]] = []  # (start, end, sure)
    words, tags, starts = seg.words, seg.tags, seg.starts
    for i, word in enumerate(words):
        if word not in _TOWN_SUFFIXES or i == 0:
            continue
        prev, tag = words[i - 1], tags[i - 1]
        if len(prev) >= 2:
            # A word jieba reads as a place (横店镇), or as a name where it opens a clause or a list
            # item (、招贤镇); a noun (空心村, 重点镇) only in a list of towns (、青石镇).
            opens = i < 2 or words[i - 2] in _CLAUSE_OPENERS
            if not _NOT_IN_NAME & set(prev) and (tag in ("ns", "nz") or (opens and tag in ("nr", "nrfg", "nrt"))):
                found.append((starts[i - 1], starts[i + 1], True))
            elif tag == "n" and not _NOT_IN_NAME & set(prev):
                found.append((starts[i - 1], starts[i + 1], False))
            continue
        # Characters cut one by one (two or three), none of them a function word.
        j = i
        while j > 0 and i - j < 3:
            w = words[j - 1]
            if len(w) != 1 or not _WORD_CHAR.match(w) or w in _NOT_IN_NAME or tags[j - 1] in _FUNCTION_TAGS:
                break
            j -= 1
        if i - j >= 2:
            found.append((starts[j], starts[i + 1], True))
    out: list[Span] = []
    for k, (start, end, sure) in enumerate(found):
        listed = (k > 0 and found[k - 1][2] and text[found[k - 1][1] : start] == "、") or (
            k + 1 < len(found) and found[k + 1][2] and text[end : found[k + 1][0]] == "、"
        )
        if sure or listed:
            out.append(Span("place", start, end, text[start:end]))
    return out


def _is_within(child: Any, parent: Any, regions: tuple[Any, ...]) -> bool:
    from transforms.regions import region_index

    return any(a.code == parent.code for a in region_index(regions).ancestors(child))


# ---------------------------------------------------------------------------------------------
# All together


class _Ranges:
    """Ranges that do not overlap one another, sorted: whether a span overlaps or lies inside one
    is found by bisection (a report holds hundreds of mentions; comparing each with each grew
    with their square)."""

    def __init__(self, ranges: Iterable[tuple[int, int]] = ()) -> None:
        pairs = sorted(ranges)
        self.starts = [s for s, _ in pairs]
        self.ends = [e for _, e in pairs]

    def overlaps(self, span: Span) -> bool:
        i = bisect_left(self.starts, span.end) - 1
        return i >= 0 and self.ends[i] > span.start

    def contains(self, span: Span) -> bool:
        i = bisect_right(self.starts, span.start) - 1
        return i >= 0 and self.ends[i] >= span.end

    def add(self, span: Span) -> None:
        i = bisect_left(self.starts, span.start)
        self.starts.insert(i, span.start)
        self.ends.insert(i, span.end)


def _longest_first(spans: list[Span]) -> list[Span]:
    """Of overlapping spans of one type, keep the longest (then the earliest)."""
    kept: list[Span] = []
    taken = _Ranges()
    for sp in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if not taken.overlaps(sp):
            kept.append(sp)
            taken.add(sp)
    return kept


_UNIONS: dict[tuple[frozenset[str], frozenset[str]], frozenset[str]] = {}


def _union(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    key = (a, b)  # a frozenset keeps its hash: the lookup costs no pass over the names
    both = _UNIONS.get(key)
    if both is None:
        both = _UNIONS[key] = a | b
    return both


def entity_spans(
    text: str,
    seg: Segmentation,
    *,
    user_words: tuple[UserWord, ...] = (),
    formulas: tuple[FormulaEntry, ...] = (),
    regions: tuple[Any, ...] = (),
    home: str | None = None,
    countries: frozenset[str] = frozenset(),
    leaders: frozenset[str] = frozenset(),
) -> list[Span]:
    """Every entity span of a text, before they are tied to sentences. `regions` are the rows of
    seeds/reference/regions.csv (transforms.regions.Region); `home` is the code of the document's
    own region, where short names of its places are unambiguous."""
    user_tags = {w.word: w.tag for w in user_words if w.tag}
    # Countries and leaders are looked up in one pass over the tokens.
    known = known_spans(seg, _union(countries, leaders))
    titles = title_spans(text)
    in_titles = _Ranges((s.start, s.end) for s in titles)
    quotes = quoted_spans(text)
    formula_rows = [Span("formula", s, e, n) for s, e, n in formula_spans(text, formulas)]
    matches = [
        m for m in region_matches(text, seg, regions, home) if not in_titles.contains(Span("place", m.start, m.end, ""))
    ]
    region_spans = [(m.start, m.end) for m in matches]
    orgs = _longest_first(
        [o for o in organization_spans(text, seg, regions, region_spans) if not in_titles.contains(o)]
    )
    org_ranges = _Ranges((o.start, o.end) for o in orgs)
    persons = _longest_first(
        [
            p
            for p in person_spans(text, seg, user_tags, leaders)
            if not in_titles.contains(p) and not org_ranges.overlaps(p)
        ]
    )
    person_ranges = _Ranges((p.start, p.end) for p in persons)
    places = _longest_first(
        [
            p
            for p in place_spans(text, seg, regions, matches, countries, known, home)
            if not in_titles.contains(p) and not org_ranges.overlaps(p) and not person_ranges.overlaps(p)
        ]
    )
    # A label that opens with a place's name is named after the place, not counted (四川云教).
    place_starts = {p.start for p in places}
    formula_rows = [f for f in formula_rows if f.start not in place_starts]
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
    home: str | None = None,
    countries: frozenset[str] = frozenset(),
    leaders: frozenset[str] = frozenset(),
) -> list[EntityMention]:
    """One row per entity mention in the document; `text[char_start:char_end]` is the mention and
    `sentence_id` the sentence it starts in. Sorted by offset, then type."""
    starts = [s.char_start for s in sentences]
    rows: list[EntityMention] = []
    seen: set[tuple[str, int, int]] = set()
    spans = entity_spans(
        text,
        seg,
        user_words=user_words,
        formulas=formulas,
        regions=regions,
        home=home,
        countries=countries,
        leaders=leaders,
    )
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
