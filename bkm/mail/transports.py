"""Transports hand one finished e-mail to the world; `send` returns only when it was accepted.

A transport raises on any failure and never retries by itself: retries, backoff and the
outbox status belong to `bkm.mail.sender`, which is the only caller.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from collections.abc import Mapping
from email.message import EmailMessage
from email.policy import SMTP
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from bkm.clock import utcnow


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class SMTPTransport:
    """SMTP submission, one connection per message.

    With "starttls" the session is encrypted before the login and the message, and a server
    that does not offer STARTTLS is an error, never a reason to go on in plain text.
    Certificates are always checked (tls_context). One
    connection per message keeps a failure confined to that message; the outbox sends a
    few mails a minute, so the extra handshake costs nothing that matters.
    """

    def __init__(
        self,
        host: str,
        port: int = 587,
        *,
        username: str | None = None,
        password: str | None = None,
        security: str = "starttls",
        timeout: float = 30,
    ) -> None:
        self.host, self.port, self.timeout = host, int(port), float(timeout)
        self.username, self.password, self.security = username, password, security

    def send(self, message: EmailMessage) -> None:
        context = tls_context() if self.security in ("ssl", "starttls") else None
        if self.security == "ssl":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.security == "starttls":
                smtp.starttls(context=context)  # raises SMTPNotSupportedError if not offered
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)
        finally:
            _quit_quietly(smtp)

    def __repr__(self) -> str:  # no password in tracebacks or logs
        return f"<SMTPTransport {self.host}:{self.port} {self.security}>"


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """The system's trusted CAs, with the certificate's host name checked. Built once per
    process: loading the CA store costs ~90 ms, which a newsletter would pay per mail."""
    return ssl.create_default_context()


def _quit_quietly(smtp: smtplib.SMTP) -> None:
    # The server took the message when it answered DATA; a failing goodbye after that must
    # not count as a failed send, or the outbox would send the message a second time.
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


class FileTransport:
    """Writes each message as `<directory>/<UTC time>-<Message-ID>.eml`, for development.

    The file appears whole or not at all (written aside, then renamed), so a mail client or
    test watching the folder never reads half a message. Sending the same message again
    replaces its file instead of adding a second one.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        existing = sorted(self.directory.glob(f"*-{_file_stem(message)}.eml"))
        target = existing[0] if existing else self.path_for(message)
        fd, temporary = tempfile.mkstemp(dir=self.directory, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(message.as_bytes(policy=SMTP))
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def path_for(self, message: EmailMessage) -> Path:
        return self.directory / f"{utcnow():%Y%m%dT%H%M%SZ}-{_file_stem(message)}.eml"


def _file_stem(message: EmailMessage) -> str:
    message_id = str(message["Message-ID"] or "").strip("<>")
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in message_id) or "uten-id"


def transport_from_config(config: Mapping[str, Any]) -> Transport:
    """The transport the resolved settings (bkm.mail.settings) ask for."""
    if config["MAIL_TRANSPORT"] == "file":
        return FileTransport(config["MAIL_DIR"])
    # BKM_* environment values are JSON-parsed, so a numeric password arrives as an int.
    username, password = config["SMTP_USERNAME"], config["SMTP_PASSWORD"]
    return SMTPTransport(
        config["SMTP_HOST"],
        config["SMTP_PORT"],
        username=None if username is None else str(username),
        password=None if password is None else str(password),
        security=config["SMTP_SECURITY"],
        timeout=config["SMTP_TIMEOUT"],
    )
