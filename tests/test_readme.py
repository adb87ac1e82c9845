"""The README says what is true of the repository: the seeds it describes, the inputs read, the
recipes it gives analysts."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_readme_counts_the_national_seeds_as_reports_and_resolutions(
    national_rows: list[dict[str, object]],
) -> None:
    resolutions = sum("决议" in str(r["title"]) for r in national_rows)
    reports = len(national_rows) - resolutions
    assert (reports, resolutions) == (52, 20)
    assert f"{reports} national 政府工作报告" in README
    assert f"{resolutions} NPC resolutions" in README


def test_the_python_recipe_says_which_extra_brings_pandas_and_polars() -> None:
    recipe = README.split("Python", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    assert ".df()" in recipe and ".pl()" in recipe
    extras = PYPROJECT["project"]["optional-dependencies"]
    named = re.search(r"uv sync --extra (\w+)", README.split("Python (", 1)[1])
    assert named is not None, "the recipe does not say how to install pandas and polars"
    wanted = {re.split(r"[<>=\[ ]", d, maxsplit=1)[0] for d in extras[named.group(1)]}
    assert {"pandas", "polars"} <= wanted


def test_the_python_recipe_runs_as_written_and_its_connection_refuses_other_files(tmp_path: object) -> None:
    import duckdb

    path = f"{tmp_path}/warehouse.duckdb"
    with duckdb.connect(path) as con:
        con.execute("create table v_indicator_series as select 'gdp_growth' as indicator, 2024 as year")
        con.execute("create table metrics as select 1 as n")
    recipe = README.split("Python", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    scope: dict[str, object] = {}
    exec(recipe.replace("warehouse/warehouse.duckdb", path), scope)  # .df() and .pl() need the `frames` extra
    con = scope["con"]
    assert con.sql("select n from metrics").fetchall() == [(1,)]  # type: ignore[attr-defined]
    try:
        con.sql("select * from read_text('/etc/hostname')").fetchall()  # type: ignore[attr-defined]
        raise AssertionError("the recipe's connection reads other files")
    except duckdb.PermissionException:
        pass


def test_the_duckdb_cli_recipe_turns_file_access_off_and_says_the_cli_is_separate() -> None:
    lines = [line for line in README.splitlines() if line.startswith("duckdb ")]
    assert lines, "no DuckDB CLI line"
    for line in lines:
        assert "-readonly" in line and "enable_external_access = false" in line, line
    assert "not installed with baogao" in README
