"""Staff and access requests at /admin/innsyn (R9.4): the list with the one-month deadline, and
starting a request for a customer who asked by phone, e-mail or letter."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from bkm.clock import oslo_today, utcnow
from bkm.extensions import db
from bkm.mail.models import MailMessage
from bkm.privacy.access import one_month_after
from bkm.privacy.models import AccessRequest
from tests.factories import audit_rows, make_customer

ROW = re.compile(r'<tr data-testid="access-request-row">(.*?)</tr>', re.S)


def add_request(customer, *, days_ago: int, downloaded: bool = False, **fields) -> AccessRequest:
    received = utcnow() - timedelta(days=days_ago)
    request = AccessRequest(
        user_id=customer.id if customer else None,
        channel=fields.pop("channel", "min_side"),
        received_at=received,
        due_on=oslo_today() - timedelta(days=days_ago) + timedelta(days=30),
        sent_at=received,
        downloaded_at=received + timedelta(hours=1) if downloaded else None,
        **fields,
    )
    db.session.add(request)
    db.session.commit()
    return request


def rows(page: str) -> list[str]:
    return [re.sub(r"\s+", " ", row) for row in ROW.findall(page)]


def requests() -> list[AccessRequest]:
    db.session.expire_all()
    return list(db.session.scalars(select(AccessRequest).order_by(AccessRequest.id)))


def access_mails() -> list[MailMessage]:
    db.session.expire_all()
    stmt = select(MailMessage).where(MailMessage.kind == "access_request")
    return list(db.session.scalars(stmt))


@pytest.mark.req("R9.4")
def test_staff_see_open_requests_with_deadline_days_left_and_overdue_marked(
    client, login_as, staff
):
    fresh = make_customer(name="Frida Fersk")
    late = make_customer(name="Leif Sen")
    done = make_customer(name="Dina Ferdig")
    add_request(fresh, days_ago=2, channel="phone")
    add_request(late, days_ago=33)
    add_request(done, days_ago=5, downloaded=True)
    login_as(staff)

    page = client.get("/admin/innsyn").get_data(as_text=True)

    shown = rows(page)
    assert len(shown) == 2  # open ones only: the downloaded one is answered
    assert "Frida Fersk" in shown[0] and "Telefon" in shown[0]
    assert 'data-testid="days-left">28 dager igjen' in shown[0]
    assert "Leif Sen" in shown[1] and 'data-testid="overdue">Forfalt for 3 dager siden' in shown[1]
    assert "lenken er utløpt" in shown[1]

    everything = rows(client.get("/admin/innsyn?vis=alle").get_data(as_text=True))
    assert len(everything) == 3
    assert "Dina Ferdig" in everything[1] and "besvart" in everything[1]


def test_request_of_an_erased_customer_shows_slettet_kunde(client, login_as, staff):
    add_request(None, days_ago=1)
    login_as(staff)

    (row,) = rows(client.get("/admin/innsyn").get_data(as_text=True))

    assert 'data-testid="erased-customer">slettet kunde' in row


def test_access_requests_are_for_staff_and_managers_only(client, login_as, manager):
    assert client.get("/admin/innsyn").status_code == 302
    login_as(manager)
    page = client.get("/admin/innsyn").get_data(as_text=True)
    assert 'href="/admin/innsyn" aria-current="page">Innsyn' in page
    client.submit("/konto/logg-ut", form_url="/admin/innsyn")
    login_as(make_customer())
    assert client.get("/admin/innsyn").status_code == 403


@pytest.mark.req("R9.4")
def test_staff_start_a_request_for_a_customer_who_phoned(client, login_as, staff):
    kari = make_customer(name="Kari Ringer", email="kari.ringer@example.no")
    login_as(staff)

    response = client.submit(
        "/admin/innsyn", {"email": "  Kari.Ringer@Example.no ", "channel": "phone"}
    )

    assert response.status_code == 303
    (request,) = requests()
    assert (request.user_id, request.channel, request.registered_by_id) == (
        kari.id,
        "phone",
        staff.id,
    )
    assert request.due_on == one_month_after(oslo_today()) and request.sent_at is not None
    (mail,) = access_mails()
    assert mail.recipient == "kari.ringer@example.no"  # the registered address, nowhere else
    assert "på telefon" in mail.text_body and "/min-side/innsyn/" in mail.text_body
    (row,) = audit_rows()
    assert (row.actor_id, row.subject_user_id, row.action, row.actor_role) == (
        staff.id,
        kari.id,
        "access_request",
        "staff",
    )
    page = client.get("/admin/innsyn").get_data(as_text=True)
    assert "Kari Ringer får en lenke på e-post" in page
    assert "registrert av Stian Stab" in page


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"email": "", "channel": "phone"}, "Skriv kundens e-postadresse."),
        ({"email": "ikke-en-adresse", "channel": "email"}, "Skriv en gyldig e-postadresse"),
        ({"email": "ukjent@example.no", "channel": "letter"}, "Vi har ingen kunde med denne"),
        ({"email": "kari@example.no"}, "Velg hvordan kunden ba om innsyn."),
        ({"email": "kari@example.no", "channel": "min_side"}, "Velg hvordan kunden ba om innsyn."),
        ({"email": "x" * 250 + "@example.no", "channel": "phone"}, "maks 254 tegn"),
    ],
)
def test_bad_staff_input_gets_a_norwegian_message_and_changes_nothing(
    client, login_as, staff, form, message
):
    make_customer(email="kari@example.no")
    login_as(staff)

    response = client.submit("/admin/innsyn", form)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert requests() == [] and access_mails() == [] and audit_rows() == []


def test_staff_cannot_start_a_request_for_a_staff_account(client, login_as, staff, manager):
    login_as(staff)

    response = client.submit("/admin/innsyn", {"email": manager.email, "channel": "email"})

    assert response.status_code == 400
    assert "Vi har ingen kunde med denne" in response.get_data(as_text=True)
    assert requests() == []


def test_a_link_sent_within_a_day_is_not_sent_again(client, login_as, staff):
    kari = make_customer(email="kari@example.no")
    add_request(kari, days_ago=0)
    login_as(staff)

    response = client.submit("/admin/innsyn", {"email": "kari@example.no", "channel": "email"})

    assert response.status_code == 400
    assert "Kunden fikk en lenke" in response.get_data(as_text=True)
    assert len(requests()) == 1 and access_mails() == [] and audit_rows() == []


@pytest.mark.req("R9.4")
def test_customer_without_a_password_gets_one_link_to_choose_it_and_the_data_link_still_works(
    client, login_as, staff
):
    make_customer(name="Gunnar Gjest", email="gunnar@example.no", password=None)
    login_as(staff)
    client.submit("/admin/innsyn", {"email": "gunnar@example.no", "channel": "letter"})
    client.submit("/konto/logg-ut", form_url="/admin/innsyn")
    (mail,) = access_mails()
    (password_path,) = re.findall(r"http://localhost(/konto/nytt-passord/[\w.\-]+)", mail.text_body)
    (data_path,) = re.findall(r"http://localhost(/min-side/innsyn/[\w.\-]+)", mail.text_body)
    assert "i brev" in mail.text_body and "Du har ikke passord hos oss ennå" in mail.text_body

    new_password = "gunnars-eget-passord-2026"
    chosen = client.submit(
        password_path, {"password": new_password, "password_confirm": new_password}
    )
    assert chosen.status_code == 302  # the password is set, and Gunnar is logged in

    response = client.get(data_path)

    assert response.status_code == 200 and response.mimetype == "application/zip"
    (request,) = requests()
    assert request.downloaded_at is not None and request.channel == "letter"


def test_customer_with_a_password_gets_no_password_link(client, login_as, staff):
    make_customer(email="kari@example.no")
    login_as(staff)
    client.submit("/admin/innsyn", {"email": "kari@example.no", "channel": "email"})

    (mail,) = access_mails()
    assert "/konto/nytt-passord/" not in mail.text_body
    assert "Du har ikke passord" not in mail.text_body
