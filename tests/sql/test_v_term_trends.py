from tests.sql.warehouse_rows import run, warehouse


def test_term_frequency_per_ten_thousand_characters_of_the_years_documents() -> None:
    con = warehouse()
    # d2 (2000 chars) and d3 (4000 chars) are both 2024; d1 (1000 chars) is 2023
    con.execute(
        "insert into terms values ('d1', '改革', 'vn', 2), ('d2', '改革', 'vn', 1), ('d2', '改革', 'v', 2),"
        " ('d3', '改革', 'vn', 3), ('d3', '共同富裕', 'n', 6)"
    )
    run(con, "derive_term_years.sql", "v_term_trends.sql")
    assert con.execute("select * from v_term_trends order by term, year").fetchall() == [
        ("共同富裕", 2024, 6, 1, 2, 6000, 10.0),
        ("改革", 2023, 2, 1, 1, 1000, 20.0),
        ("改革", 2024, 6, 2, 2, 6000, 10.0),
    ]


def test_a_build_redoes_only_the_years_whose_documents_changed() -> None:
    con = warehouse()
    con.execute("insert into terms values ('d1', '改革', 'vn', 2), ('d3', '改革', 'vn', 3)")
    run(con, "derive_term_years.sql")
    # d2 (2024) gets its terms; the build lists 2024 as changed, and 2023 must stay as it was.
    con.execute("insert into terms values ('d2', '改革', 'vn', 1)")
    con.execute("delete from _changed_years")
    con.execute("insert into _changed_years values (2024)")
    con.execute("update term_years set mentions = 99 where year = 2023")  # a mark: not redone
    run(con, "derive_term_years.sql")
    assert con.execute("select term, year, mentions, documents from term_years order by year").fetchall() == [
        ("改革", 2023, 99, 1),
        ("改革", 2024, 4, 2),
    ]
