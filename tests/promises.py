"""Promise traceability: @pytest.mark.req("R…") ties a test to a promise of the privacy statement.

A marker naming an id that is not in requirements_ids.txt stops the run. Ids without a test are
listed in the summary. A run of the whole suite (`make test`: pytest without paths, -k or -m)
fails while any promise lacks a test; BKM_PROMISES_STRICT=1 makes any run strict, =0 none.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pytest

IDS_FILE = Path(__file__).with_name("requirements_ids.txt")


def known_ids() -> list[str]:
    lines = (line.strip() for line in IDS_FILE.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def pytest_addoption(parser):
    parser.addoption(
        "--promises", action="store_true", help="list each promise id with the tests that prove it"
    )


def pytest_collection_modifyitems(session, config, items):
    ids = set(known_ids())
    proven: dict[str, list[str]] = defaultdict(list)
    unknown = []
    for item in items:
        for marker in item.iter_markers("req"):
            if len(marker.args) != 1 or marker.args[0] not in ids:
                unknown.append(f"{item.nodeid}: req{marker.args!r}")
            else:
                proven[marker.args[0]].append(item.nodeid)
    if unknown:
        raise pytest.UsageError("req marker names no known promise:\n  " + "\n  ".join(unknown))
    config.stash[_PROVEN] = proven


_PROVEN = pytest.StashKey[dict]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    proven = config.stash.get(_PROVEN, None)
    if proven is None:
        return
    ids = known_ids()
    missing = [rid for rid in ids if rid not in proven]
    if config.getoption("--promises"):
        terminalreporter.section("promises")
        for rid in ids:
            tests = proven.get(rid, [])
            terminalreporter.write_line(f"{rid:6} {len(tests):3} test(s)")
            for nodeid in tests:
                terminalreporter.write_line(f"         {nodeid}")
    if missing:
        terminalreporter.write_line(
            f"promises without a test yet ({len(missing)} of {len(ids)}): {' '.join(missing)}"
        )


def _strict(config) -> bool:
    setting = os.environ.get("BKM_PROMISES_STRICT")
    if setting in ("0", "1"):
        return setting == "1"
    whole_suite = config.args_source == pytest.Config.ArgsSource.TESTPATHS
    return whole_suite and not config.option.keyword and not config.option.markexpr


def pytest_sessionfinish(session, exitstatus):
    proven = session.config.stash.get(_PROVEN, None)
    if proven is None or not _strict(session.config):
        return
    if any(rid not in proven for rid in known_ids()) and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
