"""jieba's TextRank graph and ranking, compiled by numba (imported only by transforms/terms.py,
and only for runs large enough to repay numba's start-up: 1-3 s per process here).

The arithmetic is jieba.analyse.TextRank's, operation for operation and in the same order, so the
floats are the same (tests/transforms/test_terms.py compares them over the whole national corpus):
- pairs of candidate tokens fewer than `span` positions apart, counted, in order of first
  occurrence (jieba's defaultdict keeps that order);
- each pair adds an edge to both ends, so a node's edges are in the order its pairs first occur;
- out_sum[n] = sum of n's edge weights; each round updates the nodes in place in sorted-name
  order (the caller passes that order): ws[n] = (1 - d) + d * sum(w / out_sum[m] * ws[m]).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)  # type: ignore[misc]
def rank(tokens: Any, n_ids: int, order: Any, span: int, iterations: int, damping: float) -> tuple[Any, Any]:
    """`tokens`: one int64 per token position, the candidate's id (0..n_ids-1) or -1 for a token
    that is not a candidate. Returns (ws, present): the raw TextRank weight per id and whether the
    id is a node of the graph (a candidate with no neighbour within the span is not)."""
    n = tokens.shape[0]
    keys = np.empty(4 * n + 1, np.int64)
    pairs = 0
    for i in range(n):
        a = tokens[i]
        if a < 0:
            continue
        for j in range(i + 1, min(i + span, n)):
            b = tokens[j]
            if b >= 0:
                keys[pairs] = a * n_ids + b
                pairs += 1
    keys = keys[:pairs]
    # Distinct pairs with their counts, then put back in order of first occurrence.
    by_key = np.argsort(keys, kind="mergesort")
    first = np.empty(pairs, np.int64)
    count = np.zeros(pairs, np.int64)
    distinct = 0
    group = 0
    for r in range(pairs):
        p = by_key[r]
        if r == 0 or keys[p] != keys[by_key[r - 1]]:
            group = distinct
            first[group] = p
            distinct += 1
        count[group] += 1
    first = first[:distinct]
    count = count[:distinct]
    seq = np.argsort(first, kind="mergesort")
    # Edges as one array per field, each node's edges contiguous and in insertion order.
    degree = np.zeros(n_ids + 1, np.int64)
    for q in seq:
        k = keys[first[q]]
        degree[k // n_ids + 1] += 1
        degree[k % n_ids + 1] += 1
    start = np.cumsum(degree)
    fill = start[:-1].copy()
    neighbour = np.empty(2 * distinct, np.int64)
    weight = np.empty(2 * distinct, np.float64)
    for q in seq:
        k = keys[first[q]]
        a = k // n_ids
        b = k % n_ids
        w = float(count[q])
        neighbour[fill[a]] = b
        weight[fill[a]] = w
        fill[a] += 1
        neighbour[fill[b]] = a
        weight[fill[b]] = w
        fill[b] += 1
    out_sum = np.zeros(n_ids, np.float64)
    nodes = 0
    for k in range(n_ids):
        if start[k + 1] > start[k]:
            nodes += 1
        s = 0.0
        for e in range(start[k], start[k + 1]):
            s += weight[e]
        out_sum[k] = s
    coefficient = np.empty(2 * distinct, np.float64)
    for e in range(2 * distinct):
        coefficient[e] = weight[e] / out_sum[neighbour[e]]
    ws = np.zeros(n_ids, np.float64)
    present = start[1:] > start[:-1]
    if nodes == 0:
        return ws, present
    for k in range(n_ids):
        ws[k] = 1.0 / nodes
    for _ in range(iterations):
        for k in order:
            if start[k + 1] == start[k]:
                continue
            s = 0.0
            for e in range(start[k], start[k + 1]):
                s += coefficient[e] * ws[neighbour[e]]
            ws[k] = (1 - damping) + damping * s
    return ws, present
