"""Broken and hostile workbooks through ``check``, ``goals`` and ``report`` under a 1.5 GB memory cap:
every run ends with a result or a located error, never a traceback, a signal or a hang.

The corpus is generated (:mod:`hostile_corpus`); the closing line says how many files ran and the
peak memory of the worst run.
"""

from __future__ import annotations

import re
import zipfile

import pytest
from hostile_corpus import XML_CASES, base_workbook, run_under_cap, write_corpus, write_export_corpus

from kpi_xl.cli.terminal import shown
from kpi_xl.workbook.archive import ArchiveRefusedError, check_archive
from kpi_xl.workbook.problems import ERROR, WARNING
from kpi_xl.workbook.read import check_workbook

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("hostile"))


def _named(corpus, fragment):
    (path,) = [p for p in corpus if fragment in p.name]
    return path


def test_every_hostile_file_ends_in_a_result_or_a_located_error(corpus, tmp_path, capsys):
    outcomes = []
    for path in corpus:
        outcomes.append(run_under_cap(["check", str(path)], path, timeout=60))
        outcomes.append(run_under_cap(["goals", str(path), "--as-of", "2026-09-20"], path, timeout=60))
        if not path.name.startswith(("flipped", "truncated")):  # those never get past reading: check says so
            outcomes.append(run_under_cap(["report", str(path), "--client", "Acme", "--out", str(tmp_path)],
                                          path, timeout=120))
    exports = write_export_corpus(tmp_path / "exports")
    good = exports[0]
    for path in corpus:   # the workbook itself hostile, as the import's target
        outcomes.append(run_under_cap(["import", "--dry-run", "--client", "Acme", str(path), str(good)], path,
                                      timeout=60))
    target = base_workbook(tmp_path / "target.xlsx")
    imports = [run_under_cap(["import", "--dry-run", "--client", "Acme", str(target), str(path)], path, timeout=60)
               for path in exports]
    outcomes += imports
    tracebacks = [o for o in outcomes if o.traceback]
    aborts = [o for o in outcomes if o.aborted]
    peak = max(o.peak_bytes for o in outcomes)
    with capsys.disabled():
        print(f"\n{len(corpus) + len(exports)} hostile files ({len(outcomes)} runs), {len(tracebacks)} tracebacks, "
              f"{len(aborts)} aborts, peak memory {peak / 2**20:.0f} MB")
    assert not tracebacks, [(o.path.name, o.command, o.output[-800:]) for o in tracebacks]
    assert not aborts, [(o.path.name, o.command, o.returncode, o.output[-800:]) for o in aborts]
    assert all(o.peak_bytes for o in outcomes)   # each run reported its peak
    for o in outcomes:
        if o.returncode == 1 and o.command == "check":  # an error names its place or the file
            assert re.search(r"(^|\n)(\w+!?[A-Z]*\d*: )?error: ", o.output), o.output
    assert imports[0].returncode == 0, imports[0].output   # the good export
    for o in imports[1:]:   # each hostile export refused by its name (control characters escaped)
        assert o.returncode == 1 and f"kpi-xl: refused: {shown(o.path.name)}" in o.output, o.output
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", o.output), o.output


@pytest.mark.parametrize(("fragment", "expected"), [
    ("x00_value_at_xfd", "Actuals!XFD1048576: warning: "),
    ("x01_value_at_column", "Actuals!NTP30: warning: "),
    ("formula_without_value_at_xfd", "Goals!XFD1048576: warning: "),
    ("row_99999999", "Actuals!A99999999: warning: "),
    ("row_1048576_with_a_cell_without", "Actuals!A1048576: warning: "),
    ("reference_not_first", "Actuals!XFD1048576: warning: "),
    ("namespaced_cell", "Settings!XFD1048576: warning: "),
    ("shared_string_index_1", 'Clients!A2: error: the cell refers to shared string "-1"'),
    ("shared_string_index_past", 'Clients!A2: error: the cell refers to shared string "999999999"'),
    ("nan_date_serial", 'Actuals!A2: error: the cell holds "NaN", which is not a number'),
    ("inf_measure", 'Actuals!F2: error: the cell holds "-inf", which is not a number'),
    ("report_period_0000", 'Settings!B4: error: report_period must be a month like 2026-09, got "0000-01"'),
    ("billion_laughs_in_sharedstrings", "its part xl/sharedStrings.xml declares a DOCTYPE"),
    ("billion_laughs_in_workbook", "its part xl/workbook.xml declares a DOCTYPE"),
    ("external_entity_in_a_sheet", "declares a DOCTYPE"),
    ("zip_version_21", "its part xl/worksheets/sheet2.xml needs zip version 21.0"),
    ("bomb_1_1_gb", "its part xl/media/zeros.bin would inflate to 1,100 MB"),
    ("bomb_300_mb", "its part xl/styles.xml would inflate to 300 MB"),
    ("bomb_lying", "Bad CRC-32 for file 'xl/worksheets/sheet3.xml'"),
])
def test_each_case_is_named_where_it_is(corpus, fragment, expected):
    _, problems = check_workbook(_named(corpus, fragment))
    assert any(expected in f"{p.place + ': ' if p.place else ''}{p.severity.value}: {p.message}"
               for p in problems), [str(p) for p in problems]


def test_a_far_cell_is_one_warning_and_the_rest_reads_as_without_it(corpus):
    clean, _ = check_workbook(corpus[0])
    data, problems = check_workbook(_named(corpus, "stray_cells_on_every_sheet"))
    assert data is not None and clean is not None
    assert [(p.sheet, p.cell, p.severity) for p in problems] == [
        (sheet, "A1048576", WARNING) for sheet in ("Clients", "Goals", "Actuals", "Settings")]
    assert data.clients == clean.clients and data.goals == clean.goals
    assert data.actuals.measures == clean.actuals.measures


def test_impossible_shared_string_counts_read_like_the_true_ones(corpus):
    clean, _ = check_workbook(corpus[0])
    for fragment in ("uniquecount_4e9", "count_4e9_twice"):
        data, problems = check_workbook(_named(corpus, fragment))
        assert problems == [] and data.clients == clean.clients


def test_the_archive_check_refuses_a_ratio_bomb_it_would_not_otherwise_see(tmp_path):
    path = tmp_path / "ratio.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b" " * 60_000_000)   # 60 MB of spaces, ~60 KB deflated
    with pytest.raises(ArchiveRefusedError) as refused:
        check_archive(path)
    assert refused.value.kind == "bomb" and refused.value.params["part"] == "xl/worksheets/sheet1.xml"


def test_the_corpus_covers_every_listed_case(tmp_path):
    assert len(XML_CASES) >= 30
    members = zipfile.ZipFile(base_workbook(tmp_path / "b.xlsx")).namelist()
    assert "xl/sharedStrings.xml" in members   # the shared-string cases damage a real shared-strings part


def test_errors_are_errors(corpus):
    _, problems = check_workbook(_named(corpus, "zip_version_21"))
    assert [p.severity for p in problems] == [ERROR]


def test_a_zip64_archive_gets_the_same_size_checks(tmp_path):
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n in range(65_536):   # more members than a plain directory counts: a zip64 end record
            z.writestr(f"xl/media/{n}.bin", b"")
        z.writestr("xl/worksheets/sheet1.xml", b" " * 60_000_000)
    with pytest.raises(ArchiveRefusedError) as refused:
        check_archive(path)
    assert refused.value.params["part"] == "xl/worksheets/sheet1.xml"
