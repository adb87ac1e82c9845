from tests.sql.warehouse_rows import mention, run, warehouse


def test_one_row_per_document_with_counts_and_top_keywords() -> None:
    con = warehouse()
    con.execute(
        "insert into sections values ('d1', 0, null, 0, '', 'other', 0, 10), ('d1', 1, 0, 1, '一、', 'review', 0, 5)"
    )
    con.execute("insert into sentences values ('d1', 0, 1, 'a', 0, 1), ('d1', 1, 1, 'b', 1, 2)")
    con.execute(
        "insert into metrics (metric_id, doc_id, sentence_id, char_start, char_end, surface, number_text, unit_text,"
        " value, unit, period, is_target) values ('d1:0', 'd1', 0, 0, 3, '32项', '32', '项', 32, '项', 'review', false)"
    )
    mention(con, "d1", "person", "冯楠")
    mention(con, "d1", "person", "冯楠")
    mention(con, "d1", "formula", "两个维护")
    con.execute(
        "insert into keywords values ('d1', 'tfidf', '提案', 0.3, 1), ('d1', 'tfidf', '协商', 0.2, 2),"
        " ('d1', 'textrank', '协商', 1.0, 1)"
    )
    run(con, "v_document_overview.sql")
    rows = con.execute(
        "select doc_id, year, char_count, sections, sentences, metrics, entity_mentions, entities, top_tfidf,"
        " top_textrank from v_document_overview order by doc_id"
    ).fetchall()
    assert rows == [
        ("d1", 2023, 1000, 1, 2, 1, 3, 2, "提案 协商", "协商"),
        ("d2", 2024, 2000, 0, 0, 0, 0, 0, None, None),
        ("d3", 2024, 4000, 0, 0, 0, 0, 0, None, None),
    ]
