-- sentence_ids_resolve: every metric, mention and sentence points at an existing sentence / section
with refs as (
    select doc_id, sentence_id from metrics
    union all select doc_id, sentence_id from entity_mentions
)

select
    (select count(*) from refs anti join sentences using (doc_id, sentence_id))
    + (select count(*) from sentences s anti join sections c on s.doc_id = c.doc_id and s.section_id = c.section_id)
    as failing
