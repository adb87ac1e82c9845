-- documents_key_unique: no two documents share a doc_id
select count(*) - count(distinct doc_id) as failing from documents
