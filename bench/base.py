"""What every step of the benchmark shares: where the code is, and how a step fails."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


class BenchError(Exception):
    """The benchmark cannot run; the message says why and what to do."""


def tail(text: str, lines: int = 30) -> str:
    """The last lines of a command's output, for an error message."""
    return "\n".join(text.strip().splitlines()[-lines:])
