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
