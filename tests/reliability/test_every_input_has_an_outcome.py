"""Every input discovery meets has exactly one outcome in the run's ledger: a folder it cannot
read included (its files cannot be listed, so the folder itself is the input that failed), and
inputs with nothing in them, whatever their kind, get the same outcome. Each case runs the real
`baogao ingest` in its own process."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.conftest import report_text, tally
from tests.reliability.processes import Ran, baogao

NOBODY = 65534


def ledger(warehouse: Path, api_url: str, env: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(input relative to the sources, outcome, reason) of every row of the last run."""
    ran = baogao(
        "query",
        "select source_uri, outcome, reason_code from ingest_log "
        "where run_id = (select max(run_id) from runs) order by source_uri",
        "--format",
        "json",
        "--warehouse",
        str(warehouse),
        api_url=api_url,
        env=env,
    )
    assert ran.code == 0, ran.err
    return [(r["source_uri"], r["outcome"], r["reason_code"]) for r in json.loads(ran.out)]


def by_input(src: Path, rows: list[tuple[str, str, str]]) -> dict[str, tuple[str, str]]:
    return {uri.removeprefix(src.as_uri() + "/"): (outcome, reason) for uri, outcome, reason in rows}


def ingest(sources: Path, warehouse: Path, api_url: str, env: dict[str, str] | None = None) -> Ran:
    ran = baogao("ingest", str(sources), "--warehouse", str(warehouse), "--workers", "1", api_url=api_url, env=env)
    assert ran.code == 0, ran.err[-3000:]
    assert "Traceback" not in ran.err
    return ran


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another user can write (pytest's own temp folders are the owner's alone)."""
    d = Path(tempfile.mkdtemp(prefix="baogao-perm-"))
    d.chmod(0o777)
    yield d
    for p in [d, *d.rglob("*")]:
        if p.is_dir() and not p.is_symlink():
            p.chmod(0o755)
    shutil.rmtree(d)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mode", "what"),
    [(0o000, "no permission at all"), (0o100, "enter but not list"), (0o300, "enter and write, not list")],
)
def test_a_folder_that_cannot_be_read_has_its_own_outcome(
    shared_dir: Path, api_url: str, paragraphs: list[str], mode: int, what: str
) -> None:
    src = shared_dir / "in"
    (src / "readable").mkdir(parents=True)
    (src / "closed" / "deeper").mkdir(parents=True)
    (src / "readable" / "a.txt").write_text(report_text(paragraphs, 1), encoding="utf-8")
    (src / "closed" / "b.txt").write_text(report_text(paragraphs, 2), encoding="utf-8")
    (src / "closed" / "deeper" / "c.txt").write_text(report_text(paragraphs, 3), encoding="utf-8")
    if os.geteuid() == 0:
        for p in [shared_dir, *shared_dir.rglob("*")]:
            os.chown(p, NOBODY, NOBODY)
    (src / "closed").chmod(mode)
    warehouse = shared_dir / "w"
    env = {"HOME": str(shared_dir), "PREFECT_HOME": str(shared_dir / ".prefect")}
    if os.geteuid() == 0:
        env["BAOGAO_TEST_RUN_AS"] = str(NOBODY)
    tally("attacks tried: unreadable folder")
    ran = ingest_as(src, warehouse, api_url, env)
    rows = {
        uri.removeprefix(src.as_uri() + "/"): (outcome, reason) for uri, outcome, reason in ledger(warehouse, api_url)
    }
    assert rows["readable/a.txt"] == ("loaded", "new")
    assert rows["closed"][0] == "rejected" and rows["closed"][1] == "unreadable_folder", (what, rows)
    assert not any(k.startswith("closed/") for k in rows), rows
    assert "closed" in ran.out


def ingest_as(src: Path, warehouse: Path, api_url: str, env: dict[str, str]) -> Ran:
    """`baogao ingest` as the user BAOGAO_TEST_RUN_AS names (through setpriv) when set."""
    uid = env.pop("BAOGAO_TEST_RUN_AS", None)
    if uid is None:
        return ingest(src, warehouse, api_url, env)
    from tests.reliability import processes

    saved = processes.BAOGAO
    wrapper = src.parent / "baogao-as-nobody"
    wrapper.write_text(
        f'#!/bin/sh\nexec setpriv --reuid={uid} --regid={uid} --clear-groups {saved} "$@"\n', encoding="utf-8"
    )
    wrapper.chmod(0o755)
    processes.BAOGAO = str(wrapper)
    try:
        return ingest(src, warehouse, api_url, env)
    finally:
        processes.BAOGAO = saved


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _csv(rows: list[dict[str, str]], header: list[str]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


# name -> bytes; every one of these holds no text at all, so each is one ("skipped", "empty").
EMPTY = {
    "empty.txt": b"",
    "blank.txt": b" \n\t\n",
    "empty.csv": b"",
    "header_only.csv": _csv([], ["title", "content"]),
    "header_only.csv.gz": _gz(_csv([], ["title", "content"])),
    "empty.jsonl": b"",
    "blank_lines.jsonl": b"\n\n  \n",
    "empty.jsonl.gz": _gz(b""),
    "blank_lines.jsonl.gz": _gz(b"\n\n"),
}
# name -> bytes holding only NUL bytes: binary data, not "empty".
NULS = {
    "nuls.txt": b"\x00" * 4096,
    "nuls.csv.gz": _gz(b"\x00" * (4 << 20)),
    "nuls.jsonl.gz": _gz(b"\x00" * (4 << 20)),
}


@pytest.mark.slow
def test_inputs_with_nothing_in_them_get_one_outcome_each_and_the_same_one(
    tmp_path: Path, api_url: str, paragraphs: list[str]
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for name, data in {**EMPTY, **NULS}.items():
        (src / name).write_bytes(data)
    (src / "real.txt").write_text(report_text(paragraphs, 4), encoding="utf-8")
    tally("attacks tried: empty inputs", len(EMPTY) + len(NULS))
    ingest(src, tmp_path / "w", api_url)
    rows = {
        uri.removeprefix(src.as_uri() + "/"): (outcome, reason)
        for uri, outcome, reason in ledger(tmp_path / "w", api_url)
    }
    assert rows == {
        **{name: ("skipped", "empty") for name in EMPTY},
        **{name: ("rejected", "binary") for name in NULS},
        "real.txt": ("loaded", "new"),
    }
