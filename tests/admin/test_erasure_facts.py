"""Staff record the facts behind the erasure exceptions and erase on request (R9.5, R3.10)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bkm.accounts.models import User
from bkm.clock import oslo_today
from bkm.extensions import db
from bkm.privacy.exceptions import add_years, norwegian_date
from bkm.privacy.models import CreditDecision, DebtSale, MisuseIncident
from tests.accounts.helpers import mails
from tests.factories import audit_rows, make_customer, make_order

pytestmark = pytest.mark.req("R9.5")


def html(response) -> str:
    return response.get_data(as_text=True)


def page_url(person) -> str:
    return f"/admin/kunder/{person.id}/personvern-forhold"


def rows(model) -> list:
    db.session.expire_all()
    return list(db.session.scalars(select(model)))


def norwegian(day) -> str:
    return day.strftime("%d.%m.%Y")


@pytest.fixture
def person(db):
    customer = make_customer()
    db.session.commit()
    return customer


@pytest.fixture
def as_staff(login_as, staff):
    login_as(staff)
    return staff


def test_page_shows_the_preflight_and_logs_the_check(client, as_staff, person):
    response = client.get(page_url(person))
    assert response.status_code == 200
    text = html(response)
    assert 'data-testid="erasure-allowed"' in text
    assert text.count('data-blocks="nei"') == 6
    checks = [row for row in audit_rows() if row.action == "erasure_check"]
    assert [(r.actor_id, r.subject_user_id) for r in checks] == [(as_staff.id, person.id)]


def test_customer_page_links_to_the_privacy_facts(client, as_staff, person):
    text = html(client.get(f"/admin/kunder/{person.id}"))
    assert f'href="{page_url(person)}"' in text


def test_page_is_only_for_customers(client, as_staff):
    assert client.get(f"/admin/kunder/{as_staff.id}/personvern-forhold").status_code == 404
    assert client.get("/admin/kunder/999999/personvern-forhold").status_code == 404


def test_customers_cannot_open_the_staff_page(client, login_as, person):
    login_as(person)
    assert client.get(page_url(person)).status_code == 403


def test_recorded_misuse_blocks_erasure_and_is_audited(client, as_staff, person):
    day = oslo_today() - timedelta(days=30)
    response = client.submit(
        f"{page_url(person)}/misbruk",
        {"status": "suspected", "occurred_on": norwegian(day), "description": "Stjålet kort"},
        form_url=page_url(person),
    )
    assert response.status_code == 303
    (incident,) = rows(MisuseIncident)
    assert (incident.user_id, incident.status, incident.occurred_on) == (
        person.id,
        "suspected",
        day,
    )
    assert incident.recorded_by_id == as_staff.id
    facts = [row for row in audit_rows() if row.action == "privacy_fact"]
    assert [(r.subject_user_id, r.target) for r in facts] == [(person.id, f"misuse:{incident.id}")]
    text = html(client.get(page_url(person)))
    assert 'data-testid="erasure-check-misuse" data-blocks="ja"' in text
    assert f"Til og med {norwegian_date(add_years(day, 4))}." in text


@pytest.mark.parametrize(
    "form, message",
    [
        (
            {"status": "confirmed", "occurred_on": "tomorrow", "description": "x"},
            "Skriv datoen som en dato, for eksempel 24.11.2026.",
        ),
        (
            {"status": "confirmed", "occurred_on": "31.02.2025", "description": "x"},
            "Skriv datoen som en dato, for eksempel 24.11.2026.",
        ),
        (
            {"status": "confirmed", "occurred_on": "", "description": "x"},
            "Skriv datoen misbruket skjedde.",
        ),
        ({"status": "maybe", "occurred_on": "01.01.2025", "description": "x"}, "Velg mistanke"),
        ({"status": "confirmed", "occurred_on": "01.01.2025", "description": ""}, "Beskriv hva"),
    ],
)
def test_bad_misuse_input_gets_a_norwegian_message_and_stores_nothing(
    client, as_staff, person, form, message
):
    response = client.submit(f"{page_url(person)}/misbruk", form, form_url=page_url(person))
    assert response.status_code == 400
    assert message in html(response)
    assert rows(MisuseIncident) == []
    assert not [row for row in audit_rows() if row.action == "privacy_fact"]


def test_dates_in_the_future_are_refused(client, as_staff, person):
    tomorrow = norwegian(oslo_today() + timedelta(days=1))
    for path, form in [
        ("misbruk", {"status": "confirmed", "occurred_on": tomorrow, "description": "x"}),
        ("gjeld-solgt", {"sold_on": tomorrow, "buyer": "Inkasso AS", "amount": "100"}),
        ("kreditt", {"decided_on": tomorrow, "outcome": "rejected"}),
        ("dodsfall", {"deceased_on": tomorrow}),
    ]:
        response = client.submit(f"{page_url(person)}/{path}", form, form_url=page_url(person))
        assert response.status_code == 400, path
        assert "Datoen kan ikke være i fremtiden." in html(response), path
    assert rows(MisuseIncident) == rows(DebtSale) == rows(CreditDecision) == []
    assert db.session.get(User, person.id).deceased_on is None


def test_debt_sale_is_recorded_with_its_amount(client, as_staff, person):
    day = oslo_today() - timedelta(days=10)
    response = client.submit(
        f"{page_url(person)}/gjeld-solgt",
        {"sold_on": day.isoformat(), "buyer": "Lindorff AS", "amount": "2 499,50"},
        form_url=page_url(person),
    )
    assert response.status_code == 303
    (sale,) = rows(DebtSale)
    assert (sale.sold_on, sale.buyer, sale.amount_ore) == (day, "Lindorff AS", 249_950)
    text = html(client.get(page_url(person)))
    assert 'data-testid="erasure-check-debt-sold" data-blocks="ja"' in text


def test_debt_sale_amount_must_be_kroner(client, as_staff, person):
    response = client.submit(
        f"{page_url(person)}/gjeld-solgt",
        {"sold_on": "01.01.2025", "buyer": "Lindorff AS", "amount": "mange penger"},
        form_url=page_url(person),
    )
    assert response.status_code == 400
    assert "Skriv beløpet i kroner" in html(response)
    assert rows(DebtSale) == []


@pytest.mark.parametrize("outcome, blocks", [("rejected", "ja"), ("approved", "nei")])
def test_credit_decision_blocks_only_when_rejected(client, as_staff, person, outcome, blocks):
    response = client.submit(
        f"{page_url(person)}/kreditt",
        {"decided_on": norwegian(oslo_today()), "outcome": outcome},
        form_url=page_url(person),
    )
    assert response.status_code == 303
    assert [d.outcome for d in rows(CreditDecision)] == [outcome]
    text = html(client.get(page_url(person)))
    assert f'data-testid="erasure-check-credit-rejected" data-blocks="{blocks}"' in text


def test_death_shortens_a_debt_sale_to_one_year(client, as_staff, person):
    sold = oslo_today() - timedelta(days=400)  # more than one year, less than three
    db.session.add(DebtSale(user_id=person.id, sold_on=sold, buyer="Inkasso AS", amount_ore=1))
    db.session.commit()
    assert 'erasure-check-debt-sold" data-blocks="ja"' in html(client.get(page_url(person)))
    died = oslo_today() - timedelta(days=3)
    response = client.submit(
        f"{page_url(person)}/dodsfall", {"deceased_on": norwegian(died)}, form_url=page_url(person)
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, person.id).deceased_on == died
    text = html(client.get(page_url(person)))
    assert 'erasure-check-debt-sold" data-blocks="nei"' in text
    assert [r.target for r in audit_rows() if r.action == "privacy_fact"] == ["deceased"]


@pytest.mark.req("R3.10")
def test_staff_erase_a_guest_on_request(client, as_staff, db):
    guest = make_customer(password=None, registration_channel="checkout")
    guest_id, email = guest.id, guest.email
    db.session.commit()
    response = client.submit(
        f"/admin/kunder/{guest_id}/slett",
        {"channel": "phone", "confirm": "y"},
        form_url=f"/admin/kunder/{guest_id}/personvern-forhold",
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/kunder")
    db.session.expire_all()
    assert db.session.get(User, guest_id) is None
    assert [m.recipient for m in mails("erasure_confirmation")] == [email]
    (done,) = [row for row in audit_rows() if row.target == "erased"]
    assert (done.actor_id, done.actor_role, done.subject_user_id) == (as_staff.id, "staff", None)
    assert done.reason == "Sletting etter forespørsel på telefon"
    assert "Kunden er slettet" in html(client.get("/admin/kunder"))


def test_staff_erasure_is_refused_while_an_exception_applies(client, as_staff, person):
    order = make_order(person)
    db.session.commit()
    response = client.submit(
        f"/admin/kunder/{person.id}/slett",
        {"channel": "email", "confirm": "y"},
        form_url=page_url(person),
    )
    assert response.status_code == 409
    text = html(response)
    assert "Kunden kan ikke slettes ennå: en bestilling er ikke levert." in text
    assert order.number in text
    assert db.session.get(User, person.id) is not None
    assert mails("erasure_confirmation") == []


def test_staff_erasure_needs_the_channel_and_the_confirmation(client, as_staff, person):
    response = client.submit(f"/admin/kunder/{person.id}/slett", {}, form_url=page_url(person))
    assert response.status_code == 400
    text = html(response)
    assert "Velg hvordan kunden ba om sletting." in text
    assert "Kryss av for å bekrefte forespørselen." in text
    assert db.session.get(User, person.id) is not None
