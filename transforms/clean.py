"""Raw report text to clean text: the text every character offset in the warehouse indexes.

What goes in: text as a page, a newspaper reader, a PDF or a corpus row gave it, with page
furniture (breadcrumbs, share/print widgets, copyright and licence footers), continuation
markers (（下转第2版）), lines broken inside sentences, full-width digits and spacer lines.
What comes out: one report per string, one paragraph per line, with

- furniture lines dropped (`is_furniture`), continuation markers removed and the sentence they
  broke joined again (`join_broken_lines`);
- full-width digits, Latin letters, symbols and spaces folded as NFKC folds them, while Chinese
  punctuation (，。：；？！（）“”) stays exactly as the source wrote it (`fold_width`);
- whitespace collapsed: runs become one space, and a space inside Chinese text goes when it is
  padding (李　强, 1 9 9 3 年) rather than a separator between phrases (`collapse_spaces`).

Traditional-script detection and conversion (`detect_traditional`, `to_simplified`) live here
too: the pipeline converts after cleaning and keeps the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH = dict.fromkeys(map(ord, _ZERO_WIDTH_CHARS))

# ---------------------------------------------------------------------------------------------
# Width folding: NFKC for digits, Latin letters, symbols and spaces; Chinese punctuation kept.

# Full-width forms that are Chinese punctuation in a Chinese text: NFKC would turn them into
# ASCII (，→ ,), which changes what the author wrote and what sentence splitting sees.
_KEEP_FULLWIDTH = set("！（），：；？［］｛｝｟｠")


def _width_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for o in range(0xFF01, 0xFF5F):  # full-width ASCII block
        ch = chr(o)
        if ch not in _KEEP_FULLWIDTH:
            table[o] = unicodedata.normalize("NFKC", ch)
    for o in (0x3000, 0x00A0, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x202F, 0x205F):
        table[o] = " "
    # Kangxi radicals and CJK compatibility ideographs: PDF text layers use them for ordinary
    # hanzi (⾦ for 金); NFKC maps them back.
    for lo, hi in ((0x2F00, 0x2FD6), (0x2E80, 0x2EF4), (0xF900, 0xFB00)):
        for o in range(lo, hi):
            folded = unicodedata.normalize("NFKC", chr(o))
            if folded != chr(o) and len(folded) == 1:
                table[o] = folded
    table[0x3007] = "〇"  # keep 〇 (ideographic zero) as it is
    table[0xFFE5] = "¥"
    return table


_WIDTH = _width_table()


_FOLDABLE = re.compile("[" + "".join(re.escape(chr(o)) for o in sorted(_WIDTH)) + re.escape(_ZERO_WIDTH_CHARS) + "]+")
_FOLD_ALL = {**_WIDTH, **dict.fromkeys(map(ord, _ZERO_WIDTH_CHARS), "")}


def fold_width(text: str) -> str:
    """Full-width digits, Latin letters, symbols and spaces to their ASCII forms (NFKC), zero-width
    characters removed; Chinese punctuation (，。：；？！（）“”、) unchanged. Only the runs that
    need folding are touched (str.translate over a whole report costs more than finding them)."""
    return _FOLDABLE.sub(lambda m: m.group().translate(_FOLD_ALL), text)


# ---------------------------------------------------------------------------------------------
# Whitespace.

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_RUN = re.compile(r"[ \t\f\v]+")
_PUNCT_SIDE = frozenset("，。、；：？！“”‘’（）《》【】〔〕…—")
_NUMBER_RIGHT = frozenset("0123456789年月日号%.")
_HAN_CHAR = re.compile(f"[{_HAN}]")
_LINE_EDGE_SPACES = re.compile(r"^ +| +$", re.M)
_INNER_SPACE = re.compile(r"(?<=\S) (?=\S)")


def _is_han(ch: str) -> bool:
    return bool(ch) and _HAN_CHAR.match(ch) is not None


def _space_carries_nothing(text: str, i: int) -> bool:
    """Whether the space at text[i] (between two non-spaces) is padding rather than a separator:
    next to Chinese punctuation; inside a number or date (1 9 9 3 年 3 月); or between hanzi when
    one side is one or two characters long (李 强, 冯 楠: a name padded to a fixed width)."""
    left, right = text[i - 1], text[i + 1]
    if left in _PUNCT_SIDE or right in _PUNCT_SIDE:
        return True
    if left.isdigit() and right in _NUMBER_RIGHT:
        return True
    if left in "年月" and right.isdigit():
        return True
    if _is_han(left) and _is_han(right):
        long_left = i >= 3 and _is_han(text[i - 2]) and _is_han(text[i - 3])
        long_right = i + 3 < len(text) and _is_han(text[i + 2]) and _is_han(text[i + 3])
        return not (long_left and long_right)
    return False


def collapse_spaces(text: str) -> str:
    """Text with its whitespace collapsed, line by line: runs become one space, padding inside
    Chinese text and inside numbers goes, a space separating two phrases (标题 副题) stays.
    Work is per remaining space, not per character."""
    text = _LINE_EDGE_SPACES.sub("", _SPACE_RUN.sub(" ", text))
    if " " not in text:
        return text
    drop = [m.start() for m in _INNER_SPACE.finditer(text) if _space_carries_nothing(text, m.start())]
    if not drop:
        return text
    parts = []
    prev = 0
    for i in drop:
        parts.append(text[prev:i])
        prev = i + 1
    parts.append(text[prev:])
    return "".join(parts)


# ---------------------------------------------------------------------------------------------
# Continuation markers: （下转第2版） （紧接第1版） （上接第三版） (转A3版).

_CN_DIGITS = "一二三四五六七八九十"
CONTINUATION = re.compile(
    rf"[（(]\s*(?:下转|上接|紧接|接上|转|接|续)\s*第?\s*[A-Za-z]?\s*[0-9{_CN_DIGITS}]+\s*(?:版|页|面)\s*[）)]"
)
_JOIN = "\ue000"  # private-use sentinel: "join the lines around me"


_CONTINUATION_RUN = re.compile(rf"(?:{CONTINUATION.pattern}[ \t]*)+")


def mark_continuations(text: str) -> str:
    """Replace each run of continuation markers with a join sentinel."""
    if "版" not in text and "页" not in text and "面" not in text:
        return text
    return _CONTINUATION_RUN.sub(_JOIN, text)


# ---------------------------------------------------------------------------------------------
# Furniture: whole lines that belong to the page, not to the report.

_FURNITURE_PATTERNS: list[tuple[str, int]] = [
    # (pattern, longest line it may match) — a long line is body text even if it says 打印.
    (r"^(您?当前位置|您的位置|您现在的位置|你的位置|你现在的位置|现在位置|您?所在位置)", 120),
    (r"^[>＞»›]|首页\s*[>＞»›/]|^首页$", 120),
    (
        r"打印本页|打印此页|打印文章|关闭本页|关闭窗口|关闭此页|^【?打印】?$|^【?关闭】?$|【打印】|【关闭】|\[打印\]|\[关闭\]",
        60,
    ),
    (
        r"分享到|^分享\s*[:：]?$|扫一扫|手机扫码|在手机上?打开|二维码|^收藏$|收藏本页|加入收藏|设为首页|返回顶部|^返回$|^顶部$|^TOP$",
        60,
    ),
    (
        r"^(字号|字体|文字)\s*[:：]|【\s*大\s*中\s*小\s*】|\[\s*大\s*中\s*小\s*\]|^[大中小]\s+[大中小]\s+[大中小]$|默认大小|^阅读模式$",
        60,
    ),
    (r"(浏览|阅读|点击|访问)(次数|量|数|率)\s*[:：]|^浏览\s*[:：]|您是第\s*\d+\s*位|访问量\s*\d", 60),
    (r"版权所有|Copyright|©|\(c\)\s*\d{4}|保留所有权利|All Rights Reserved|不得转载|转载请注明", 160),
    (r"ICP\s*备|ICP\s*证|公网安备|网安备|许可证|增值电信|网站标识码|网站识别码|政府网站找错|^网站地图|^站点地图", 160),
    (r"举报(电话|邮箱|中心|热线|平台)|违法和不良信息|不良信息举报|纠错|^我要纠错", 120),
    (
        r"^(主办|承办|协办|技术支持|设计制作|网站设计|制作维护|运行维护|维护单位|主管单位|主管|建设单位|运维单位|联系电话|联系地址|地址|电话|传真|邮编|E-?mail|邮箱)\s*[:：]",
        160,
    ),
    (
        r"^(联系我们|关于我们|网站声明|隐私政策|使用帮助|无障碍|无障碍浏览|适老化|长者模式|English|繁體|繁体|繁体版|简体版|手机版|移动版|微信|微博|客户端|登录|注册|搜索|站内搜索|高级搜索)$",
        20,
    ),
    (r"^(电子报阅读机|数字报|电子版|报纸列表|往期回顾|版面导航|本版标题|标题导航|返回目录|PDF版|PDF下载|下载PDF)", 40),
    (
        r"^当前报纸名称\s*[:：]|^报纸名称\s*[:：]|^(当前)?日期\s*[:：]|^版面\s*[:：]|^版次\s*[:：]|^第\s*[A-Z]?\d+\s*版\s*[:：]",
        120,
    ),
    (r"^(上一篇|下一篇|上一版|下一版|上一期|下一期|上一条|下一条|上篇|下篇|前一篇|后一篇)", 120),
    (
        r"^星期[一二三四五六日天]$|^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(\s+\d{1,2}:\d{2}(:\d{2})?)?(\s*星期[一二三四五六日天])?$",
        40,
    ),
    (
        r"^(来源|稿源|信息来源|文章来源|作者|编辑|责任编辑|责编|审核|审校|校对|发布时间|发布日期|发布机构|发文日期|成文日期|更新时间|更新日期|时间|撰稿|供稿|摄影|通讯员|记者)\s*[:：]",
        120,
    ),
    (
        r"^(相关链接|相关新闻|相关文章|相关阅读|相关稿件|推荐阅读|热点推荐|热门文章|延伸阅读|猜你喜欢|更多|更多>>|查看更多|点击查看|附件下载|附件)\s*[:：>]*$",
        20,
    ),
    (
        r"^\[?(图片|图|img|image|视频|音频|附件)\]?$|^<img|\.(jpe?g|png|gif|bmp|webp)$|^点击(查看)?(大图|图片|播放)|^\[图\]|^（?图片来源",
        120,
    ),
    (r"^图为|^▲|^△|(记者|通讯员|摄影)\s*\S{2,4}\s*/?\s*摄\s*[)）]?$|^(\S{2,4})\s*/?\s*摄$", 80),
    # Table debris and navigation rows: only bars, rules and spaces.
    (r"^[|｜\s\-=_:+~·•]+$", 400),
    (r"^\d{1,6}$", 6),  # share counters, page numbers
    (r"^[-—–]\s*\d{1,4}\s*[-—–]$|^第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?$|^\d+\s*/\s*\d+$", 20),
    (r"^Public domain$|^false$|^true$", 20),
    # A page's reading widgets, one word a line: 下载 / 打印 / 全屏 / 收藏 / 【字号：加大 还原 减小】.
    (r"^(下载|全屏|加大|还原|减小|默认|放大|缩小)$", 4),
    # Time stamps of a page: 2026年02月10日 07时41分, 2026-02-09 09:45:30 (spaces may be gone).
    (r"^\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}[时:：]\d{2}分?(\d{2}秒)?$", 40),
    (r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*\d{1,2}:\d{2}(:\d{2})?$", 40),
    (r"^[（(](来源|稿源|编辑|责任编辑|作者)\s*[:：][^（()）]{1,30}[）)]$", 40),
    # A photo caption under the title: 省长赵刚作政府工作报告 / 张工作政府工作报告。
    (r"^[^，。；：]{2,30}作(政府|常委会|常务委员会)?工作报告。?$", 40),
    # A secrecy or publication notice in a footer: （此件公开发布） / 内部资料 注意保存.
    (r"^[（(]?此件.{0,6}(公开|发布|发至|印发).{0,6}[）)]?$|^(内部资料|内部文件)|注意保[存密]", 40),
    (r"请勿外传|严禁外传|^(秘密|机密|绝密)\s*★", 40),
    # Empty image markup left by an HTML-to-markdown conversion: ![]() |
    (r"^(?:!\[[^\]]*\]\([^)]*\)[\s|｜]*)+$", 400),
]
# One alternation per length limit, longest limit first: a line is tested only against the
# patterns whose limit it fits.
_FURNITURE = [
    (n, re.compile("|".join(f"(?:{p})" for p, m in _FURNITURE_PATTERNS if m == n), re.IGNORECASE))
    for n in sorted({m for _, m in _FURNITURE_PATTERNS}, reverse=True)
]
# A navigation bar: four or more short items separated by spaces or bars, no punctuation at all.
_NAV_ITEM_SPLIT = re.compile(r"\s*[|｜/·•]\s*|\s+")
_SENTENCE_PUNCT = re.compile(r"[，。、；：？！,;:?!]")
# A licence footer (Wikisource's public-domain notice): its first line, then lines broken around
# its links. The footer ends at its last line that speaks of the licence within FOOTER_REACH
# lines; what follows (a second report in the same file, an appended paragraph) is text.
_TAIL_START = re.compile(
    r"^(本作品是中华人民共和国的|本作品来自中华人民共和国|本作品在全世界都属于公有领域|本作品原文)"
)
_TAIL_WORDS = re.compile(r"著作权|公有领域|public domain|维基|本模板|本作品|^(?:true|false)$", re.IGNORECASE)
FOOTER_REACH = 40


def footer_end(lines: list[str], start: int) -> int:
    """Index after the licence footer that begins at lines[start]."""
    end = start + 1
    for i in range(start + 1, min(len(lines), start + 1 + FOOTER_REACH)):
        if _TAIL_START.match(lines[i]) or _TAIL_WORDS.search(lines[i]):
            end = i + 1
    return end


def is_furniture(line: str) -> bool:
    """True for a line that belongs to the page around a report (breadcrumb, widget, footer,
    newspaper-reader chrome, image placeholder, table debris), never for report text."""
    if not line:
        return True
    for longest, pattern in _FURNITURE:
        if len(line) > longest:
            break
        if pattern.search(line):
            return True
    if len(line) <= 80 and not _SENTENCE_PUNCT.search(line):
        items = [i for i in _NAV_ITEM_SPLIT.split(line) if i]
        if len(items) >= 4 and all(len(i) <= 8 for i in items):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Lines broken inside a sentence: page breaks, links, newspaper page jumps, PDF line ends.

_TERMINAL = "。！？!?；;…"
_OPENERS = "《（(「『“‘【〔["
_CLOSERS_START = re.compile(r"^[，。、；：？！,.;:?!）)》」』”’】〕\]]")
# Function characters that cannot end a sentence or a heading: a line ending in one continues.
_DANGLING = set("的了和与及或在对把被将从向以于之而并其所让使由这那个各为是等")
_NUMERALS = set("一二三四五六七八九十")
_ENUM_LEAD = re.compile(
    r"^(?:[一二三四五六七八九十]+|第[一二三四五六七八九十]+)(?:是|要|方面|条|点)?[，,：:]?$|^(?:首先|其次|再次|最后|同时|此外|另外)[，,]?$"
)


def _is_heading_like(line: str) -> bool:
    return len(line) <= 60 and _heading_rank()(line) is not None


@lru_cache(maxsize=1)
def _heading_rank() -> Any:
    from transforms.structure import heading_rank  # imported late: structure is imported after clean

    return heading_rank


def _continues_surely(prev: str, nxt: str) -> bool:
    """Breaks no page furniture can be part of: `nxt` opens with closing punctuation, `prev`
    ends with an opening bracket, or `nxt` is a subscript (PM / 2.5, M / 2)."""
    if _CLOSERS_START.match(nxt):
        return True
    last = prev[-1]
    if last in _OPENERS:
        return True
    return last.isascii() and last.isalpha() and len(nxt) <= 8 and nxt.replace(".", "").isdigit()


def _continues(prev: str, nxt: str) -> bool:
    """Whether `nxt` carries on the sentence `prev` broke off."""
    if _continues_surely(prev, nxt):
        return True
    if _ENUM_LEAD.match(prev) and not _is_heading_like(nxt):
        return True  # 一是 / 按照……: a bold enumerator on its own line
    last = prev[-1]
    if last in _TERMINAL or not last.isalnum():
        return False
    if _is_heading_like(nxt) or _is_heading_like(prev):
        return False
    if len(nxt) == 1 and nxt not in _NUMERALS and len(prev) <= 30 and not _SENTENCE_PUNCT.search(prev):
        return True  # a title wrapped before its last character: 政府工作报 / 告
    if any(ch in prev for ch in "。！？；!?;"):
        return True  # a paragraph that already holds sentences and stops mid-word
    if len(prev) >= 40 and any(ch in prev for ch in "，,、：:"):
        return True  # a long clause stopping mid-word: no heading runs this long
    return last in _DANGLING and len(prev) >= 4


def join_broken_lines(lines: list[str], *, surely_only: bool = False) -> list[str]:
    """Join each line to the one before when it continues that line's sentence. In the sure
    pass, a short fragment followed by a line opening with punctuation is a link's text cut out
    of its sentence (Wikisource: 我们贯彻 / 民族区域自治法 / ，支持……): all three join."""
    test = _continues_surely if surely_only else _continues
    out: list[str] = []
    fragment = False  # out[-1] ended as a bare short fragment that the line before did not end
    for line in lines:
        if out and test(out[-1], line):
            if surely_only and fragment and len(out) > 1 and _link_fragment_continues(out[-2], out[-1]):
                tail = out.pop()
                out[-1] += tail
            out[-1] += line
            fragment = False
        else:
            out.append(line)
            fragment = len(line) <= 20 and not _SENTENCE_PUNCT.search(line)
    return out


def _link_fragment_continues(prev: str, fragment: str) -> bool:
    last = prev[-1]
    return (
        (last.isalnum() or last in _OPENERS)
        and not any(p in prev[-1:] for p in _TERMINAL)
        and not (_is_heading_like(prev) or _is_heading_like(fragment))
        and not _SALUTATION_LINE.match(prev)
    )


_SALUTATION_LINE = re.compile(r"^各位(代表|委员|常委|同志)")


# ---------------------------------------------------------------------------------------------
# The whole pass.


@dataclass(frozen=True)
class Cleaned:
    text: str
    dropped: tuple[str, ...]  # the furniture lines removed, as they read after normalization


def clean_report(raw: str) -> Cleaned:
    """Clean `raw` (see the module docstring); also return the furniture lines it dropped."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    # A line holding only zero-width characters between two text lines is a page break inside
    # a paragraph (Wikisource writes "\n\u200b\n"): join the two lines.
    text = _PAGE_BREAK_LINE.sub(_JOIN, text)
    text = collapse_spaces(mark_continuations(fold_width(_IMAGE_MARKUP.sub("", text))))
    dropped: list[str] = []
    lines: list[str] = []
    raw_lines = [line for line in text.split("\n") if line]
    i = 0
    while i < len(raw_lines):
        if _TAIL_START.match(raw_lines[i]):
            end = footer_end(raw_lines, i)
            dropped.extend(raw_lines[i:end])
            i = end
            continue
        lines.append(raw_lines[i])
        i += 1
    lines, blocks = drop_page_blocks(lines)
    dropped.extend(blocks)
    # Joins no furniture can be part of come first (a lone "2" may be a subscript, not a
    # counter), then furniture goes, then the joins around continuation markers and the rest.
    lines = join_broken_lines(lines, surely_only=True)
    kept: list[str] = []
    for line in lines:
        core = line.replace(_JOIN, "")
        if core and is_furniture(core):
            dropped.append(core)
            if line.startswith(_JOIN) or line.endswith(_JOIN):
                kept.append(_JOIN)
        else:
            kept.append(line)
    joined = _JOIN_RUN.sub("", "\n".join(kept))
    body = join_broken_lines([ln for ln in joined.split("\n") if ln])
    return Cleaned(text=collapse_spaces("\n".join(body)), dropped=tuple(dropped))


