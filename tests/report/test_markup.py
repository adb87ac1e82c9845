"""report.markup: a document's text with spans marked, and every span's text recoverable exactly."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from report.markup import Anchor, Span, render

TEXT = "2023年全市生产总值增长5.2%，“两个确立”深入人心。\n今年目标：增长5%左右。"


class Fragments(HTMLParser):
    """The text inside each data-k element, fragments of one key joined, and every id seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str | None] = []
        self.by_key: dict[str, str] = {}
        self.ids: list[str] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        key = a.get("data-k")
        self.open.append(key)
        if key is not None:
            self.by_key.setdefault(key, "")

    def handle_endtag(self, tag: str) -> None:
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text += data
        for key in self.open:
            if key is not None:
                self.by_key[key] += data


def parse(html: str) -> Fragments:
    p = Fragments()
    p.feed(html)
    p.close()
    assert p.open == [], "every element is closed"
    return p


def test_nested_spans_keep_their_text_and_the_whole_text_survives() -> None:
    spans = [
        Span(0, 30, "s0", anchor="s-0"),
        Span(9, 14, "m1", tag="mark", anchor="m-1"),
        Span(14, 18, "m2", tag="mark"),
        Span(20, 24, "e0", classes="ent"),
    ]
    p = parse(render(TEXT, spans))
    assert p.text == TEXT
    assert p.by_key == {s.key: TEXT[s.start : s.end] for s in spans}
    assert p.ids == ["s-0", "m-1"]


def test_a_span_crossing_another_is_split_into_fragments_with_one_key_and_one_id() -> None:
    spans = [Span(5, 12, "a", anchor="a"), Span(9, 20, "b", anchor="b")]
    html = render(TEXT, spans)
    p = parse(html)
    assert p.by_key == {"a": TEXT[5:12], "b": TEXT[9:20]}
    # the outer element stays whole; the one it cuts through is split, its id on the first part
    assert html.count('data-k="a"') == 2 and html.count('data-k="b"') == 1
    assert html.count('id="a"') == 1 and html.count('id="b"') == 1


def test_markup_in_the_text_is_escaped_and_attributes_are_quoted() -> None:
    text = "甲<b>乙</b>&丙"
    html = render(text, [Span(1, 4, "k", attrs=(("title", 'a"<b>'),))])
    assert "<b>" not in html.replace('data-k="k"', "")
    assert 'title="a&quot;&lt;b&gt;"' in html
    assert parse(html).by_key == {"k": "<b>"}


def test_anchors_are_empty_elements_at_their_position() -> None:
    html = render(TEXT, [], [Anchor(0, "sec-1"), Anchor(31, "sec-2")])
    assert html.startswith('<a id="sec-1"></a>2023')
    assert parse(html).text == TEXT


@pytest.mark.parametrize("bad", [Span(3, 3, "empty"), Span(-1, 2, "before"), Span(40, 99, "after")])
def test_empty_or_out_of_range_spans_are_left_out(bad: Span) -> None:
    assert render(TEXT, [bad]) == render(TEXT, [])


@given(
    st.text(alphabet="报告<>&\n。1", min_size=1, max_size=40),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=12),
)
def test_any_spans_give_back_their_exact_substrings(text: str, pairs: list[tuple[int, int]]) -> None:
    spans = [Span(min(a, b), max(a, b), f"k{i}") for i, (a, b) in enumerate(pairs)]
    p = parse(render(text, spans))
    assert p.text == text
    kept = {s.key: text[s.start : s.end] for s in spans if 0 <= s.start < s.end <= len(text)}
    assert p.by_key == kept
