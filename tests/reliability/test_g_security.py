"""Catalogue G (items 61-68): what a BI user, a file name or the network can do to us.

Item 58's lint (SQL only through bound parameters) is tests/test_sql_injection.py; its behavioural
half (hostile file names stored literally) is in test_f_inputs.py.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
from pathlib import Path
from urllib.parse import urlparse

import duckdb
import pytest

from flows.ingest import ingest
from flows.settings import Settings
from store.warehouse import read_only_connection
from tests.reliability.conftest import report_text, tally, write_reports

pytestmark = pytest.mark.canary


def probes(tmp: Path) -> dict[str, str]:
    return {
        "read_csv": "select count(*) from read_csv('/etc/passwd', header = false)",
        "read_text": "select * from read_text('/etc/hostname')",
        "glob": "select * from glob('/etc/*')",
        "copy_to": f"copy (select 1 as x) to '{tmp / 'leak.csv'}'",
        "attach": f"attach '{tmp / 'other.duckdb'}' as other",
        "install": "install httpfs",
        "enable_access": "set enable_external_access = true",
        "set_threads": "set threads = 1",
        "set_memory": "set memory_limit = '1TB'",
        "insert": "insert into runs (run_id) values ('x')",
        "drop": "drop table documents",
    }


def test_61_the_shipped_read_only_connection_blocks_every_probe_and_serves_tables(
    published: Path, tmp_path: Path
) -> None:
    db = published / "warehouse.duckdb"
    con = read_only_connection(db)
    try:
        assert con.execute("select count(*) from documents").fetchall() == [(3,)]
        con.execute("select count(*) from v_indicator_values").fetchall()
        con.execute("select count(*) from rejects").fetchall()
        outcomes = {}
        for name, sql in probes(tmp_path).items():
            tally("attacks tried: BI probe")
            try:
                con.execute(sql).fetchall()
                outcomes[name] = "ALLOWED"
            except duckdb.Error as exc:
                outcomes[name] = type(exc).__name__
    finally:
        con.close()
    assert "ALLOWED" not in outcomes.values(), outcomes
    assert not (tmp_path / "leak.csv").exists() and not (tmp_path / "other.duckdb").exists()


def test_61_canary_read_only_alone_would_let_a_bi_user_read_any_file(published: Path) -> None:
    """Guards the factory against being "simplified" to read_only=True."""
    con = duckdb.connect(str(published / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("select count(*) from read_csv('/etc/passwd', header = false, sep = '\\t')").fetchall()
    finally:
        con.close()
    assert rows[0][0] > 0


def test_62_rollups_are_tables_or_views_over_tables_never_over_files(published: Path) -> None:
    con = read_only_connection(published / "warehouse.duckdb")
    try:
        views = con.execute("select view_name, sql from duckdb_views() where not internal").fetchall()
    finally:
        con.close()
    assert views
    for name, sql in views:
        assert not any(f in sql.lower() for f in ("read_parquet", "read_csv", "read_json", "'/")), name


def test_62_canary_allowed_directories_must_be_set_after_connecting_in_this_duckdb() -> None:
    with pytest.raises(duckdb.Error, match="Cannot change/set allowed_directories before the database is started"):
        duckdb.connect(":memory:", config={"allowed_directories": ["/tmp"]})
    con = duckdb.connect(":memory:")
    con.execute("set allowed_directories = ['/tmp']")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    with pytest.raises(duckdb.Error, match="locked"):
        con.execute("set threads = 1")
    con.close()


def test_63_the_readme_superset_recipe_is_read_only_and_blocks_files_while_the_default_url_is_not(
    published: Path, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    db = published / "warehouse.duckdb"
    recipe = create_engine(
        f"duckdb:///{db}",
        poolclass=NullPool,
        connect_args={"read_only": True, "config": {"enable_external_access": False, "lock_configuration": True}},
    )
    with recipe.connect() as c:
        assert c.execute(text("select current_setting('access_mode')")).scalar() == "read_only"
        assert c.execute(text("select count(*) from documents")).scalar() == 3
        with pytest.raises(Exception, match=r"Permission Error|disabled by configuration"):
            c.execute(text("select * from read_csv('/etc/passwd')")).fetchall()
    recipe.dispose()
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    os.chmod(copy, 0o644)
    default = create_engine(f"duckdb:///{copy}", poolclass=NullPool)
    with default.connect() as c:  # what a plain URL does: read-write
        assert c.execute(text("select current_setting('access_mode')")).scalar() == "automatic"
    default.dispose()


def test_65_a_hostile_query_fails_with_out_of_memory_and_cannot_raise_its_limit(published: Path) -> None:
    con = read_only_connection(published / "warehouse.duckdb")
    with pytest.raises(duckdb.Error, match="locked"):
        con.execute("set memory_limit = '1TB'")
    con.close()
    limited = duckdb.connect(config={"memory_limit": "64MB", "threads": 1, "max_temp_directory_size": "0KB"})
    tally("attacks tried: hostile query")
    with pytest.raises(duckdb.OutOfMemoryException, match="Out of Memory"):
        limited.execute("select length(string_agg(md5(i::varchar), ',')) from range(20000000) r(i)").fetchall()
    limited.close()


def test_66_extensions_are_never_installed_or_loaded_behind_the_users_back(published: Path) -> None:
    con = read_only_connection(published / "warehouse.duckdb")
    try:
        settings = dict(
            con.execute(
                "select name, value from duckdb_settings() where name in "
                "('autoinstall_known_extensions', 'autoload_known_extensions', 'enable_external_access')"
            ).fetchall()
        )
        assert settings == {
            "autoinstall_known_extensions": "false",
            "autoload_known_extensions": "false",
            "enable_external_access": "false",
        }
        with pytest.raises(duckdb.Error):
            con.execute("install httpfs")
        with pytest.raises(duckdb.Error):
            con.execute("select * from read_parquet('https://example.com/x.parquet')").fetchall()
    finally:
        con.close()


def _non_loopback_address() -> str | None:
    """This machine's address on its default route (a UDP "connect" sends nothing)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            addr = str(s.getsockname()[0])
        except OSError:
            return None
    return None if addr.startswith("127.") or addr == "0.0.0.0" else addr


