from tests.sql.warehouse_rows import mention, run, warehouse


def test_entities_holds_one_row_per_distinct_mentioned_entity_and_is_refilled() -> None:
    con = warehouse()
    con.execute("insert into entities values ('stale', 'person', '旧名', null)")
    mention(con, "d1", "place", "余姚市", "330281")
    mention(con, "d2", "place", "余姚市", "330281")
    mention(con, "d1", "person", "冯楠")
    run(con, "derive_entities.sql")
    assert con.execute("select * from entities order by entity_id").fetchall() == [
        ("person:冯楠", "person", "冯楠", None),
        ("place:余姚市", "place", "余姚市", "330281"),
    ]
