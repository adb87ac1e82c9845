"""What a quantity counts: the noun phrase (`what`), its head noun (`what_head`) and the verb
that acts on it (`verb`), read from a sentence's jieba tokens and tags (transforms/segment.py).

The phrase is built from whole tokens, so it never cuts a word, and a 《title》, “quotation” or
（aside） is taken or left whole. Three places hold the counted thing:

- after a measure word: 办理1069件提案, 选树61个典型案例, 6个委员调研小组提出… (a count only:
  1500余万元投入民生领域 does not count 民生领域);
- before the number, after the verb that governs it: 提交提案266件, 开展委员荐书、线上读书等活动78场
  (a coordinated list is one phrase), 补助资金由上年46亿元增加到92亿元 (the linking words and
  comparisons between phrase and number are skipped);
- after the number as a verb, when neither gives a noun: 3.58亿人参保.

A number whose clause names nothing (被…分别采用38篇、77篇) counts what the quantity before it in the
sentence counts; the caller decides that (`Subject.own` is False).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from transforms.segment import Segmentation, UserWord, search_words


class Token(NamedTuple):
    """One jieba token of a sentence; `start`/`end` index the sentence text."""

    word: str
    tag: str
    start: int
    end: int


# The (what, head) of each member of a coordinated phrase.
Conjuncts = tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class Subject:
    what: str | None
    head: str | None
    verb: str | None
    own: bool  # False when the clause names nothing the number counts
    change: bool  # the number is a change of something (增加300亿元, 提高两个百分点), not an amount of it
    share: bool  # the number follows 占: a part stated as its share of a whole
    stock: bool  # the number is what exists already (现有8个, 已有, 累计): not a goal
    linked: bool = False  # a linking or change verb stands before it (…，达到11.67万亿元): it goes on a subject
    compared: bool = False  # it is the base of a comparison (比1952年的73亿元, 由89个增加到): no part of anything
    each: bool = False  # 分别 stands before it: the numbers after 分别 are siblings, not parts of one another
    # with 分别, the (what, head) of each member of a coordinated phrase (A、B分别达到247家、35家)
    conjuncts: Conjuncts = ()


# Tags that can sit inside a noun phrase. jieba: n* nouns, vn verbal nouns, an adjectival nouns,
# b distinguishing words (重大, 现有 is handled apart), a adjectives, j abbreviations, k suffixes
# (联谊型), l idioms, s places, eng Latin words (5G), q measure words inside names (宁波市级), h prefixes
# (非+化石能源).
_NOMINAL = (
    "n", "vn", "an", "b", "a", "j", "k", "l", "s", "eng", "q", "g", "t", "zg", "nz", "nt", "ns", "nr", "ng", "h",
)  # fmt: skip
# Verbs that govern the counted thing in reports, whatever tag jieba gives them without HMM
# (联系/n, 办理/n, 惠及/ns, 建设/vn): one before a phrase is the action, not part of the name.
GOVERNING_VERBS = frozenset(
    {"开展", "举办", "举行", "召开", "组织", "提交", "提出", "提供", "收到", "征集", "立案", "交办", "办结", "办复",
     "答复", "办理", "采用", "采纳", "录用", "报送", "编发", "刊发", "发表", "完成", "形成", "建立", "建成", "建设",
     "成立", "开设", "培训", "服务", "惠及", "帮助", "解决", "调解", "化解", "推动", "助推", "撬动", "引进", "吸引",
     "投入", "安排", "下达", "筹集", "新增", "新建", "评选", "表彰", "整改", "参与", "参加", "走访", "联系", "慰问",
     "接待", "发放", "捐赠", "募集", "出台", "制定", "修订", "完善", "部署", "打造", "选树", "培育", "认定", "获批",
     "收集", "发动", "编纂", "整治", "改造", "实施", "推出", "设立", "组建", "印发", "发布", "建", "拨付", "带动",
     "吸纳", "审议", "助解", "覆盖", "减免", "发行", "支持", "实现", "促成", "转移", "优化", "培养", "输送", "研究部署",
     "抓好", "建好", "办好", "用好", "管好", "扩大"}
)  # fmt: skip
_VERB = ("v", "vd", "vi", "vg", "z", "ad")  # z: state words that jieba gives to some verbs (紧盯)
_COORD = frozenset({"、", "和", "与", "及", "或", "以及", "或者"})
_BRACKETS = {"”": "“", "》": "《", "）": "（", ")": "(", "’": "‘", "」": "「"}
_OPENERS = {v: k for k, v in _BRACKETS.items()}
# Between the phrase and the number: linking and change verbs, qualifiers, comparisons (比上年,
# 由上年) and adverbs. Their verb (提高, 达) is the metric's verb when nothing else governs it.
_CHANGE = frozenset(
    {
        "增长",
        "增加",
        "提高",
        "下降",
        "降低",
        "减少",
        "增至",
        "降至",
        "降到",
        "提高到",
        "增加到",
        "扩大到",
        "扩大",
        "上升",
        "回落",
    }
)
_STOCK = frozenset({"现有", "已有", "累计", "现存", "存量", "累积"})
_LINK = frozenset(
    {"达", "达到", "为", "是", "至", "到", "超过", "超", "约", "近", "共", "共计", "合计", "总计", "分别", "均",
     "突破", "保持", "保持在", "控制", "控制在", "占", "比", "比上年", "同比", "年均", "平均", "累计", "现有",
     "已有", "已", "已经", "持续保持", "继续保持", "逾", "多达", "不到", "不足", "超出", "高于", "低于",
     "仅", "只有", "有", "了", "又", "再",
     "要", "将", "应", "能", "可", "需", "须", "必须", "力争", "争取", "确保", "预计", "拟", "定为", "确定为",
     "共有", "计"}
)  # fmt: skip
# Links that say the phrase before them amounts to the number (吞吐量超2400万标准箱).
_COPULAS = frozenset({"达", "达到", "为", "是", "超", "超过", "突破", "逾", "多达"})
_TAIL_VERBS = frozenset({"达", "达到", "为", "占", "保持", "突破", "超", "超过", "持续保持", "继续保持"})
_TAIL_TAGS = ("d", "p", "ul", "f", "m")
# The measure words that count times or occasions: the thing done is what they count (委员视察6次).
COUNTERS = frozenset(
    {"人", "名", "位", "户", "人次", "家", "次", "场", "场次", "期", "轮", "批次", "家次", "户次", "件次"}
)  # people, households and occasions: an event verb before them is what they count (视察6次, 就业36万人)
_FREQUENCY = frozenset({"次", "场", "人次", "场次", "期", "轮", "批次", "家次", "户次", "件次"})
# Counters of things (not of people, money or occasions): a verb right before such a number
# governs it (已解决12个), it is not the thing counted.
_OBJECT_COUNTERS = frozenset(
    {"个", "件", "项", "篇", "条", "家", "所", "座", "套", "部", "本", "种", "处", "台", "辆", "份", "册", "幅",
     "首", "张", "株", "棵", "支", "宗", "笔", "艘", "架", "只", "头", "例"}
)  # fmt: skip
# Words that end a phrase without being part of what is counted.
_TRIM_END = frozenset({"数量", "总量", "总数", "人数", "规模", "目标", "调控目标", "预期目标"})
# Prepositions that open a phrase inside a relative clause (财政对参合农民的补助).
_PP_HEADS = frozenset({"对", "向", "为", "给"})
# Characters of numbers and approximations (a one-character m token of another kind, 首, is a word piece).
_NUMERAL_CHARS = frozenset("〇○零一二两三四五六七八九十百千万亿多余几半数第每")
# Adverbs of degree that jieba tags as nouns or adjectives without HMM (基本/n 建成, 新/a 安排):
# before a verb they modify it.
_ADVERBIAL_NOUNS = frozenset({"基本", "实际", "全部", "总体", "整体", "初步", "新"})
# Units that are no physical measure: money, shares, a bare 万/亿 amount.
_NOT_PHYSICAL = frozenset({"元", "美元", "港元", "欧元", "%", "‰", "个百分点", "倍", ""})
# Words after the counted noun that say how many of it, not what it is (52个贫困县全部摘帽).
_NOT_IN_PHRASE = frozenset({"全部", "全都", "均", "都", "共", "已", "已经", "全"})
_PASSIVE = frozenset({"被", "得到", "受到", "获得", "经"})


def sentence_tokens(seg: Segmentation, start: int, end: int) -> list[Token]:
    """The tokens of document text [start, end) from the document's segmentation, with offsets
    relative to `start` (a token cut by a boundary is clipped to it)."""
    i0 = max(0, bisect_right(seg.starts, start) - 1)
    i1 = bisect_left(seg.starts, end, lo=i0)
    starts = seg.starts
    # full-width digits come one per token tagged x: they are numerals
    out = [
        Token(w, "m" if t == "x" and (w.isdigit() or w in ("○", "〇")) else t, s0 - start, s1 - start)
        for w, t, s0, s1 in zip(seg.words[i0:i1], seg.tags[i0:i1], starts[i0:i1], starts[i0 + 1 : i1 + 1], strict=True)
    ]
    for k in (0, len(out) - 1):  # the end tokens may reach over the sentence's bounds
        if out and (out[k].start < 0 or out[k].end > end - start):
            tok = out[k]
            s0, s1 = max(tok.start, 0), min(tok.end, end - start)
            out[k] = tok._replace(word=tok.word[s0 - tok.start : s1 - tok.start], start=s0, end=s1)
    return out


def _token_end(tok: Token) -> int:
    return tok.end


def _token_start(tok: Token) -> int:
    return tok.start


def _nominal(tok: Token) -> bool:
    return tok.tag.startswith("n") or tok.tag in _NOMINAL


def _verb(tok: Token) -> bool:
    return tok.tag in _VERB and tok.word not in _STOCK


def _bracket_start(toks: Sequence[Token], j: int, floor: int) -> int | None:
    """Index of the opener matching the closer at j, or None when it is not in the clause."""
    opener = _BRACKETS[toks[j].word[-1]]
    k = j - 1
    while k >= 0 and toks[k].start >= floor:
        if toks[k].word in "，。；：" and opener not in "《“":
            return None
        if toks[k].word.startswith(opener):
            return k
        k -= 1
    return None


def _bracket_end(toks: Sequence[Token], j: int) -> int | None:
    closer = _OPENERS[toks[j].word[0]]
    for k in range(j + 1, min(len(toks), j + 40)):
        if toks[k].word.endswith(closer):
            return k
    return None


def _is_governing(toks: Sequence[Token], k: int, floor: int) -> bool:
    """A verb that takes the phrase after it as its object: a verb of the report lexicon, or any
    verb that does not stand between two nouns (沉浸式宣讲活动, 协商纪要 are names, not actions)."""
    tok = toks[k]
    if tok.word in _STOCK or tok.word in _LINK:
        return False
    left = toks[k - 1] if k > 0 and toks[k - 1].start >= floor else None
    if left is not None and left.word and left.word[-1] in "”》" and tok.word not in GOVERNING_VERBS:
        return False  # “八闽书房”辐射人群: a name and what it does, not an action on a phrase
    if left is not None and left.word == "、":
        # inside a list (政策文件、实施意见) unless the 、 follows the quantity before (32项、提交提案266件)
        return k < 2 or toks[k - 2].start < floor or toks[k - 2].tag == "m" or toks[k - 2].end <= floor
    if left is not None and _list_piece(toks, k - 1, floor):
        return False  # …培训、中+高考志愿填报…: a verb jieba cut out of a list item's word
    if left is not None and left.word in ("等", "的") and not (tok.tag == "v" and tok.word in GOVERNING_VERBS):
        return False  # 等服务活动: a verbal noun inside the phrase; 等开展民主监督: the action
    if tok.word in GOVERNING_VERBS:
        return left is None or not _nominal(left) or tok.tag in _VERB
    if tok.tag not in _VERB:
        return False
    return left is None or not (_nominal(left) or left.tag in _VERB or left.word in ("等", "的"))


def _list_piece(toks: Sequence[Token], k: int, floor: int) -> bool:
    """The one-character token at k opens a list item (、中+高考…) before a verb: a piece of a word."""
    return (
        len(toks[k].word) == 1
        and toks[k].tag in ("f", "d", "a")
        and k > 0
        and toks[k - 1].word == "、"
        and toks[k - 1].start >= floor
        and k + 1 < len(toks)
        and toks[k + 1].tag in _VERB
    )


def _verb_word(toks: Sequence[Token], k: int, floor: int) -> str:
    """The verb at k as a reader names it: one-character pieces that jieba left apart are joined
    (助+解, 选+树, 划+为, 建+好, 获+批)."""
    word = toks[k].word
    if len(word) == 1:
        if k > 0 and toks[k - 1].start >= floor and len(toks[k - 1].word) == 1 and toks[k - 1].tag in ("v", "zg", "vg"):
            return toks[k - 1].word + word
        if k + 1 < len(toks) and len(toks[k + 1].word) == 1 and toks[k + 1].tag in ("p", "a", "q", "v"):
            return word + toks[k + 1].word
    return word


def _in_event_clause(toks: Sequence[Token], j: int, floor: int, event_at: int) -> bool:
    """A verb or adverb right before the event verb counted in people (新增+就业, 转移+就业, 再+就业)
    with a noun before it: the noun is the subject of the event, the verb part of what is done, so
    the phrase is the whole clause (城镇新增就业, 农村劳动力转移就业), not an action on a noun."""
    return (
        event_at == j + 1
        and toks[event_at].tag == "v"
        and (toks[j].tag == "d" or (toks[j].tag in _VERB and toks[j].word not in _LINK))
        and j > 0
        and toks[j - 1].start >= floor
        and toks[j - 1].tag.startswith("n")
    )


def _newly(toks: Sequence[Token], k: int, floor: int) -> bool:
    """新 before the verb at k, at the start of its clause: 新设外资企业428家 says what was newly
    done to how many; before a link or a change (新登记企业增长24.5%) 新登记 names the thing."""
    return (
        toks[k].tag in _VERB
        and k > 0
        and toks[k - 1].word == "新"
        and toks[k - 1].start >= floor
        and (k < 2 or toks[k - 2].start < floor or not _nominal(toks[k - 2]))
        and not (len(toks[k].word) == 1 and k + 1 < len(toks) and len(toks[k + 1].word) == 1)
    )  # 新+入+规…: one-character pieces after 新 are a word jieba cut, not a verb


def _distributive(tok: Token) -> bool:
    """每天, 每月, 每人, 人均, 户均: a rate's denominator or frequency, no part of the phrase."""
    return (tok.word.startswith("每") and tok.word != "每") or tok.word in ("人均", "户均")


