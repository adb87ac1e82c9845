"""Write the static site: the warehouse read once, read-only, into HTML pages that need no server.

    build_site(warehouse_db, out_dir, options) -> SiteSummary

The site is a folder: index.html (the charts), documents.html (every report), docs/<doc_id>.html
(a page per report, every metric and entity marked), search.html (keyword in context over every
sentence), and assets/ (the Vega bundle, the sentences for search, CSS and a little JS). Nothing
is loaded from the network: the Vega libraries come from vl-convert's offline bundle, and data
travel inside the pages or as <script> files (browsers refuse fetch() on file://).
"""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from report import charts
from report.markup import Anchor, Span, render
from store.warehouse import WarehouseError, read_only_connection

HERE = Path(__file__).resolve().parent
SQL_DIR = HERE / "sql"
# The libraries as globals for assets/charts.js (vl-convert's own default snippet does the same).
BUNDLE_SNIPPET = "window.vegaEmbed = vegaEmbed; window.vega = vega; window.vegaLite = vegaLite;"
ProgressFn = Callable[[str, int, int], None]  # (stage, done, total)
# A file in every site: a folder holding it may be replaced by the next build, no other folder is.
MARKER = ".baogao-site"

QUALIFIER_WORDS = {"about": "左右", "more_than": "以上（余/多）", "at_least": "以上", "up_to": "以内", "range": "区间"}
PERIOD_WORDS = {"review": "回顾部分", "plan": "部署部分", "other": "其他部分"}


@dataclass(frozen=True)
class SiteOptions:
    """What goes into the site. Defaults in one place, each with why."""

    # A SQL expression over documents' columns and `year` / `region_name` (`year >= 2000`,
    # `province = '浙江省'`): only those documents are shown. None shows every document.
    where: str | None = None
    # Terms for the small multiples; empty: the strongest risers.
    terms: tuple[str, ...] = ()
    # Twelve small multiples fit one screen at four per row.
    riser_count: int = 12
    # "Recent" for a riser is the latest ten report years: two five-year plans.
    riser_recent_years: int = 10
    # A term mentioned fewer times than this is noise in a rise ranking.
    riser_min_mentions: int = 20
    # Quoted terms shown in the adoption chart: those quoted by the most issuers.
    quoted_terms: int = 20
    # Entities per type in the top-entities chart.
    entities_per_type: int = 10


@dataclass
class SiteSummary:
    """What a build wrote."""

    out_dir: Path
    pages: int = 0
    documents: int = 0
    charts: int = 0
    seconds: float = 0.0
    index_bytes: int = 0
    notes: list[str] = field(default_factory=list)


class SiteError(Exception):
    """The site could not be built; the message says why and what to do."""


