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
