"""`baogao query` as an analyst meets it: run in a subprocess on a small warehouse made by hand."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

BAOGAO = str(Path(sys.executable).with_name("baogao"))
ROWS = 250


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse folder with one table of 250 terms (a decimal column and Chinese text among them)."""
    w = tmp_path_factory.mktemp("query")
    con = duckdb.connect(str(w / "warehouse.duckdb"))
    con.execute("create table terms (n integer, term varchar, share decimal(9, 4))")
    con.execute(f"insert into terms select i, '改革' || i, i / 8 from range(1, {ROWS + 1}) t(i)")
    con.execute("comment on table terms is 'one row per (document, term, part of speech): jieba tokens'")
    con.close()
    return w


def baogao(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BAOGAO, *args], input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=120, cwd=cwd
    )


@pytest.mark.parametrize("sql", ["", "   ", "/* only a comment */"])
def test_a_query_without_sql_says_so_without_a_traceback(warehouse: Path, sql: str) -> None:
    result = baogao("query", sql, "-w", str(warehouse))
    assert result.returncode != 0
    assert "no SQL" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_a_table_shows_the_first_100_rows_and_says_how_many_were_left_out(warehouse: Path) -> None:
    result = baogao("query", "select n, term from terms order by n", "-w", str(warehouse))
    assert result.returncode == 0, result.stderr
    assert "│ 100 │ 改革100" in result.stdout and "│ 101 │" not in result.stdout
    assert f"{ROWS} rows; the first 100 shown, 150 left out (--limit N, --limit 0 for all)" in result.stdout


def test_limit_chooses_how_many_rows_a_table_shows_and_zero_shows_all(warehouse: Path) -> None:
    ten = baogao("query", "select n from terms order by n", "--limit", "10", "-w", str(warehouse))
    assert "│ 10 │" in ten.stdout and "│ 11 │" not in ten.stdout
    assert "240 left out" in ten.stdout
    every = baogao("query", "select n from terms order by n", "--limit", "0", "-w", str(warehouse))
    assert f"│ {ROWS} │" in every.stdout and f"{ROWS} rows" in every.stdout and "left out" not in every.stdout


def test_csv_and_json_give_every_row_unless_a_limit_is_asked_for(warehouse: Path) -> None:
    csv_all = baogao("query", "select n from terms order by n", "--format", "csv", "-w", str(warehouse))
    assert csv_all.stdout.splitlines() == ["n", *(str(i) for i in range(1, ROWS + 1))]
    json_five = baogao("query", "select n from terms order by n", "-f", "json", "--limit", "5", "-w", str(warehouse))
    assert json.loads(json_five.stdout) == [{"n": i} for i in range(1, 6)]


def test_sql_can_come_from_a_file_or_from_standard_input(warehouse: Path, tmp_path: Path) -> None:
    script = tmp_path / "top.sql"
    script.write_text("-- the first three terms\nselect term from terms\norder by n\nlimit 3;\n", encoding="utf-8")
    from_file = baogao("query", "--file", str(script), "-f", "csv", "-w", str(warehouse))
    assert from_file.stdout == "term\n改革1\n改革2\n改革3\n", from_file.stderr
    from_stdin = baogao("query", "-", "-f", "csv", "-w", str(warehouse), stdin=script.read_text(encoding="utf-8"))
    assert from_stdin.stdout == from_file.stdout, from_stdin.stderr
    both = baogao("query", "select 1", "--file", str(script), "-w", str(warehouse))
    assert both.returncode != 0 and "either" in both.stderr


def test_several_statements_show_every_result(warehouse: Path) -> None:
    sql = "select count(*) as terms from terms; select max(n) as last from terms"
    table = baogao("query", sql, "-w", str(warehouse))
    assert re.search(r"┃ terms ┃.*│ 250\s+│.*┃ last ┃.*│ 250\s+│", table.stdout, flags=re.S), table.stdout
    as_csv = baogao("query", sql, "-f", "csv", "-w", str(warehouse))
    assert as_csv.stdout == "terms\n250\n\nlast\n250\n"
    as_json = baogao("query", sql, "-f", "json", "-w", str(warehouse))
    assert json.loads(as_json.stdout) == [[{"terms": 250}], [{"last": 250}]]


def test_json_gives_decimals_as_exact_numbers(warehouse: Path) -> None:
    result = baogao(
        "query", "select share, 0.1::decimal(3, 2) as tenth from terms where n = 3", "-f", "json", "-w", str(warehouse)
    )
    assert json.loads(result.stdout, parse_float=Decimal) == [{"share": Decimal("0.3750"), "tenth": Decimal("0.10")}]


def test_csv_for_excel_starts_with_a_byte_order_mark(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "terms.csv"
    result = baogao(
        "query", "select term from terms where n = 1", "-f", "csv", "--bom", "--output", str(out), "-w", str(warehouse)
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == "\ufeffterm\n改革1\n".encode()
    plain = baogao("query", "select term from terms where n = 1", "-f", "csv", "-w", str(warehouse))
    assert plain.stdout == "term\n改革1\n"


def test_xlsx_writes_a_workbook_with_one_sheet_per_statement(warehouse: Path, tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "terms.xlsx"
    sql = "select n, term, share from terms where n <= 2 order by n; select count(*) as terms from terms"
    result = baogao("query", sql, "--format", "xlsx", "--output", str(out), "-w", str(warehouse))
    assert result.returncode == 0, result.stderr
    book = openpyxl.load_workbook(out, read_only=True)
    sheets = [[list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets]
    assert sheets == [
        [["n", "term", "share"], [1, "改革1", 0.125], [2, "改革2", 0.25]],
        [["terms"], [250]],
    ]


def test_xlsx_without_an_output_file_says_what_to_add(warehouse: Path) -> None:
    result = baogao("query", "select 1", "--format", "xlsx", "-w", str(warehouse))
    assert result.returncode != 0 and "--output" in result.stderr
    assert "Traceback" not in result.stderr


def test_tables_piped_gives_one_line_per_object_with_its_whole_grain(warehouse: Path) -> None:
    result = subprocess.run(
        [BAOGAO, "tables", "-w", str(warehouse)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={k: v for k, v in __import__("os").environ.items() if k != "COLUMNS"},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [
        "name\tkind\trows\tgrain",
        "terms\ttable\t250\tone row per (document, term, part of speech): jieba tokens",
    ]