@cache
def _sql(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def _rows(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(_sql(name), params or {})
    cols = [d[0] for d in cur.description or []]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


@cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed in one script that defines window.vegaEmbed, with no imports;
    its first line names the versions, so a later build can reuse it (bundling takes seconds)."""
    import vl_convert

    return _bundle_header() + vl_convert.javascript_bundle(BUNDLE_SNIPPET)


@cache
def _bundle_header() -> str:
    import vl_convert

    return (
        f"/* vl-convert bundle: vega {vl_convert.get_vega_version()}, "
        f"vega-lite {vl_convert.get_vegalite_versions()[-1]}, vega-embed {vl_convert.get_vega_embed_version()} */\n"
    )


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["tojson_script"] = _json_for_script
    return env


def _json_for_script(value: Any) -> str:
    """JSON safe inside <script>: no `</` can end the element early."""
    from markupsafe import Markup

    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)
    return Markup(text.replace("</", "<\\/").replace("<!--", "<\\!--"))


def _json_default(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    return str(value)


def select_documents(con: duckdb.DuckDBPyConnection, where: str | None) -> int:
    """Create the temporary table site_doc_ids: the documents the site shows. `where` is parsed as
    one expression (DuckDB's relation filter), never pasted into a statement."""
    rel = con.sql(_sql("document_filter"))
    if where:
        try:
            rel = rel.filter(where)
        except duckdb.Error as exc:
            raise SiteError(f"--where {where!r} is not a valid condition on documents: {exc}") from exc
    try:
        ids = [r[0] for r in rel.project("doc_id").fetchall()]
    except duckdb.Error as exc:
        raise SiteError(f"--where {where!r} failed on documents: {exc}") from exc
    con.execute("create or replace temp table site_doc_ids as select unnest(?::varchar[]) as doc_id", [ids])
    return len(ids)


def build_site(
    database: Path, out_dir: Path, options: SiteOptions | None = None, progress: ProgressFn | None = None
) -> SiteSummary:
    """Write the site for the warehouse at `database` into `out_dir` (replaced whole, but only when it
    is empty or a site written before: never a folder of other files)."""
    options = options or SiteOptions()
    staging = out_dir.with_name(f".{out_dir.name}.baogao-tmp")
    for folder in (out_dir, staging):
        if not _replaceable(folder):
            raise SiteError(
                f"{folder} exists and is not a site baogao wrote (no {MARKER} in it); "
                "choose a new or empty folder with --out, or remove that one"
            )
    report = progress or (lambda stage, done, total: None)
    started = time.perf_counter()
    try:
        con = read_only_connection(database)
    except WarehouseError as exc:
        raise SiteError(str(exc)) from exc
    try:
        n_docs = select_documents(con, options.where)
        if n_docs == 0:
            raise SiteError(
                f"no document matches --where {options.where!r}" if options.where else "the warehouse has no documents"
            )
        if staging.exists():
            shutil.rmtree(staging)
        (staging / "docs").mkdir(parents=True)
        (staging / MARKER).write_text("written by `baogao report`; the next run replaces this folder\n")
        (staging / "assets").mkdir()
        summary = SiteSummary(out_dir=out_dir, documents=n_docs)
        env = _environment()
        _write_assets(staging, out_dir)
        documents = _rows(con, "site_documents")
        doc_labels = {d["doc_id"]: _doc_label(d) for d in documents}
        report("charts", 0, 1)
        sections = _chart_sections(con, options, summary)
        report("charts", 1, 1)
        _write(
            staging / "index.html",
            env.get_template("index.html.j2").render(
                root="", sections=sections, documents=documents, summary=summary, where=options.where
            ),
        )
        _write(
            staging / "documents.html",
            env.get_template("documents.html.j2").render(root="", documents=documents, where=options.where),
        )
        _write_search(con, staging, env, doc_labels)
        summary.pages = 3
        for done, page in enumerate(_document_pages(con, documents, env), start=1):
            doc_id, html = page
            _write(staging / "docs" / f"{doc_id}.html", html)
            summary.pages += 1
            report("documents", done, n_docs)
    finally:
        con.close()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    staging.rename(out_dir)
    summary.index_bytes = (out_dir / "index.html").stat().st_size
    summary.seconds = time.perf_counter() - started
    return summary


def _replaceable(folder: Path) -> bool:
    if not folder.exists():
        return True
    return folder.is_dir() and ((folder / MARKER).is_file() or not any(folder.iterdir()))


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _write_assets(staging: Path, previous: Path) -> None:
    assets = staging / "assets"
    for p in (HERE / "static").iterdir():
        shutil.copyfile(p, assets / p.name)
    old = previous / "assets" / "vega.js"
    if old.is_file():
        with old.open(encoding="utf-8") as f:
            if f.readline() == _bundle_header():
                shutil.copyfile(old, assets / "vega.js")
                return
    (assets / "vega.js").write_text(vega_bundle(), encoding="utf-8")


def _doc_label(d: dict[str, Any]) -> str:
    parts = [str(d["year"]) if d["year"] else "", d["region_name"] or "", d["title"] or ""]
    return " ".join(p for p in parts if p)


# --- charts ------------------------------------------------------------------------------------


@dataclass
class ChartBlock:
    """One chart on a page: its id, heading, a sentence on how to read it, and its spec."""

    id: str
    title: str
    note: str
    spec: dict[str, Any]


@dataclass
class PageSection:
    id: str
    title: str
    intro: str
    charts: list[ChartBlock] = field(default_factory=list)
    empty: str = ""


def _chart_sections(con: duckdb.DuckDBPyConnection, options: SiteOptions, summary: SiteSummary) -> list[PageSection]:
    sections = [
        _indicator_section(con),
        _terms_section(con, options),
        _quoted_section(con, options),
        _themes_section(con),
        _entities_section(con, options),
    ]
    summary.charts = sum(len(s.charts) for s in sections)
    return sections


def _indicator_section(con: duckdb.DuckDBPyConnection) -> PageSection:
    section = PageSection(
        "indicators",
        "目标与实际",
        "每个指标：目标（区间为色带，“左右”“以上”“以内”各有形状）与实际完成值。点击任一点，打开说出这个数字的句子。"
        "下方色条标出每个报告年份：有数值目标、只有文字目标、或未见目标。",
    )
    points = _rows(con, "indicator_points")
    report_years = _rows(con, "indicator_report_years")
    # targets stated only in words exist in warehouses whose metrics have stated_in_words
    words: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    if _has_column(con, "metrics", "stated_in_words"):
        for w in _rows(con, "indicator_word_targets"):
            words[(w["indicator"], w["region_name"])].append(w)
    years_by_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in report_years:
        years_by_region[r["region_name"]].append(r)
    by_indicator: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in points:
        # a figure from a report whose region is unknown belongs to no region's series
        if p["region_name"] is not None:
            by_indicator[p["indicator"]].append(p)
    # the richest series first: the national ones over decades before one county's single figure
    for indicator, rows in sorted(by_indicator.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        name = rows[0]["indicator_name"]
        by_region: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            by_region[r["region_name"]].append(r)
        # the series over years: the national one when there is one, else the longest
        region = max(by_region, key=lambda k: (k == "全国", len(by_region[k]), k))
        unit, series = _one_unit(by_region[region])
        status = _target_status(series, years_by_region.get(region, []), words.get((indicator, region), []))
        section.charts.append(
            ChartBlock(
                f"ind-{indicator}",
                f"{name}：{region}，历年",
                f"{len(series)} 个年份；单位 {unit}",
                charts.indicator_over_years(name, unit, series, status),
            )
        )
        regional = [r for r in rows if r["region_name"] != "全国"]
        year_regions: dict[int, set[str]] = defaultdict(set)
        for r in regional:
            year_regions[r["year"]].add(r["region_name"])
        best = max(year_regions.items(), key=lambda kv: (len(kv[1]), kv[0]), default=None)
        if best is not None and len(best[1]) >= 2:
            year = best[0]
            unit, same_year = _one_unit([r for r in regional if r["year"] == year])
            section.charts.append(
                ChartBlock(
                    f"ind-{indicator}-regions",
                    f"{name}：{year}年各地区",
                    f"{len(best[1])} 个地区；单位 {unit}",
                    charts.indicator_across_regions(name, unit, same_year),
                )
            )
    if not section.charts:
        section.empty = "所选报告中没有映射到指标的数字。"
    return section


def _one_unit(rows: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """The rows' most common unit, and the rows with values in other units blanked: one axis has
    one unit (斤 beside 吨 would be read on the wrong scale)."""
    units = Counter(u for r in rows for u in (r["target_unit"], r["actual_unit"]) if u)
    unit = min(units, key=lambda u: (-units[u], u)) if units else ""
    out = []
    for row in rows:
        kept = dict(row)
        for prefix in ("target", "actual"):
            if kept[f"{prefix}_unit"] != unit:
                kept[f"{prefix}_value"] = None
        out.append(kept)
    return unit, out


def _target_status(
    series: Sequence[dict[str, Any]], report_years: Sequence[dict[str, Any]], words: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """For each year with a report or a target: was a numeric target found, one only in words, or none."""
    out: dict[int, dict[str, Any]] = {}
    for r in report_years:
        out[r["year"]] = {"year": r["year"], "status": "未见目标", "href": f"docs/{r['doc_id']}.html", "said": ""}
    for w in words:
        href = charts.metric_href(w["doc_id"], w["metric_id"])
        out[w["year"]] = {"year": w["year"], "status": "仅文字目标", "href": href, "said": w["stated_in_words"]}
    for r in series:
        if r["target_value"] is not None:
            href = charts.metric_href(r["target_doc_id"], r["target_metric_id"])
            out[r["year"]] = {"year": r["year"], "status": "数值目标", "href": href, "said": r["target_surface"]}
    return [out[y] for y in sorted(out)]


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    found = con.execute(
        "select count(*) from duckdb_columns() where schema_name = 'main' and table_name = ? and column_name = ?",
        [table, column],
    ).fetchall()
    return bool(found[0][0])


def _terms_section(con: duckdb.DuckDBPyConnection, options: SiteOptions) -> PageSection:
    section = PageSection(
        "terms",
        "词语的升降",
        "每个词每年每万字出现的次数；默认是近十个报告年份里上升最多的词。点击一点，搜索那一年说到它的句子。",
    )
    con.execute(_sql("site_term_years"))
    if options.terms:
        terms = list(options.terms)
    else:
        risers = _rows(
            con,
            "term_risers",
            {
                "limit": options.riser_count,
                "recent": options.riser_recent_years,
                "min_mentions": options.riser_min_mentions,
            },
        )
        terms = [r["term"] for r in risers]
    if not terms:
        section.empty = "所选报告的年份太少，看不出升降。"
        return section
    rows = con.execute(
        "select term, year, mentions, per_10k_chars from site_term_years where term in (select unnest(?::varchar[])) "
        "order by term, year",
        [terms],
    ).fetchall()
    data = [{"term": t, "year": y, "mentions": m, "per_10k_chars": f} for t, y, m, f in rows]
    section.charts.append(
        ChartBlock("terms", "上升最多的词" if not options.terms else "所选的词", "", charts.term_trends(data, terms))
    )
    return section


def _quoted_section(con: duckdb.DuckDBPyConnection, options: SiteOptions) -> PageSection:
    section = PageSection(
        "quoted",
        "引号词的采用",
        "报告里加引号的提法：每个发布机关第一次引用它的年份。点击一点，打开那一句。",
    )
    rows = _rows(con, "quoted_term_firsts")
    issuers: dict[str, set[str]] = defaultdict(set)
    mentions: Counter[str] = Counter()
    for r in rows:
        issuers[r["term"]].add(r["issuer"])
        mentions[r["term"]] += r["mentions"]
    terms = sorted(issuers, key=lambda t: (-len(issuers[t]), -mentions[t], t))[: options.quoted_terms]
    if not terms:
        section.empty = "所选报告里没有引号词。"
        return section
    section.charts.append(ChartBlock("quoted", "引号词：谁先说，谁跟进", "", charts.quoted_term_adoption(rows, terms)))
    return section


def _themes_section(con: duckdb.DuckDBPyConnection) -> PageSection:
    section = PageSection(
        "themes",
        "主题的比重",
        "每个主题占报告句子的比例（各报告的平均）。点击一格，打开比例最高的那份报告。",
    )
    rows = _rows(con, "theme_shares")
    if not rows:
        section.empty = "所选报告没有主题数据。"
        return section
    for by, title in (("year", "按年份"), ("region_name", "按地区")):
        cells: dict[tuple[Any, str], list[dict[str, Any]]] = defaultdict(list)
        for r in rows:
            if r[by] is not None:
                cells[(r[by], r["theme"])].append(r)
        if len({k[0] for k in cells}) < 2:
            continue
        data = []
        for (key, theme), group in cells.items():
            top = max(group, key=lambda r: (r["share"], r["doc_id"]))
            data.append(
                {
                    by: key,
                    "theme": theme,
                    "share": round(sum(r["share"] for r in group) / len(group), 4),
                    "documents": len(group),
                    "href": f"docs/{top['doc_id']}.html",
                }
            )
        section.charts.append(ChartBlock(f"themes-{by}", f"主题{title}", "", charts.theme_heatmap(data, by)))
    if not section.charts:
        section.empty = "所选报告只有一个年份、一个地区。"
    return section


def _entities_section(con: duckdb.DuckDBPyConnection, options: SiteOptions) -> PageSection:
    section = PageSection("entities", "提及最多的实体", "按类型排列。点击一条，搜索提到它的句子。")
    rows = _rows(con, "entity_top", {"limit": options.entities_per_type})
    if not rows:
        section.empty = "所选报告没有实体。"
        return section
    section.charts.append(ChartBlock("entities", "提及最多的实体", "", charts.top_entities(rows)))
    return section


# --- search ------------------------------------------------------------------------------------


def _write_search(
    con: duckdb.DuckDBPyConnection, staging: Path, env: jinja2.Environment, doc_labels: dict[str, str]
) -> None:
    """search.html and assets/sentences.js: every sentence, for a substring scan in the browser."""
    doc_ids = list(doc_labels)
    index = {d: i for i, d in enumerate(doc_ids)}
    years = {}
    for d, label in doc_labels.items():
        head = label.split(" ", 1)[0]
        years[d] = int(head) if head.isdigit() else None
    cur = con.execute(_sql("doc_sentences"))
    doc_col: list[int] = []
    sid_col: list[int] = []
    text_col: list[str] = []
    while batch := cur.fetchmany(50_000):
        for doc_id, sentence_id, _start, _end, text in batch:
            doc_col.append(index[doc_id])
            sid_col.append(sentence_id)
            text_col.append(text)
    data = {
        "docs": [[d, doc_labels[d], years[d]] for d in doc_ids],
        "doc": doc_col,
        "sid": sid_col,
        "text": text_col,
    }
    _write(staging / "assets" / "sentences.js", "window.BAOGAO_SENTENCES=" + _json_for_script(data) + ";\n")
    _write(staging / "search.html", env.get_template("search.html.j2").render(root="", sentences=len(text_col)))


# --- document pages ----------------------------------------------------------------------------


def _grouped(con: duckdb.DuckDBPyConnection, name: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Rows of a per-document query (ordered by doc_id), one document at a time."""
    cur = con.execute(_sql(name))
    cols = [d[0] for d in cur.description or []]
    current: str | None = None
    group: list[dict[str, Any]] = []
    while batch := cur.fetchmany(20_000):
        for r in batch:
            row = dict(zip(cols, r, strict=True))
            if row["doc_id"] != current:
                if current is not None:
                    yield current, group
                current, group = row["doc_id"], []
            group.append(row)
    if current is not None:
        yield current, group


def _document_pages(
    con: duckdb.DuckDBPyConnection, documents: list[dict[str, Any]], env: jinja2.Environment
) -> Iterator[tuple[str, str]]:
    by_doc: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(dict)
    for name in ("doc_sections", "doc_sentences", "doc_metrics", "doc_mentions", "doc_keywords"):
        for doc_id, rows in _grouped(con, name):
            by_doc[doc_id][name] = rows
    template = env.get_template("document.html.j2")
    meta = {d["doc_id"]: d for d in documents}
    cur = con.execute(_sql("doc_texts"))
    while batch := cur.fetchmany(200):
        for doc_id, text in batch:
            parts = by_doc.pop(doc_id, {})
            yield doc_id, _document_page(template, meta[doc_id], text, parts)


def _document_page(
    template: jinja2.Template, doc: dict[str, Any], text: str, parts: dict[str, list[dict[str, Any]]]
) -> str:
    sections = parts.get("doc_sections", [])
    sentences = parts.get("doc_sentences", [])
    metrics = parts.get("doc_metrics", [])
    mentions = parts.get("doc_mentions", [])
    spans = [
        Span(s["char_start"], s["char_end"], f"s{s['sentence_id']}", classes="s", anchor=f"s-{s['sentence_id']}")
        for s in sentences
    ]
    for m in metrics:
        spans.append(_metric_span(m))
    for i, e in enumerate(mentions):
        spans.append(
            Span(
                e["char_start"],
                e["char_end"],
                f"e{i}",
                tag="span",
                classes=f"ent ent-{e['type']}",
                anchor=f"e-{i}",
                attrs=(
                    ("data-type", e["type"]),
                    ("data-name", e["name"]),
                    ("title", f"{charts.ENTITY_TYPES.get(e['type'], e['type'])}：{e['name']}"),
                ),
            )
        )
    anchors = [Anchor(s["char_start"], f"sec-{s['section_id']}") for s in sections]
    body = render(text, spans, anchors)
    counts = Counter("target" if m["is_target"] else "actual" for m in metrics)
    return template.render(
        root="../",
        doc=doc,
        body=body,
        sections=sections,
        keywords=[k["term"] for k in parts.get("doc_keywords", [])],
        n_metrics=len(metrics),
        n_targets=counts["target"],
        n_actuals=counts["actual"],
        n_mentions=len(mentions),
        entity_types=charts.ENTITY_TYPES,
    )


def _number(value: Any) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _metric_span(m: dict[str, Any]) -> Span:
    kind = "目标" if m["is_target"] else "实际"
    if m["value"] is None:  # a target stated in words (metrics.stated_in_words)
        value = str(m.get("stated_in_words") or "—")
    else:
        value = _number(m["value"]) + ("–" + _number(m["value_high"]) if m["value_high"] is not None else "")
        value += f" {m['unit']}"
    details = [
        ("值", value),
        ("限定", QUALIFIER_WORDS.get(m["qualifier"], "确数") if m["qualifier"] else "确数"),
        ("对象", m.get("what") or "—"),
        ("动词", m.get("verb") or "—"),
        ("指标", m.get("indicator_name") or m.get("indicator") or "—"),
        ("性质", kind + ("（预计）" if m.get("is_estimate") else "")),
        ("位置", PERIOD_WORDS.get(m["period"], m["period"])),
    ]
    ordinal = m["metric_id"].rpartition(":")[2]
    return Span(
        m["char_start"],
        m["char_end"],
        f"m{ordinal}",
        tag="mark",
        classes="metric " + ("target" if m["is_target"] else "actual") + (" indicator" if m["indicator"] else ""),
        anchor=f"m-{ordinal}",
        attrs=(
            ("data-metric", m["metric_id"]),
            ("title", "；".join(f"{k}：{v}" for k, v in details)),
        ),
    )