# Furniture that spans lines: what a page splits into one word a line.
_WIDGET_OPEN = re.compile(r"^[【\[]\s*(字号|字体|文字)")
_WIDGET_CLOSE = re.compile(r"[】\]]")
_BARE_LABEL = re.compile(
    r"^(来源|稿源|信息来源|文章来源|作者|编辑|责任编辑|责编|发布时间|发表时间|发布日期|时间|日期|阅读量|阅读次数|浏览次数|点击数|访问量|当前位置|您当前位置|您的位置)\s*[:：]$"
)
_SUBTITLE_LIKE = re.compile(r"\d{4}年.{0,12}日.{0,4}在|^[—－―-]")
_BREADCRUMB_SEP = re.compile(r"^(?:[>＞»›]{1,2}|/)$")
_RELATED = re.compile(r"^(相关报道|相关链接|相关附件|相关新闻|相关文章|相关阅读|相关稿件|延伸阅读|推荐阅读)\s*[:：>]*$")
_IMAGE_MARKUP = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)\s*[|｜]?")


def _short_item(line: str, longest: int = 30) -> bool:
    return 0 < len(line) <= longest and not _SENTENCE_PUNCT.search(line.replace(":", ""))


def drop_page_blocks(lines: list[str]) -> tuple[list[str], list[str]]:
    """(kept, dropped): the furniture a page spreads over several lines, which no single line
    shows: a font-size widget (【字号： / 加大 / 还原 / 减小 / 】), a bare label and its value on
    the next line (来源： / 四川日报), breadcrumb items around their separators (首页 / > /
    政府信息公开), and everything from a related-links header (相关报道：) in the second half
    of the page on (links, and a page's repeat of the report's opening)."""
    drop = [False] * len(lines)
    n = len(lines)
    total = sum(len(ln) for ln in lines)
    seen = 0
    for i, raw in enumerate(lines):
        line = raw.replace(_JOIN, "")
        seen += len(line)
        if _WIDGET_OPEN.match(line) and not _WIDGET_CLOSE.search(line):
            ends = [j for j in range(i + 1, min(n, i + 9)) if _WIDGET_CLOSE.search(lines[j])]
            if ends and all(len(lines[k]) <= 4 for k in range(i + 1, ends[0] + 1)):
                for k in range(i, ends[0] + 1):
                    drop[k] = True
        elif _BARE_LABEL.match(line):
            drop[i] = True
            value = lines[i + 1] if i + 1 < n else ""
            if _short_item(value) and not _BARE_LABEL.match(value) and not _SUBTITLE_LIKE.search(value):
                drop[i + 1] = True
        elif _BREADCRUMB_SEP.match(line):
            drop[i] = True
            for k in (i - 1, i + 1):
                if 0 <= k < n and _short_item(lines[k], 16):
                    drop[k] = True
        elif _RELATED.match(line) and seen > total // 2:
            for k in range(i, n):
                drop[k] = True
            break
    # A page that shows its headline twice (above and below the breadcrumbs): the title block's
    # lines are read once.
    head: set[str] = set()
    for i in range(min(n, 24)):
        if drop[i]:
            continue
        if lines[i] in head and len(lines[i]) <= 90:
            drop[i] = True
        head.add(lines[i])
        if _SALUTATION_LINE.match(lines[i]):
            break
    kept = [ln for ln, d in zip(lines, drop, strict=True) if not d]
    return kept, [ln for ln, d in zip(lines, drop, strict=True) if d]


