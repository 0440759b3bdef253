import pytest
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import select

from bkm.extensions import db
from bkm.mail.models import MailMessage
from bkm.mail.outbox import Attachment, queue_mail


def test_queue_mail_renders_subject_text_and_footer_into_the_session(app):
    message = queue_mail(
        "test_greeting", "kari@example.no", name="Kari Nordmann", reference="test:1"
    )
    assert message in db.session.new
    assert message.subject == "Hei, Kari Nordmann"
    assert "Hei Kari Nordmann!" in message.text_body and "æøå ÆØÅ" in message.text_body
    assert "Org.nr 974 408 597" in message.text_body
    assert "<strong>Kari Nordmann</strong>" in message.html_body
    assert (message.kind, message.status, message.reference) == (
        "test_greeting",
        "queued",
        "test:1",
    )
    assert message.message_id.endswith("@bruktekontormobler.no>")


def test_queued_mail_commits_or_rolls_back_with_the_business_change(app):
    queue_mail("test_greeting", "kari@example.no", name="Kari")
    db.session.rollback()
    assert db.session.scalars(select(MailMessage)).all() == []
    queue_mail(
        "test_greeting",
        "kari@example.no",
        name="Kari",
        attachments=(Attachment("faktura-1.pdf", "application/pdf", b"%PDF-1.7"),),
    )
    db.session.commit()
    stored = db.session.scalars(select(MailMessage)).one()
    assert [a.filename for a in stored.attachments] == ["faktura-1.pdf"]


def test_mail_template_without_subject_is_refused(app, tmp_path):
    with pytest.raises(ValueError, match="no subject"):
        queue_mail("base", "kari@example.no")


def test_mail_template_without_html_twin_is_queued_as_text_only(app, monkeypatch):
    plain_only = DictLoader(
        {"emails/plain_only.txt": '{% set subject = "Bare tekst" %}Hei {{ name }}!'}
    )
    monkeypatch.setattr(app.jinja_env, "loader", ChoiceLoader([plain_only, app.jinja_env.loader]))
    message = queue_mail("plain_only", "kari@example.no", name="Kari")
    assert (message.subject, message.text_body, message.html_body) == (
        "Bare tekst",
        "Hei Kari!\n",
        None,
    )


def test_queue_mail_marks_the_session_so_a_commit_can_release_the_mail(app):
    queue_mail("test_greeting", "kari@example.no", name="Kari")
    assert db.session.info.get("bkm_mail_queued") is True
    db.session.commit()
    assert "bkm_mail_queued" not in db.session.info