def _topic_before(toks: Sequence[Token], j: int, floor: int) -> tuple[int, int] | None:
    """Indexes of the noun before the verb at j (or before the verb before it) and of the thing's
    last token (the noun, or the verb that names the work: 改造 of 改造开工) when the clause is
    topic, action, count (城中村改造8.8万套, 棚户区住房改造开工601万套): the noun is the thing the
    count is of. An organization, a person or a pronoun there is the agent (市政协采用110篇, 我省
    建成…), and what it counts is said elsewhere."""
    k = j - 1
    if k >= 0 and toks[k].start >= floor and toks[k].tag in _VERB and toks[k].word not in _LINK:
        k -= 1  # 改造+开工: the first verb names the work, part of the thing
        last = k + 1
    elif k >= 0 and toks[k].word in _ADVERBIAL_NOUNS:
        k -= 1
        last = k
    else:
        last = k
    if k < 0 or toks[k].start < floor:
        return None
    tag = toks[k].tag
    nominal = (tag.startswith("n") and tag not in ("nt", "nr", "nrt", "nrfg")) or tag == "vn"
    return (k, last) if nominal else None


def _count_ends_clause(toks: Sequence[Token], k: int) -> bool:
    """No noun follows the count at token k (…改造8.8万套，): the count's thing is not after it."""
    while k < len(toks) and (toks[k].tag in ("m", "q", "f") or toks[k].word in ("余", "多")):
        k += 1  # the rest of the quantity (万套, 以上)
    return k >= len(toks) or toks[k].tag == "x" or toks[k].tag in _VERB


