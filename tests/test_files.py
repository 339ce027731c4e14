"""Files appear whole or not at all, with the permissions any new file of the user gets."""

from __future__ import annotations

import os
import stat

import pytest

from kpi_xl.files import replacing, write_atomic


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_file_is_readable_by_others_like_any_file_the_user_makes(tmp_path, umask_022):
    # tempfile.mkstemp would make it 0600: a colleague could not open the report on a shared drive.
    write_atomic(tmp_path / "report.pdf", b"%PDF-1.7")
    assert stat.S_IMODE((tmp_path / "report.pdf").stat().st_mode) == 0o644


def test_a_failure_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), replacing(target) as temp:
        temp.write_bytes(b"half a new")
        raise RuntimeError("the renderer crashed")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_replacing_renames_over_the_target(tmp_path):
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")
    with replacing(target) as temp:
        assert temp.parent == tmp_path and temp.name.startswith(".book.xlsx.")
        temp.write_bytes(b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]
