"""Document structure: the heading tree (`sections`) and the sentences inside it.

Offsets index the cleaned document text; `text[char_start:char_end]` is the sentence itself.

Headings are found line by line. A numbered heading stands on its own line (一、2023年工作回顾)
or opens a paragraph as its first sentence (（一）坚持凝心铸魂，扛起……担当。坚守……): a "run-in"
heading, whose `heading` is that first sentence. Unnumbered headings (2024年工作建议, 结束语,
坚持党的领导，夯实共同思想政治基础) are short lines without closing punctuation between body
paragraphs. Nesting follows the numbering style, ranked
    part (第一部分, 2024年工作建议, unnumbered) > 一、 > （一）/第一， > 1. > (1)/①
so a section's depth is its distance from the root, whatever style its heading uses.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import pyarrow as pa

from transforms.models import Part, Section, Sentence

SECTIONS_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("section_id", pa.int32()),
        ("parent_section_id", pa.int32()),
        ("depth", pa.int32()),
        ("heading", pa.string()),
        ("part", pa.string()),
        ("char_start", pa.int32()),
        ("char_end", pa.int32()),
    ]
)

SENTENCES_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("sentence_id", pa.int32()),
        ("section_id", pa.int32()),
        ("text", pa.string()),
        ("char_start", pa.int32()),
        ("char_end", pa.int32()),
    ]
)

_CN_NUM = "一二三四五六七八九十"
_YEAR = r"(?:\d{4}|[〇零一二三四五六七八九]{4})年"
# Headings that name a part of the report rather than a topic.
_PART_HEADING = re.compile(
    rf"^(?:{_YEAR}(?:度)?|今年|明年|今后[一二三五]?年|过去[一二三五]?年|一年来|五年来|本届政府)"
    r"[^，。；：,;:]{0,12}(?:回顾|总结|建议|任务|安排|部署|打算|要点|目标|思路|主要工作|工作)$"
)
# (rank, pattern) for numbered headings standing on their own line.
_NUMBERED: list[tuple[int, re.Pattern[str]]] = [
    (0, re.compile(rf"^第[{_CN_NUM}]+部分")),
    (1, re.compile(rf"^[{_CN_NUM}]+[、.．]\s*\S")),
    (1, re.compile(rf"^[{_CN_NUM}]{{1,3}}$")),  # a bare numeral line (1960: 一)
    (2, re.compile(rf"^[（(][{_CN_NUM}]+[）)]")),
    (2, re.compile(rf"^第[{_CN_NUM}]+[，、,]")),
    (3, re.compile(r"^\d{1,2}[.．、](?!\d)\s*\S")),
    (4, re.compile(r"^[（(]\d{1,2}[）)]|^[①-⑳]")),
]
# Run-in headings: only these markers open a paragraph as a heading; "第一，" or "1." at the
# start of a paragraph is an enumeration inside the body.
_RUN_IN: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^[{_CN_NUM}]+、")),
    (2, re.compile(rf"^[（(][{_CN_NUM}]+[）)]")),
]
_MAX_HEADING_CHARS = 60
_MAX_RUN_IN_CHARS = 50
_MAX_UNNUMBERED_CHARS = 30
_END_PUNCT = "。！？；!?;…：:，,、"
_FIRST_SENTENCE = re.compile(r"[。；;！!？?]")


def heading_rank(line: str) -> int | None:
    """The rank of `line` as a numbered heading on its own line (0 part, 1 for 一、, 2 for （一）,
    3 for 1., 4 for (1)), or None when it is not one."""
    if len(line) > _MAX_HEADING_CHARS:
        return None
    if _PART_HEADING.match(line):
        return 0
    for rank, pattern in _NUMBERED:
        if pattern.match(line):
            inner = line[:-1]
            if line[-1] in "；;，," or (line[-1] == "。" and len(line) > 30):
                return None  # an item of a list inside a paragraph
            if any(p in inner for p in "。；;"):
                return None  # 1．加强学习。做好……：an enumerated paragraph, not a heading
            return rank
    return None


def heading_depth(line: str) -> int | None:
    """Kept for callers of the first version: the rank of a standalone heading, 一、 = 1."""
    rank = heading_rank(line)
    return None if rank is None else max(rank, 1)


_REVIEW_WORDS = (
    "回顾",
    "过去一年",
    "过去的一年",
    "过去五年",
    "过去的五年",
    "一年来",
    "五年来",
    "去年",
    "成就",
    "成绩",
    "决算",
    "基本总结",
    "总结",
    "工作情况",
    "执行情况",
    "进展",
)
_PLAN_WORDS = (
    "任务",
    "安排",
    "建议",
    "总体要求",
    "主要工作",
    "目标",
    "部署",
    "预算",
    "今年",
    "明年",
    "今后",
    "打算",
    "思路",
    "政策取向",
    "要点",
    "计划的",
    "努力方向",
)
_REVIEW_OPENING = re.compile(r"一年来|过去一年|过去的一年|五年来|过去五年|去年|刚刚过去")
_PLAN_OPENING = re.compile(r"今年|明年|今后|新的一年")


_RETROSPECTIVE_TITLE = re.compile(r"综述|回顾|巡礼|纪实")


def default_part_for(title: str | None) -> Part:
    """review for a retrospective article (……高质量发展综述), else other."""
    return "review" if title and _RETROSPECTIVE_TITLE.search(title) else "other"


def classify_part(heading: str) -> Part:
    """review, plan or other, from the words of a heading."""
    if any(w in heading for w in _REVIEW_WORDS):
        return "review"
    if any(w in heading for w in _PLAN_WORDS):
        return "plan"
    return "other"


@dataclass
class _Heading:
    start: int  # offset of the line
    rank: int
    text: str


def _unnumbered(line: str, prev: str | None, nxt: str | None) -> bool:
    """A short line between body paragraphs that ends without punctuation: 结束语, 坚持党的领导，
    夯实共同思想政治基础."""
    if len(line) > _MAX_UNNUMBERED_CHARS or line[-1] in _END_PUNCT or line[-1] in "”’）)》":
        return False
    if any(p in line for p in "。；;！？!?") or line[0] in "（(【[《“—-":
        return False
    if prev is None or nxt is None:
        return False
    prev_ends_body = prev[-1] in _END_PUNCT or prev[-1] in "”’）)" or heading_rank(prev) is not None
    next_is_body = any(p in nxt for p in "。；！？")
    return prev_ends_body and next_is_body


def find_headings(text: str) -> list[tuple[int, int, str]]:
    """Every heading of `text` as (line offset, rank, heading text), in order."""
    lines = text.split("\n")
    offsets = []
    pos = 0
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    # Lines before the first paragraph with a full stop are the title block (title, date,
    # speaker, salutation): never headings.
    body_from = next((i for i, ln in enumerate(lines) if "。" in ln or "，" in ln or "," in ln), len(lines))
    found: list[tuple[int, int, str]] = []
    for i in range(body_from, len(lines)):
        line = lines[i]
        if not line:
            continue
        rank = heading_rank(line)
        if rank is not None and i > 0 and lines[i - 1].endswith(("；", ";")):
            rank = None  # the last item of a list whose items end in ；
        if rank is not None:
            found.append((offsets[i], rank, line.rstrip("。")))
            continue
        run_in = _run_in(line) if i == 0 or not lines[i - 1].endswith(("；", ";")) else None
        if run_in is not None:
            found.append((offsets[i], run_in[0], run_in[1]))
            continue
        if _unnumbered(line, _nonblank(lines, i, -1), _nonblank(lines, i, 1)):
            found.append((offsets[i], 0 if _PART_HEADING.match(line) else 1, line))
    return found


def _nonblank(lines: list[str], i: int, step: int) -> str | None:
    """The nearest non-blank line before (step -1) or after (step 1) line i: a blank line
    between paragraphs is no neighbour."""
    j = i + step
    while 0 <= j < len(lines) and not lines[j]:
        j += step
    return lines[j] if 0 <= j < len(lines) else None


def _run_in(line: str) -> tuple[int, str] | None:
    """A numbered first sentence ending in 。 with more text after it; an item ending in ；
    belongs to a list (一、…；二、…；) and is no heading."""
    for rank, pattern in _RUN_IN:
        if pattern.match(line):
            m = _FIRST_SENTENCE.search(line)
            if m and m.start() <= _MAX_RUN_IN_CHARS and m.group() == "。" and m.end() < len(line):
                return rank, line[: m.start()]
    return None


def split_sections(
    doc_id: str,
    text: str,
    *,
    review_year: int | None = None,
    plan_year: int | None = None,
    default_part: Part = "other",
) -> list[Section]:
    """One row per heading plus the root section 0; a section runs until the next heading of the
    same or a higher rank.

    Parts, for a top-level heading: its own words (回顾 → review, 任务 → plan), else a year it
    names (the report's review_year → review, plan_year → plan), else the opening words of its
    body (一年来 → review, 今年 → plan), else `default_part` (review for a retrospective such as
    a 综述), else the tense of its body (要/将 against 了), else the part of the section before it
    when that was plan (a report does not go back to reviewing).
    A child keeps its parent's part; under an 'other' parent it decides by its own words."""
    rows: list[dict[str, object]] = [
        {"id": 0, "parent": None, "depth": 0, "rank": -1, "heading": "", "part": "other", "start": 0, "end": len(text)}
    ]
    stack = [0]
    last_top_part = "other"
    for start, rank, heading in find_headings(text):
        while len(stack) > 1 and int(rows[stack[-1]]["rank"]) >= rank:  # type: ignore[call-overload]
            rows[stack.pop()]["end"] = start
        parent = stack[-1]
        parent_part = str(rows[parent]["part"])
        if parent_part != "other":
            part = parent_part
        else:
            part = classify_part(heading)
            if part == "other":
                part = _part_from_year(heading, review_year, plan_year)
            if part == "other" and parent == 0:
                part = _part_from_body(text, start, use_tense=default_part == "other")
                if part == "other":
                    part = default_part
                if part == "other" and last_top_part == "plan":
                    part = "plan"
        if parent == 0:
            last_top_part = part
        rows.append(
            {
                "id": len(rows),
                "parent": parent,
                "depth": len(stack),
                "rank": rank,
                "heading": heading,
                "part": part,
                "start": start,
                "end": len(text),
            }
        )
        stack.append(len(rows) - 1)
    for i in stack[1:]:
        rows[i]["end"] = len(text)
    return [
        Section(
            doc_id=doc_id,
            section_id=int(r["id"]),  # type: ignore[call-overload]
            parent_section_id=None if r["parent"] is None else int(r["parent"]),  # type: ignore[call-overload]
            depth=int(r["depth"]),  # type: ignore[call-overload]
            heading=str(r["heading"]),
            part=r["part"],  # type: ignore[arg-type]
            char_start=int(r["start"]),  # type: ignore[call-overload]
            char_end=int(r["end"]),  # type: ignore[call-overload]
        )
        for r in rows
    ]


_HEADING_YEAR = re.compile(r"(\d{4})年")


def _part_from_year(heading: str, review_year: int | None, plan_year: int | None) -> Part:
    years = {int(y) for y in _HEADING_YEAR.findall(heading)}
    if plan_year is not None and plan_year in years:
        return "plan"
    if review_year is not None and review_year in years:
        return "review"
    return "other"


_PLAN_TENSE = re.compile(r"要|将|必须|继续|今年|明年|今后")
_REVIEW_TENSE = re.compile(r"了|取得|完成|实现|增长|提高")


def _part_from_body(text: str, line_start: int, *, use_tense: bool = True) -> Part:
    """review or plan from the opening of a section's body, else other."""
    body_start = text.find("\n", line_start)
    if body_start < 0:
        return "other"
    opening = text[body_start + 1 : body_start + 400]
    m = _FIRST_SENTENCE.search(opening)
    first = opening[: m.start()] if m else opening
    if _REVIEW_OPENING.search(first):
        return "review"
    if _PLAN_OPENING.search(first):
        return "plan"
    if not use_tense:
        return "other"
    plan = len(_PLAN_TENSE.findall(opening))
    review = len(_REVIEW_TENSE.findall(opening))
    if plan >= 3 and plan >= 2 * review:
        return "plan"
    return "other"


_SENTENCE_END = re.compile(r"[。！？；!?;]+[”’」』）)]*|\n")
# A short quotation is one unit: a slogan such as “要团结，不要分裂；要光明正大，不要搞阴谋诡计”
# stays inside one sentence, so an entity for the quoted term lies inside its sentence.
_SHORT_QUOTE = re.compile(r"[“「][^“”「」\n]{1,120}[”」]")


_LEN_MAX = 1 << 62


def _inside(quotes: list[tuple[int, int]], pos: int) -> bool:
    """Whether `pos` falls strictly inside one of the (sorted, disjoint) quote spans."""
    i = bisect.bisect_right(quotes, (pos, _LEN_MAX)) - 1
    return i >= 0 and quotes[i][0] < pos < quotes[i][1]


def split_sentences(doc_id: str, text: str, sections: list[Section]) -> list[Sentence]:
    """Sentences end at 。！？； (closing quotes kept with them) and at line ends; each belongs to
    the deepest section that contains its start. One pass over the text and the sections."""
    ordered = sorted(sections, key=lambda s: (s.char_start, s.depth))
    sentences: list[Sentence] = []
    stack: list[Section] = []
    next_section = 0
    start = 0
    quotes = [(q.start(), q.end()) for q in _SHORT_QUOTE.finditer(text)]
    ends = [
        (m.end() if m.group() != "\n" else m.start(), m.end())
        for m in _SENTENCE_END.finditer(text)
        if not _inside(quotes, m.end())
    ]
    ends.append((len(text), len(text)))
    for end, resume in ends:
        s, e = start, end
        start = resume
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s >= e:
            continue
        while next_section < len(ordered) and ordered[next_section].char_start <= s:
            sec = ordered[next_section]
            while stack and stack[-1].char_end <= sec.char_start:
                stack.pop()
            stack.append(sec)
            next_section += 1
        while stack and stack[-1].char_end <= s:
            stack.pop()
        sentences.append(
            Sentence(
                doc_id=doc_id,
                sentence_id=len(sentences),
                section_id=stack[-1].section_id if stack else 0,
                text=text[s:e],
                char_start=s,
                char_end=e,
            )
        )
    return sentences
