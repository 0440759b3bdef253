"""What every step of the benchmark shares: where the code is, and how a step fails."""

from __future__ import annotations

import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


class BenchError(Exception):
    """The benchmark cannot run; the message says why and what to do."""


def tail(text: str, lines: int = 30) -> str:
    """The last lines of a command's output, for an error message."""
    return "\n".join(text.strip().splitlines()[-lines:])


def run_command(name: str, body: Callable[[Path], int], *, keep_temp: bool, goodbye: str) -> int:
    """Run `body(workdir)` as the command `name`: SIGTERM (make being stopped) unwinds like
    Ctrl-C so the callers' `finally` blocks stop servers and drop databases; a BenchError is
    exit 2, Ctrl-C 130; the work directory goes afterwards unless `keep_temp`. `goodbye` says
    what was cleaned up when the run was cut short."""

    def terminated(*_) -> None:
        print(f"\n{name}: terminated; {goodbye}", file=sys.stderr)
        sys.exit(143)

    signal.signal(signal.SIGTERM, terminated)
    workdir = Path(tempfile.mkdtemp(prefix=f"bkm-{name}-"))
    try:
        return body(workdir)
    except BenchError as error:
        print(f"{name}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\n{name}: interrupted; {goodbye}", file=sys.stderr)
        return 130
    finally:
        if keep_temp:
            print(f"{name}: kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