def _phrase_before(
    toks: Sequence[Token], j: int, floor: int, event: str, direct: bool = False, physical: bool = False
) -> tuple[int, int, str | None, str | None]:
    """(first, last) token indexes of the noun phrase that ends at token j, the verb that governs
    it (where the walk stopped) and the event verb the phrase consists of, if it is one
    (委员视察6次). first > last when there is none. `direct`: the number follows the phrase with
    no link or change between them (新设外资企业428家, not 新登记企业增长24.5%). `physical`: the unit
    measures length, area, weight or power (公里, 亩, 吨, 千瓦), not money, people or a share."""
    last = j
    head_seen = False  # a noun (or the event verb) that heads the phrase was taken
    conjunct = False  # after 、/和/等: the next conjunct may end in verbs (学习座谈和…学习)
    relative = False  # after 的: the relative clause may hold a verb (关心的问题)
    event_only = False  # an event counted in money or people (让利1.5万亿元): taken alone
    verb: str | None = None
    event_word: str | None = None
    event_at = -1  # index of the event verb the phrase ends in
    topic_verb: str | None = None  # the verb after the phrase, when it is a topic before it
    clause_verb: str | None = None  # the verb inside such a phrase (城镇新增就业 → 新增)
    skipped: str | None = None  # a governing verb right before the number, its subject before it
    while j >= 0 and toks[j].start >= floor:
        tok = toks[j]
        if tok.word and tok.word[-1] in _BRACKETS:
            k = _bracket_start(toks, j, floor)
            if k is None:
                break
            head_seen, conjunct = True, False
            j = k - 1
            continue
        if event_only:
            break
        if not head_seen and tok.tag == "a" and len(tok.word) == 1 and j > 0 and toks[j - 1].tag in _VERB:
            verb = _verb_word(toks, j - 1, floor)  # 抓好1000户, 建好8个: a verb and its result
            break
        if tok.word in _COORD and (tok.tag in ("c", "x") or tok.word == "、"):
            if not head_seen:
                break
            conjunct = True
        elif tok.word in ("的", "等"):
            if not head_seen and tok.word == "的":
                break
            relative = relative or tok.word == "的"
            conjunct = conjunct or tok.word == "等"
        elif not head_seen and tok.tag in _VERB and j > 0 and toks[j - 1].word == "的" and toks[j - 1].start >= floor:
            head_seen = True  # 用于“三农”的支出: after 的 a verb is the noun the clause describes
        elif (
            head_seen
            and len(tok.word) == 1
            and tok.tag in _VERB
            and j + 1 <= last
            and len(toks[j + 1].word) == 1
            and toks[j + 1].tag.startswith("n")
            and tok.word not in _LINK
        ):
            pass  # 普+惠小微贷款, 算+力规模: a one-character "verb" before a one-character noun piece is a word
        elif head_seen and _list_piece(toks, j, floor):
            pass  # 、中+高考志愿填报…: the first piece of a list item jieba cut
        elif relative and tok.word in _PP_HEADS and j > 0 and _nominal(toks[j - 1]) and toks[j - 1].start >= floor:
            pass  # 中央和地方财政+对+参合农民的补助标准: the 对-phrase of a relative clause
        elif _in_event_clause(toks, j, floor, event_at):
            # 城镇新增就业, 下岗失业人员再就业: the people counted are the subject of a clause
            if tok.tag in _VERB and clause_verb is None:
                clause_verb = _verb_word(toks, j, floor)
        elif (
            head_seen
            and len(tok.word) == 1
            and tok.tag == "d"
            and j + 1 <= last
            and len(toks[j + 1].word) == 1
            and (
                toks[j + 1].tag.startswith("n")
                or (toks[j + 1].tag in _VERB and j + 2 < len(toks) and toks[j + 2].word in _COORD)
            )
        ):
            pass  # 共+富引领, 互+认、: a one-character adverb of a word jieba cut, not the adverb of the phrase
        elif (
            head_seen
            and tok.tag == "m"
            and len(tok.word) == 1
            and tok.word not in _NUMERAL_CHARS
            and not tok.word.isdigit()
            and not (j > 0 and toks[j - 1].tag == "m")
            and j + 1 <= last
            and len(toks[j + 1].word) == 1
            and toks[j + 1].tag.startswith("n")
        ):
            pass  # 首+店 (知名首店): an ordinal jieba tags m, inside a word
        elif tok.tag == "m" or tok.word in _STOCK or tok.word in _LINK:
            break
        elif tok.word in ("以上", "以下") and head_seen and j > 0 and toks[j - 1].start >= floor:
            # 万吨级以上泊位, 规模以上工业企业, 60岁以上人口: a bound that qualifies the noun
            k = j - 1
            while k >= 0 and toks[k].start >= floor and toks[k].tag in ("m", "q"):
                k -= 1
            if k < j - 1 and toks[k + 1].tag == "m":
                j = k + 1  # the bound's number and measure word belong to the phrase
            elif k < j - 1 or toks[j - 1].tag not in ("b", "n") or (j > 1 and toks[j - 2].tag in ("m", "q")):
                break  # 十个职工以上的…企业: the bound counts something else
        elif (
            tok.tag == "f"
            and len(tok.word) == 1
            and head_seen
            and j > 0
            and len(toks[j - 1].word) == 1
            and _nominal(toks[j - 1])
        ):
            pass  # 线+上 (线上读书): a one-character locative inside a word jieba left apart
        elif (
            not head_seen
            and event != "none"
            and len(tok.word) == 1
            and tok.tag not in ("a", "x", "p", "d", "m")
            and j > 0
            and toks[j - 1].start >= floor
            and (toks[j - 1].tag in _VERB or _nominal(toks[j - 1]))
        ):
            head_seen = True  # 办结+率, 赤字+率: a one-character head that jieba left apart joins its word
            j -= 2
            continue
        elif tok.tag in _VERB or tok.word in GOVERNING_VERBS:
            governing = _is_governing(toks, j, floor)
            if not head_seen:
                left_verb = j > 0 and toks[j - 1].start >= floor and toks[j - 1].tag in (*_VERB, "zg")
                if event == "none" and (governing or tok.word in GOVERNING_VERBS or left_verb):
                    verb = _verb_word(toks, j, floor)  # 已解决12个, 市政协采用110篇: it governs the number
                    topic = _topic_before(toks, j, floor)
                    if topic is None or j != last or not _count_ends_clause(toks, last + 1):
                        break
                    # 城中村改造8.8万套, 棚户区住房改造开工601万套: the thing and what was done to it
                    head_seen, topic_verb = True, verb
                    j, last = topic
                    continue
                if tok.word in GOVERNING_VERBS and skipped is None and not (j > 0 and toks[j - 1].tag in _VERB):
                    skipped = _verb_word(toks, j, floor)  # 中央预算投资安排150亿元: the subject is before it
                    j -= 1
                    while j >= 0 and toks[j].start >= floor and _distributive(toks[j]):
                        j -= 1  # 市场主体每天新增4.5万户, 养老金人均每月新增110元: how often, per whom
                    last = j
                    continue
                head_seen = True  # 委员视察6次, 发言53人次, 让利1.5万亿元: the thing done
                event_word, event_at = tok.word, j
                event_only = event == "alone"
            elif conjunct or (relative and j + 1 <= last and toks[j + 1].word == "的"):
                relative = False
            elif relative and j > 1 and toks[j - 1].word in _PP_HEADS and _nominal(toks[j - 2]):
                pass  # 财政对参合农民的补助标准: the verb of the relative clause after its 对-phrase
            elif governing or (direct and _newly(toks, j, floor)) or (physical and event_word is not None):
                # 淘汰+落后炼铁产能4659万吨: in a physical measure the thing done is named by nouns only
                verb = _verb_word(toks, j, floor)
                break
        elif _nominal(tok) or (
            tok.tag == "i"
            and (toks[j + 1].tag.startswith("n") if j < last else j > 0 and toks[j - 1].tag.startswith("n"))
        ):
            # i: jieba's idioms, some of them names of things (港口+吞吐能力, 水土流失+面积); one before
            # a verb or a list mark, or alone, is a manner (进一步+提高, 精简整编、)
            head_seen, conjunct = True, False
        else:
            break
        j -= 1
    first = j + 1
    if topic_verb and any(t.word == "等" or t.word.startswith("《") for t in toks[first : last + 1]):
        return last + 1, last, topic_verb, None  # 《人民政协报》…等媒体刊发14篇: named examples are who acted
    if verb is not None and verb != toks[j].word and j + 1 <= last and verb == toks[j].word + toks[j + 1].word:
        first = j + 2  # 助+解: the verb took the next piece

    # a phrase starts with what it names, not with a coordinator, 的, 等 or a time word
    while first <= last and (
        toks[first].word in _COORD or toks[first].word in ("的", "等") or (toks[first].tag == "t" and first < last)
    ):
        first += 1
    if first < last or (first == last and toks[first].word != event_word):
        event_word = None
    if skipped is not None:
        verb = skipped if first > last else verb or skipped
    if verb is None:
        # 调解各类矛盾纠纷: the governing verb stands behind a determiner or an adverb
        k = j
        while k >= 0 and toks[k].start >= floor and toks[k].tag in ("r", "d", "ad") and k > j - 3:
            k -= 1
        if (
            k >= 0
            and toks[k].start >= floor
            and (toks[k].tag in _VERB or toks[k].word in GOVERNING_VERBS)
            and toks[k].word not in _STOCK
            and toks[k].word not in _LINK
        ):
            verb = _verb_word(toks, k, floor)
    return first, last, verb or clause_verb, event_word


