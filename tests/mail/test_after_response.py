"""MAIL_SEND_AFTER_REQUEST: mail a request committed is delivered once its response is done."""

from __future__ import annotations

import pytest

from bkm.extensions import db
from bkm.mail import after_response
from bkm.mail.outbox import queue_mail


@pytest.fixture
def shop(app_factory, tmp_path, monkeypatch):
    """An app that sends after the response, to .eml files, with three test pages."""
    shop = app_factory(
        MAIL_SEND_AFTER_REQUEST=True, MAIL_TRANSPORT="file", MAIL_DIR=str(tmp_path / "mail")
    )

    @shop.get("/test/bestill")
    def order():
        queue_mail("test_greeting", "kari@example.no", name="Kari")
        db.session.commit()
        return "ok"

    @shop.get("/test/angre")
    def regret():
        queue_mail("test_greeting", "kari@example.no", name="Kari")
        db.session.rollback()
        return "ok"

    @shop.get("/test/side")
    def page():
        return "ok"

    calls = []
    real_send_due = after_response.send_due
    monkeypatch.setattr(after_response, "send_due", lambda: calls.append(1) or real_send_due())
    shop.send_due_calls = calls
    return shop


def sent_files(tmp_path):
    return list((tmp_path / "mail").glob("*.eml"))


def test_committed_mail_is_delivered_once_the_response_is_closed(shop, tmp_path):
    response = shop.test_client().get("/test/bestill")
    assert response.status_code == 200
    assert sent_files(tmp_path) == []  # the visitor's response comes first

    response.close()  # what the WSGI server does after the last byte

    assert len(sent_files(tmp_path)) == 1
    assert shop.send_due_calls == [1]


def test_ordinary_page_and_rolled_back_mail_do_no_mail_work(shop, tmp_path):
    client = shop.test_client()
    for path in ("/test/side", "/test/angre", "/test/side"):
        client.get(path).close()
    assert shop.send_due_calls == []
    assert sent_files(tmp_path) == []


def test_setting_off_leaves_committed_mail_in_the_queue(app_factory, tmp_path):
    shop = app_factory(MAIL_TRANSPORT="file", MAIL_DIR=str(tmp_path / "mail"))  # TESTING: off

    @shop.get("/test/bestill")
    def order():
        queue_mail("test_greeting", "kari@example.no", name="Kari")
        db.session.commit()
        return "ok"

    shop.test_client().get("/test/bestill").close()
    assert sent_files(tmp_path) == []
