"""`flask bkm mail send [--watch]` and `flask bkm mail status`, as an operator sees them."""

from __future__ import annotations

import os
import signal
import threading
import time

from bkm.mail.sender import send_due
from tests.mail.helpers import queue_greetings, row


def test_send_delivers_what_is_due_and_prints_a_norwegian_summary(runner, smtp_server):
    queue_greetings(3)
    result = runner.invoke(args=["bkm", "mail", "send"])
    assert result.exit_code == 0, result.output
    assert result.output == "Sendt 3, feilet 0, venter 0\n"
    assert len(smtp_server.messages) == 3


def test_send_with_server_refusing_reports_failed_and_waiting(runner, smtp_server):
    queue_greetings(2)
    smtp_server.fail_with("451 4.3.0 Prøv igjen senere")
    result = runner.invoke(args=["bkm", "mail", "send"])
    assert result.exit_code == 0, result.output
    assert result.output == "Sendt 0, feilet 2, venter 2\n"


def test_send_works_through_more_than_one_batch(runner, smtp_server):
    queue_greetings(5)
    result = runner.invoke(args=["bkm", "mail", "send", "--limit", "2"])
    assert result.output == "Sendt 5, feilet 0, venter 0\n"


def test_status_lists_every_state_with_its_count_and_the_next_attempt(runner, smtp_server):
    queue_greetings(2)
    send_due(limit=1)
    smtp_server.fail_with("451 4.3.0 Prøv igjen senere")
    send_due()  # the second one now waits a minute

    result = runner.invoke(args=["bkm", "mail", "status"])

    lines = result.output.splitlines()
    assert [line.split()[-1] for line in lines[:4]] == ["1", "0", "1", "0"]
    assert [line.rsplit(maxsplit=1)[0] for line in lines[:4]] == [
        "i kø",
        "sendes nå",
        "sendt",
        "feilet",
    ]
    assert lines[4].startswith("Neste forsøk: ")


def test_watch_sends_as_mail_comes_and_stops_cleanly_on_sigterm(runner, smtp_server):
    [message_id] = queue_greetings()
    original_handler = signal.getsignal(signal.SIGTERM)

    def stop_once_delivered() -> None:
        # The command installs its handler before it sends, so a delivered mail means
        # SIGTERM now reaches the command and not pytest's default handler.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if smtp_server.messages and signal.getsignal(signal.SIGTERM) is not original_handler:
                os.kill(os.getpid(), signal.SIGTERM)
                return
            time.sleep(0.02)

    stopper = threading.Thread(target=stop_once_delivered)
    stopper.start()
    result = runner.invoke(args=["bkm", "mail", "send", "--watch", "--interval", "0.05"])
    stopper.join(timeout=30)

    # The signal may come while the mail is still being recorded as sent; it is finished first.
    assert result.exit_code == 0, result.output
    assert "Stopper etter e-posten som sendes nå …\n" in result.output
    assert "Sendt 1, feilet 0, venter 0\n" in result.output
    assert result.output.endswith("Avsluttet.\n")
    assert row(message_id).status == "sent"
    assert signal.getsignal(signal.SIGTERM) is original_handler
