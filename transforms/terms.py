"""The `terms` and `keywords` tables, from a document's tokens (transforms/segment.py).

`terms`: one row per (document, term, pos) with its count; stop words, punctuation, whitespace and
bare numbers are left out. `keywords`: the TextRank top 20 per document is computed here; the
TF-IDF top 20 needs IDF over every document in the warehouse, so sql/derive_keywords_tfidf.sql
computes it from `terms` at load time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import reduce
from operator import add, mul

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
    return [Term(doc_id, word, pos, n) for (word, pos), n in sorted(counts.items()) if is_term(word, pos, stopwords)]


def _is_candidate(word: str, pos: str, stopwords: frozenset[str]) -> bool:
    """jieba's TextRank pair filter: a content part of speech, two characters or more, not a stop word."""
    return pos in TEXTRANK_POS and len(word.strip()) >= 2 and word.lower() not in stopwords


def textrank_scores_python(words: Sequence[str], tags: Sequence[str], stopwords: frozenset[str]) -> dict[str, float]:
    """jieba.analyse.TextRank's graph and ranking on given tokens, with the same arithmetic in the
    same order (so the same floats), in plain Python: the reference for the compiled kernel, and
    the engine of small runs, which numba's start-up would cost more than it saves."""
    tokens = enumerate(zip(words, tags, strict=True))
    kept = [(i, word) for i, (word, pos) in tokens if _is_candidate(word, pos, stopwords)]
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
    out_sum = [_add_in_order(w for _, w in e) for e in edges]
    neighbours = [[j for j, _ in e] for e in edges]
    coefficients = [[w / out_sum[j] for j, w in e] for e in edges]
    ws = [1.0 / len(nodes)] * len(nodes)
    order = [nodes[name] for name in sorted(nodes)]  # jieba updates in place, in sorted order
    get = ws.__getitem__
    for _ in range(TEXTRANK_ITERATIONS):
        for k in order:
            s = _add_in_order(map(mul, coefficients[k], map(get, neighbours[k])))
            ws[k] = (1 - TEXTRANK_DAMPING) + TEXTRANK_DAMPING * s
    return _normalized(list(nodes), ws)


def _add_in_order(values: Iterable[float]) -> float:
    """Left-to-right float addition, as jieba's `s += ...` loop does. (builtins.sum is that on
    Python 3.11 but compensated from 3.12, which would change the last bits.)"""
    return reduce(add, values, 0.0)


def textrank_scores_compiled(words: Sequence[str], tags: Sequence[str], stopwords: frozenset[str]) -> dict[str, float]:
    """The same scores as textrank_scores_python, float for float, from the numba kernel in
    transforms/textrank_kernel.py (imported on first use: numba takes seconds to start)."""
    import numpy as np

    from transforms.textrank_kernel import rank

    ids: dict[str, int] = {}
    pairs = zip(words, tags, strict=True)
    tokens = np.fromiter(
        (ids.setdefault(w, len(ids)) if _is_candidate(w, p, stopwords) else -1 for w, p in pairs),
        dtype=np.int64,
        count=len(words),
    )
    if not ids:
        return {}
    names = list(ids)
    order = np.array(sorted(range(len(names)), key=names.__getitem__), dtype=np.int64)
    ws, present = rank(tokens, len(names), order, TEXTRANK_SPAN, TEXTRANK_ITERATIONS, TEXTRANK_DAMPING)
    nodes = np.flatnonzero(present).tolist()
    if not nodes:
        return {}
    return _normalized([names[k] for k in nodes], ws[nodes].tolist())


def _normalized(names: list[str], ws: list[float]) -> dict[str, float]:
    """jieba's final scaling: (w - min/10) / (max - min/10)."""
    low, high = min(ws), max(ws)
    if high == low / 10.0:  # pragma: no cover - needs a one-node graph, which has no edges
        return dict(zip(names, ws, strict=True))
    return {name: (w - low / 10.0) / (high - low / 10.0) for name, w in zip(names, ws, strict=True)}


def textrank_keywords(
    doc_id: str, seg: Segmentation, stopwords: frozenset[str], compiled: bool = False
) -> list[Keyword]:
    """The document's top 20 TextRank keywords (nouns, verbs, verbal nouns, places, proper nouns),
    rank 1 = best; ties broken by the term so the order is stable. `compiled` picks the numba
    kernel, which gives the same scores 8x faster once numba has started."""
    engine = textrank_scores_compiled if compiled else textrank_scores_python
    scores = engine(seg.words, seg.tags, stopwords)
    best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_KEYWORDS]
    return [
        Keyword(doc_id=doc_id, method="textrank", term=term, score=round(score, 6), rank=rank)
        for rank, (term, score) in enumerate(best, 1)
    ]
