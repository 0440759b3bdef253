"""Staff handle cases under /admin/saker: list, search, read (audited), reply by mail, close."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bkm.cases.models import Case, CaseMessage
from tests.accounts.helpers import CSRF_SALT, STALE_FORM_MESSAGE, mails, signed_seconds_ago
from tests.factories import audit_rows, make_case, make_customer, make_delivered_order


def html(response) -> str:
    return response.get_data(as_text=True)


def fresh(case: Case, db) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def message_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(CaseMessage))


@pytest.fixture
def kari_case(db):
    kari = make_customer(name="Kari Nordmann", email="kari@example.no")
    order = make_delivered_order(kari)
    case = make_case(kari, kind="complaint", order=order, body="Bordplaten har en sprekk.")
    db.session.commit()
    return case


def test_case_list_shows_open_cases_filters_all_and_searches(
    client, login_as, staff, db, kari_case
):
    ola = make_customer(name="Ola Haugen", email="ola@firma.no")
    closed = make_case(ola, subject="Gammelt spørsmål")
    closed.status = "closed"
    db.session.commit()
    login_as(staff)

    def found(**query) -> set[str]:
        page = html(client.get("/admin/saker", query_string=query))
        return {c.number for c in (kari_case, closed) if c.number in page}

    assert found() == {kari_case.number}
    assert found(vis="alle") == {kari_case.number, closed.number}
    assert found(vis="alle", q="haugen") == {closed.number}
    assert found(vis="alle", q=kari_case.number) == {kari_case.number}
    assert found(vis="alle", q=kari_case.number.removeprefix("S-")) == {kari_case.number}
    assert found(vis="alle", q="KARI@example") == {kari_case.number}
    assert found(vis="alle", q="100%_") == set()
    long_query = html(client.get("/admin/saker", query_string={"q": "x" * 10_240}))
    assert "Søket kan ha maks 100 tegn." in long_query


def test_viewing_a_case_writes_an_audit_entry(client, login_as, staff, db, kari_case):
    login_as(staff)
    page = html(client.get(f"/admin/saker/{kari_case.number}"))
    assert "Bordplaten har en sprekk." in page
    assert f"Ordre {kari_case.order.number}" in page
    (entry,) = [row for row in audit_rows() if row.target.startswith("case:")]
    assert (entry.actor_id, entry.subject_user_id) == (staff.id, kari_case.customer_id)
    assert entry.target == f"case:{kari_case.number}"


def test_order_page_links_its_cases(client, login_as, staff, db, kari_case):
    login_as(staff)
    page = html(client.get(f"/admin/ordrer/{kari_case.order.number}"))
    assert f'href="/admin/saker/{kari_case.number}"' in page


def test_staff_reply_is_mailed_and_waits_for_the_customer(client, login_as, staff, db, kari_case):
    login_as(staff)
    url = f"/admin/saker/{kari_case.number}"
    response = client.submit(url + "/svar", {"body": "Vi sender en ny bordplate."}, form_url=url)
    assert response.status_code == 303
    assert "Svaret er sendt" in html(client.get(url))
    assert fresh(kari_case, db).status == "waiting_for_customer"
    (mail,) = mails("case_reply")
    assert mail.recipient == "kari@example.no"
    assert "Vi sender en ny bordplate." in mail.text_body and kari_case.number in mail.subject


def test_staff_close_a_case(client, login_as, staff, db, kari_case):
    login_as(staff)
    url = f"/admin/saker/{kari_case.number}"
    response = client.submit(url + "/avslutt", {}, form_url=url)
    assert response.status_code == 303
    case = fresh(kari_case, db)
    assert case.status == "closed" and case.closed_at is not None
    page = html(client.get(url))
    assert 'data-testid="case-reply-form"' not in page
    assert kari_case.number not in html(client.get("/admin/saker"))


@pytest.mark.parametrize(
    ("body", "message"), [("", "Skriv et svar."), ("x" * 10_240, "Svaret kan ha maks 5000 tegn.")]
)
def test_a_bad_staff_reply_changes_nothing(client, login_as, staff, db, kari_case, body, message):
    login_as(staff)
    url = f"/admin/saker/{kari_case.number}"
    client.submit(url + "/svar", {"body": body}, form_url=url)
    assert message in html(client.get(url))
    assert message_count(db) == 1 and mails("case_reply") == []


def test_a_stale_csrf_token_changes_nothing(client, login_as, staff, db, kari_case, monkeypatch):
    login_as(staff)
    url = f"/admin/saker/{kari_case.number}"
    with signed_seconds_ago(monkeypatch, 2 * 3600, salt=CSRF_SALT):
        token = client.csrf_token(url)
    for step, data in [("svar", {"body": "Hei"}), ("avslutt", {})]:
        response = client.post(f"{url}/{step}", data={**data, "csrf_token": token})
        assert response.status_code == 400
        assert STALE_FORM_MESSAGE in html(response)
    assert fresh(kari_case, db).status == "open" and message_count(db) == 1


def test_customers_cannot_reach_the_staff_case_pages(client, login_as, db, kari_case):
    login_as(kari_case.customer)
    assert client.get("/admin/saker").status_code in (403, 404)
    assert client.get(f"/admin/saker/{kari_case.number}").status_code in (403, 404)


def test_unknown_case_number_is_404(client, login_as, staff, db):
    login_as(staff)
    assert client.get("/admin/saker/S-999999").status_code == 404
    assert client.get("/admin/saker/" + "S" * 5000).status_code == 404
