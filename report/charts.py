"""Vega-Lite specs of the site's charts, built with Altair from plain rows.

Pure: rows (dicts) in, a Vega-Lite spec (a dict) out. Every mark that stands for a passage of a
report carries an `href` to it, so a click on a figure opens the sentence that states it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import altair as alt

Row = Mapping[str, Any]
Spec = dict[str, Any]

# Chinese text needs a CJK font; the first one installed wins (Linux, Adobe, macOS, Windows).
FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
TARGET_COLOR = "#d9480f"
ACTUAL_COLOR = "#1c7ed6"
# How a target's qualifier is drawn: its words in the report, and a shape that reads the same way.
QUALIFIERS: dict[str | None, tuple[str, str]] = {
    None: ("确数", "diamond"),
    "about": ("左右", "circle"),
    "at_least": ("以上", "triangle-up"),
    "more_than": ("以上", "triangle-up"),
    "up_to": ("以内", "triangle-down"),
    "range": ("区间", "square"),
}
QUALIFIER_LABELS = ["确数", "左右", "以上", "以内", "区间"]
QUALIFIER_SHAPES = ["diamond", "circle", "triangle-up", "triangle-down", "square"]
STATUS_COLORS = {"数值目标": TARGET_COLOR, "仅文字目标": "#f59f00", "未见目标": "#adb5bd"}


def _configured(chart: alt.TopLevelMixin, **datasets: Sequence[Mapping[str, Any]]) -> Spec:
    """The chart's spec with its data put in afterwards: Altair deep-copies a chart's data at every
    step of building it, so charts are built on named, empty data sources."""
    spec: Spec = chart.configure(font=FONT).configure_view(strokeWidth=0).to_dict(validate=False)
    spec["datasets"] = {name: [dict(r) for r in rows] for name, rows in datasets.items()}
    return spec


def metric_href(doc_id: str, metric_id: str) -> str:
    """The document page's anchor of a metric (metric_id is doc_id:ordinal)."""
    return f"docs/{doc_id}.html#m-{metric_id.rpartition(':')[2]}"


