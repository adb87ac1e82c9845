"""The `terms` and `keywords` tables, from a document's tokens (transforms/segment.py).

`terms`: one row per (document, term, pos) with its count; stop words, punctuation, whitespace and
bare numbers are left out. `keywords`: the TextRank top 20 per document is computed here; the
TF-IDF top 20 needs IDF over every document in the warehouse, so sql/derive_keywords_tfidf.sql
computes it from `terms` at load time.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from functools import reduce
from operator import add, itemgetter, mul
from typing import Any

import numpy as np
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


def _candidates(
    words: Sequence[str], tags: Sequence[str], stopwords: frozenset[str]
) -> tuple[list[int], list[int], list[str]]:
    """The positions of the TextRank candidates, each one's id, and the candidate words by id
    (ids in order of first occurrence). A word's test is made once per document, not per token."""
    positions: list[int] = []
    tokens: list[int] = []
    ids: dict[str, int] = {}
    rejected: set[str] = set()
    for i in [i for i, pos in enumerate(tags) if pos in TEXTRANK_POS]:
        word = words[i]
        k = ids.get(word)
        if k is None:
            if word in rejected:
                continue
            if len(word.strip()) < 2 or word.lower() in stopwords:
                rejected.add(word)
                continue
            k = ids[word] = len(ids)
        positions.append(i)
        tokens.append(k)
    return positions, tokens, list(ids)


def textrank_scores_python(words: Sequence[str], tags: Sequence[str], stopwords: frozenset[str]) -> dict[str, float]:
    """jieba.analyse.TextRank's graph and ranking on given tokens, with the same arithmetic in the
    same order (so the same floats): the engine of small runs, which numba's start-up would cost
    more than it saves. The graph is built with numpy, where the order of the arithmetic cannot
    change a bit (edge weights are whole counts, so their sums are exact in any order, and each
    coefficient is one division); the ranking, where the order of the additions shows in the last bits,
    runs in plain Python in jieba's order:
    - pairs of candidates fewer than TEXTRANK_SPAN positions apart, counted, in order of first
      occurrence (jieba's defaultdict keeps that order);
    - each pair adds an edge to both ends, so a node's edges are in the order its pairs first occur;
    - each round updates the nodes in place in sorted-name order:
      ws[n] = (1 - d) + d * sum(w / out_sum[m] * ws[m]), the sum taken left to right."""
    positions, tokens, names = _candidates(words, tags, stopwords)
    n, m = len(tokens), len(names)
    if n < 2:
        return {}
    at = np.array(positions, dtype=np.int64)
    ids = np.array(tokens, dtype=np.int64)
    # Row a, column d-1: the pair (a, a + d) as a * m + b, or -1; read row by row, that is
    # jieba's order (each candidate, then the ones after it).
    grid = np.full((n, TEXTRANK_SPAN - 1), -1, dtype=np.int64)
    for d in range(1, min(TEXTRANK_SPAN, n)):
        grid[: n - d, d - 1] = np.where(at[d:] - at[:-d] < TEXTRANK_SPAN, ids[:-d] * m + ids[d:], -1)
    keys = grid.ravel()
    keys = keys[keys >= 0]
    if not keys.size:
        return {}
    distinct, first, count = np.unique(keys, return_index=True, return_counts=True)
    seq = np.argsort(first, kind="stable")
    pairs, weights = distinct[seq], count[seq].astype(np.float64)
    # Both ends of each pair, in order: (a0, b0, a1, b1, ...) with the other end beside each.
    ends = np.empty(2 * pairs.size, np.int64)
    ends[0::2], ends[1::2] = pairs // m, pairs % m
    other = np.empty_like(ends)
    other[0::2], other[1::2] = ends[1::2], ends[0::2]
    by_node = np.argsort(ends, kind="stable")  # each node's edges together, in insertion order
    src, dst, weight = ends[by_node], other[by_node], np.repeat(weights, 2)[by_node]
    starts = np.flatnonzero(np.r_[True, src[1:] != src[:-1]])
    out_sum = np.zeros(m)
    out_sum[src[starts]] = np.add.reduceat(weight, starts)
    coefficient = (weight / out_sum[dst]).tolist()
    neighbour = dst.tolist()
    bounds = [*starts.tolist(), src.size]
    present = src[starts].tolist()
    unique, first_end = np.unique(ends, return_index=True)
    nodes = unique[np.argsort(first_end, kind="stable")].tolist()  # in order of first appearance
    ws = [0.0] * m
    for k in nodes:
        ws[k] = 1.0 / len(nodes)
    # Per node in sorted-name order: its coefficients and a getter of its neighbours' weights.
    rounds: list[tuple[int, list[float], itemgetter[Any] | None, int]] = []
    for r in sorted(range(len(present)), key=lambda r: names[present[r]]):
        lo, hi = bounds[r], bounds[r + 1]
        rounds.append(
            (present[r], coefficient[lo:hi], itemgetter(*neighbour[lo:hi]) if hi - lo > 1 else None, neighbour[lo])
        )
    for _ in range(TEXTRANK_ITERATIONS):
        for k, c, get, j in rounds:
            s = _sum_in_order(map(mul, c, get(ws))) if get is not None else 0.0 + c[0] * ws[j]
            ws[k] = (1 - TEXTRANK_DAMPING) + TEXTRANK_DAMPING * s
    return _normalized([names[k] for k in nodes], [ws[k] for k in nodes])


def _add_in_order(values: Iterable[float]) -> float:
    """Left-to-right float addition, as jieba's `s += ...` loop does."""
    return reduce(add, values, 0.0)


# builtins.sum adds floats left to right on Python 3.11 (and faster than reduce); from 3.12 it
# compensates the rounding, which would change the last bits.
_sum_in_order: Callable[[Iterable[float]], float] = sum if sys.version_info < (3, 12) else _add_in_order


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
