"""Catalogue B (items 10-17): one writer, many readers, publication by swap.

See also tests/flows/test_publishing.py (the lead's): real reader processes and a SQLAlchemy
NullPool reader querying through a real ingest (items 10 and 12), and a second ingest that waits
for the first and names it (item 14).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from store.lock import writer_lock
from store.reconcile import UnsafeLocation, check_local, filesystem_of
from store.verify import verify
from store.warehouse import WarehouseError, read_only_connection, swap_in
from tests.reliability.conftest import Child, child_env, duck, tally

pytestmark = [pytest.mark.canary, pytest.mark.slow]

HOLDER = textwrap.dedent(
    """
    import os, sys, time, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print("HELD", con.execute("select max(v) from t").fetchall()[0][0], flush=True)
    while not os.path.exists(sys.argv[2]):  # the parent swaps the file meanwhile
        time.sleep(0.05)
    print("AFTER", *con.execute("select max(v), count(*) from t").fetchall()[0], flush=True)
    """
)


def make_db(path: Path, version: str, rows: int = 1000) -> None:
    con = duckdb.connect(str(path))
    con.execute("create table t as select i, ? as v from range(?) r(i)", [version, rows])
    con.execute("checkpoint")
    con.close()


def test_10_12_a_reader_holding_the_file_does_not_block_the_swap_and_keeps_its_snapshot(
    tmp_path: Path, children: list[Child]
) -> None:
    target, staging = tmp_path / "warehouse.duckdb", tmp_path / "staging.duckdb"
    make_db(target, "v1")
    go = tmp_path / "go"
    holder = Child.start(HOLDER, str(target), str(go))
    children.append(holder)
    holder.wait_for("HELD")
    # Opening the live file read-write is what the swap avoids: the exact error, naming the PID.
    with pytest.raises(
        duckdb.IOException, match=r"Could not set lock on file .*Conflicting lock is held in .*PID"
    ) as e:
        duckdb.connect(str(target))
    assert f"PID {holder.proc.pid}" in str(e.value) and "read-only mode" in str(e.value)
    make_db(staging, "v2", 2000)
    swap_in(staging, target)  # no lock needed: the lock belongs to the old inode
    go.touch()
    holder.wait_for("AFTER v1 1000")  # the held connection completes on its old snapshot
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import duckdb,sys; print(duckdb.connect(sys.argv[1], read_only=True)"
            ".execute('select max(v) from t').fetchall()[0][0])",
            str(target),
        ],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=60,
    )
    assert out.stdout.strip() == "v2"  # a new process sees the new snapshot


def test_12_a_held_connection_finishes_on_the_old_snapshot_and_the_same_process_sees_old_until_all_close(
    tmp_path: Path,
) -> None:
    target, staging = tmp_path / "warehouse.duckdb", tmp_path / "staging.duckdb"
    make_db(target, "v1")
    held = duckdb.connect(str(target), read_only=True)
    make_db(staging, "v2", 2000)
    swap_in(staging, target)
    assert held.execute("select max(v), count(*) from t").fetchall() == [("v1", 1000)]  # complete, no error
    again = duckdb.connect(str(target), read_only=True)  # DuckDB's instance cache: still the old file
    assert again.execute("select max(v) from t").fetchall() == [("v1",)]
    again.close()
    held.close()
    fresh = duckdb.connect(str(target), read_only=True)  # every old connection closed: the new file
    assert fresh.execute("select max(v) from t").fetchall() == [("v2",)]
    fresh.close()
    # Hence the README's Superset recipe uses NullPool (a pooled connection would serve v1 forever).


def test_11_the_published_file_is_read_only_for_everyone_but_its_owner(published: Path, tmp_path: Path) -> None:
    db = published / "warehouse.duckdb"
    assert oct(db.stat().st_mode & 0o777) == "0o444"
    with (
        read_only_connection(db) as con,
        pytest.raises(duckdb.Error, match=r'Cannot execute statement of type "INSERT"'),
    ):
        con.execute("insert into runs (run_id) values ('x')")
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("the OS-level check needs root to switch to another user")
    shared = Path("/tmp") / f"baogao-perm-{os.getpid()}"
    shared.mkdir(mode=0o755, exist_ok=True)
    try:
        copy = shared / "warehouse.duckdb"
        shutil.copy2(db, copy)
        probe = (
            "import duckdb, sys\n"
            "try:\n    duckdb.connect(sys.argv[1]); print('RW OPENED')\n"
            "except duckdb.Error as e:\n    print('RW', e)\n"
            "print('RO', duckdb.connect(sys.argv[1], read_only=True).execute('select count(*) from documents')"
            ".fetchall()[0][0])\n"
        )
        out = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", probe, str(copy)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**child_env(), "HOME": "/tmp"},
        )
        tally("faults injected: BI write attempt")
        assert "Permission denied" in out.stdout, out.stdout + out.stderr
        assert "RO 3" in out.stdout
    finally:
        shutil.rmtree(shared, ignore_errors=True)


STALE_WAL = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])  # someone opens the published file read-write by hand
    con.execute("pragma disable_checkpoint_on_shutdown")
    con.execute("create table scribble as select 1 as x")
    con.close()
    """
)


