"""The access-request rules (R9.4): the one-month deadline, the mail and its link, throttling,
and the link's failures."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bkm.accounts.passwords import hash_password
from bkm.accounts.tokens import make_password_token
from bkm.clock import utcnow
from bkm.extensions import db
from bkm.mail.models import MailMessage
from bkm.mail.sender import send_due
from bkm.privacy.access import (
    ACCESS_SALT,
    AccessRequestRefused,
    ForeignLink,
    InvalidToken,
    RequestedRecently,
    TokenExpired,
    TokenUsed,
    make_access_token,
    one_month_after,
    read_access_token,
    record_download,
    request_access,
)
from bkm.privacy.models import AccessRequest
from tests.accounts.helpers import signed_seconds_ago
from tests.factories import audit_rows, make_customer, make_user

DAY = 24 * 3600


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 11, 25), date(2026, 12, 25)),
        (date(2026, 12, 15), date(2027, 1, 15)),  # over the new year
        (date(2026, 1, 31), date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 2, 28), date(2026, 3, 28)),
    ],
)
def test_one_month_after_is_the_same_day_next_month_or_its_last_day(received, due):
    assert one_month_after(received) == due


def _request(app, customer, **kwargs) -> AccessRequest:
    with app.test_request_context():
        request = request_access(customer, **kwargs)
    db.session.commit()
    return request


def _mails() -> list[MailMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(MailMessage).where(MailMessage.kind == "access_request")))


@pytest.mark.req("R9.4")
def test_request_is_logged_with_its_deadline_and_the_mail_with_the_link_is_queued(app, db):
    customer = make_customer(email="kari@example.no")
    received = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)  # 1 February, 00:30 in Oslo

    request = _request(app, customer, now=received)

    assert request.channel == "min_side" and request.user_id == customer.id
    assert request.received_at == received and request.sent_at == received
    assert request.due_on == date(2026, 3, 1)  # a month after the Oslo date it came in
    assert request.downloaded_at is None and request.registered_by_id is None
    (mail,) = _mails()
    assert mail.recipient == "kari@example.no"
    assert mail.reference == f"access_request:{request.id}"
    assert "http://localhost/min-side/innsyn/" in mail.text_body
    assert "7 dager" in mail.text_body
    assert audit_rows() == []  # the customer asked themselves: no staff saw anything


@pytest.mark.req("R9.4")
def test_access_mail_reaches_the_smtp_server_in_the_same_job_run(app, db, smtp_server):
    customer = make_customer(email="kari@example.no")
    _request(app, customer)

    report = send_due()

    assert report.sent == 1
    (message,) = smtp_server.messages
    assert message["To"] == "kari@example.no"
    assert "/min-side/innsyn/" in message.get_body(("plain",)).get_content()


@pytest.mark.req("R9.4")
def test_staff_request_records_who_registered_it_and_an_audit_row(app, db):
    customer = make_customer()
    clerk = make_user(role="staff", name="Stian Stab")

    request = _request(app, customer, channel="phone", registered_by=clerk)

    assert request.channel == "phone" and request.registered_by_id == clerk.id
    (row,) = audit_rows()
    assert (row.actor_id, row.subject_user_id, row.action) == (
        clerk.id,
        customer.id,
        "access_request",
    )
    assert row.target == f"access_request:{request.id}" and row.actor_role == "staff"
    (mail,) = _mails()
    assert "på telefon" in mail.text_body


def test_a_second_request_within_a_day_is_refused_while_the_first_is_open(app, db):
    customer = make_customer()
    first = _request(app, customer, now=utcnow() - timedelta(hours=23))

    with pytest.raises(RequestedRecently) as refused:
        _request(app, customer)

    assert refused.value.existing.id == first.id
    assert "sju dager" in str(refused.value)
    db.session.rollback()
    assert len(_mails()) == 1


def test_a_new_request_is_allowed_after_a_day_or_once_the_last_was_downloaded(app, db):
    customer = make_customer()
    _request(app, customer, now=utcnow() - timedelta(hours=25))
    second = _request(app, customer)
    record_download(second)
    db.session.commit()

    third = _request(app, customer)

    assert third.id != second.id and len(_mails()) == 3


def test_only_active_customers_can_ask(app, db):
    clerk = make_user(role="staff")
    closed = make_customer(is_active_account=False)
    for person in (clerk, closed):
        with pytest.raises(AccessRequestRefused), app.test_request_context():
            request_access(person)
    db.session.rollback()
    assert _mails() == []


def test_the_first_download_is_the_one_recorded(app, db):
    request = _request(app, make_customer())
    first = datetime(2026, 5, 1, 8, tzinfo=UTC)
    record_download(request, first)
    record_download(request, first + timedelta(days=1))
    assert request.downloaded_at == first


@pytest.mark.req("R9.4")
def test_link_opens_the_request_for_its_own_customer(app, db):
    customer = make_customer()
    request = _request(app, customer)
    with app.test_request_context():
        token = make_access_token(request, customer)
        assert read_access_token(token, customer).id == request.id


def test_link_of_another_customer_is_foreign(app, db):
    mine, theirs = make_customer(), make_customer()
    request = _request(app, theirs)
    with app.test_request_context():
        token = make_access_token(request, theirs)
        with pytest.raises(ForeignLink):
            read_access_token(token, mine)


def test_tampered_link_is_invalid(app, db):
    customer = make_customer()
    request = _request(app, customer)
    with app.test_request_context():
        token = make_access_token(request, customer)
        for broken in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", ""):
            with pytest.raises(InvalidToken) as problem:
                read_access_token(broken, customer)
            assert type(problem.value) is InvalidToken


def test_link_older_than_seven_days_has_expired(app, db, monkeypatch):
    customer = make_customer()
    request = _request(app, customer)
    with app.test_request_context():
        with signed_seconds_ago(monkeypatch, 7 * DAY + 60, salt=ACCESS_SALT):
            token = make_access_token(request, customer)
        with pytest.raises(TokenExpired):
            read_access_token(token, customer)
        with signed_seconds_ago(monkeypatch, 7 * DAY - 60, salt=ACCESS_SALT):
            fresh = make_access_token(request, customer)
        assert read_access_token(fresh, customer).id == request.id


@pytest.mark.parametrize("change", ["password", "email"])
def test_changing_password_or_email_voids_the_link(app, db, change):
    customer = make_customer()
    request = _request(app, customer)
    with app.test_request_context():
        token = make_access_token(request, customer)
    if change == "password":
        customer.password_hash = hash_password("et-helt-nytt-passord")
    else:
        customer.email = "ny.adresse@example.no"
    db.session.commit()

    with app.test_request_context(), pytest.raises(TokenUsed):
        read_access_token(token, customer)


def test_salt_of_its_own_a_token_for_another_purpose_is_invalid(app, db):
    customer = make_customer()
    _request(app, customer)
    with app.test_request_context(), pytest.raises(InvalidToken):
        read_access_token(make_password_token(customer), customer)


def test_link_of_a_customer_without_password_survives_the_first_password_but_not_a_new_email(
    app, db
):
    guest = make_customer(password=None)
    request = _request(app, guest)
    with app.test_request_context():
        token = make_access_token(request, guest)
    guest.password_hash = hash_password("mitt-første-passord")  # to be able to log in at all
    db.session.commit()

    with app.test_request_context():
        assert read_access_token(token, guest).id == request.id
    guest.email = "ny.adresse@example.no"
    db.session.commit()
    with app.test_request_context(), pytest.raises(TokenUsed):
        read_access_token(token, guest)