def _verb_left(toks: Sequence[Token], j: int, floor: int) -> str | None:
    """The nearest governing verb left of token j in the clause (围绕“…”等6个专题 → 围绕)."""
    while j >= 0 and toks[j].start >= floor:
        if toks[j].word and toks[j].word[-1] in _BRACKETS:
            k = _bracket_start(toks, j, floor)
            if k is None:
                return None
            j = k - 1
            continue
        if (toks[j].tag in _VERB or toks[j].word in GOVERNING_VERBS) and _is_governing(toks, j, floor):
            return _verb_word(toks, j, floor)
        j -= 1
    return None


def _relative_clause_end(toks: Sequence[Token], j: int) -> int | None:
    """Index of the 的 that ends a relative clause opening at token j: a verb with its objects,
    coordinated or not (受过高等教育和有专业技能的), then a noun; None when toks[j:] is none."""
    if j >= len(toks) or toks[j].tag not in _VERB or toks[j].word in _LINK:
        return None  # 60万无电地区人口的用电问题: a noun first is what is counted, 的 starts what it has
    has_verb = False
    for k in range(j, min(len(toks), j + 12)):
        tok = toks[k]
        if tok.word == "的":
            return k if has_verb and k + 1 < len(toks) and _nominal(toks[k + 1]) else None
        if tok.tag in _VERB:
            has_verb = True
        elif not (_nominal(tok) or tok.word in _COORD or tok.tag in ("d", "p", "f")):
            return None
    return None


