"""Complaints (reklamasjon) and the customer's own cases under /konto/saker."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bkm.cases.handling import CaseError, add_message, close_case, open_case
from bkm.cases.models import Case, CaseMessage
from tests.accounts.helpers import CSRF_SALT, STALE_FORM_MESSAGE, mails, signed_seconds_ago
from tests.factories import make_case, make_customer, make_delivered_order, make_order, make_product


def html(response) -> str:
    return response.get_data(as_text=True)


def counts(db) -> tuple[int, int]:
    db.session.expire_all()
    cases = db.session.scalar(select(func.count()).select_from(Case))
    messages = db.session.scalar(select(func.count()).select_from(CaseMessage))
    return cases, messages


def complaint_url(order) -> str:
    return f"/konto/ordre/{order.number}/reklamasjon"


@pytest.fixture
def kari(db):
    return make_customer(name="Kari Nordmann")


@pytest.mark.req("R3.5")
def test_complaint_on_a_delivered_order_opens_a_case_and_mails_a_receipt(
    client, login_as, db, kari
):
    chair, desk = make_product(title="Kontorstol"), make_product(title="Skrivebord")
    order = make_delivered_order(kari, {chair: 1, desk: 1}, days_ago=40)
    db.session.commit()
    login_as(kari)
    order_page = html(client.get(f"/konto/ordre/{order.number}"))
    assert 'data-testid="complaint-link"' in order_page
    assert 'data-testid="withdraw-button"' not in order_page  # the deadline is past

    chair_line = next(line for line in order.lines if line.title == "Kontorstol")
    response = client.submit(
        complaint_url(order),
        {"linje": [str(chair_line.id)], "description": "Gasspatronen synker etter en uke."},
    )
    assert response.status_code == 303
    case = db.session.scalar(select(Case))
    assert (case.kind, case.order_id, case.customer_id) == ("complaint", order.id, kari.id)
    assert case.number.startswith("S-") and case.status == "open"
    body = case.messages[0].body
    assert "Kontorstol" in body and "Skrivebord" not in body and "Gasspatronen" in body
    (mail,) = mails("case_received")
    assert mail.recipient == kari.email and case.number in mail.subject
    assert f"/konto/saker/{case.number}" in mail.text_body

    case_page = html(client.get(response.headers["Location"]))
    assert "Gasspatronen synker" in case_page
    assert case.number in html(client.get("/konto/saker"))
    assert f"Sak {case.number}" in html(client.get(f"/konto/ordre/{order.number}"))

    reply = client.submit(f"/konto/saker/{case.number}", {"body": "Bilde kommer i morgen."})
    assert reply.status_code == 303
    assert counts(db) == (1, 2)


def test_complaint_on_an_undelivered_order_is_refused(client, login_as, db, kari):
    order = make_order(kari, delivery_method="delivery")
    db.session.commit()
    login_as(kari)
    assert 'data-testid="complaint-link"' not in html(client.get(f"/konto/ordre/{order.number}"))
    response = client.get(complaint_url(order))
    assert response.status_code == 303
    assert "når varene er levert" in html(client.get(f"/konto/ordre/{order.number}"))
    token = client.csrf_token(f"/konto/ordre/{order.number}")
    data = {
        "linje": [str(order.lines[0].id)],
        "description": "Den kom aldri fram.",
        "csrf_token": token,
    }
    client.post(complaint_url(order), data=data)
    assert counts(db) == (0, 0)


@pytest.mark.parametrize(
    ("description", "message"),
    [
        ("", "Beskriv hva som er galt med varen."),
        ("   ", "Beskriv hva som er galt med varen."),
        ("Ødelagt", "Beskriv feilen med minst 10 tegn."),
        ("x" * 10_240, "Teksten kan ha maks 5000 tegn."),
    ],
)
def test_a_bad_complaint_description_changes_nothing(
    client, login_as, db, kari, description, message
):
    order = make_delivered_order(kari)
    db.session.commit()
    login_as(kari)
    response = client.submit(
        complaint_url(order), {"linje": [str(order.lines[0].id)], "description": description}
    )
    assert response.status_code == 200
    assert message in html(response)
    assert counts(db) == (0, 0) and mails() == []


def test_a_complaint_without_a_chosen_line_changes_nothing(client, login_as, db, kari):
    order = make_delivered_order(kari)
    db.session.commit()
    login_as(kari)
    response = client.submit(complaint_url(order), {"description": "Setet har en flekk."})
    assert "Velg minst én vare." in html(response)
    assert counts(db) == (0, 0)


def test_a_stale_csrf_token_on_a_complaint_or_reply_changes_nothing(
    client, login_as, db, kari, monkeypatch
):
    order = make_delivered_order(kari)
    case = make_case(kari)
    db.session.commit()
    login_as(kari)
    with signed_seconds_ago(monkeypatch, 2 * 3600, salt=CSRF_SALT):
        token = client.csrf_token(complaint_url(order))
    for url, data in [
        (
            complaint_url(order),
            {"linje": [str(order.lines[0].id)], "description": "Setet er revnet."},
        ),
        (f"/konto/saker/{case.number}", {"body": "Hei igjen"}),
    ]:
        response = client.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 400
        assert STALE_FORM_MESSAGE in html(response)
    assert counts(db) == (1, 1)


def test_customer_sees_404_on_someone_elses_case_and_order_actions(client, login_as, db, kari):
    other = make_customer()
    order = make_delivered_order(other)
    case = make_case(other, order=order)
    db.session.commit()
    login_as(kari)
    assert client.get(f"/konto/saker/{case.number}").status_code == 404
    assert client.get(complaint_url(order)).status_code == 404
    token = client.csrf_token("/konto/ordre")
    response = client.post(f"/konto/saker/{case.number}", data={"body": "Hei", "csrf_token": token})
    assert response.status_code == 404
    assert case.number not in html(client.get("/konto/saker"))
    assert counts(db) == (1, 1)


def test_case_pages_need_a_login(client, db, kari):
    case = make_case(kari)
    db.session.commit()
    assert client.get("/konto/saker").status_code == 302
    assert client.get(f"/konto/saker/{case.number}").status_code == 302


# ---------- The rules ----------


def test_rules_refuse_bad_input_and_closed_cases(db, kari, staff):
    with pytest.raises(CaseError, match="minst 10 tegn"):
        open_case(kari, kind="complaint", subject="Feil", body="Ødelagt")
    with pytest.raises(CaseError, match="maks 5000"):
        open_case(kari, kind="question", subject="Spørsmål", body="x" * 5001)
    with pytest.raises(CaseError, match="Ukjent sakstype"):
        open_case(kari, kind="bogus", subject="Spørsmål", body="Hei")
    case = make_case(kari)
    add_message(case, staff, "Vi ser på det.", from_staff=True)
    assert case.status == "waiting_for_customer"
    add_message(case, kari, "Takk!", from_staff=False)
    assert case.status == "open"
    close_case(case, by=staff)
    assert case.status == "closed" and case.closed_at is not None
    with pytest.raises(CaseError, match="avsluttet"):
        add_message(case, kari, "Enda en ting", from_staff=False)
    with pytest.raises(CaseError, match="allerede avsluttet"):
        close_case(case)


def test_privacy_kind_exists_for_min_side(db, kari):
    case = make_case(kari, kind="privacy", subject="Innsyn", body="Jeg ber om innsyn.")
    assert case.kind_label == "Personopplysninger"