def indicator_points(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """The marks of one indicator's series: one per stated target or actual, with its link."""
    out: list[dict[str, Any]] = []
    for r in rows:
        for kind, prefix in (("目标", "target"), ("实际", "actual")):
            value = r[f"{prefix}_value"]
            if value is None:
                continue
            label, shape = QUALIFIERS.get(r[f"{prefix}_qualifier"], ("确数", "diamond"))
            high = r.get(f"{prefix}_value_high")
            out.append(
                {
                    "region": r["region_name"],
                    "year": r["year"],
                    "kind": kind,
                    "value": float(value),
                    "value_high": float(high) if high is not None else None,
                    "qualifier": label,
                    "shape": shape,
                    "unit": r[f"{prefix}_unit"],
                    "surface": r[f"{prefix}_surface"],
                    "href": metric_href(r[f"{prefix}_doc_id"], r[f"{prefix}_metric_id"]),
                }
            )
    return out


def _value_layers(x: alt.X, title: str) -> alt.LayerChart:
    data = alt.NamedData(name="points")
    tooltip = [
        alt.Tooltip("region:N", title="地区"),
        alt.Tooltip("year:O", title="年份"),
        alt.Tooltip("kind:N", title="目标/实际"),
        alt.Tooltip("surface:N", title="原文"),
        alt.Tooltip("qualifier:N", title="限定"),
    ]
    y = alt.Y("value:Q", title=title, scale=alt.Scale(zero=False))
    color = alt.Color(
        "kind:N", title=None, scale=alt.Scale(domain=["目标", "实际"], range=[TARGET_COLOR, ACTUAL_COLOR])
    )
    base = alt.Chart(data).encode(x=x, tooltip=tooltip, href="href:N", color=color)
    band = (
        base.transform_filter("datum.kind == '目标' && datum.value_high != null")
        .mark_rule(strokeWidth=9, opacity=0.35)
        .encode(y=y, y2="value_high:Q")
    )
    target = (
        base.transform_filter("datum.kind == '目标'")
        .mark_point(filled=True, size=80, cursor="pointer")
        .encode(
            y=y,
            shape=alt.Shape(
                "qualifier:N",
                title="目标限定",
                scale=alt.Scale(domain=QUALIFIER_LABELS, range=QUALIFIER_SHAPES),
            ),
        )
    )
    actual = (
        base.transform_filter("datum.kind == '实际'")
        .mark_point(filled=True, size=60, shape="circle", cursor="pointer")
        .encode(y=y)
    )
    layers = [band, target, actual]
    if isinstance(x.shorthand, str) and x.shorthand.startswith("year"):
        line = (
            alt.Chart(data)
            .transform_filter("datum.kind == '实际'")
            .mark_line(color=ACTUAL_COLOR, strokeWidth=1, opacity=0.6)
            .encode(x=x, y=y)
        )
        layers.insert(0, line)
    return alt.LayerChart(layer=layers)


def _patched(template: Spec, **values: str) -> Spec:
    """A copy of a cached spec with its @@KEY@@ placeholders replaced by the values."""
    text = json.dumps(template, ensure_ascii=False)
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", json.dumps(value, ensure_ascii=False)[1:-1])
    spec: Spec = json.loads(text)
    return spec


@cache
def _over_years_template() -> Spec:
    # built once: Altair takes a large part of a second to assemble a layered chart
    x = alt.X("year:Q", title=None, axis=alt.Axis(format="d"), scale=alt.Scale(zero=False))
    chart = _value_layers(x, "@@YTITLE@@").properties(width=620, height=200)
    strip = (
        alt.Chart(alt.NamedData(name="status"))
        .mark_tick(thickness=3, size=14, cursor="pointer")
        .encode(
            x=x,
            color=alt.Color(
                "status:N",
                title="目标",
                scale=alt.Scale(domain=list(STATUS_COLORS), range=list(STATUS_COLORS.values())),
            ),
            tooltip=[
                alt.Tooltip("year:O", title="年份"),
                alt.Tooltip("status:N", title="目标"),
                alt.Tooltip("said:N", title="原文"),
            ],
            href="href:N",
        )
        .properties(width=620, height=18)
    )
    both = alt.vconcat(chart, strip).resolve_scale(x="shared", color="independent", shape="independent")
    return _configured(both)


def indicator_over_years(name: str, unit: str, rows: Sequence[Row], status: Sequence[Row]) -> Spec:
    """Target (band for a range, shape for 左右/以上/以内) against actual over the years, with a strip
    below telling for each report year whether a numeric target was found, one only in words, or none."""
    spec = _patched(_over_years_template(), YTITLE=f"{name}（{unit}）")
    spec["datasets"] = {"points": indicator_points(rows), "status": [dict(r) for r in status]}
    return spec


@cache
def _across_regions_template() -> Spec:
    x = alt.X("region:N", title=None, sort="ascending", axis=alt.Axis(labelAngle=-45))
    chart = _value_layers(x, "@@YTITLE@@").properties(width=200, height=200)
    return _configured(chart)


def indicator_across_regions(name: str, unit: str, rows: Sequence[Row]) -> Spec:
    """Target against actual for each region (the rows of one year)."""
    points = indicator_points(rows)
    spec = _patched(_across_regions_template(), YTITLE=f"{name}（{unit}）")
    spec["width"] = max(200, 28 * len({p["region"] for p in points}))
    spec["datasets"] = {"points": points}
    return spec


def term_trends(rows: Sequence[Row], terms: Sequence[str]) -> Spec:
    """Small multiples: each term's frequency per 10,000 characters over the report years."""
    data = [dict(r) for r in rows if r["term"] in set(terms)]
    for d in data:
        d["per_10k_chars"] = round(float(d["per_10k_chars"]), 3)
        d["href"] = f"search.html#q={d['term']}&year={d['year']}"
    chart = (
        alt.Chart(alt.NamedData(name="trends"))
        .mark_line(point=alt.OverlayMarkDef(size=18, cursor="pointer"), strokeWidth=1.5)
        .encode(
            x=alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickCount=4)),
            y=alt.Y("per_10k_chars:Q", title="每万字"),
            href="href:N",
            tooltip=[
                alt.Tooltip("term:N", title="词"),
                alt.Tooltip("year:O", title="年份"),
                alt.Tooltip("mentions:Q", title="次数"),
                alt.Tooltip("per_10k_chars:Q", title="每万字"),
            ],
        )
        .properties(width=170, height=90)
        .facet(facet=alt.Facet("term:N", title=None, sort=list(terms)), columns=4)
        .resolve_scale(y="independent")
    )
    return _configured(chart, trends=data)


