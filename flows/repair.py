"""`baogao repair`: mend the Parquet tree and read again, from their inputs, the documents it lost.

store/repair.py puts the manifests back in agreement with the parts on disk (listing again what a
damaged manifest lost, moving damaged parts aside); the documents still without a part are then
ingested again from their inputs, found through the ledger (`source_uri`), and the database is
rebuilt from the whole tree. What no input can give back any more is named, never hidden.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from flows.ingest import ingest
from flows.plan import new_run_id
from flows.rebuild import rebuild
from flows.settings import Settings
from store.lock import writer_lock
from store.parts import is_remote, local_root
from store.repair import Mended, forget_caches, lost_documents, mend


@dataclass
class RepairReport:
    mended: Mended
    lost_before: int = 0  # documents without a part once the manifests were mended
    restored: int = 0
    inputs_read: list[str] = field(default_factory=list)
    # (input uri, why) of the documents no input could restore
    not_restored: list[tuple[str, str]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.not_restored and not self.mended.ledger_lost


def input_path(uri: str) -> Path | None:
    """The file an input's source_uri names (a corpus row or an archive member: its file)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))


def repair(settings: Settings | None = None) -> RepairReport:
    settings = settings or Settings()
    if is_remote(settings.parquet_root):
        raise ValueError("baogao repair works on a local Parquet tree; for object storage use its versioning")
    parquet_dir = local_root(settings.parquet_root)
    token = "repair-" + new_run_id(dt.datetime.now(dt.UTC))
    with writer_lock(settings.warehouse_dir, token, settings.lock_timeout_seconds):
        mended = mend(settings.warehouse_dir, parquet_dir)
        lost = lost_documents(parquet_dir)
        if lost:  # the ledger's cached state holds them as loaded: derive it again
            forget_caches(settings.warehouse_dir)
    report = RepairReport(mended=mended, lost_before=len(lost))
    sources: dict[Path, None] = {}
    for uris in lost.values():
        for uri in uris:
            path = input_path(uri)
            if path is not None and path.is_file():
                sources[path] = None
    if sources:
        report.inputs_read = [str(p) for p in sources]
        ingest(settings.model_copy(update={"sources": list(sources)}))
    rows, _checks, _seconds = rebuild(settings)
    report.rows = rows
    still = lost_documents(parquet_dir)
    report.restored = len(lost) - len(still)
    for uris in still.values():
        for uri in uris:
            path = input_path(uri)
            if path is None:
                why = "it did not come from a local file"
            elif not path.exists():
                why = f"its input {path} is gone; put it back and run `baogao repair` again"
            else:
                why = f"its input {path} no longer holds that text (it was edited); the current text is loaded"
            report.not_restored.append((uri, why))
    return report
