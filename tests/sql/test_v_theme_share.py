from tests.sql.warehouse_rows import run, warehouse


def test_theme_share_per_document_ranked() -> None:
    con = warehouse()
    con.execute(
        "insert into document_themes values ('d1', '民生', 2, 0.5, 3), ('d1', '党建', 1, 0.25, 1),"
        " ('d1', '文化', 0, 0.0, 0)"
    )
    run(con, "v_theme_share.sql")
    assert con.execute("select * from v_theme_share order by rank_in_document").fetchall() == [
        ("d1", "政协余姚市委员会常务委员会工作报告", "政协余姚市委员会常务委员会", 2023, "民生", 2, 0.5, 3, 1),
        ("d1", "政协余姚市委员会常务委员会工作报告", "政协余姚市委员会常务委员会", 2023, "党建", 1, 0.25, 1, 2),
        ("d1", "政协余姚市委员会常务委员会工作报告", "政协余姚市委员会常务委员会", 2023, "文化", 0, 0.0, 0, 3),
    ]
