"""The `terms` and `keywords` tables, from a document's tokens (transforms/segment.py).

`terms`: one row per (document, term, pos) with its count; stop words, punctuation, whitespace and
bare numbers are left out. `keywords`: the TextRank top 20 per document is computed here; the
TF-IDF top 20 needs IDF over every document in the warehouse, so sql/derive_keywords_tfidf.sql
computes it from `terms` at load time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from operator import mul

import pyarrow as pa

from transforms.models import Keyword, Term
from transforms.segment import Segmentation

TERMS_SCHEMA = pa.schema([("doc_id", pa.string()), ("term", pa.string()), ("pos", pa.string()), ("count", pa.int32())])

KEYWORDS_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("method", pa.string()),
        ("term", pa.string()),
        ("score", pa.float64()),
        ("rank", pa.int32()),
    ]
)

TOP_KEYWORDS = 20
# TextRank as jieba.analyse.TextRank computes it (tests/transforms/test_terms.py checks the two
# agree): words co-occurring within a window of 5 tokens, 10 iterations, damping 0.85. The parts
# of speech are jieba's default (ns, n, vn, v) plus proper nouns (nz) and organizations (nt),
# which in our user dictionary carry the reports' own vocabulary (共同富裕 is n, 八八战略 nz).
TEXTRANK_POS = frozenset({"ns", "n", "vn", "v", "nz", "nt"})
TEXTRANK_SPAN = 5
TEXTRANK_ITERATIONS = 10
TEXTRANK_DAMPING = 0.85

# A token that is only digits, Chinese numerals and number punctuation is a number, not a term.
_NUMBER = re.compile(r"[0-9０-９.．%％〇零一二两三四五六七八九十百千万亿]+")
# A token with no letter of any script (punctuation, symbols) is not a term.
_HAS_WORD_CHAR = re.compile(r"[^\W_]")


def is_term(word: str, pos: str, stopwords: frozenset[str]) -> bool:
    """True for a token we count: not whitespace or punctuation, not a bare number, not a stop word."""
    if pos == "x" or word in stopwords or not _HAS_WORD_CHAR.search(word):
        return False
    # 十四五 is a proper noun in our dictionary (nz), 2023 and 三十 are numerals (m).
    return pos != "m" or _NUMBER.fullmatch(word) is None


def count_terms(doc_id: str, seg: Segmentation, stopwords: frozenset[str]) -> list[Term]:
    """One row per (document, term, pos): how often the token occurs, stop words and punctuation
    out. Sorted by term and pos so the Parquet files are byte-stable."""
    counts = Counter(zip(seg.words, seg.tags, strict=True))
    return [
        Term(doc_id=doc_id, term=word, pos=pos, count=n)
        for (word, pos), n in sorted(counts.items())
        if is_term(word, pos, stopwords)
    ]


def _textrank_scores(pairs: Iterable[tuple[str, str]], stopwords: frozenset[str]) -> dict[str, float]:
    """jieba.analyse.TextRank's graph and ranking on given (word, pos) pairs, with the same
    arithmetic in the same order (so the same floats), laid out as index lists for speed."""
    kept = [
        (i, word)
        for i, (word, pos) in enumerate(pairs)
        if pos in TEXTRANK_POS and len(word.strip()) >= 2 and word.lower() not in stopwords
    ]
    cooccur: Counter[tuple[str, str]] = Counter()
    for a, (i, word) in enumerate(kept):
        b = a + 1
        while b < len(kept) and kept[b][0] < i + TEXTRANK_SPAN:
            cooccur[(word, kept[b][1])] += 1
            b += 1
    if not cooccur:
        return {}
    nodes: dict[str, int] = {}
    edges: list[list[tuple[int, float]]] = []
    for pair, w in cooccur.items():
        for node in pair:
            if node not in nodes:
                nodes[node] = len(nodes)
                edges.append([])
        edges[nodes[pair[0]]].append((nodes[pair[1]], float(w)))
        edges[nodes[pair[1]]].append((nodes[pair[0]], float(w)))
    out_sum = [sum((w for _, w in e), 0.0) for e in edges]
    neighbours = [[j for j, _ in e] for e in edges]
    coefficients = [[w / out_sum[j] for j, w in e] for e in edges]
    ws = [1.0 / len(nodes)] * len(nodes)
    order = [nodes[name] for name in sorted(nodes)]  # jieba updates in place, in sorted order
    get = ws.__getitem__
    for _ in range(TEXTRANK_ITERATIONS):
        for k in order:
            s = sum(map(mul, coefficients[k], map(get, neighbours[k])))
            ws[k] = (1 - TEXTRANK_DAMPING) + TEXTRANK_DAMPING * s
    low, high = min(ws), max(ws)
    names = list(nodes)
    if high == low / 10.0:  # pragma: no cover - needs a one-node graph, which has no edges
        return dict(zip(names, ws, strict=True))
    return {name: (w - low / 10.0) / (high - low / 10.0) for name, w in zip(names, ws, strict=True)}


def textrank_keywords(doc_id: str, seg: Segmentation, stopwords: frozenset[str]) -> list[Keyword]:
    """The document's top 20 TextRank keywords (nouns, verbs, verbal nouns, places, proper nouns),
    rank 1 = best; ties broken by the term so the order is stable."""
    scores = _textrank_scores(zip(seg.words, seg.tags, strict=True), stopwords)
    best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_KEYWORDS]
    return [
        Keyword(doc_id=doc_id, method="textrank", term=term, score=round(score, 6), rank=rank)
        for rank, (term, score) in enumerate(best, 1)
    ]
