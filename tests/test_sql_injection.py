"""SQL reaches DuckDB only as fixed text plus bound parameters (catalogue item 58).

DuckDB's `execute()` runs stacked statements, so one file name pasted into an f-string can drop a
table. This test reads the source of cli/, flows/, sources/, store/, bench/ and report/ and fails on any
SQL call whose text is built with an f-string, `+`, `%` or `.format()` — unless every piece
that is not a literal is an identifier quoted by `duckdb_identifier(...)` (store/warehouse.py),
which accepts only plain names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCANNED = ("cli", "flows", "sources", "store", "bench", "report")
SQL_METHODS = {"execute", "executemany", "sql", "query"}
QUOTING_HELPERS = {"duckdb_identifier"}


def _is_quoted_identifier(node: ast.expr) -> bool:
    func = node.func if isinstance(node, ast.Call) else None
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    return name in QUOTING_HELPERS


def unsafe(node: ast.expr, assigned: dict[str, ast.expr]) -> str | None:
    """Why `node`, the SQL text of a call, is built unsafely; None when it is safe."""
    if isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.FormattedValue) and not _is_quoted_identifier(part.value):
                return "f-string"
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        if isinstance(node.op, ast.Mod):
            return "%-formatting"
        for side in (node.left, node.right):
            if isinstance(side, ast.Constant) or _is_quoted_identifier(side):
                continue
            why = unsafe(side, assigned)
            if why is not None or not isinstance(side, ast.BinOp | ast.JoinedStr):
                return why or "string concatenation"
        return None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return ".format()"
    if isinstance(node, ast.Name) and node.id in assigned:
        return unsafe(assigned[node.id], {})
    return None


def violations(source: str, filename: str) -> list[str]:
    tree = ast.parse(source, filename)
    found: list[str] = []
    functions = (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))
    scopes: list[ast.AST] = [tree, *functions]
    for scope in scopes:
        assigned: dict[str, ast.expr] = {}
        body = scope.body if isinstance(scope, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef) else []
        for stmt in body:
            for node in ast.walk(stmt):
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    assigned[node.targets[0].id] = node.value
        for node in ast.walk(scope):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SQL_METHODS
                and node.args
            ):
                why = unsafe(node.args[0], assigned)
                if why is not None:
                    found.append(f"{filename}:{node.lineno}: SQL built with {why}")
    return sorted(set(found))


def python_files() -> list[Path]:
    return sorted(p for d in SCANNED if (REPO / d).is_dir() for p in (REPO / d).rglob("*.py"))


def test_no_sql_outside_transforms_is_built_by_string_formatting() -> None:
    problems = [v for p in python_files() for v in violations(p.read_text(encoding="utf-8"), str(p.relative_to(REPO)))]
    assert problems == []


@pytest.mark.parametrize(
    "code",
    [
        "con.execute(f\"select * from docs where name = '{name}'\")",
        'con.execute("select * from docs where name = \'" + name + "\'")',
        "con.execute(\"select * from docs where name = '{}'\".format(name))",
        "con.execute(\"select * from docs where name = '%s'\" % name)",
        'sql = f"delete from {table}"\ncon.execute(sql)',
        'con.sql(f"select {col} from t")',
        "con.execute(f\"insert into {duckdb_identifier(t)} values ('{value}')\")",
    ],
    ids=["f-string", "concat", "format", "percent", "via-variable", "relation-sql", "identifier-plus-value"],
)
def test_the_lint_catches_every_way_of_pasting_values_into_sql(code: str) -> None:
    assert violations(code, "x.py") != []


@pytest.mark.parametrize(
    "code",
    [
        'con.execute("select * from docs where name = ?", [name])',
        'con.execute("delete from " + duckdb_identifier(table) + " where doc_id = ?", [d])',
        'con.execute(f"select count(*) from {duckdb_identifier(t)}")',
        "con.execute(path.read_text())",
        'con.execute("select 1")',
    ],
    ids=["bound-parameter", "quoted-identifier-concat", "quoted-identifier-fstring", "sql-file", "constant"],
)
def test_the_lint_allows_bound_parameters_and_quoted_identifiers(code: str) -> None:
    assert violations(code, "x.py") == []
