"""Document structure: the heading tree (`sections`) and the sentences inside it.

Offsets index the cleaned document text; `text[char_start:char_end]` is the sentence itself.
"""

from __future__ import annotations

import re

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
# (depth, pattern) — a line that starts with one of these markers and is short is a heading.
_HEADING_PATTERNS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^第[{_CN_NUM}]+部分")),
    (1, re.compile(rf"^[{_CN_NUM}]+、")),
    (2, re.compile(rf"^[（(][{_CN_NUM}]+[）)]")),
    (3, re.compile(r"^\d{1,2}[.．、]\D")),
]
_MAX_HEADING_CHARS = 60

_REVIEW_WORDS = ("回顾", "过去一年", "一年来", "过去五年", "五年来", "主要工作", "工作情况", "成绩")
_PLAN_WORDS = ("任务", "安排", "建议", "总体要求", "目标", "今年", "明年", "工作思路", "部署", "做好")


def heading_depth(line: str) -> int | None:
    """The depth of `line` as a heading (1 = 一、), or None for body text."""
    if len(line) > _MAX_HEADING_CHARS:
        return None
    for depth, pattern in _HEADING_PATTERNS:
        if pattern.match(line):
            return depth
    return None


def classify_part(heading: str) -> Part:
    """review, plan or other, from the words of a heading."""
    if any(w in heading for w in _REVIEW_WORDS):
        return "review"
    if any(w in heading for w in _PLAN_WORDS):
        return "plan"
    return "other"


def split_sections(doc_id: str, text: str) -> list[Section]:
    """One row per heading plus the root section 0; a section runs until the next heading of the
    same or a shallower depth. A child inherits its parent's part when its own words say nothing."""
    sections: list[Section] = []
    open_stack: list[int] = [0]  # indices into `rows` of the sections still open
    rows: list[dict[str, object]] = [
        {"section_id": 0, "parent": None, "depth": 0, "heading": "", "part": "other", "start": 0, "end": len(text)}
    ]
    pos = 0
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        depth = heading_depth(line)
        if depth is None:
            continue
        while len(open_stack) > 1 and int(rows[open_stack[-1]]["depth"]) >= depth:  # type: ignore[call-overload]
            rows[open_stack.pop()]["end"] = start
        parent = open_stack[-1]
        part = classify_part(line)
        if part == "other":
            part = str(rows[parent]["part"])  # type: ignore[assignment]
        rows.append(
            {"section_id": len(rows), "parent": parent, "depth": depth, "heading": line,
             "part": part, "start": start, "end": len(text)}
        )
        open_stack.append(len(rows) - 1)
    for r in rows:
        sections.append(
            Section(
                doc_id=doc_id,
                section_id=int(r["section_id"]),  # type: ignore[call-overload]
                parent_section_id=None if r["parent"] is None else int(r["parent"]),  # type: ignore[call-overload]
                depth=int(r["depth"]),  # type: ignore[call-overload]
                heading=str(r["heading"]),
                part=r["part"],  # type: ignore[arg-type]
                char_start=int(r["start"]),  # type: ignore[call-overload]
                char_end=int(r["end"]),  # type: ignore[call-overload]
            )
        )
    return sections


_SENTENCE_END = re.compile(r"[。！？；!?;]+[”’」』）)]*|\n")


def split_sentences(doc_id: str, text: str, sections: list[Section]) -> list[Sentence]:
    """Sentences end at 。！？； (with closing quotes kept) and at line ends; each belongs to the
    deepest section that contains its start."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end() if m.group() != "\n" else m.start()
        spans.append((start, end))
        start = m.end()
    spans.append((start, len(text)))
    ordered = sorted(sections, key=lambda s: (s.char_start, s.depth))
    sentences: list[Sentence] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s >= e:
            continue
        section_id = 0
        for sec in ordered:
            if sec.char_start <= s < sec.char_end:
                section_id = sec.section_id
        sentences.append(
            Sentence(doc_id=doc_id, sentence_id=len(sentences), section_id=section_id,
                     text=text[s:e], char_start=s, char_end=e)
        )
    return sentences
