from tests.sql.warehouse_rows import mention, run, warehouse


def test_entities_ranked_within_their_type_by_mentions_then_documents() -> None:
    con = warehouse()
    for doc in ("d1", "d1", "d2"):
        mention(con, doc, "organization", "市政协")
    mention(con, "d1", "organization", "市委")
    mention(con, "d2", "organization", "省委")
    mention(con, "d3", "organization", "省委")
    mention(con, "d1", "place", "余姚市", "330281")
    run(con, "derive_entities.sql", "v_entity_top.sql")
    assert con.execute("select * from v_entity_top order by type, rank_in_type").fetchall() == [
        ("organization", 1, "市政协", 3, 2, None, "organization:市政协"),
        ("organization", 2, "省委", 2, 2, None, "organization:省委"),
        ("organization", 3, "市委", 1, 1, None, "organization:市委"),
        ("place", 1, "余姚市", 1, 1, "330281", "place:余姚市"),
    ]
