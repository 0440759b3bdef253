"""The registration rule itself, called the way checkout and staff pages will call it."""

from __future__ import annotations

import pytest

from bkm.accounts.registration import CustomerDetails, EmailTaken, register_customer
from tests.factories import make_customer, make_user

DETAILS = CustomerDetails(
    name="Ola Haugen",
    email="Ola.Haugen@Example.no",
    phone="+47 412 34 567",
    street="Kirkegata 5B",
    postcode="2317",
    city="Hamar",
)


def test_rule_normalises_and_does_not_commit(db):
    user = register_customer(DETAILS, password=None, channel="checkout")
    assert (user.email, user.phone, user.password_hash) == (
        "ola.haugen@example.no",
        "+4741234567",
        None,
    )
    db.session.rollback()
    assert db.session.get(type(user), user.id) is None


def test_rule_refuses_a_taken_email(db):
    make_customer(email="ola.haugen@example.no")
    with pytest.raises(EmailTaken):
        register_customer(DETAILS, password=None, channel="checkout")


@pytest.mark.parametrize("channel", ["phone", "email", "in_person"])
def test_staff_channels_need_a_staff_member(db, channel):
    with pytest.raises(ValueError):
        register_customer(DETAILS, password=None, channel=channel)
    with pytest.raises(ValueError):
        register_customer(DETAILS, password=None, channel=channel, registered_by=make_customer())
    staff = make_user(role="staff")
    assert register_customer(DETAILS, password=None, channel=channel, registered_by=staff)


@pytest.mark.parametrize(
    "change",
    [
        {"postcode": "123"},
        {"phone": "123"},
        {"customer_type": "martian"},
        {"customer_type": "business"},  # no company, no org.nr
        {"customer_type": "business", "company_name": "AS", "org_number": "974408598"},
    ],
)
def test_rule_refuses_values_the_forms_should_have_caught(db, change):
    details = CustomerDetails(**{**DETAILS.__dict__, **change})
    with pytest.raises(ValueError):
        register_customer(details, password=None, channel="checkout")


def test_rule_refuses_unknown_channels_and_short_passwords(db):
    with pytest.raises(ValueError):
        register_customer(DETAILS, password=None, channel="carrier-pigeon")
    with pytest.raises(ValueError):
        register_customer(DETAILS, password="kort", channel="web")


def test_the_database_refuses_unknown_channels_and_customer_types(db):
    from sqlalchemy.exc import IntegrityError

    for bad in ({"registration_channel": "fax"}, {"customer_type": "both"}):
        with pytest.raises(IntegrityError):
            make_customer(**bad)
        db.session.rollback()


def test_deleting_the_staff_member_keeps_the_customer(db):
    staff = make_user(role="staff")
    customer = register_customer(DETAILS, password=None, channel="phone", registered_by=staff)
    db.session.commit()
    db.session.delete(staff)
    db.session.commit()
    db.session.expire_all()
    assert customer.registered_by_id is None


def test_losing_a_race_for_the_same_email_is_reported_as_taken(db, monkeypatch):
    from bkm.accounts import registration

    make_customer(email="ola.haugen@example.no")
    monkeypatch.setattr(registration, "email_is_taken", lambda email: False)  # checked too early
    with pytest.raises(EmailTaken):
        register_customer(DETAILS, password=None, channel="checkout")
    db.session.rollback()


def test_staff_accounts_are_recorded_as_made_by_the_shop(db):
    assert make_user(role="staff").registration_channel == "internal"
    assert make_user(role="manager").registration_channel == "internal"
    assert make_user(role="customer").registration_channel == "web"
