"""Damage to the Parquet tree that no run of baogao causes: a part deleted, entries taken out of
a manifest, a manifest cut short, a database file replaced by junk. `baogao verify` finds each,
and its advice works: `baogao repair` restores what the inputs can give back and names what
they cannot. Everything runs through the real command line, one process per command."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.reliability.conftest import tally, write_reports
from tests.reliability.processes import Ran, baogao

pytestmark = pytest.mark.slow

REPORTS = 5
# One input per batch, so each document has its own parts to lose.
ENV = {"BAOGAO_BATCH_SIZE": "1", "BAOGAO_SWEEP_GRACE_SECONDS": "0"}


def run(api_url: str, *args: str) -> Ran:
    return baogao(*args, api_url=api_url, env=ENV)


def counts(warehouse: Path, api_url: str) -> dict[str, int]:
    ran = run(
        api_url,
        "query",
        "select (select count(*) from documents) as documents, (select count(*) from metrics) as metrics, "
        "(select count(*) from sentences) as sentences",
        "--format",
        "json",
        "--warehouse",
        str(warehouse),
    )
    assert ran.code == 0, ran.err
    return dict(json.loads(ran.out)[0])


@pytest.fixture
def built(tmp_path: Path, api_url: str, paragraphs: list[str]) -> tuple[Path, Path, dict[str, int]]:
    """(inputs, warehouse, its counts) after one ingest of five reports."""
    src = tmp_path / "in"
    write_reports(src, paragraphs, 20, REPORTS)
    w = tmp_path / "w"
    ran = run(api_url, "ingest", str(src), "--warehouse", str(w), "--workers", "1")
    assert ran.code == 0, ran.err[-3000:]
    before = counts(w, api_url)
    assert before["documents"] == REPORTS
    return src, w, before


def manifest_of(w: Path) -> Path:
    return next((w / "parquet" / "_manifests").glob("*.json"))


def verify(w: Path, api_url: str) -> Ran:
    return run(api_url, "verify", "--warehouse", str(w))


def assert_whole(w: Path, api_url: str, before: dict[str, int]) -> None:
    after = verify(w, api_url)
    assert after.code == 0, after.out + after.err
    assert "no damage found" in after.out
    assert counts(w, api_url) == before
    again = run(api_url, "rebuild", "--warehouse", str(w))
    assert again.code == 0, again.err[-2000:]
    assert counts(w, api_url) == before


@pytest.mark.parametrize("table", ["documents", "metrics", "sentences"])
def test_a_deleted_part_is_found_and_repair_restores_it_from_the_inputs(
    built: tuple[Path, Path, dict[str, int]], api_url: str, table: str
) -> None:
    _src, w, before = built
    part = sorted((w / "parquet" / table).glob("*.parquet"))[0]
    part.unlink()
    tally("faults injected: part deleted")
    found = verify(w, api_url)
    assert found.code == 1
    assert part.name in found.out and "baogao repair" in found.out, found.out
    fixed = run(api_url, "repair", "--warehouse", str(w))
    assert fixed.code == 0, fixed.out + fixed.err[-3000:]
    assert "restored 1 document" in fixed.out, fixed.out
    assert_whole(w, api_url, before)


def test_entries_taken_out_of_a_manifest_are_found_and_repair_puts_them_back(
    built: tuple[Path, Path, dict[str, int]], api_url: str
) -> None:
    _src, w, before = built
    m = manifest_of(w)
    data = json.loads(m.read_text(encoding="utf-8"))
    dropped = [p for p in data["parts"] if "-00001" in p["path"] or "-00003" in p["path"]]
    assert dropped
    data["parts"] = [p for p in data["parts"] if p not in dropped]
    m.write_text(json.dumps(data, indent=1), encoding="utf-8")
    tally("faults injected: manifest entries removed")
    found = verify(w, api_url)
    assert found.code == 1, found.out
    assert "manifest" in found.out and "baogao repair" in found.out, found.out
    # An ingest in between must not lose the unlisted parts (its sweep deletes leftovers).
    again = run(api_url, "ingest", str(built[0]), "--warehouse", str(w), "--workers", "1")
    assert again.code == 0, again.err[-2000:]
    fixed = run(api_url, "repair", "--warehouse", str(w))
    assert fixed.code == 0, fixed.out + fixed.err[-3000:]
    assert_whole(w, api_url, before)


def test_repair_says_which_documents_it_could_not_restore_when_their_input_is_gone(
    built: tuple[Path, Path, dict[str, int]], api_url: str
) -> None:
    src, w, before = built
    part = sorted((w / "parquet" / "documents").glob("*.parquet"))[0]
    # The input of that document: the first report in ingest order.
    gone = sorted(src.glob("*.txt"))[0]
    gone_copy = gone.with_suffix(".saved")
    shutil.move(gone, gone_copy)
    part.unlink()
    fixed = run(api_url, "repair", "--warehouse", str(w))
    assert fixed.code == 1, fixed.out
    assert gone.name in fixed.out and "could not" in fixed.out, fixed.out
    # Put the input back: repair restores the rest.
    shutil.move(gone_copy, gone)
    again = run(api_url, "repair", "--warehouse", str(w))
    assert again.code == 0, again.out + again.err[-2000:]
    assert_whole(w, api_url, before)


def test_a_truncated_manifest_is_a_clear_error_naming_it(
    built: tuple[Path, Path, dict[str, int]], api_url: str
) -> None:
    src, w, _before = built
    m = manifest_of(w)
    raw = m.read_bytes()
    m.write_bytes(raw[: len(raw) // 2])
    tally("faults injected: manifest truncated")
    for args in (("ingest", str(src)), ("rebuild",)):
        ran = run(api_url, *args, "--warehouse", str(w))
        assert ran.code == 1
        assert m.name in ran.err and "JSONDecodeError" not in ran.err, ran.err[-2000:]
        assert "Please report it" not in ran.err
    found = verify(w, api_url)
    assert found.code == 1 and m.name in found.out


def test_a_junk_database_file_is_found_and_ingest_says_to_rebuild(
    built: tuple[Path, Path, dict[str, int]], api_url: str
) -> None:
    src, w, before = built
    db = w / "warehouse.duckdb"
    db.chmod(0o644)
    db.write_bytes(b"not a database at all" * 100)
    tally("faults injected: junk database")
    ran = run(api_url, "ingest", str(src), "--warehouse", str(w), "--workers", "1")
    assert ran.code == 1
    assert "baogao rebuild" in ran.err and "Please report it" not in ran.err, ran.err[-2000:]
    assert "Traceback" not in ran.err
    fixed = run(api_url, "rebuild", "--warehouse", str(w))
    assert fixed.code == 0, fixed.err[-2000:]
    assert counts(w, api_url) == before
