"""One manifest reader, two policies: `read_manifests` keeps a manifest it cannot read (with why)
for `baogao verify` and `baogao repair`, `committed_runs` refuses it for anything that builds or
writes. Both read a local folder and an fsspec URL alike, so `baogao verify --parquet-url` checks
the tree an ingest with the same URL wrote."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pyarrow as pa
import pytest
from fsspec.core import url_to_fs
from typer.testing import CliRunner

from cli.app import app
from store.parts import DamagedManifest, Root, commit_run, committed_runs, part_url, read_manifests, write_part
from store.verify import verify
from tests.reliability.conftest import tally


def _memory_url() -> str:
    return f"memory://baogao-{uuid.uuid4().hex}"


def _two_runs(root: Root) -> None:
    for run in ("20260101T000000-aa", "20260102T000000-bb"):
        part = write_part(root, "documents", f"{run}-00000", pa.table({"doc_id": [run]}))
        commit_run(root, run, [part], "v1")


def _put(root: Root, rel: str, data: bytes) -> None:
    if isinstance(root, Path):
        (root / rel).write_bytes(data)
    else:
        fs, base = url_to_fs(root)
        fs.pipe_file(f"{base}/{rel}", data)


@pytest.mark.parametrize("where", ["folder", "url"])
def test_a_damaged_manifest_is_kept_with_its_error_by_the_reader_and_refused_by_the_writers_policy(
    where: str, tmp_path: Path
) -> None:
    root: Root = tmp_path / "parquet" if where == "folder" else _memory_url()
    _two_runs(root)
    whole = read_manifests(root)
    assert [m.run_id for m in whole] == ["20260101T000000-aa", "20260102T000000-bb"]
    assert committed_runs(root) == whole and all(m.error is None for m in whole)
    damaged = whole[1]
    _put(root, damaged.rel, b'{"run_id": "20260102T000000-bb", "transform_version": "v1", "parts": [{"tab')
    tally("faults injected: manifest truncated")

    read = read_manifests(root)
    assert read[0] == whole[0]
    assert (read[1].run_id, read[1].transform_version, read[1].parts) == ("20260102T000000-bb", "v1", [])
    assert read[1].error is not None
    with pytest.raises(DamagedManifest) as refused:
        committed_runs(root)
    assert part_url(root, damaged.rel) in str(refused.value) and "baogao repair" in str(refused.value)

    _put(root, damaged.rel, b'{"run_id": "20260102T000000-bb", "parts": []}'.replace(b"parts", b"pieces"))
    assert "parts" in (read_manifests(root)[1].error or "")


@pytest.fixture
def on_a_url(published: Path, tmp_path: Path) -> tuple[Path, str]:
    """(a warehouse folder without parquet/, the URL its Parquet tree was copied to)."""
    warehouse = tmp_path / "w"
    shutil.copytree(published, warehouse, ignore=shutil.ignore_patterns("parquet"))
    url = _memory_url()
    fs, base = url_to_fs(url)
    fs.put(str(published / "parquet"), base, recursive=True)
    return warehouse, url


def test_verify_checks_the_parquet_tree_at_a_url_and_names_damage_by_its_url(
    published: Path, on_a_url: tuple[Path, str]
) -> None:
    warehouse, url = on_a_url
    local = verify(published)
    remote = verify(warehouse, url)
    assert remote.ok, remote.problems
    assert (remote.parts_checked, remote.rows_checked) == (local.parts_checked, local.rows_checked)
    assert remote.parts_checked > 0

    part = next(p for m in read_manifests(url) for p in m.parts if p.table == "sentences")
    fs, base = url_to_fs(url)
    data = bytearray(fs.cat_file(f"{base}/{part.path}"))
    data[len(data) // 3] ^= 0xFF
    fs.pipe_file(f"{base}/{part.path}", bytes(data))
    tally("faults injected: damaged part")
    damaged = verify(warehouse, url)
    assert [p.where for p in damaged.problems] == [part_url(url, part.path)]
    assert "baogao repair" in damaged.problems[0].fix


def test_baogao_verify_honours_parquet_url_and_without_it_says_nothing_was_checked(
    on_a_url: tuple[Path, str],
) -> None:
    warehouse, url = on_a_url
    runner = CliRunner()
    env = {"COLUMNS": "400"}  # no wrapping
    ok = runner.invoke(app, ["verify", "--warehouse", str(warehouse), "--parquet-url", url], env=env)
    assert ok.exit_code == 0, ok.output
    assert "no damage found" in ok.output and "checked 0 Parquet parts" not in ok.output
    # The tree is not beside the database: verify must not call a check of nothing "no damage".
    blind = runner.invoke(app, ["verify", "--warehouse", str(warehouse)], env=env)
    assert blind.exit_code == 1, blind.output
    assert "--parquet-url" in blind.output and "no manifest" in blind.output
    unknown = runner.invoke(app, ["verify", "--warehouse", str(warehouse), "--parquet-url", "nosuch://x"], env=env)
    assert unknown.exit_code == 1 and "nosuch://x" in unknown.output and "Traceback" not in unknown.output
