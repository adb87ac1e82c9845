-- rejects: one row per rejected input per run (rejected, needs_review or skipped in ingest_log)
create or replace view rejects as
with log as (
    select * from ingest_log
),

final as (
    select
        run_id,
        source_uri,
        source_name,
        reason_code as error_code,
        message,
        "at"
    from log
    where outcome in ('rejected', 'needs_review', 'skipped')
)

select * from final;
comment on view rejects is 'one row per rejected, skipped or held input per run (from ingest_log)';
comment on column rejects.run_id is 'the run (runs.run_id)';
comment on column rejects.source_uri is 'the input: file URI; one row of a corpus file is file#url=… (its id, url or source_url column) or file#row=N';
comment on column rejects.source_name is 'file name of the input';
comment on column rejects.error_code is 'machine-readable reason (empty, binary, undecodable, unsupported_type, no_text, bad_row, too_large ...)';
comment on column rejects.message is 'what happened and what to do, for a person';
comment on column rejects."at" is 'when the run recorded it (UTC)';
