"""The seed warehouse's site in a real browser: Debian's Chromium driven by Playwright, offline.

Needs /usr/bin/chromium and fonts-noto-cjk (`.ci/run` installs both); Playwright never downloads a
browser of its own here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from flows.ingest import ingest
from flows.settings import Settings
from report.build import SiteSummary, build_site
from tests.conftest import SEEDS

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# A loaded 2-core machine draws the charts page in seconds; allow for one much busier.
TIMEOUT_MS = 180_000


@pytest.fixture(scope="module")
def seeded_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, SiteSummary]:
    warehouse = tmp_path_factory.mktemp("seed-warehouse")
    ingest(Settings(sources=[SEEDS], warehouse_dir=warehouse, workers=2))
    db = warehouse / "warehouse.duckdb"
    out = warehouse / "report"
    return db, out, build_site(db, out)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: apt-get install -y chromium fonts-noto-cjk (as .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Page:
    """A browser page that records console errors and every request it makes."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.page.set_default_timeout(TIMEOUT_MS)
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def off_disk(self) -> list[str]:
        return [u for u in self.requests if not u.startswith("file://")]


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    p = Page(browser)
    yield p
    p.page.close()


def rows(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_every_chart_draws_its_marks_offline_with_no_error(
    seeded_site: tuple[Path, Path, SiteSummary], page: Page
) -> None:
    _, out, summary = seeded_site
    page.page.goto((out / "index.html").as_uri())
    page.page.evaluate("window.baogaoChartsReady")
    drawn = page.page.evaluate(
        """() => Array.from(document.querySelectorAll('.chart[data-chart]')).map(el =>
             [el.dataset.chart, el.querySelectorAll('svg g.role-mark > *').length])"""
    )
    assert len(drawn) == summary.charts >= 10
    assert [c for c, marks in drawn if marks == 0] == []
    assert {"ind-gdp_growth", "terms", "quoted", "themes-year", "entities"} <= {c for c, _ in drawn}
    # Chinese labels are drawn with a CJK font from the fallback list, installed here
    assert page.page.evaluate("document.fonts.check('12px \"Noto Sans CJK SC\"', '国内生产总值')")
    labels = page.page.evaluate("Array.from(document.querySelectorAll('svg text')).map(t => t.textContent)")
    assert "国内生产总值增长（%）" in labels
    assert page.errors == []
    assert page.off_disk() == []
    assert summary.index_bytes < 3 * 1024 * 1024


def test_a_click_on_a_chart_point_opens_the_sentence_that_states_it(
    seeded_site: tuple[Path, Path, SiteSummary], page: Page
) -> None:
    db, out, _ = seeded_site
    page.page.goto((out / "index.html").as_uri())
    page.page.evaluate("window.baogaoChartsReady")
    points = page.page.evaluate("window.baogaoCharts['ind-gdp_growth'].data('points')")
    point = page.page.locator('[data-chart="ind-gdp_growth"] svg g.mark-symbol.role-mark > path').first
    point.scroll_into_view_if_needed()
    point.click()
    page.page.wait_for_url(re.compile(r"/docs/\w+\.html#m-\d+$"))
    href = re.search(r"docs/\w+\.html#m-\d+$", page.page.url).group()  # type: ignore[union-attr]
    [datum] = [p for p in points if p["href"] == href]
    doc_id, ordinal = re.search(r"docs/(\w+)\.html#m-(\d+)", href).groups()  # type: ignore[union-attr]
    assert page.page.locator(f"#m-{ordinal}").text_content() == datum["surface"]
    [(surface,)] = rows(db, "select surface from metrics where metric_id = ?", [f"{doc_id}:{ordinal}"])
    assert surface == datum["surface"]
    assert page.errors == [] and page.off_disk() == []


def test_marked_spans_equal_their_text_in_the_warehouse(
    seeded_site: tuple[Path, Path, SiteSummary], page: Page
) -> None:
    db, out, _ = seeded_site
    docs = rows(
        db,
        "(select doc_id from documents where body_type = '政协' order by doc_id)"
        " union all (select doc_id from documents where plan_year = 2024 and body_type = '政府')",
    )
    assert len(docs) == 4
    for (doc_id,) in docs:
        page.page.goto((out / "docs" / f"{doc_id}.html").as_uri())
        marked = page.page.evaluate(
            """() => { const out = {};
                 document.querySelectorAll('#doc-text [data-k]').forEach(el => {
                   out[el.dataset.k] = (out[el.dataset.k] || '') + el.textContent; });
                 return out; }"""
        )
        metrics = rows(
            db,
            "select 'm' || split_part(metric_id, ':', 2), substr(d.text, m.char_start + 1, m.char_end - m.char_start)"
            " from metrics m join documents d using (doc_id) where doc_id = ?",
            [doc_id],
        )
        assert metrics and {k: v for k, v in marked.items() if k.startswith("m")} == dict(metrics)
        mentions = rows(
            db,
            "select substr(d.text, e.char_start + 1, e.char_end - e.char_start) from entity_mentions e"
            " join documents d using (doc_id) where doc_id = ? order by e.char_start, e.char_end, e.type, e.name",
            [doc_id],
        )
        assert mentions and [marked[f"e{i}"] for i in range(len(mentions))] == [m for (m,) in mentions]
        [(text,)] = rows(db, "select text from documents where doc_id = ?", [doc_id])
        assert page.page.locator("#doc-text").text_content() == text
        # targets and actuals are told apart by colour
        colours = page.page.evaluate(
            """() => [...new Set(Array.from(document.querySelectorAll('mark.metric')).map(m =>
                 (m.classList.contains('target') ? 'target ' : 'actual ') + getComputedStyle(m).color))]"""
        )
        assert len({c.split(" ", 1)[1] for c in colours}) == len({c.split(" ", 1)[0] for c in colours})
    assert page.errors == [] and page.off_disk() == []


@pytest.mark.parametrize("term", ["两个确立", "政协委员"])
def test_a_search_finds_every_sentence_containing_the_term(
    seeded_site: tuple[Path, Path, SiteSummary], page: Page, term: str
) -> None:
    db, out, _ = seeded_site
    want = rows(
        db, "select doc_id, sentence_id from sentences where contains(text, ?) order by doc_id, sentence_id", [term]
    )
    assert 0 < len(want) <= 500
    page.page.goto((out / "search.html").as_uri() + "#q=" + term)
    page.page.wait_for_selector(".hit")
    got = page.page.evaluate(
        "Array.from(document.querySelectorAll('.hit')).map(li => [li.dataset.doc, Number(li.dataset.sentence)])"
    )
    assert sorted(map(tuple, got)) == want
    assert f"{len(want)} 句" in (page.page.text_content("#search-status") or "")
    page.page.locator(".hit a").first.click()
    page.page.wait_for_url(re.compile(r"/docs/\w+\.html#s-\d+$"))
    sentence = page.page.url.rsplit("#", 1)[1]
    assert term in (page.page.locator(f"#{sentence}").text_content() or "")
    assert page.errors == [] and page.off_disk() == []