def test_67_the_prefect_server_listens_on_loopback_only(api_url: str) -> None:
    from prefect.settings import get_current_settings

    url = urlparse(api_url)
    assert url.hostname == "127.0.0.1"
    settings = get_current_settings()
    assert settings.server.api.host == "127.0.0.1"
    assert settings.server.analytics_enabled is False  # flows/settings.configure_prefect
    with socket.create_connection(("127.0.0.1", url.port or 80), timeout=5):
        pass
    other = _non_loopback_address()
    if other is None:
        pytest.skip("this machine has no non-loopback address to try")
    tally("attacks tried: remote connection")
    with pytest.raises(OSError), socket.create_connection((other, url.port or 80), timeout=5):
        pass


SECRET = "PREFECT_API_AUTH_STRING=admin:hunter2-secret"


def test_68_logs_hold_ids_reasons_and_counts_never_document_bodies_or_secrets(
    tmp_path: Path,
    paragraphs: list[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    prefect_harness: None,
) -> None:
    monkeypatch.setenv("BAOGAO_TEST_SECRET", SECRET)
    src = tmp_path / "in"
    write_reports(src, paragraphs, 60, 2)
    (src / "bad.txt").write_bytes(report_text(paragraphs, 62).encode() + report_text(paragraphs, 63).encode("gbk"))
    with caplog.at_level(logging.DEBUG):
        ingest(Settings(sources=[src], warehouse_dir=tmp_path / "w", workers=1))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert logged  # the run did log
    assert "hunter2" not in logged
    bodies = [report_text(paragraphs, i) for i in (60, 61, 62, 63)]
    for body in bodies:
        for start in range(0, max(1, len(body) - 200), 50):
            assert body[start : start + 200] not in logged  # no excerpt longer than 200 characters
