"""`baogao ingest` and `baogao status` as a script or a user meets them, in real subprocesses."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CPPCC

BAOGAO = str(Path(sys.executable).with_name("baogao"))


def test_ingest_of_a_path_that_does_not_exist_fails_before_starting_anything(tmp_path: Path) -> None:
    prefect_home = tmp_path / "prefect-home"
    prefect_home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(prefect_home)
    result = subprocess.run(
        [BAOGAO, "ingest", "/path/that/does/not/exist", str(CPPCC[0]), "-w", str(tmp_path / "w")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert "/path/that/does/not/exist does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    # Nothing was started: no warehouse, no Prefect server or database.
    assert not (tmp_path / "w").exists()
    assert sorted(p.name for p in prefect_home.iterdir()) == []


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_a_csv_without_a_text_column_is_rejected_once_and_counted_once(tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL

    src = tmp_path / "in"
    src.mkdir()
    for p in CPPCC:
        shutil.copy(p, src)
    with open(src / "run_manifest.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "url", "status"])
        w.writerows([[i, f"https://example.gov.cn/{i}.html", "ok"] for i in range(1, 32)])
    env = dict(os.environ, PREFECT_API_URL=str(PREFECT_API_URL.value()), COLUMNS="200")
    run = subprocess.run(
        [BAOGAO, "ingest", str(src), "-w", str(tmp_path / "w"), "--workers", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("no_text_column") == 1, run.stdout
    assert "row=" not in run.stdout
    assert re.search(r"documents seen\s+4\b", run.stdout), run.stdout
    status = subprocess.run(
        [BAOGAO, "status", "-w", str(tmp_path / "w")], env=env, capture_output=True, text=True, timeout=120
    )
    row = next(line for line in status.stdout.splitlines() if "completed" in line)
    cells = [c.strip() for c in row.split("│") if c.strip()]
    # run, status, started, seconds, then seen, new, changed, unchanged, duplicate, not loaded
    assert cells[4:10] == ["4", "3", "0", "0", "0", "1"], status.stdout
