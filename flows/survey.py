"""What a run has to do, found before any Prefect machinery starts: the inputs, the ledger's state,
and the split into work and outcomes decided already. Imports no Prefect, so that a command can
tell in a fraction of a second that there is nothing new (`nothing_new`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from flows.plan import new_run_id, plan
from flows.settings import Settings
from flows.versions import transform_version
from sources.base import FoundFile, WorkItem
from sources.discover import discover_inputs
from sources.spool import Spool
from store.lock import held
from store.parts import PartInfo, committed_runs, is_remote
from store.state import load_seen, read_state
from store.warehouse import WarehouseError, read_only_connection, up_to_date
from transforms.ledger import LedgerState, LogRow, in_force
from transforms.models import Reject, RunInfo


@dataclass(frozen=True)
class Survey:
    """What a run has to do, decided before any document is transformed."""

    found: list[FoundFile | Reject]  # every input under the sources, hashed (or stamped as before)
    parts: list[PartInfo]  # the committed Parquet parts
    ledger_parts: list[str]  # paths of the committed ledger parts, in run order
    state: LedgerState  # what the ledger says is loaded
    todo: list[WorkItem]  # inputs to transform
    decided: list[LogRow]  # ledger rows decided already: unchanged, rejected, skipped


def survey_inputs(settings: Settings, run: RunInfo, spool: Path | None = None) -> Survey:
    """Find the inputs, read the ledger, and split the inputs into work and decided outcomes. With
    `spool`, the text of corpus rows to transform waits in that file, not in memory."""
    found = discover_inputs(settings.sources, load_seen(settings.warehouse_dir))
    parts, ledger_parts, state = read_state(settings.parquet_root, settings.warehouse_dir, run.transform_version)
    if spool is None:
        todo, decided = plan(found, state, run, settings.limits, keep=_without_text)
    else:
        with Spool(spool) as kept:
            todo, decided = plan(found, state, run, settings.limits, keep=kept.keep)
    return Survey(found, parts, ledger_parts, state, todo, decided)


def _without_text(item: WorkItem) -> WorkItem:
    # Only whether there is work is asked: the rows' text need not be held.
    return replace(item, text=None)


@dataclass(frozen=True)
class NothingNew:
    """A check that found every input loaded as it is and the published warehouse up to date."""

    run_id: str  # the id this check would have had as a run
    inputs: int  # inputs seen, all unchanged
    documents: int  # documents in force
    last_run: str  # the run that published the warehouse


def nothing_new(settings: Settings) -> NothingNew | None:
    """NothingNew when an ingest would change nothing: every input is unchanged (no new, changed,
    rejected or skipped one), the published warehouse is the last committed run's and was built
    from the current SQL and reference files, and no ingest is running. None whenever in doubt;
    the flow then decides, as it always can."""
    if is_remote(settings.parquet_root) or held(settings.warehouse_dir) or not settings.database_path.exists():
        return None
    now = dt.datetime.now(dt.UTC)
    run = RunInfo(run_id=new_run_id(now), ingested_at=now, transform_version=transform_version(settings.seeds_dir))
    survey = survey_inputs(settings, run)
    if survey.todo or any(r.outcome != "unchanged" for r in survey.decided):
        return None
    runs = committed_runs(settings.parquet_root)
    if not runs:
        return None
    try:
        con = read_only_connection(settings.database_path)
    except WarehouseError:
        return None
    try:
        published = con.execute("select max(run_id) from runs").fetchall()[0][0]
        current = up_to_date(con, settings.sql_dir, settings.seeds_dir / "reference")
    finally:
        con.close()
    if published != runs[-1].run_id or not current:
        return None
    documents = len(in_force(survey.state))
    return NothingNew(run_id=run.run_id, inputs=len(survey.decided), documents=documents, last_run=published)
