"""Discovery hashes what is new and only stats what the last committed run already hashed."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from sources.base import FoundFile
from sources.discover import discover_inputs, stamps
from store.state import STATE_NAME, load_seen, save_state
from tests.conftest import CPPCC
from transforms.ledger import LedgerState


def test_a_file_stamped_as_last_time_is_not_read_again_and_an_edited_one_is(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    a, b = src / "a.txt", src / "b.txt"
    a.write_bytes(CPPCC[0].read_bytes())
    b.write_bytes(CPPCC[1].read_bytes())
    first = discover_inputs([src])
    save_state(tmp_path, "any version", [], LedgerState(), stamps(first))
    seen = load_seen(tmp_path)
    assert {Path(u).name for u in seen} == {"a.txt", "b.txt"}
    # A hash the bytes could not produce proves the file was not read: the stamp matched.
    seen = {u: (stamp, "0" * 64) for u, (stamp, _sha) in seen.items()}
    with b.open("ab") as f:  # b is edited: its ctime and size change
        f.write("补充一句。".encode())
    again = {Path(f.uri).name: f for f in discover_inputs([src], seen) if isinstance(f, FoundFile)}
    assert again["a.txt"].sha256 == "0" * 64
    assert again["b.txt"].sha256 == hashlib.sha256(b.read_bytes()).hexdigest()
    # Setting the modification time back does not fool it: the change time moved.
    st = a.stat()
    a.write_bytes(a.read_bytes()[:-3] + b"xyz")
    os.utime(a, ns=(st.st_atime_ns, st.st_mtime_ns))
    third = {Path(f.uri).name: f for f in discover_inputs([src], seen) if isinstance(f, FoundFile)}
    assert third["a.txt"].sha256 == hashlib.sha256(a.read_bytes()).hexdigest()


def test_a_missing_or_damaged_record_means_hashing_everything(tmp_path: Path) -> None:
    assert load_seen(tmp_path) == {}
    (tmp_path / STATE_NAME).write_text("{not json", encoding="utf-8")
    assert load_seen(tmp_path) == {}


def test_a_csv_without_a_text_column_is_one_reject_for_the_whole_file(tmp_path: Path) -> None:
    from sources.base import Limits
    from sources.discover import find
    from sources.registry import expand

    manifest = tmp_path / "run_manifest.csv"
    manifest.write_text("id,url,status\n" + "".join(f"{i},https://example.gov.cn/{i}.html,ok\n" for i in range(31)))
    found = find(manifest)
    assert isinstance(found, FoundFile)
    out = list(expand(found, Limits()))
    assert [(r.source_uri, r.reason_code) for r in out] == [(found.uri, "no_text_column")]
    assert "its columns: id, url, status" in out[0].message  # type: ignore[union-attr]
