"""`baogao report`: the static site written from a warehouse of four hand-made reports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.app import app
from report.build import SiteError, SiteOptions, SiteSummary, build_site
from tests.report.conftest import DOCS
from tests.report.test_markup import parse


@pytest.fixture(scope="module")
def site(tiny_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SiteSummary]:
    out = tmp_path_factory.mktemp("site") / "report"
    return out, build_site(tiny_warehouse, out)


def specs(page: Path) -> dict[str, dict[str, Any]]:
    html = page.read_text(encoding="utf-8")
    return {
        m.group(1): json.loads(m.group(2).replace("<\\/", "</"))
        for m in re.finditer(r'<script type="application/json" id="spec-([^"]+)">(.*?)</script>', html, re.S)
    }


def test_the_site_has_an_index_a_list_search_and_a_page_per_document(site: tuple[Path, SiteSummary]) -> None:
    out, summary = site
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == [
        ".baogao-site", "assets/charts.js", "assets/document.js", "assets/search.js", "assets/sentences.js",
        "assets/site.css", "assets/vega.js", "docs/js24.html", "docs/n23.html", "docs/n24.html", "docs/zj24.html",
        "documents.html", "index.html", "search.html",
    ]  # fmt: skip
    assert (summary.pages, summary.documents) == (7, 4)
    assert summary.index_bytes == (out / "index.html").stat().st_size


def test_nothing_is_loaded_from_the_network(site: tuple[Path, SiteSummary]) -> None:
    out, _ = site
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        sources = re.findall(r'(?:src|href)="([^"#]+)', html)
        assert sources and all(not re.match(r"[a-z]+:", s) for s in sources), page


def test_the_national_series_plots_each_target_and_actual_linked_to_its_sentence(
    site: tuple[Path, SiteSummary],
) -> None:
    spec = specs(site[0] / "index.html")["ind-gdp_growth"]
    points = [
        (p["year"], p["kind"], p["value"], p["qualifier"], p["shape"], p["href"]) for p in spec["datasets"]["points"]
    ]
    assert points == [
        (2022, "实际", 3.0, "确数", "diamond", "docs/n23.html#m-1"),
        (2023, "目标", 5.0, "左右", "circle", "docs/n23.html#m-2"),
        (2023, "实际", 5.2, "确数", "diamond", "docs/n24.html#m-1"),
        (2024, "目标", 5.0, "左右", "circle", "docs/n24.html#m-2"),
    ]
    status = [(s["year"], s["status"]) for s in spec["datasets"]["status"]]
    assert status == [(2022, "未见目标"), (2023, "数值目标"), (2024, "数值目标")] or status == [
        (2023, "数值目标"),
        (2024, "数值目标"),
    ]
    assert "Noto Sans CJK SC" in spec["config"]["font"]


def test_regions_of_one_year_show_a_band_for_a_range_and_a_shape_for_以上(site: tuple[Path, SiteSummary]) -> None:
    spec = specs(site[0] / "index.html")["ind-gdp_growth-regions"]
    points = [
        (p["region"], p["year"], p["kind"], p["value"], p["value_high"], p["qualifier"], p["href"])
        for p in spec["datasets"]["points"]
    ]
    assert points == [
        ("江苏省", 2024, "目标", 5.0, 5.5, "区间", "docs/js24.html#m-1"),
        ("浙江省", 2024, "目标", 5.5, None, "以上", "docs/zj24.html#m-2"),
    ]


def test_quoted_terms_show_who_said_them_first(site: tuple[Path, SiteSummary]) -> None:
    rows = specs(site[0] / "index.html")["quoted"]["datasets"]["firsts"]
    assert sorted((r["term"], r["issuer"], r["year"]) for r in rows) == [
        ("两个确立", "国务院", 2023),
        ("新质生产力", "国务院", 2024),
        ("新质生产力", "浙江省人民政府", 2024),
    ]
    assert all(re.fullmatch(r"docs/\w+\.html#s-\d+", r["href"]) for r in rows)


def test_every_metric_and_mention_is_marked_with_exactly_its_text(site: tuple[Path, SiteSummary]) -> None:
    out, _ = site
    for d in DOCS:
        html = (out / "docs" / f"{d.doc_id}.html").read_text(encoding="utf-8")
        body = re.search(r'<article class="doc-text"[^>]*>(.*)</article>', html, re.S)
        assert body is not None
        marked = parse(body.group(1))
        assert marked.text == d.text
        metrics = {k: v for k, v in marked.by_key.items() if k.startswith("m")}
        assert metrics == {f"m{n}": m[0] for n, m in enumerate(d.metrics, start=1)}
        mentions = sorted(v for k, v in marked.by_key.items() if k.startswith("e"))
        assert mentions == sorted(d.quoted)
        # targets and actuals are told apart by class (colour) and in the hover text
        for n, (surface, is_target, *_) in enumerate(d.metrics, start=1):
            tag = re.search(rf'<mark data-k="m{n}" class="([^"]+)" id="m-{n}"[^>]*title="([^"]+)"', html)
            assert tag is not None, surface
            assert ("target" if is_target else "actual") in tag.group(1).split()
            assert ("性质：目标" if is_target else "性质：实际") in tag.group(2)


def test_the_outline_links_to_each_heading(site: tuple[Path, SiteSummary]) -> None:
    html = (site[0] / "docs" / "n24.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="#(sec-\d+)">([^<]+)</a>', html) == [
        ("sec-1", "一、2023年工作回顾"),
        ("sec-2", "二、2024年工作任务"),
    ]
    assert re.search(r'<a id="sec-1"></a><span data-k="s1" class="s" id="s-1">一、2023年工作回顾', html)


def test_search_data_hold_every_sentence_with_its_document(site: tuple[Path, SiteSummary]) -> None:
    js = (site[0] / "assets" / "sentences.js").read_text(encoding="utf-8")
    data = json.loads(js.removeprefix("window.BAOGAO_SENTENCES=").rstrip(";\n").replace("<\\/", "</"))
    docs = [d[0] for d in data["docs"]]
    got = sorted((docs[i], s, t) for i, s, t in zip(data["doc"], data["sid"], data["text"], strict=True))
    from tests.report.conftest import sentences

    want = sorted((d.doc_id, i, d.text[a:b]) for d in DOCS for i, (a, b) in enumerate(sentences(d.text)))
    assert got == want


def test_where_keeps_only_the_matching_documents(tiny_warehouse: Path, tmp_path: Path) -> None:
    summary = build_site(tiny_warehouse, tmp_path / "zj", SiteOptions(where="region_name = '浙江省'"))
    assert summary.documents == 1
    assert sorted(p.name for p in (tmp_path / "zj" / "docs").iterdir()) == ["zj24.html"]
    assert "ind-gdp_growth-regions" not in specs(tmp_path / "zj" / "index.html")


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("year >", "is not a valid condition"),
        ("nosuch = 1", "not a valid condition on documents: .*nosuch"),
        ("year > 1; drop table documents", "is not a valid condition"),
        ("year > 2100", "no document matches"),
    ],
)
def test_a_bad_where_says_what_is_wrong(tiny_warehouse: Path, tmp_path: Path, where: str, message: str) -> None:
    with pytest.raises(SiteError, match=message):
        build_site(tiny_warehouse, tmp_path / "out", SiteOptions(where=where))
    assert not (tmp_path / "out").exists()


def test_the_command_prints_where_the_site_is_and_how_many_pages(tiny_warehouse: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", "-w", str(tiny_warehouse.parent), "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert re.search(r"wrote 7 pages \(4 documents, \d+ charts\)", result.output)
    assert str(tmp_path / "s" / "index.html") in result.output.replace("\n", "")


def test_a_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", "-w", str(tmp_path)])
    assert result.exit_code == 1
    assert "no warehouse at" in result.output and "baogao ingest" in result.output


def test_a_target_stated_only_in_words_shows_as_such(tmp_path: Path) -> None:
    """Warehouses whose metrics have stated_in_words (value NULL): the year's status says 仅文字目标,
    links to the statement, and the document's hover gives the words."""
    import duckdb

    from tests.report.conftest import make_warehouse

    db = make_warehouse(tmp_path / "warehouse.duckdb")
    text = "政府工作报告\n今年经济增长保持在合理区间。"
    con = duckdb.connect(str(db))
    con.execute("alter table metrics alter column value drop not null")
    con.execute("alter table metrics add column if not exists stated_in_words varchar")
    con.execute(
        "insert into documents (doc_id, source_uri, source_name, content_sha256, media_type, script, char_count,"
        " text, title, issuer, body_type, level, region_code, plan_year, review_year, transform_version, run_id,"
        " ingested_at) values ('n22', 'file:///n22.txt', 'n22.txt', 'n22', 'text', 'simplified', ?, ?,"
        " '政府工作报告', '国务院', '政府', 'national', '100000', 2022, 2021, 't', 'r', now())",
        [len(text), text],
    )
    con.execute("insert into sentences values ('n22', 0, 0, '政府工作报告', 0, 6), ('n22', 1, 0, ?, 7, ?)",
                [text[7:], len(text)])  # fmt: skip
    start = text.index("保持在合理区间")
    con.execute(
        "insert into metrics (metric_id, doc_id, sentence_id, char_start, char_end, surface, number_text, unit_text,"
        " value, unit, period, indicator, is_target, stated_in_words)"
        " values ('n22:1', 'n22', 1, ?, ?, '保持在合理区间', '', '', null, '%', 'plan', 'gdp_growth', true, ?)",
        [start, start + 7, "保持在合理区间"],
    )
    con.close()
    build_site(db, tmp_path / "site")
    status = specs(tmp_path / "site" / "index.html")["ind-gdp_growth"]["datasets"]["status"]
    assert {"year": 2022, "status": "仅文字目标", "href": "docs/n22.html#m-1", "said": "保持在合理区间"} in status
    page = (tmp_path / "site" / "docs" / "n22.html").read_text(encoding="utf-8")
    assert re.search(
        r'<mark data-k="m1" class="metric target indicator" id="m-1"[^>]*title="值：保持在合理区间；', page
    )


