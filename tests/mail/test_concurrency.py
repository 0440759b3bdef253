"""Two senders at once (two gunicorn workers, a cron job and a request) never send a mail twice."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import select

from bkm.extensions import db
from bkm.mail.models import MailMessage
from bkm.mail.sender import send_due
from bkm.mail.transports import transport_from_config
from tests.mail.helpers import queue_greetings


def test_two_senders_at_once_deliver_each_of_50_mails_exactly_once(app, smtp_server):
    queue_greetings(50)
    start = threading.Barrier(2)
    reports, errors = [], []

    def sender() -> None:
        try:
            with app.app_context():  # its own session and database connection
                start.wait(timeout=10)
                reports.append(send_due(limit=100))
        except Exception as error:  # surfaced in the main thread below
            errors.append(error)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    arrived = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert len(arrived) == 50
    assert set(arrived.values()) == {1}
    assert sum(report.sent for report in reports) == 50
    assert sum(report.failed for report in reports) == 0
    stored = db.session.scalars(select(MailMessage.message_id).where(MailMessage.status == "sent"))
    assert set(stored) == set(arrived)


def test_mail_being_sent_by_one_sender_is_skipped_by_another(app, smtp_server):
    """A second sender running during the first one's SMTP call sends only the other mail."""
    queue_greetings(2)
    inner_reports = []

    class SlowTransport:
        """Runs a whole second sender while the first is in the middle of sending."""

        def __init__(self, real):
            self.real = real

        def send(self, message):
            if not inner_reports:
                worker = threading.Thread(target=self._other_sender)
                worker.start()
                worker.join(timeout=30)
            self.real.send(message)

        def _other_sender(self):
            with app.app_context():
                inner_reports.append(send_due())

    outer = send_due(transport=SlowTransport(transport_from_config(app.config)))

    assert (outer.sent, inner_reports[0].sent) == (1, 1)
    message_ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(message_ids) == len(set(message_ids)) == 2
