from tests.sql.warehouse_rows import mention, run, warehouse


def test_quoted_terms_with_their_issuers_and_first_and_last_year() -> None:
    con = warehouse()
    mention(con, "d1", "quoted_term", "委员微协商")
    mention(con, "d2", "quoted_term", "委员微协商")
    mention(con, "d2", "quoted_term", "委员微协商")
    mention(con, "d3", "quoted_term", "委员微协商")
    mention(con, "d3", "quoted_term", "放管服")
    mention(con, "d3", "formula", "两个维护")  # not a quoted term
    run(con, "v_quoted_term_adoption.sql")
    assert con.execute("select * from v_quoted_term_adoption order by term").fetchall() == [
        ("委员微协商", 2, "国务院; 政协余姚市委员会常务委员会", 3, 4, 2023, 2024),
        ("放管服", 1, "国务院", 1, 1, 2024, 2024),
    ]