def _phrase_after(toks: Sequence[Token], j: int, relative: bool = False) -> tuple[int, int]:
    """(first, last) indexes of the noun phrase that starts at token j (6个委员调研小组提出 …,
    7个学习座谈小组): modifiers, verbs among them, then nouns; it ends on a noun. A relative clause
    (1亿多受过高等教育和有专业技能的人才) is taken with the noun after its 的."""
    if j < len(toks) and toks[j].word[:1] in "（(":
        # 8978辆（台）, 2.5万套（间）城市危旧房: an aside on the unit, not what is counted
        end = _bracket_end(toks, j)
        return _phrase_after(toks, end + 1, relative) if end is not None else (j, j - 1)
    if j < len(toks) and toks[j].word in _COPULAS:
        return j, j - 1  # 三十五亿元是用于…: the link after the amount says what it is for, not what it is
    de = _relative_clause_end(toks, j) if relative else None
    if de is not None:
        _, last = _phrase_after(toks, de + 1)
        if last > de:
            return j, last
    first = k = j
    last = j - 1
    seen_noun = False
    while k < len(toks):
        tok = toks[k]
        if tok.word and tok.word[0] in "“《（(":
            end = _bracket_end(toks, k)
            if end is None:
                break
            k = end + 1
            last, seen_noun = end, True
            continue
        if tok.tag == "m" and not seen_noun:
            q = k
            while q < len(toks) and toks[q].tag == "m":
                q += 1
            if q + 1 < len(toks) and toks[q].tag == "q" and _nominal(toks[q + 1]):
                k = q + 1  # 6个万亿级产业, 2台百万千瓦机组: a number and measure word that qualify the noun
                continue
        if tok.tag == "m" or tok.word in ("的", "等") or tok.word in _NOT_IN_PHRASE:
            break
        if tok.word in _COORD and k + 1 < len(toks) and _nominal(toks[k + 1]) and seen_noun:
            k += 1
            continue
        if tok.tag in _VERB or tok.word in GOVERNING_VERBS:
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if (
                seen_noun
                and len(tok.word) == 1
                and nxt is not None
                and nxt.tag.startswith("n")
                and len(toks[k - 1].word) == 1
            ):
                k += 1  # 抽水蓄+能+项目, 综+试+区: one-character pieces jieba left apart are one word
                continue
            if seen_noun:
                break
            if nxt is None or not (_nominal(nxt) or nxt.tag in _VERB):
                break
        elif not _nominal(tok):
            break
        elif (
            seen_noun
            and tok.tag in ("l", "j")
            and len(tok.word) == 4
            and (k + 1 == len(toks) or toks[k + 1].word in "，。；！,;!")
        ):
            break  # 20项民生实事全面完成。243个重点项目建成投产。: a set phrase ending the clause is its predicate
        elif tok.tag.startswith("n") or tok.tag in ("vn", "j", "nz", "eng", "k", "l", "g"):
            seen_noun = True
            last = k
        elif tok.tag in ("q", "zg") and len(tok.word) == 1 and seen_noun and last == k - 1:
            last = k  # 样板+村: a one-character head jieba tags as a measure word or zg
        k += 1
    return first, last


