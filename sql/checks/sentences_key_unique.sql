-- sentences_key_unique: (doc_id, sentence_id) is unique
select count(*) - count(distinct (doc_id, sentence_id)) as failing from sentences
