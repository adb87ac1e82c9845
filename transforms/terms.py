"""The `terms` and `keywords` tables, from a document's tokens (transforms/segment.py).

`terms`: one row per (document, term, pos) with its count; stop words, punctuation, whitespace and
bare numbers are left out. `keywords`: the TextRank top 20 per document is computed here; the
TF-IDF top 20 needs IDF over every document in the warehouse, so sql/derive_keywords_tfidf.sql
computes it from `terms` at load time.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

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
    """jieba.analyse.TextRank's graph and ranking on given (word, pos) pairs."""
    tokens = list(pairs)
    keep = [pos in TEXTRANK_POS and len(word.strip()) >= 2 and word.lower() not in stopwords for word, pos in tokens]
    cooccur: Counter[tuple[str, str]] = Counter()
    n = len(tokens)
    for i in range(n):
        if not keep[i]:
            continue
        for j in range(i + 1, min(i + TEXTRANK_SPAN, n)):
            if keep[j]:
                cooccur[(tokens[i][0], tokens[j][0])] += 1
    graph: defaultdict[str, list[tuple[str, float]]] = defaultdict(list)
    for (a, b), w in cooccur.items():
        graph[a].append((b, float(w)))
        graph[b].append((a, float(w)))
    if not graph:
        return {}
    out_sum = {node: sum(w for _, w in edges) for node, edges in graph.items()}
    ws = dict.fromkeys(graph, 1.0 / len(graph))
    ordered = sorted(graph)
    for _ in range(TEXTRANK_ITERATIONS):
        for node in ordered:
            s = sum(w / out_sum[other] * ws[other] for other, w in graph[node])
            ws[node] = (1 - TEXTRANK_DAMPING) + TEXTRANK_DAMPING * s
    low, high = min(ws.values()), max(ws.values())
    if high == low / 10.0:  # pragma: no cover - needs a one-node graph, which has no edges
        return ws
    return {node: (w - low / 10.0) / (high - low / 10.0) for node, w in ws.items()}


def textrank_keywords(doc_id: str, seg: Segmentation, stopwords: frozenset[str]) -> list[Keyword]:
    """The document's top 20 TextRank keywords (nouns, verbs, verbal nouns, places, proper nouns),
    rank 1 = best; ties broken by the term so the order is stable."""
    scores = _textrank_scores(zip(seg.words, seg.tags, strict=True), stopwords)
    best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_KEYWORDS]
    return [
        Keyword(doc_id=doc_id, method="textrank", term=term, score=round(score, 6), rank=rank)
        for rank, (term, score) in enumerate(best, 1)
    ]
