"""Files appear whole or not at all, with the permissions any new file of the user gets."""

from __future__ import annotations

import os
import stat
import zipfile

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


def _watch(monkeypatch) -> list[tuple[str, int]]:
    """Records, in order, each fsync and rename with the file's inode; both still happen for real."""
    events: list[tuple[str, int]] = []
    fsync, replace = os.fsync, os.replace

    def watched_fsync(descriptor: int) -> None:
        events.append(("fsync", os.fstat(descriptor).st_ino))
        fsync(descriptor)

    def watched_replace(source, target) -> None:
        events.append(("rename", os.stat(source).st_ino))
        replace(source, target)

    monkeypatch.setattr(os, "fsync", watched_fsync)
    monkeypatch.setattr(os, "replace", watched_replace)
    return events


def test_what_a_library_wrote_is_flushed_before_the_rename(tmp_path, monkeypatch):
    events = _watch(monkeypatch)
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")
    with replacing(target) as temp, zipfile.ZipFile(temp, "w") as book:  # as xlsxwriter and the add-in write
        book.writestr("xl/workbook.xml", "<workbook/>")
    inode = target.stat().st_ino
    assert events == [("fsync", inode), ("rename", inode)]
    assert zipfile.ZipFile(target).read("xl/workbook.xml") == b"<workbook/>"


def test_write_atomic_flushes_once(tmp_path, monkeypatch):
    events = _watch(monkeypatch)
    write_atomic(tmp_path / "draft.eml", b"Subject: hi\r\n\r\n")
    inode = (tmp_path / "draft.eml").stat().st_ino
    assert events == [("fsync", inode), ("rename", inode)]