def test_13_a_stale_wal_beside_the_published_file_is_quarantined_never_replayed_into_the_new_one(
    tmp_path: Path,
) -> None:
    target, staging = tmp_path / "warehouse.duckdb", tmp_path / "staging.duckdb"
    make_db(target, "v1")
    subprocess.run([sys.executable, "-c", STALE_WAL, str(target)], check=True, env=child_env(), timeout=60)
    wal = Path(str(target) + ".wal")
    assert wal.exists()
    tally("faults injected: stale WAL")
    assert any("write-ahead log" in p.what for p in verify(tmp_path).problems)
    # The hazard: swapping in a new file next to that WAL makes it unopenable.
    control = tmp_path / "control"
    control.mkdir()
    shutil.copy(target, control / "w.duckdb")
    shutil.copy(wal, control / "w.duckdb.wal")
    make_db(control / "new.duckdb", "v2")
    os.replace(control / "new.duckdb", control / "w.duckdb")
    with pytest.raises(duckdb.Error, match="WAL"):
        duckdb.connect(str(control / "w.duckdb"), read_only=True)
    # swap_in moves the WAL aside (kept for inspection), so readers open the new file.
    make_db(staging, "v2")
    swap_in(staging, target)
    assert not wal.exists()
    assert len(list((tmp_path / "quarantine").glob("warehouse.duckdb.wal.*"))) == 1
    assert duck(target, "select max(v) from t") == [("v2",)]


def test_15_one_connection_factory_per_path(published: Path) -> None:
    db = published / "warehouse.duckdb"
    a, b = read_only_connection(db), read_only_connection(db)  # same configuration: fine
    try:
        other = duckdb.connect(str(db), read_only=True)  # a second, different configuration
    except duckdb.ConnectionException as exc:
        assert "different configuration" in str(exc)
    else:
        other.close()
        pytest.fail("DuckDB accepted two configurations for one file in one process")
    finally:
        a.close()
        b.close()
    with pytest.raises(WarehouseError, match="no warehouse"):
        read_only_connection(published / "missing.duckdb")  # never creates an empty file
    assert not (published / "missing.duckdb").exists()


MOUNTS = """\
/dev/vda1 / ext4 rw,relatime 0 0
server:/export /mnt/nfs nfs4 rw,relatime 0 0
//nas/share /mnt/smb cifs rw 0 0
user@host:/data /mnt/ssh fuse.sshfs rw 0 0
fuse-overlayfs /var/lib/containers fuse.fuse-overlayfs rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ("/mnt/nfs/w", True),
        ("/mnt/smb/w", True),
        ("/mnt/ssh/w", True),
        ("/home/me/w", False),
        ("/var/lib/containers/w", False),
        ("/mnt/nfsish/w", False),
    ],
)
def test_16_a_warehouse_on_a_network_file_system_is_refused(path: str, refused: bool) -> None:
    if refused:
        with pytest.raises(UnsafeLocation, match="network file system"):
            check_local(Path(path), MOUNTS)
    else:
        check_local(Path(path), MOUNTS)
    assert filesystem_of(Path("/mnt/nfs/w/x"), MOUNTS) == "nfs4"


def test_17_after_a_run_no_lock_or_connection_is_held(published: Path) -> None:
    with writer_lock(published, "probe", 0.5):
        pass
    db = published / "warehouse.duckdb"
    os.chmod(db, 0o644)
    try:
        code = "import duckdb, sys; duckdb.connect(sys.argv[1]).close(); print('RW OK')"
        out = subprocess.run(
            [sys.executable, "-c", code, str(db)], capture_output=True, text=True, env=child_env(), timeout=60
        )
        assert out.stdout.strip() == "RW OK", out.stderr
    finally:
        os.chmod(db, 0o444)
    assert not Path(str(db) + ".wal").exists()
    assert not list((published / ".staging").glob("*")) if (published / ".staging").exists() else True


def test_14_a_second_ingest_from_the_cli_says_in_a_few_lines_who_holds_the_warehouse_and_exits_non_zero(
    published: Path, tmp_path: Path, paragraphs: list[str], api_url: str
) -> None:
    """What a user sees when a nightly run is still going: no traceback, what to do, exit 1; the
    inputs are loaded by the next run once the first is done."""
    from tests.reliability.conftest import write_reports
    from tests.reliability.processes import baogao

    shutil.copytree(published.parent, tmp_path / "root")
    warehouse, sources = tmp_path / "root" / "w", tmp_path / "root" / "in"
    write_reports(sources, paragraphs, 80, 1)
    args = ("ingest", str(sources), "--warehouse", str(warehouse))
    with writer_lock(warehouse, "20261202T010000-aaaaaa", 1):
        busy = baogao(*args, api_url=api_url, env={"BAOGAO_LOCK_TIMEOUT_SECONDS": "1"})
    tally("faults injected: lock held")
    shown = busy.out + busy.err
    assert busy.code == 1, shown
    assert "waited 1 s" in shown, shown  # BAOGAO_LOCK_TIMEOUT_SECONDS applies, not --lock-timeout's 60
    assert "Traceback" not in shown and len(shown.strip().splitlines()) <= 4, shown
    assert "20261202T010000-aaaaaa" in shown and "ingest" in shown, shown
    after = baogao(*args, api_url=api_url)
    assert after.code == 0, after.err[-2000:]
    assert duck(warehouse / "warehouse.duckdb", "select count(*) from documents") == [(4,)]
