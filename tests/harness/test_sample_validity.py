"""A sample torch rejects in every dtype it runs in is a broken case: its rows fail (a misspelt keyword in a spec
can no longer turn into "both raise TypeError" passes), while a dtype torch refuses among dtypes it accepts
still passes as a matched refusal and error rows still need torch's class. torch is the candidate
(CONFORMANCE_CANDIDATE=torch), so only the harness's verdict is under test."""
import pathlib

import pytest

from test_results_files import read_rows, run_pytest

TOY = pathlib.Path(__file__).with_name("toy_broken_specs.py")


def rows_by_case(results_dir):
    _, rows = read_rows(results_dir / "parity.csv", drop=())
    return {(row[0], row[5]): (row[6], row[-1]) for row in rows}


@pytest.fixture(scope="module")
def toy_rows(tmp_path_factory):
    results_dir = tmp_path_factory.mktemp("validity")
    result = run_pytest(results_dir, "-n", "0", "--extra-specs", str(TOY), "-k", "toy_misspelt or toy_float_only")
    assert result.returncode == 1, result.stdout   # the broken sample fails the run
    return rows_by_case(results_dir)


def test_misspelt_keyword_fails_every_check_of_the_sample(toy_rows):
    broken = {key: value for key, value in toy_rows.items() if "/toy_misspelt/vector/" in key[0]}
    assert {check for _, check in broken} == {"forward", "backward", "gradcheck", "gradgrad"}
    for (case_id, check), (status, detail) in broken.items():
        assert status == "fail", (case_id, check, detail)
        assert detail.startswith("broken sample: torch rejects it in every dtype it runs in: TypeError"), detail
        assert "treshold" in detail and "(rejected in float32, float64)" in detail
    # the spec's other sample runs
    assert toy_rows[("op/toy_misspelt/matrix/float32", "forward")][0] == "pass"


def test_refused_in_some_dtypes_is_a_matched_refusal(toy_rows):
    status, detail = toy_rows[("op/toy_float_only/vector/int64", "forward")]
    assert status == "pass" and detail.startswith("both raise; torch NotImplementedError")
    assert toy_rows[("op/toy_float_only/vector/float32", "forward")] == ("pass", "")


def test_error_rows_still_need_torchs_class(toy_rows):
    assert toy_rows[("op/toy_float_only/error-string_input/float32", "error")][0] == "pass"
    status, detail = toy_rows[("op/toy_float_only/error-wrong_class/float32", "error")]
    assert status == "error" and detail.startswith("spec is wrong: torch gives TypeError")


def test_verdict_does_not_depend_on_the_selection(toy_rows, tmp_path):
    """-k selecting one dtype of the broken sample gives the same row: the verdict looks at every dtype."""
    result = run_pytest(tmp_path, "-n", "0", "--extra-specs", str(TOY), "-k", "toy_misspelt and float64")
    assert result.returncode == 1, result.stdout
    alone = rows_by_case(tmp_path)
    assert alone[("op/toy_misspelt/vector/float64", "forward")] == \
        toy_rows[("op/toy_misspelt/vector/float64", "forward")]