def _event_after(toks: Sequence[Token], k: int) -> tuple[str, int, int] | None:
    """(verb, first, last) of what is done after a count of occasions: 4次在全国政协大会上作交流发言
    → (作, 交流发言). A 在…上/中 phrase and adverbs before the verb are skipped; the phrase after
    it runs to the end of the clause, nouns and verbs of the event only."""
    n = len(toks)
    while k < n and (toks[k].tag in ("d", "p", "f", "t") or _nominal(toks[k])) and toks[k].word not in "，。；：":
        k += 1
    if k >= n or toks[k].tag not in _VERB:
        return None
    verb_at = k
    k += 1
    first = k
    while k < n and (_nominal(toks[k]) or toks[k].tag in _VERB) and toks[k].word not in GOVERNING_VERBS:
        k += 1
    if k == first or (k < n and toks[k].word not in "，。；：,;:！？"):
        return None
    return _verb_word(toks, verb_at, 0), first, k - 1


def _verb_after(toks: Sequence[Token], k: int, words: tuple[UserWord, ...] = ()) -> str | None:
    """The verb the phrase ending before token k is the subject of: 成果得到…批示 → 批示 when a
    verb follows the agent, 获 …; adverbs and a 在… phrase before it are skipped. After 得到/受到
    with no verb, the action is the last word of the object's head (得到…主要领导批示 → 批示)."""
    n = len(toks)
    passive = False
    head: str | None = None  # the last noun after a passive word
    while k < n and toks[k].word not in "，。；：,;:":
        tok = toks[k]
        if passive and (tok.tag.startswith("n") or tok.tag == "vn"):
            head = tok.word
        if tok.word in _PASSIVE:
            passive = True
        elif _verb(tok):
            if passive and k + 1 < n and toks[k + 1].tag.startswith("n"):
                k += 1  # 被相关部门采纳: 相关 is part of the agent
                continue
            return _verb_word(toks, k, 0)
        elif tok.tag in ("l", "j") and len(tok.word) == 4 and (k + 1 == n or toks[k + 1].word in "，。；！,;!"):
            return tok.word  # …重点项目建成投产。: the set phrase is the predicate
        elif tok.tag not in ("d", "p", "f") and not _nominal(tok) and tok.word not in _COORD:
            break
        k += 1
    if passive and head is not None and len(head) >= 4:
        pieces = [w for w in _search_words(head, words) if head.endswith(w) and len(w) == 2]
        if pieces:
            return pieces[0]  # 领导批示 → 批示
    return "得到" if passive else None


_SEARCH_CACHE: dict[tuple[int, str], list[str]] = {}
_SEARCH_DICTS: dict[int, tuple[UserWord, ...]] = {}  # held so that an id is never reused by another dictionary