def test_a_folder_of_other_files_is_never_replaced(tiny_warehouse: Path, tmp_path: Path) -> None:
    mine = tmp_path / "Documents"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(SiteError, match="is not a site baogao wrote"):
        build_site(tiny_warehouse, mine)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    # a site written before is replaced, an empty folder is used
    build_site(tiny_warehouse, tmp_path / "empty")
    build_site(tiny_warehouse, tmp_path / "empty")
    assert (tmp_path / "empty" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Documents", "empty"]


def test_a_report_of_unknown_region_is_in_no_series(tmp_path: Path) -> None:
    import duckdb

    from tests.report.conftest import make_warehouse

    db = make_warehouse(tmp_path / "warehouse.duckdb")
    con = duckdb.connect(str(db))
    con.execute("create temp table x as select * from documents where doc_id = 'zj24'")
    con.execute("update x set doc_id = 'anon', province = null, level = null, region_code = null")
    con.execute("insert into documents select * from x")
    con.execute("insert into metrics select * replace ('anon:' || split_part(metric_id, ':', 2) as metric_id,"
                " 'anon' as doc_id) from metrics where doc_id = 'zj24'")  # fmt: skip
    con.close()
    build_site(db, tmp_path / "site")
    charts = specs(tmp_path / "site" / "index.html")
    assert {p["region"] for p in charts["ind-gdp_growth-regions"]["datasets"]["points"]} == {"江苏省", "浙江省"}
    assert {p["region"] for p in charts["ind-gdp_growth"]["datasets"]["points"]} == {"全国"}
    assert (tmp_path / "site" / "docs" / "anon.html").is_file()
