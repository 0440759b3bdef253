"""Failure text fit to keep in the outbox and the log: no e-mail addresses, no credentials."""

from __future__ import annotations

import re
import smtplib

_ADDRESS = re.compile(r"[^\s<>()\[\]{}'\",;:]+@[^\s<>()\[\]{}'\",;:]+")


def describe_error(error: Exception) -> str:
    """One line, at most 1000 characters: the exception type and the server's reply.

    smtplib puts the refused addresses into its exception text; SMTP replies and socket
    errors carry no credentials, and the transports never put them into an exception.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        detail = "; ".join(_reply(*reply) for reply in error.recipients.values())
    elif isinstance(error, smtplib.SMTPResponseException):
        detail = _reply(error.smtp_code, error.smtp_error)
    else:
        detail = str(error)
    text = f"{type(error).__name__}: {detail}"
    return _ADDRESS.sub("<adresse>", text)[:1000]


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return f"{code} {text}"
