"""Catalogue H (items 69-70): the ledger always reconciles.

For a random mix of the section F fixtures, two runs of the real flow over the same folder:
every discovered input has exactly one ledger row per run, the outcome counts are the ones the
fixtures imply, every input not loaded has a reason and a message, the `runs` rollup equals a
recount of `ingest_log`, and the documents are exactly the loaded ones.

Item 70 (upgrade canary): the tests that pin behaviour of duckdb, pyarrow, prefect and fastapi are
marked `canary` (`uv run pytest -m canary` after any bump). A published file from a previous
release kept as a fixture does not exist yet: this is the first release.
"""

from __future__ import annotations

import codecs
import itertools
import json
import shutil
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

import opencc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.ingest import ingest
from flows.settings import Settings
from tests.reliability.conftest import duck, report_text, tally

pytestmark = pytest.mark.usefixtures("prefect_harness")

KINDS = ["report", "copy", "empty", "binary", "gbk", "big5", "mixed", "short_gbk", "unsupported", "corpus", "zip"]
OUTCOMES = ("loaded", "unchanged", "duplicate", "skipped", "rejected", "needs_review")


def make(src: Path, kinds: list[str], paragraphs: list[str]) -> Counter[str]:
    """Write one fixture per kind; return the outcomes the first run must give."""
    expected: Counter[str] = Counter()
    first_report: bytes | None = None
    fresh = itertools.count(1)  # the same kinds always give the same files (hypothesis replays them)

    def text() -> str:
        return report_text(paragraphs, next(fresh), n=1)  # distinct within an example

    for i, kind in enumerate(kinds):
        f = src / f"{i:02d}-{kind}.txt"
        if kind == "report" or (kind == "copy" and first_report is None):
            data = text().encode()
            first_report = first_report or data
            f.write_bytes(data)
            expected["loaded"] += 1
        elif kind == "copy":
            assert first_report is not None
            f.write_bytes(codecs.BOM_UTF8 + first_report.replace(b"\n", b"\r\n"))
            expected["duplicate"] += 1
        elif kind == "empty":
            f.write_bytes(b" \n")
            expected["skipped"] += 1
        elif kind == "binary":
            f.write_bytes(b"\x7fELF\x02\x01" + bytes(range(256)))
            expected["rejected"] += 1
        elif kind == "gbk":
            f.write_bytes(text().encode("gb18030"))
            expected["loaded"] += 1
        elif kind == "big5":
            f.write_bytes(opencc.OpenCC("s2tw").convert(text()).encode("big5", "ignore"))
            expected["loaded"] += 1
        elif kind == "mixed":
            f.write_bytes(text().encode() + text().encode("gb18030"))
            expected["rejected"] += 1
        elif kind == "short_gbk":
            f.write_bytes("政协报告".encode("gbk"))
            expected["needs_review"] += 1
        elif kind == "unsupported":
            f.with_suffix(".xlsx").write_bytes(b"PK\x03\x04")
            expected["rejected"] += 1
        elif kind == "corpus":
            rows = [json.dumps({"content": text()}, ensure_ascii=False), "{broken", json.dumps({"title": "无正文"})]
            f.with_suffix(".jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
            expected.update({"loaded": 1, "rejected": 2})
        elif kind == "zip":
            with zipfile.ZipFile(f.with_suffix(".zip"), "w") as z:
                z.writestr("member.txt", text().encode())
                z.writestr("../escape.txt", b"x" * 50)
            expected.update({"loaded": 1, "rejected": 1})
    return expected


def check_run(db: Path, run_id: str, expected: Counter[str]) -> None:
    got = dict(duck(db, "select outcome, count(*) from ingest_log where run_id = ? group by 1", [run_id]))
    assert {o: got.get(o, 0) for o in OUTCOMES} == {o: expected.get(o, 0) for o in OUTCOMES}
    assert duck(db, "select count(*) - count(distinct source_uri) from ingest_log where run_id = ?", [run_id]) == [(0,)]
    # Every input not in the warehouse says why, in words.
    assert duck(
        db,
        "select count(*) from ingest_log where run_id = ? and outcome in ('skipped', 'rejected', 'needs_review') "
        "and (reason_code is null or reason_code = '' or length(message) < 15)",
        [run_id],
    ) == [(0,)]
    # The runs rollup is a recount of the ledger.
    (row,) = duck(
        db,
        "select docs_seen, docs_new + docs_changed, docs_unchanged, docs_duplicate, docs_skipped, docs_rejected, "
        "docs_needs_review from runs where run_id = ?",
        [run_id],
    )
    recount = tuple(got.get(o, 0) for o in ("loaded", "unchanged", "duplicate", "skipped", "rejected", "needs_review"))
    assert row == (sum(recount), *recount)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=7))
def test_69_the_ledger_reconciles_for_any_mix_of_inputs_over_two_runs(kinds: list[str], paragraphs: list[str]) -> None:
    root = Path(tempfile.mkdtemp(prefix="baogao-h-"))
    try:
        src = root / "in"
        src.mkdir()
        expected = make(src, kinds, paragraphs)
        tally("bad inputs tried", sum(n for o, n in expected.items() if o != "loaded"))
        conf = Settings(sources=[src], warehouse_dir=root / "w", workers=1, batch_size=3)
        first = ingest(conf)
        db = root / "w" / "warehouse.duckdb"
        check_run(db, first.run.run_id, expected)
        assert duck(db, "select count(*), count(distinct doc_id) from documents") == [(expected["loaded"],) * 2]
        # Second run, nothing changed: what was loaded or duplicated is now unchanged; the rest repeats.
        second = ingest(conf)
        again = Counter({k: v for k, v in expected.items() if k not in ("loaded", "duplicate")})
        again["unchanged"] = expected["loaded"] + expected["duplicate"]
        check_run(db, second.run.run_id, again)
        assert duck(db, "select count(*) from documents") == [(expected["loaded"],)]
    finally:
        shutil.rmtree(root, ignore_errors=True)
