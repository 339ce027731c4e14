"""The sheet written from a second thread (kpi_xl.importing.xlsx._write_alongside): every chunk in
order, and a failed write (a full disk) raised in the caller's thread, never lost or left hanging."""

from __future__ import annotations

import io
import threading

import pytest

from kpi_xl.importing.xlsx import _write_alongside


def test_every_chunk_is_written_in_order() -> None:
    stream = io.BytesIO()
    chunks = [f"<row r=\"{i}\"/>".encode() for i in range(1000)]
    _write_alongside(stream, iter(chunks), depth=3)
    assert stream.getvalue() == b"".join(chunks)


class _FullDisk(io.BytesIO):
    def write(self, data: object) -> int:
        if self.tell() >= 20:
            raise OSError(28, "No space left on device")
        return super().write(data)  # type: ignore[arg-type]


def test_a_failed_write_is_raised_and_the_writer_stops() -> None:
    made = []

    def chunks():
        for i in range(10_000):   # far more than the queue holds: the maker must not wait forever
            made.append(i)
            yield b"0123456789"

    with pytest.raises(OSError, match="No space left"):
        _write_alongside(_FullDisk(), chunks(), depth=2)
    assert len(made) < 10_000   # it stopped making rows once the write had failed
    assert not [t for t in threading.enumerate() if t.name == "kpi_xl-write"]


def test_a_failure_while_making_rows_stops_the_writer() -> None:
    def chunks():
        yield b"abc"
        raise ValueError("a bad row")

    stream = io.BytesIO()
    with pytest.raises(ValueError, match="a bad row"):
        _write_alongside(stream, chunks())
    assert stream.getvalue() == b"abc"
    assert not [t for t in threading.enumerate() if t.name == "kpi_xl-write"]