_PAGE_BREAK_LINE = re.compile(rf"(?<=\S)[ \t]*\n[ \t]*[{_ZERO_WIDTH_CHARS}]+[ \t]*\n[ \t]*(?=\S)")
_JOIN_RUN = re.compile(rf"\n*{_JOIN}+\n*")


def clean_text(text: str) -> str:
    """The cleaned text of a raw report (see `clean_report`)."""
    return clean_report(text).text


def dedup_key(text: str) -> str:
    """The text a document's identity is computed from: cleaned text without any whitespace."""
    return re.sub(r"\s+", "", text.translate(_ZERO_WIDTH))


# ---------------------------------------------------------------------------------------------
# Script: Traditional characters are detected from a set of common characters that exist only
# in Traditional script, counted in one regex pass; OpenCC runs only when they are there.

_TRADITIONAL_ONLY = (
    "們個這會國說時來對發經為與實現產業關於東車長開問題學場過還點話體應該從動無數機種書係務進議讓認風"
    "門間電區義萬員響樣歲歷總報導參錢顯買賣紅綠師飛馬魚鳥龍億計劃歡華語號聽寫條極專術運達證質農廠辦黨"
    "幹屬壓設觀樂轉輕歸鄉戰營險選隨節級紀續綜鐵銀鋼鎮織則價傳傷優僅兒備負責費資貿統擴識礎將當獨"
    "並還離難雙邊遠適環範築產協勞勵際隊陽陰階際雖雲電頁須領頭類顧"
)
_TRADITIONAL_RE = re.compile(f"[{_TRADITIONAL_ONLY}]")
_HAN_RE = re.compile(f"[{_HAN}]")
# Share of hanzi that must be Traditional-only before a text counts as Traditional (a Simplified
# text quoting a Traditional name stays as it is). Traditional prose is at 8-15%.
TRADITIONAL_SHARE = 0.01