def _search_words(word: str, words: tuple[UserWord, ...]) -> list[str]:
    """search_words, remembered per dictionary and word (the tokenizer lookup hashes the dictionary)."""
    _SEARCH_DICTS.setdefault(id(words), words)
    key = (id(words), word)
    found = _SEARCH_CACHE.get(key)
    if found is None:
        if len(_SEARCH_CACHE) > 100_000:
            _SEARCH_CACHE.clear()
        found = _SEARCH_CACHE[key] = search_words(word, words)
    return found


def _head(toks: Sequence[Token], first: int, last: int, words: tuple[UserWord, ...]) -> str | None:
    """The head noun of the phrase toks[first..last]: its last word outside brackets and 等; a
    one-character word joins the word before it (办结+率), and a long dictionary word gives its
    last shorter word (社情民意信息 → 信息, 委员工作室 → 工作室) so that heads group."""
    k = last
    while k >= first and (toks[k].word in ("等", "的") or toks[k].tag == "x"):
        if toks[k].word and toks[k].word[-1] in _BRACKETS:
            opener = _BRACKETS[toks[k].word[-1]]
            while k > first and not toks[k].word.startswith(opener):
                k -= 1
        k -= 1
    if k < first:
        return None
    word = toks[k].word
    prev = toks[k - 1] if k > first else None
    if (
        prev is not None
        and len(word) == 1
        and (
            _nominal(prev)
            or _verb(prev)
            or (prev.tag == "m" and len(prev.word) == 1 and prev.word not in _NUMERAL_CHARS)  # 首+店
        )
    ):
        return prev.word + word
    if len(word) >= 4:
        subs = [s for s in _search_words(word, words) if word.endswith(s) and 2 <= len(s) < len(word)]
        if subs:
            return max(subs, key=len)
    return word


def find_subject(
    text: str,
    toks: Sequence[Token],
    start: int,
    end: int,
    floor: int,
    unit: str,
    counts: bool,
    words: tuple[UserWord, ...],
) -> Subject:
    """The subject of the quantity text[start:end] (`floor`: where its clause may begin — the end
    of the quantity before it). `counts`: the unit is a measure word or a bare 万/亿 amount, so the
    noun after it can be what it counts."""
    n_before = bisect_right(toks, start, key=_token_end)  # tokens that end before the number
    first_after = bisect_left(toks, end, key=_token_start)  # the first token after it
    has_after = first_after < len(toks)
    clause_floor = floor
    for i in range(n_before - 1, -1, -1):
        if toks[i].word in "，。；：,;:！？" or toks[i].start < floor:
            clause_floor = max(floor, toks[i].end)
            break
    # the tail between the phrase and the number
    j = n_before - 1
    tail_verb: str | None = None
    change = share = stock = compared = each = linked = False

    def named(what: str, head: str | None, verb: str | None, conjuncts: Conjuncts = ()) -> Subject:
        # A subject the clause names, with what the walk below learned about the number.
        return Subject(what, head, verb, True, change, share, stock, compared=compared, each=each, conjuncts=conjuncts)

    while j >= 0 and toks[j].start >= clause_floor:
        tok = toks[j]
        if not tok.word.strip():
            j -= 1
            continue
        if tok.tag == "t" and j > 0 and toks[j - 1].tag == "p":
            j -= 2  # 比去年, 由上年
            continue
        if tok.tag == "t" and j + 1 < len(toks) and (toks[j + 1].word in _LINK or toks[j + 1].word in _CHANGE):
            j -= 1  # 存款年末达到
            continue
        if _distributive(tok):
            j -= 1  # 每人每年240元, 由人均600元: a rate's denominator
            continue
        if tok.tag == "q" and j > 1 and toks[j - 1].tag == "m" and toks[j - 2].word == "每":
            j -= 3  # 平均每50公斤提高7.4元
            continue
        if (
            tok.word == "的"
            and j > 1
            and (toks[j - 1].tag == "t" or (toks[j - 1].word == "年" and toks[j - 2].tag == "m"))
        ):
            j -= 1  # 由1997年的3252亿美元, 由年初的400多万人: the date of a base, the phrase before it
            continue
        if tok.word == "年" and j > 0 and toks[j - 1].tag == "m":
            j -= 2  # 一九八一年比一九八○年增长: a year between the phrase and the number
            continue
        if tok.word in _LINK or tok.word in _CHANGE or tok.tag in _TAIL_TAGS:
            if tok.word in _CHANGE:
                change = True
            share = share or tok.word == "占"
            compared = compared or tok.word in ("比", "由", "从", "较", "比上年", "同比")
            each = each or tok.word == "分别"
            stock = stock or tok.word in _STOCK
            linked = linked or tok.word in _COPULAS
            if tok.word in _CHANGE and tail_verb in _COPULAS:
                tail_verb = tok.word  # 年均增长超过7%: the change is the action, the link its degree
            elif tail_verb is None and (tok.word in _CHANGE or tok.word in _TAIL_VERBS):
                tail_verb = tok.word[-2:] if tok.word in ("持续保持", "继续保持") else tok.word
            j -= 1
            continue
        break
    # a physical measure (炼铁产能4659万吨, 碳排放2810万吨) takes the nouns of the thing done, as people
    # and occasions do; money (让利1.5万亿元) only the verb
    event = (
        "none"
        if unit in _OBJECT_COUNTERS
        else "with_nouns"
        if unit in COUNTERS or unit not in _NOT_PHYSICAL
        else "alone"
    )
    direct = tail_verb is None and not change and j == n_before - 1
    physical = unit not in COUNTERS and unit not in _OBJECT_COUNTERS and unit not in _NOT_PHYSICAL
    first, last, verb, event_word = _phrase_before(toks, j, clause_floor, event, direct, physical)
    lead = range(max(0, first - 2), max(0, first))
    stock = stock or any(toks[k].word in _STOCK for k in lead if toks[k].start >= clause_floor)
    while first <= last and toks[last].word == "等":
        last -= 1
    before_what = text[toks[first].start : toks[last].end] if first <= last else ""
    while (
        first <= last
        and toks[last].word in _TRIM_END
        and last > first
        and len(toks[last - 1].word) > 1
        # 死亡人数, 排放总量, 招生规模: after a verb the word names what is counted; a goal is never
        and (not _verb(toks[last - 1]) or toks[last].word.endswith("目标"))
    ):
        last -= 1
        before_what = text[toks[first].start : toks[last].end]
    if first == last and toks[first].tag == "t" and not (first > 0 and toks[first - 1].word in GOVERNING_VERBS):
        before_what = ""  # 先后4次: a time word alone is when, not what
    if unit in _FREQUENCY and has_after and verb is None and event_word is None:
        found = _event_after(toks, first_after)
        if found is not None:  # (委员)4次在省政协全会上作大会发言: the occasions counted follow the number
            e_verb, e_first, e_last = found
            return named(text[toks[e_first].start : toks[e_last].end], _head(toks, e_first, e_last, words), e_verb)
    # 吞吐量超2400万标准箱: a subject linked to the amount is what it is; the noun after is its unit
    counts = counts and not (linked and before_what and unit not in _OBJECT_COUNTERS and unit not in COUNTERS)
    ends_in_event = first <= last and toks[last].tag in _VERB  # 人民公社拥有 | 六万四千亩耕地

    if has_after and (
        counts
        or before_what == ""
        or (event_word is not None and before_what == event_word)
        or (physical and ends_in_event)
    ):
        # 1亿人居住的棚户区: a counter of people names what it counts, a clause after it says more
        a_first, a_last = _phrase_after(toks, first_after, relative=unit not in COUNTERS)
        if a_first <= a_last:
            a_verb = _verb_after(toks, a_last + 1, words)
            return named(
                text[toks[a_first].start : toks[a_last].end],
                _head(toks, a_first, a_last, words),
                # after "…等": the walk went into a list of examples; the predicate after the phrase says more
                (a_verb or verb)
                if j >= 0 and toks[j].word == "等"
                else verb or event_word or a_verb or _verb_left(toks, j, clause_floor) or tail_verb,
            )
    if before_what:
        return named(
            before_what,
            _head(toks, first, last, words),
            verb or event_word or tail_verb,
            _conjuncts(text, toks, first, last, words) if each else (),
        )
    if (
        counts
        and has_after
        and _verb(toks[first_after])
        and toks[first_after].word not in _COPULAS
        and toks[first_after].word not in _CHANGE
    ):
        w = toks[first_after].word  # 3.58亿人参保: the people who did it
        return named(w, w, w)
    topic = _clause_topic(toks, clause_floor, floor)
    if topic is not None and (change or compared):
        # 组建城市合作银行的大中城市，由35个增加到100个: a clause that is only a noun phrase is the topic
        # of the change after it
        t_first, t_last = topic
        return named(
            text[toks[t_first].start : toks[t_last].end], _head(toks, t_first, t_last, words), verb or tail_verb
        )
    return Subject(None, None, verb or tail_verb, False, change, share, stock, tail_verb is not None, compared, each)


