"""Queueing mail: render a template into an outbox row in the caller's transaction.

The row commits together with the change that caused it (an order and its confirmation,
a password-reset token and its mail) or not at all; `bkm.mail.sender` delivers it after
commit. Rules call queue_mail and never commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask import current_app
from jinja2 import TemplateNotFound

from bkm.clock import utcnow
from bkm.extensions import db
from bkm.mail.after_response import mark_queued
from bkm.mail.models import MailAttachment, MailMessage


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


def render_mail(template: str, context: dict) -> tuple[str, str, str | None]:
    """(subject, text, html) of templates/emails/<template>.txt and optional .html.

    The .txt template sets `subject` at top level ({% set subject = … %}); rendering it
    as a module with the mail's context keeps that variable readable afterwards.
    """
    env = current_app.jinja_env
    text_module = env.get_template(f"emails/{template}.txt").make_module(context)
    subject = " ".join(str(getattr(text_module, "subject", "")).split())
    if not subject:
        raise ValueError(f"emails/{template}.txt sets no subject")
    try:
        html = str(env.get_template(f"emails/{template}.html").make_module(context))
    except TemplateNotFound:
        html = None
    return subject, str(text_module).strip() + "\n", html


def new_message_id() -> str:
    domain = current_app.config["MAIL_MESSAGE_ID_DOMAIN"]
    return f"<{uuid.uuid4().hex}@{domain}>"


def queue_mail(
    template: str,
    to: str,
    *,
    kind: str | None = None,
    reference: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: tuple[Attachment, ...] = (),
    **context,
) -> MailMessage:
    """Render the mail and add it to the outbox in the current session. Does not commit."""
    subject, text, html = render_mail(template, {"recipient": to, **context})
    message = MailMessage(
        kind=kind or template,
        recipient=to,
        subject=subject,
        text_body=text,
        html_body=html,
        headers=dict(headers or {}),
        message_id=new_message_id(),
        reference=reference,
        status="queued",
        attempts=0,
        next_attempt_at=utcnow(),
        attachments=[
            MailAttachment(filename=a.filename, content_type=a.content_type, content=a.content)
            for a in attachments
        ],
    )
    db.session.add(message)
    mark_queued()
    return message
