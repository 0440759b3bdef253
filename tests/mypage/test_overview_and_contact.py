"""Min side's overview, the staff access log (R9.2) and the privacy contact form (R9.6)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bkm.audit.recording import record_view
from bkm.cases.models import Case
from bkm.extensions import db
from tests.factories import make_customer, make_order, make_user


@pytest.mark.req("R9.2")
def test_overview_shows_the_customers_data_and_orders(client, login_as):
    kari = login_as(make_customer())
    order = make_order(kari)
    db.session.commit()

    page = client.get("/min-side/").get_data(as_text=True)

    assert kari.name in page and kari.email in page and kari.street in page
    assert order.number in page
    assert "Vilkår og samtykker" in page


@pytest.mark.req("R9.2")
def test_customer_sees_who_at_the_shop_looked_at_their_data_with_role_and_reason(client, login_as):
    kari = make_customer()
    other = make_customer()
    stian = make_user(role="staff", name="Stian Stab")
    record_view(stian, kari.id, "viewed_customer", f"customer:{kari.id}")
    record_view(stian, other.id, "viewed_customer", f"customer:{other.id}")
    login_as(kari)

    page = client.get("/min-side/innsyn-logg").get_data(as_text=True)

    assert page.count('data-testid="access-log-row"') == 1
    assert "Stian Stab" in page and "Kundebehandler" in page and "Kundeservice" in page


def test_staff_viewing_a_customer_is_logged_with_role_and_reason(client, login_as, manager):
    kari = make_customer()
    login_as(manager)

    client.get(f"/admin/kunder/{kari.id}")

    from tests.factories import audit_rows

    (row,) = audit_rows()
    assert (row.actor_role, row.reason, row.subject_user_id) == ("manager", "Kundeservice", kari.id)


@pytest.mark.req("R9.6")
def test_privacy_contact_form_opens_a_case_marked_personopplysninger(client, login_as):
    kari = login_as(make_customer())

    response = client.submit(
        "/min-side/kontakt",
        {"subject": "Personopplysninger", "body": "Hvilke opplysninger har dere om meg fra 2019?"},
    )

    assert response.status_code == 303
    case = db.session.scalar(select(Case).where(Case.customer_id == kari.id))
    assert case.kind == "privacy" and case.subject == "Personopplysninger"
    assert response.headers["Location"].endswith(f"/konto/saker/{case.number}")


def test_privacy_contact_form_without_a_message_says_so_and_opens_nothing(client, login_as):
    login_as(make_customer())

    response = client.submit("/min-side/kontakt", {"subject": "Personopplysninger", "body": " "})

    assert response.status_code == 400
    assert "Skriv hva henvendelsen gjelder." in response.get_data(as_text=True)
    assert db.session.scalar(select(Case)) is None


def test_a_nul_character_in_a_message_is_refused_on_its_field_and_nothing_is_stored(
    client, login_as
):
    login_as(make_customer())

    response = client.submit(
        "/min-side/kontakt", {"subject": "Personopplysninger", "body": "Hei\x00"}
    )

    assert response.status_code == 400
    assert "Feltet inneholder tegn som ikke er tillatt." in response.get_data(as_text=True)
    assert db.session.scalar(select(Case)) is None
