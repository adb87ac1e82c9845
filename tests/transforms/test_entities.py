"""Entity mentions: patterns on real sentences, offsets, and precision/recall against the golden
files of the three 政协 seed reports (tests/golden/entities/<report>.csv, one row per distinct
entity: type,name)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections import defaultdict
from functools import cache

import pytest

from flows.seeds import load_resources
from tests.conftest import CPPCC, REPO, SEEDS
from transforms.entities import entity_id, extract_entities, formula_spans, is_formula_shape
from transforms.models import DocumentRows, EntityMention, SourceDoc
from transforms.pipeline import RunInfo, process
from transforms.resources import FormulaEntry
from transforms.segment import segment_text
from transforms.structure import split_sections, split_sentences

GOLDEN = REPO / "tests" / "golden" / "entities"
TARGETS = {
    "document_title": 0.98,
    "quoted_term": 0.98,
    "formula": 0.9,
    "person": 0.9,
    "organization": 0.85,
    "place": 0.85,
}


@cache
def resources():  # type: ignore[no-untyped-def]
    return load_resources(SEEDS)


def mentions_of(text: str) -> list[EntityMention]:
    r = resources()
    sentences = split_sentences("d1", text, split_sections("d1", text))
    seg = segment_text(text, r.user_words)
    return extract_entities("d1", text, sentences, seg, user_words=r.user_words, formulas=r.formulas, regions=r.regions)


def names(text: str, type_: str) -> list[str]:
    return [m.name for m in mentions_of(text) if m.type == type_]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("努力做“两个确立”的坚定捍卫者、“两个维护”的忠实践行者。", ["两个确立", "两个维护"]),
        (
            "紧紧围绕习近平总书记考察浙江重要讲话精神、省委三个“一号工程”、市委两个示范引领县域样板决策部署",
            ["三个一号工程"],
        ),
        ("以界别协商、对口协商、提案办理协商、小微协商为常态的“1+2+3+4”协商格局。", ["1+2+3+4"]),
        ("做实“4+X”的协商、监督活动及专长委员的个性化服务保障", ["4+X"]),
        ("主动投身信访值守、“五联五促”“河湖长制”等党政重点工作", ["五联五促"]),
        ("推动“六治六提六争”作风建设走深走实", ["六治六提六争"]),
        ("聚力打造“一委一品”“一界一品”。", ["一委一品", "一界一品"]),
        ("深化“五型机关”建设，更好发挥机关参谋服务保障作用", ["五型机关"]),
        # unquoted, from seeds/reference/formulas.csv
        ("进一步增强四个意识、坚定四个自信，做到两个维护。", ["四个意识", "四个自信", "两个维护"]),
        # look-alikes: a May Day award, a five-year plan, an idiom, a quoted slogan that starts with a number
        ("32名委员获省“五一劳动奖章”“浙江好人”等省级以上荣誉", []),
        ("2024年是实现“十四五”规划目标的关键一年", []),
        ("一言一行不忘委员身份，力求十全十美", []),
        ("深挖“十四任书记抓一只果”的常山胡柚历史脉络", []),
        ("GDP增长5.2%，城镇新增就业1244万人", []),
        ("一九五九年的工业总产值比一九五八年增长", []),
        ("粉碎“四人帮”以后", []),
    ],
)
def test_formulas_in_real_sentences(sentence: str, expected: list[str]) -> None:
    assert names(sentence, "formula") == expected


def test_formula_spans_works_without_a_list_and_obeys_exclusions() -> None:
    text = "坚持“八八战略”，落实“三保三促”，推进三位一体"
    assert formula_spans(text) == [(3, 7, "八八战略"), (12, 16, "三保三促")]
    listed = (FormulaEntry("三保三促", is_formula=False), FormulaEntry("三位一体"))
    assert formula_spans(text, listed) == [(3, 7, "八八战略"), (20, 24, "三位一体")]


@pytest.mark.parametrize(
    ("phrase", "shaped"),
    [
        ("八八战略", True),
        ("三下沉", True),
        ("六送下乡", True),
        ("一工作室一品牌", True),
        ("四联", True),
        ("一线", False),
        ("一片芯", False),
        ("十四五", False),
        ("三八红旗手", False),
        ("第一议题", False),
    ],
)
def test_formula_shape(phrase: str, shaped: bool) -> None:
    assert is_formula_shape(phrase) is shaped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("市政协主席 陈长锋\n各位委员：", ["陈长锋"]),
        ("为加快“青春之城”建设作出更大贡献。\n（冯 楠）", ["冯楠"]),
        ("深入学习贯彻习近平总书记重要讲话精神", ["习近平"]),
        ("伊春市政协主席王瑞在会上作报告。", ["王瑞"]),
        ("市委书记 张兆金同志出席", ["张兆金"]),
        # titles are not names, and 主席会议 is a meeting
        ("召开主席会议，市政协主席出席", []),
    ],
)
def test_persons_are_names_not_titles(text: str, expected: list[str]) -> None:
    assert names(text, "person") == expected


@pytest.mark.parametrize(
    ("text", "type_", "expected"),
    [
        ("在市委坚强领导下，市政协坚持以习近平新时代中国特色社会主义思想为指导", "organization", ["市委", "市政协"]),
        ("在中共余姚市委的坚强领导下", "organization", ["中共余姚市委"]),
        ("赴厦门大学、湖南大学等高校开展专题培训", "organization", ["厦门大学", "湖南大学"]),
        ("协助省传统文化促进会在梁弄设立教育基地", "organization", ["省传统文化促进会"]),
        ("政协伊春市委员会常务委员会工作报告", "organization", ["政协伊春市委员会常务委员会"]),
        ("聚焦衢饶示范区建设，与江西省玉山县探索跨区域协商", "place", ["玉山县"]),
        ("孝感市、红安、麻城等地", "place", ["孝感市", "红安县", "麻城市"]),
        ("球川镇、东案乡、青石镇民生议事堂调研协商成果入选", "place", ["球川镇", "东案乡", "青石镇"]),
        # 和县 is a county, but here 和 is "and"
        ("离不开县委的正确领导和县人大、县政府以及各部门的大力支持", "place", []),
    ],
)
def test_organizations_and_places_in_real_sentences(text: str, type_: str, expected: list[str]) -> None:
    assert names(text, type_) == expected


def test_places_carry_their_region_code_and_a_chain_is_one_mention() -> None:
    place = [m for m in mentions_of("与江西省宜春市探索跨区域协商") if m.type == "place"]
    assert [(m.text, m.name, m.region_code) for m in place] == [("江西省宜春市", "宜春市", "360900")]


def test_titles_and_quoted_terms_keep_their_inner_text() -> None:
    text = "推动出台《余姚市新能源汽车产业提质增量五年行动计划》，创设“姚商说”品牌，《提升“科创飞地”质效》"
    rows = [(m.type, m.text) for m in mentions_of(text) if m.type in ("document_title", "quoted_term")]
    assert rows == [
        ("document_title", "余姚市新能源汽车产业提质增量五年行动计划"),
        ("quoted_term", "姚商说"),
        ("document_title", "提升“科创飞地”质效"),
        ("quoted_term", "科创飞地"),
    ]


def test_entity_id_is_sha256_of_type_and_name() -> None:
    assert entity_id("person", "冯楠") == hashlib.sha256("person\x1f冯楠".encode()).hexdigest()[:16]


@cache
def processed(index: int) -> DocumentRows:
    path = CPPCC[index]
    text = path.read_text(encoding="utf-8")
    source = SourceDoc(
        source_uri=path.as_uri(),
        source_name=path.name,
        media_type="text",
        content_sha256=hashlib.sha256(text.encode()).hexdigest(),
        text=text,
    )
    rows = process(source, resources(), RunInfo("test", dt.datetime(2025, 1, 1, tzinfo=dt.UTC)))
    assert isinstance(rows, DocumentRows)
    return rows


@pytest.mark.parametrize("index", range(len(CPPCC)), ids=[p.stem for p in CPPCC])
def test_every_mention_is_its_span_of_the_text_in_its_sentence(index: int) -> None:
    rows = processed(index)
    text = rows.document.text
    sentences = {s.sentence_id: s for s in rows.sentences}
    assert rows.entity_mentions
    for m in rows.entity_mentions:
        assert text[m.char_start : m.char_end] == m.text
        assert m.entity_id == entity_id(m.type, m.name)
        s = sentences[m.sentence_id]
        assert s.char_start <= m.char_start < s.char_end


def golden() -> dict[str, set[tuple[str, str]]]:
    out: dict[str, set[tuple[str, str]]] = {}
    for path in sorted(GOLDEN.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            out[path.stem] = {(row["type"], row["name"]) for row in csv.DictReader(f)}
    return out


def precision_recall() -> dict[str, tuple[float, float, int, int, int]]:
    """Per type over the three reports: (precision, recall, true positives, found, expected)."""
    tp: defaultdict[str, int] = defaultdict(int)
    found: defaultdict[str, int] = defaultdict(int)
    expected: defaultdict[str, int] = defaultdict(int)
    gold = golden()
    for index, path in enumerate(CPPCC):
        got = {(m.type, m.name) for m in processed(index).entity_mentions}
        want = gold[path.stem]
        for type_ in TARGETS:
            g = {e for e in got if e[0] == type_}
            w = {e for e in want if e[0] == type_}
            tp[type_] += len(g & w)
            found[type_] += len(g)
            expected[type_] += len(w)
    return {
        t: (
            tp[t] / found[t] if found[t] else 1.0,
            tp[t] / expected[t] if expected[t] else 1.0,
            tp[t],
            found[t],
            expected[t],
        )
        for t in TARGETS
    }


def test_golden_files_cover_the_three_cppcc_reports() -> None:
    assert sorted(golden()) == sorted(p.stem for p in CPPCC)


@pytest.mark.parametrize("type_", list(TARGETS))
def test_precision_per_type_reaches_the_target(type_: str) -> None:
    precision, _, tp, found, _ = precision_recall()[type_]
    print(f"{type_}: precision {precision:.3f} ({tp}/{found})")
    assert precision >= TARGETS[type_]


@pytest.mark.parametrize("type_", list(TARGETS))
def test_recall_per_type_reaches_the_target(type_: str) -> None:
    _, recall, tp, _, expected = precision_recall()[type_]
    print(f"{type_}: recall {recall:.3f} ({tp}/{expected})")
    assert recall >= TARGETS[type_]


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        ("举办“海韵侨风——楼宝善捐赠艺术作品展”", "楼宝善"),
        ("我们的先辈孙中山先生，在本世纪初", "孙中山"),
        ("全国人民代表大会的代表梁希先生从浙江农村视察回来", "梁希"),
    ],
)
def test_a_name_before_a_word_that_only_follows_names_is_a_person(sentence: str, name: str) -> None:
    assert name in names(sentence, "person")
