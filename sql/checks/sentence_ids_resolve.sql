-- sentence_ids_resolve: every metric, mention and sentence points at an existing sentence / section
-- Checked for the documents this build added: a document's rows are added and dropped together,
-- so the others still resolve as they did when they were added.
with changed as (
    select doc_id from _changed_docs
),

refs as (
    select doc_id, sentence_id from metrics semi join changed using (doc_id)
    union all
    select doc_id, sentence_id from entity_mentions semi join changed using (doc_id)
),

added_sentences as (
    select doc_id, section_id from sentences semi join changed using (doc_id)
)

select
    (select count(*) from refs anti join sentences using (doc_id, sentence_id))
    + (select count(*) from added_sentences s anti join sections c using (doc_id, section_id))
    as failing
