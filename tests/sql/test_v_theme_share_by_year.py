from tests.sql.warehouse_rows import run, warehouse


def test_theme_share_by_year_pools_sentences_and_averages_documents() -> None:
    con = warehouse()
    # 2024: d2 has 4 sentences, 1 on 民生; d3 has 1 sentence, on 民生
    con.executemany("insert into sentences values (?, ?, 0, 's', 0, 1)", [("d2", i) for i in range(4)] + [("d3", 0)])
    con.execute("insert into document_themes values ('d2', '民生', 1, 0.25, 1), ('d3', '民生', 1, 1.0, 2)")
    run(con, "v_theme_share.sql", "v_theme_share_by_year.sql")
    assert con.execute("select * from v_theme_share_by_year").fetchall() == [
        (2024, "民生", 2, 2, 5, 0.4, 0.625),
    ]


def test_the_mean_document_share_is_the_same_whatever_order_the_rows_are_summed_in() -> None:
    """Averaged as doubles, the mean of 0.404294, 0.5490659 and 0.3641576 (exactly 0.4391725)
    rounds to 0.439172 or 0.439173 by the order of the sum, which DuckDB's threads choose: two
    builds of the same inputs differed. Summed exactly, it is 0.439173 every time."""
    import itertools

    shares = {"d2": 0.404294, "d3": 0.5490659, "d4": 0.3641576}
    seen = set()
    for order in itertools.permutations(shares):
        con = warehouse()
        con.execute("set threads = 1")  # the rows are summed in the order they were inserted
        con.execute(
            "insert into documents (doc_id, source_uri, source_name, content_sha256, media_type, script,"
            " char_count, text, delivered_on, transform_version, run_id, ingested_at)"
            " values ('d4', 'file:///d4', 'x.txt', 'sha', 'text', 'simplified', 1, '', '2024-03-05', 'v', 'r', now())"
        )
        for doc_id in order:
            con.execute("insert into document_themes values (?, '民生', 1, ?, 1)", [doc_id, shares[doc_id]])
        run(con, "v_theme_share.sql", "v_theme_share_by_year.sql")
        seen.add(con.execute("select mean_document_share from v_theme_share_by_year").fetchone())
    assert seen == {(0.439173,)}
