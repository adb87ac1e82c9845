-- runs_key_unique: run_id is unique
select count(*) - count(distinct run_id) as failing from runs
