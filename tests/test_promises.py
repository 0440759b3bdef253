"""The req-marker traceability: unknown ids stop the run, every id can be listed."""

import re
from pathlib import Path

import pytest

from tests.promises import known_ids

REQUIREMENTS = Path(__file__).resolve().parents[2] / "shared" / "REQUIREMENTS.md"

PLUGIN_INI = """
[pytest]
markers =
    req(id): promise
addopts = -p tests.promises
"""


def test_ids_are_unique_and_well_formed():
    ids = known_ids()
    assert len(ids) == len(set(ids)) >= 30
    assert all(re.fullmatch(r"R\d+\.\d+", rid) for rid in ids)


@pytest.mark.skipif(
    not REQUIREMENTS.exists(), reason="../shared/REQUIREMENTS.md not beside the repo"
)
def test_ids_match_the_requirements_document():
    documented = re.findall(r"^- (R\d+\.\d+)\b", REQUIREMENTS.read_text(encoding="utf-8"), re.M)
    assert known_ids() == documented


@pytest.fixture
def suite(pytester, monkeypatch):
    """A separate pytest run in a temporary folder with the promises plugin loaded."""
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[1]))
    monkeypatch.delenv("BKM_PROMISES_STRICT", raising=False)
    pytester.makeini(PLUGIN_INI)
    return pytester


def test_unknown_promise_id_stops_the_run(suite):
    suite.makepyfile(
        """
        import pytest

        @pytest.mark.req("R99.9")
        def test_made_up():
            pass
        """
    )
    result = suite.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*req marker names no known promise*", "*test_made_up*R99.9*"])


def test_promises_option_lists_ids_with_their_tests(suite):
    suite.makepyfile(
        """
        import pytest

        @pytest.mark.req("R10.1")
        def test_company_shown():
            pass
        """
    )
    result = suite.runpytest_subprocess("--collect-only", "-q", "--promises")
    result.stdout.fnmatch_lines(
        ["R10.1 * 1 test(s)", "*test_company_shown*", "*without a test yet*"]
    )


def test_strict_mode_fails_while_a_promise_lacks_a_test(suite, monkeypatch):
    monkeypatch.setenv("BKM_PROMISES_STRICT", "1")
    suite.makepyfile("def test_nothing_promised():\n    pass\n")
    assert suite.runpytest_subprocess().ret == pytest.ExitCode.TESTS_FAILED


def test_a_run_of_the_whole_suite_fails_while_a_promise_lacks_a_test(suite):
    suite.makeini(PLUGIN_INI + "testpaths = .\n")
    suite.makepyfile("def test_nothing_promised():\n    pass\n")

    assert suite.runpytest_subprocess().ret == pytest.ExitCode.TESTS_FAILED  # like `make test`
    assert suite.runpytest_subprocess("-k", "nothing").ret == pytest.ExitCode.OK  # a subset