def quoted_term_adoption(rows: Sequence[Row], terms: Sequence[str]) -> Spec:
    """For each quoted term, the year each issuer first quoted it: who said it first, who followed."""
    data = []
    for r in rows:
        if r["term"] not in set(terms):
            continue
        data.append(
            {
                "term": r["term"],
                "issuer": r["issuer"],
                "year": r["first_year"],
                "mentions": r["mentions"],
                "href": f"docs/{r['doc_id']}.html#s-{r['sentence_id']}",
            }
        )
    chart = (
        alt.Chart(alt.NamedData(name="firsts"))
        .mark_circle(size=90, opacity=0.8, cursor="pointer")
        .encode(
            x=alt.X("year:Q", title="首次引用年份", axis=alt.Axis(format="d"), scale=alt.Scale(zero=False)),
            y=alt.Y("term:N", title=None, sort=list(terms)),
            color=alt.Color("issuer:N", title="发布机关", legend=alt.Legend(columns=1, labelLimit=320)),
            href="href:N",
            tooltip=[
                alt.Tooltip("term:N", title="引用词"),
                alt.Tooltip("issuer:N", title="发布机关"),
                alt.Tooltip("year:O", title="首次"),
                alt.Tooltip("mentions:Q", title="引用次数"),
            ],
        )
        .properties(width=560, height=max(120, 22 * len(terms)))
    )
    return _configured(chart, firsts=data)


def theme_heatmap(rows: Sequence[Row], by: str) -> Spec:
    """Theme shares as a heat map: rows are themes, columns are `by` (year or region)."""
    chart = (
        alt.Chart(alt.NamedData(name="cells"))
        .mark_rect(cursor="pointer")
        .encode(
            x=alt.X(f"{by}:O", title=None, sort="ascending", axis=alt.Axis(labelAngle=-60, labelOverlap=True)),
            y=alt.Y("theme:N", title=None),
            color=alt.Color(
                "share:Q", title="句子占比", scale=alt.Scale(scheme="oranges"), legend=alt.Legend(format="%")
            ),
            href="href:N",
            tooltip=[
                alt.Tooltip(f"{by}:O", title="年份" if by == "year" else "地区"),
                alt.Tooltip("theme:N", title="主题"),
                alt.Tooltip("share:Q", title="句子占比", format=".1%"),
                alt.Tooltip("documents:Q", title="报告数"),
            ],
        )
        .properties(width=max(240, 9 * len({r[by] for r in rows})), height=alt.Step(14))
    )
    return _configured(chart, cells=rows)


ENTITY_TYPES = {
    "person": "人物",
    "organization": "机构",
    "place": "地名",
    "document_title": "文件",
    "quoted_term": "引号词",
    "formula": "提法",
}


def top_entities(rows: Sequence[Row]) -> Spec:
    """The most mentioned entities of each type, one bar chart per type."""
    data = [
        {
            "type": ENTITY_TYPES.get(r["type"], r["type"]),
            "name": r["name"],
            "mentions": r["mentions"],
            "documents": r["documents"],
            "href": f"search.html#q={r['name']}",
        }
        for r in rows
    ]
    chart = (
        alt.Chart(alt.NamedData(name="entities"))
        .mark_bar(cursor="pointer", color="#5c7cfa")
        .encode(
            x=alt.X("mentions:Q", title="提及次数"),
            y=alt.Y("name:N", title=None, sort="-x"),
            href="href:N",
            tooltip=[
                alt.Tooltip("name:N", title="名称"),
                alt.Tooltip("mentions:Q", title="提及"),
                alt.Tooltip("documents:Q", title="报告数"),
            ],
        )
        .properties(width=200, height=alt.Step(13))
        .facet(facet=alt.Facet("type:N", title=None, sort=list(ENTITY_TYPES.values())), columns=3)
        .resolve_scale(y="independent")
    )
    return _configured(chart, entities=data)
