"""Real SMTP servers on 127.0.0.1 (aiosmtpd), stopped after the test.

`smtp_server` is one that the app sends to; `start_smtp_server(**options)` starts more,
e.g. with TLS and login (tests/mail/test_smtp_security.py).
"""

from __future__ import annotations

import email
import socket
import threading
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CollectingHandler:
    """Keeps what it accepts; answers with a set failure instead when a test asks for one."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list = []
        self.rcpt_reply: str | None = None
        self.data_reply: str | None = None
        self._lock = threading.Lock()  # the server answers on its own thread

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_reply:
            return self.data_reply
        with self._lock:
            self.envelopes.append(envelope)
            self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, handler: CollectingHandler, host: str, port: int) -> None:
        self.handler, self.host, self.port = handler, host, port

    @property
    def messages(self) -> list[EmailMessage]:
        """Every accepted message, parsed, in the order it arrived."""
        return self.handler.messages

    @property
    def envelopes(self) -> list:
        return self.handler.envelopes

    def fail_with(self, reply: str, *, at: str = "DATA") -> None:
        """Refuse every message with this reply (e.g. "550 5.7.1 …") at RCPT or DATA."""
        if at == "RCPT":
            self.handler.rcpt_reply = reply
        else:
            self.handler.data_reply = reply

    def recover(self) -> None:
        self.handler.rcpt_reply = self.handler.data_reply = None


@pytest.fixture
def start_smtp_server():
    """Start SMTP servers on free local ports (aiosmtpd SMTP options as keywords)."""
    controllers = []

    def start(**smtp_options) -> SMTPServer:
        handler = CollectingHandler()
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **smtp_options)
        controller.start()
        controllers.append(controller)
        return SMTPServer(handler, controller.hostname, controller.port)

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_server(app, monkeypatch, start_smtp_server) -> SMTPServer:
    """A running SMTP server, and the app's mail settings pointed at it (plain SMTP, no login)."""
    server = start_smtp_server()
    for key, value in {
        "MAIL_TRANSPORT": "smtp",
        "SMTP_HOST": server.host,
        "SMTP_PORT": server.port,
        "SMTP_SECURITY": "none",
        "SMTP_USERNAME": None,
        "SMTP_PASSWORD": None,
        "SMTP_TIMEOUT": 5,
    }.items():
        monkeypatch.setitem(app.config, key, value)
    return server