def _conjuncts(
    text: str, toks: Sequence[Token], first: int, last: int, words: tuple[UserWord, ...]
) -> tuple[tuple[str, str | None], ...]:
    """The members of the phrase toks[first..last] joined by 、/和/与/及 outside brackets, each with
    its head; () when it has one member, or when the list is inside a modifier (用于科技、教育和文化
    事业的支出: one thing)."""
    out: list[tuple[str, str | None]] = []
    start = first
    depth = 0
    for k in range(first, last + 2):
        word = toks[k].word if k <= last else ""
        if k <= last and word[:1] in _OPENERS:
            depth += 1
        if k <= last and word[-1:] in _BRACKETS:
            depth -= 1
        if k > last or (depth == 0 and word in _COORD and toks[k].tag in ("c", "x")):
            if start > k - 1:
                return ()
            if k > last and any(t.word == "的" for t in toks[start:k]):
                return ()
            out.append((text[toks[start].start : toks[k - 1].end], _head(toks, start, k - 1, words)))
            start = k + 1
    return tuple(out) if len(out) > 1 else ()


def _clause_topic(toks: Sequence[Token], clause_floor: int, floor: int) -> tuple[int, int] | None:
    """(first, last) of the clause before the one that starts at `clause_floor` when that clause is
    one noun phrase and nothing else (no verb governs it), and lies after `floor`."""
    comma = bisect_left(toks, clause_floor, key=_token_end)
    if comma >= len(toks) or toks[comma].end != clause_floor or toks[comma].word not in "，,":
        return None
    start = comma - 1
    while start >= 0 and toks[start].start >= floor and toks[start].word not in "，。；：,;:！？":
        start -= 1
    if start >= 0 and toks[start].start < floor:
        return None  # a quantity ends inside that clause (…达到29万余人，): it is no topic alone
    start += 1
    if start >= comma:
        return None
    first, last, verb, _ = _phrase_before(toks, comma - 1, toks[start].start, "none")
    if verb is not None and first == start + 1 and any(t.word == "的" for t in toks[first : last + 1]):
        first, verb = start, None  # 组建城市合作银行的大中城市: the verb opens the relative clause
    if first != start or first > last or verb is not None or not toks[last].tag.startswith("n"):
        return None
    return first, last
