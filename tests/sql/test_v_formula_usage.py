from tests.sql.warehouse_rows import mention, run, warehouse


def test_formula_counts_per_issuer_and_year() -> None:
    con = warehouse()
    mention(con, "d1", "formula", "两个维护")
    mention(con, "d2", "formula", "两个维护")
    mention(con, "d2", "formula", "两个维护")
    mention(con, "d3", "formula", "两个维护")
    mention(con, "d3", "quoted_term", "两个维护")  # the quoted term is not counted again
    run(con, "v_formula_usage.sql")
    assert con.execute("select * from v_formula_usage order by issuer, year").fetchall() == [
        ("两个维护", "国务院", 2024, 1, 1),
        ("两个维护", "政协余姚市委员会常务委员会", 2023, 1, 1),
        ("两个维护", "政协余姚市委员会常务委员会", 2024, 2, 1),
    ]