def traditional_share(text: str) -> float:
    """Share of the hanzi of `text` that exist only in Traditional script (0 when fewer than five
    such characters occur: a stray one is a name or a typo)."""
    found = len(_TRADITIONAL_RE.findall(text))
    if found < 5:
        return 0.0
    return found / max(1, len(_HAN_RE.findall(text)))


def detect_traditional(text: str) -> bool:
    """True when `text` is written (wholly or largely) in Traditional characters."""
    return traditional_share(text) >= TRADITIONAL_SHARE


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc  # imported here: loading its dictionaries costs time only when needed

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC t2s, phrase-aware)."""
    return str(_t2s().convert(text))


def to_simplified_kept(text: str) -> tuple[str, str | None, Literal["simplified", "traditional"]]:
    """(Simplified text, the original when anything was converted, script of the original).
    OpenCC runs only when Traditional-only characters occur at all; `script` is traditional when
    they make up at least TRADITIONAL_SHARE of the hanzi (a Simplified text with a few stray
    Traditional characters, as the 1957 report has, is converted but stays 'simplified')."""
    share = traditional_share(text)
    if share == 0.0:
        return text, None, "simplified"
    converted = to_simplified(text)
    if converted == text:
        return text, None, "simplified"
    return converted, text, "traditional" if share >= TRADITIONAL_SHARE else "simplified"
