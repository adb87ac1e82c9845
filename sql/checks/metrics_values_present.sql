-- metrics_values_present: no metric without a value (or the words a target is stated in), unit or period
-- (metrics' NOT NULL constraints already refuse such rows at load; this check names the rule in the run's report)
select count(*) as failing
from metrics
where (value is null and stated_in_words is null) or unit is null or period is null or is_target is null
