"""The `baogao` command line as a user meets it, and the docs that describe it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app
from tests.conftest import CPPCC, REPO

pytestmark = pytest.mark.usefixtures("prefect_harness")
runner = CliRunner()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    w = tmp_path_factory.mktemp("cli")
    src = w / "in"
    src.mkdir()
    for p in CPPCC:
        (src / p.name).write_bytes(p.read_bytes())
    (src / "notes.xlsx").write_bytes(b"PK\x03\x04 not a report")
    result = runner.invoke(app, ["ingest", str(src), "--warehouse", str(w), "--workers", "1"])
    assert result.exit_code == 0, result.output
    return w


def test_ingest_prints_a_summary_and_what_it_did_not_load(warehouse: Path) -> None:
    result = runner.invoke(app, ["ingest", str(warehouse / "in"), "--warehouse", str(warehouse), "--workers", "1"])
    assert result.exit_code == 0, result.output
    out = result.output
    for label, n in (("documents seen", 4), ("unchanged", 3), ("rejected", 1), ("documents in warehouse", 3)):
        assert re.search(rf"{label}\s+{n}\b", out), f"{label} {n} not in:\n{out}"
    assert "notes.xlsx" in out and "unsupported_type" in out


def test_query_answers_in_each_format(warehouse: Path) -> None:
    sql = "select count(*) as n from documents"
    as_csv = runner.invoke(app, ["query", sql, "-w", str(warehouse), "--format", "csv"])
    assert as_csv.output == "n\n3\n"
    as_json = runner.invoke(app, ["query", sql, "-w", str(warehouse), "--format", "json"])
    assert json.loads(as_json.output) == [{"n": 3}]
    as_table = runner.invoke(app, ["query", sql, "-w", str(warehouse)])
    assert "1 rows" in as_table.output


@pytest.mark.parametrize(
    ("sql", "refusal"),
    [
        ("select * from read_csv('/etc/passwd')", "file system operations are disabled"),
        ("select * from read_text('/etc/hostname')", "file system operations are disabled"),
        ("copy documents to '/tmp/leak.csv'", "read-only"),
        ("insert into runs (run_id) values ('x')", "read-only"),
        ("attach '/tmp/other.duckdb' as other", "read-only"),
        ("set enable_external_access = true", "read-only"),
        ("install httpfs", "read-only"),
    ],
)
def test_query_cannot_read_or_write_other_files_or_change_the_warehouse(
    warehouse: Path, sql: str, refusal: str
) -> None:
    result = runner.invoke(app, ["query", sql, "-w", str(warehouse)])
    assert result.exit_code == 1
    assert refusal in result.output.replace("\n", " ")
    assert "Traceback" not in result.output
    assert not Path("/tmp/leak.csv").exists()


def test_tables_lists_every_table_and_view_with_rows_and_grain(warehouse: Path) -> None:
    result = runner.invoke(app, ["tables", "-w", str(warehouse)], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    for name in ("documents", "metrics", "entity_mentions", "rejects", "v_indicator_values", "runs"):
        assert re.search(rf"^{name}\t(table|view)\t\d+\tone row per", result.output, flags=re.M), name


def test_status_shows_the_runs_and_the_last_runs_rejects(warehouse: Path) -> None:
    result = runner.invoke(app, ["status", "-w", str(warehouse)], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    assert "3 documents" in result.output and "completed" in result.output
    assert "notes.xlsx" in result.output


def test_commands_on_a_missing_warehouse_say_what_to_do(tmp_path: Path) -> None:
    for command in (["tables"], ["status"], ["query", "select 1"]):
        result = runner.invoke(app, [*command, "-w", str(tmp_path / "nowhere")])
        assert result.exit_code == 1
        assert "run `baogao ingest` first" in result.output.replace("\n", " ")


def test_help_lists_exactly_the_commands_the_readme_documents() -> None:
    help_text = runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    in_help = set(re.findall(r"│ (\w+)\s{2,}", help_text.split("Commands")[1]))
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    in_readme = set(re.findall(r"^\| `baogao (\w+)", readme, flags=re.M))
    assert in_help == in_readme


def test_the_readme_quick_start_is_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick.strip().splitlines()]
    assert commands == ["uv run baogao ingest", "uv run pytest"]
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if "pytest" in line] == ["uv run pytest"]


@pytest.mark.slow
def test_serve_registers_a_scheduled_deployment_with_the_prefect_server(tmp_path: Path) -> None:
    import asyncio
    import os

    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ, PREFECT_API_URL=str(PREFECT_API_URL.value()), PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", str(CPPCC[0]), "--cron", "15 3 * * *", "-w", str(tmp_path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )

    async def deployment() -> object:
        async with get_client() as client:
            return await client.read_deployment_by_name("baogao-ingest/nightly")

    try:
        deadline = time.monotonic() + 120
        found = None
        while found is None and time.monotonic() < deadline:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                found = asyncio.run(deployment())
            except Exception:
                time.sleep(1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert found is not None
    schedules = [s.schedule.cron for s in found.schedules]  # type: ignore[attr-defined]
    assert schedules == ["15 3 * * *"]
    params = found.parameters["settings"]  # type: ignore[attr-defined]
    assert params["warehouse_dir"] == str(tmp_path) and params["sources"] == [str(CPPCC[0])]
