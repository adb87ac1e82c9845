import math

from tests.sql.warehouse_rows import run, warehouse


def test_tfidf_keywords_use_idf_over_the_warehouse_and_keep_textrank_rows() -> None:
    con = warehouse()
    con.execute(
        "insert into terms values"
        " ('d1', '协商', 'vn', 3), ('d1', '协商', 'v', 1), ('d1', '提案', 'n', 4),"
        " ('d1', '党', 'n', 9), ('d1', '2023', 'm', 5),"  # one character and numerals do not compete
        " ('d2', '协商', 'vn', 2), ('d2', '民生', 'n', 2),"
        " ('d3', '经济', 'n', 1)"
    )
    con.execute("insert into keywords values ('d1', 'textrank', '协商', 1.0, 1), ('d1', 'tfidf', 'stale', 9, 1)")
    run(con, "derive_keywords_tfidf.sql")
    rows = con.execute("select * from keywords order by doc_id, method, rank").fetchall()

    def idf(df: int) -> float:
        return math.log((1 + 3) / (1 + df)) + 1

    assert rows == [
        ("d1", "textrank", "协商", 1.0, 1),
        ("d1", "tfidf", "提案", round(0.5 * idf(1), 6), 1),
        ("d1", "tfidf", "协商", round(0.5 * idf(2), 6), 2),
        ("d2", "tfidf", "民生", round(0.5 * idf(1), 6), 1),
        ("d2", "tfidf", "协商", round(0.5 * idf(2), 6), 2),
        ("d3", "tfidf", "经济", round(1.0 * idf(1), 6), 1),
    ]


def test_only_twenty_keywords_per_document() -> None:
    con = warehouse()
    con.executemany("insert into terms values ('d1', ?, 'n', ?)", [(f"词{i:02d}", i) for i in range(1, 26)])
    run(con, "derive_keywords_tfidf.sql")
    assert con.execute("select count(*), min(term), max(rank) from keywords").fetchall() == [(20, "词06", 20)]


def test_equal_scores_rank_by_term_and_the_twentieth_place_is_decided_the_same_way() -> None:
    con = warehouse()
    # 30 terms with one count each: every score is equal, so the 20 kept are the first 20 terms.
    con.executemany("insert into terms values ('d1', ?, 'n', 1)", [(f"词{i:02d}",) for i in range(30, 0, -1)])
    run(con, "derive_keywords_tfidf.sql")
    rows = con.execute("select term, rank from keywords order by rank").fetchall()
    assert rows == [(f"词{i:02d}", i) for i in range(1, 21)]
