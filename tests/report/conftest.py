"""A tiny hand-made warehouse for the site's tests: four government reports whose every row is known."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

SQL = Path(__file__).resolve().parents[2] / "sql"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Doc:
    doc_id: str
    text: str
    plan_year: int
    province: str | None
    # (surface, is_target, value, value_high, qualifier): each surface found after the previous one
    metrics: tuple[tuple[str, bool, str, str | None, str | None], ...]
    quoted: tuple[str, ...] = ()


DOCS = [
    Doc(
        "n23",
        "政府工作报告\n一、2022年工作回顾\n国内生产总值增长3%。\n二、2023年工作任务\n今年国内生产总值增长5%左右。“两个确立”具有决定性意义。",
        2023,
        None,
        (("3%", False, "3", None, None), ("5%左右", True, "5", None, "about")),
        ("两个确立",),
    ),
    Doc(
        "n24",
        "政府工作报告\n一、2023年工作回顾\n国内生产总值增长5.2%。\n二、2024年工作任务\n今年国内生产总值增长5%左右。“两个确立”和“新质生产力”。",
        2024,
        None,
        (("5.2%", False, "5.2", None, None), ("5%左右", True, "5", None, "about")),
        ("两个确立", "新质生产力"),
    ),
    Doc(
        "zj24",
        "浙江省政府工作报告\n去年全省生产总值增长6%。\n今年全省生产总值增长5.5%以上。“新质生产力”加快发展。",
        2024,
        "浙江省",
        (("6%", False, "6", None, None), ("5.5%以上", True, "5.5", None, "at_least")),
        ("新质生产力",),
    ),
    Doc(
        "js24",
        "江苏省政府工作报告\n今年全省生产总值增长5%-5.5%，<不含>价格因素。",
        2024,
        "江苏省",
        (("5%-5.5%", True, "5", "5.5", "range"),),
    ),
]


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans as the warehouse cuts them: after 。 and at line ends."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^。\n]+。?", text)]


def insert(con: duckdb.DuckDBPyConnection, table: str, row: dict[str, object]) -> None:
    con.execute(f"insert into {table} ({', '.join(row)}) values ({', '.join('?' * len(row))})", list(row.values()))


def make_warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute((SQL / "00_tables.sql").read_text(encoding="utf-8"))
    for view in sorted(SQL.glob("v_*.sql")):
        con.execute(view.read_text(encoding="utf-8"))
    insert(con, "ref_indicators", {"indicator": "gdp_growth", "name": "国内生产总值增长", "unit": "%",
                                   "phrases": "生产总值…增长", "better": "higher"})  # fmt: skip
    for d in DOCS:
        insert(con, "documents", {
            "doc_id": d.doc_id, "source_uri": f"file:///{d.doc_id}.txt", "source_name": f"{d.doc_id}.txt",
            "content_sha256": d.doc_id, "media_type": "text", "script": "simplified", "char_count": len(d.text),
            "text": d.text, "title": d.text.split("\n")[0],
            "issuer": "国务院" if d.province is None else d.province + "人民政府",
            "body_type": "政府", "level": "national" if d.province is None else "province", "province": d.province,
            "region_code": "100000" if d.province is None else None, "plan_year": d.plan_year,
            "review_year": d.plan_year - 1, "transform_version": "t", "run_id": "r", "ingested_at": NOW,
        })  # fmt: skip
        spans = sentences(d.text)
        insert(con, "sections", {"doc_id": d.doc_id, "section_id": 0, "depth": 0, "heading": "", "part": "other",
                                 "char_start": 0, "char_end": len(d.text)})  # fmt: skip
        for n, m in enumerate(re.finditer(r"^[一二]、.+$", d.text, re.M), start=1):
            insert(con, "sections", {"doc_id": d.doc_id, "section_id": n, "parent_section_id": 0, "depth": 1,
                                     "heading": m.group(), "part": "review" if n == 1 else "plan",
                                     "char_start": m.start(), "char_end": len(d.text)})  # fmt: skip
        for i, (a, b) in enumerate(spans):
            insert(con, "sentences", {"doc_id": d.doc_id, "sentence_id": i, "section_id": 0, "text": d.text[a:b],
                                      "char_start": a, "char_end": b})  # fmt: skip
        at = 0
        for n, (surface, is_target, value, high, qualifier) in enumerate(d.metrics, start=1):
            start = d.text.index(surface, at)
            at = start + len(surface)
            sid = next(i for i, (a, b) in enumerate(spans) if a <= start < b)
            insert(con, "metrics", {
                "metric_id": f"{d.doc_id}:{n}", "doc_id": d.doc_id, "sentence_id": sid, "char_start": start,
                "char_end": at, "surface": surface, "number_text": value, "unit_text": "%", "value": Decimal(value),
                "value_high": Decimal(high) if high else None, "unit": "%", "qualifier": qualifier,
                "what": "生产总值", "period": "plan" if is_target else "review", "indicator": "gdp_growth",
                "is_target": is_target,
            })  # fmt: skip
        for name in d.quoted:
            start = d.text.index(name)
            sid = next(i for i, (a, b) in enumerate(spans) if a <= start < b)
            insert(con, "entity_mentions", {
                "doc_id": d.doc_id, "sentence_id": sid, "type": "quoted_term", "text": name, "name": name,
                "entity_id": f"q:{name}", "char_start": start, "char_end": start + len(name),
            })  # fmt: skip
        insert(con, "keywords", {"doc_id": d.doc_id, "method": "tfidf", "term": "生产总值", "score": 1.0, "rank": 1})
        for theme, share in (("经济", 0.5), ("民生", 0.25 if d.province else 0.1)):
            insert(con, "document_themes", {"doc_id": d.doc_id, "theme": theme, "sentences": 1, "share": share,
                                             "mentions": 1})  # fmt: skip
        for term in ("生产总值", "新质生产力"):
            if term in d.text:
                insert(con, "terms", {"doc_id": d.doc_id, "term": term, "pos": "n", "count": d.text.count(term)})
    con.close()
    return path


@pytest.fixture(scope="module")
def tiny_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_warehouse(tmp_path_factory.mktemp("site-warehouse") / "warehouse.duckdb")
