"""Sales calls and catalogues (R3.7): customers say yes or no, staff record what they were
told, and the call and catalogue lists hold only those who may be contacted."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from flask import render_template
from flask_login import login_user, logout_user
from sqlalchemy import select

from bkm.clock import oslo_today, to_oslo, utcnow
from bkm.consent.models import ConsentRecord
from bkm.forms import format_phone
from bkm.newsletter.models import ContactPreference
from bkm.newsletter.preferences import (
    CALL_HOURS_NOTICE,
    PreferenceError,
    call_list,
    catalogue_list,
    mark_reserved,
    preferences_of,
    set_calls,
    set_catalogues,
)
from tests.factories import audit_rows, make_customer, make_user

SAVE_URL = "/konto/markedsforing/kontakt"
TOKEN_PAGE = "/konto/send-bekreftelse"  # any page with a CSRF token for this session
CALL_CSV = "/admin/markedsforing/ringeliste.csv"
CATALOGUE_CSV = "/admin/markedsforing/katalogliste.csv"
ADMIN_PAGES = ["/admin/markedsforing", CALL_CSV, CATALOGUE_CSV]


def save(client, **fields):
    return client.submit(SAVE_URL, fields, form_url=TOKEN_PAGE)


def fresh(user_id: int) -> ContactPreference | None:
    from bkm.extensions import db

    db.session.expire_all()
    return db.session.get(ContactPreference, user_id)


def ledger_of(user_id: int) -> list[ConsentRecord]:
    from bkm.extensions import db

    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.user_id == user_id, ConsentRecord.channel != "registration")
            .order_by(ConsentRecord.id)
        )
    )


def flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


def ids(query) -> set[int]:
    from bkm.extensions import db

    return {person.id for person, _prefs in db.session.execute(query)}


def csv_rows(response) -> list[list[str]]:
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text), delimiter=";"))


# --- the rules ---------------------------------------------------------------------------


@pytest.mark.req("R3.7")
def test_not_asked_means_no(db):
    customer = make_customer()
    db.session.commit()

    prefs = preferences_of(customer.id)

    assert (prefs.calls_allowed, prefs.catalogues_allowed, prefs.reserved) == (False,) * 3
    assert prefs.calls_set_at is None and prefs.catalogues_set_at is None
    assert fresh(customer.id) is None  # nothing was stored by asking
    assert customer.id not in ids(call_list()) | ids(catalogue_list())


def test_the_rules_refuse_bad_values_and_non_customers(db, staff):
    customer = make_customer()
    for bad in ("ja", 1, None):
        with pytest.raises(PreferenceError):
            set_calls(customer, bad, "mypage")
    with pytest.raises(PreferenceError):
        set_catalogues(customer, True, "telefon")
    with pytest.raises(PreferenceError):
        set_calls(staff, True, "staff")
    with pytest.raises(PreferenceError):
        mark_reserved(customer, True, oslo_today() + timedelta(days=1))
    with pytest.raises(PreferenceError):
        mark_reserved(customer, "ja", oslo_today())
    assert fresh(customer.id) is None


def test_a_ledger_row_takes_the_customers_consent_id_or_a_new_one(db):
    registered = make_customer()  # answered the statement at registration: one ledger row
    staff_made = make_customer(password=None)  # registered by staff: no ledger row yet
    set_calls(registered, True, "staff")
    set_calls(staff_made, True, "staff")
    db.session.commit()

    (first,) = ledger_of(registered.id)
    registration = db.session.scalar(
        select(ConsentRecord).where(
            ConsentRecord.user_id == registered.id, ConsentRecord.channel == "registration"
        )
    )
    assert first.consent_id == registration.consent_id
    (other,) = ledger_of(staff_made.id)
    assert len(other.consent_id) == 32 and other.consent_id != first.consent_id


# --- the customer's form -----------------------------------------------------------------


@pytest.mark.req("R3.7")
def test_a_customer_says_yes_and_then_no_on_the_form(client, login_as, db):
    customer = login_as(make_customer())
    before = utcnow()

    response = save(client, ringe="ja", kataloger="ja")

    assert response.status_code == 303
    assert response.headers["Location"] == "/konto/markedsforing"
    assert flashes(client) == [
        (
            "success",
            "Valgene dine er lagret. Vi kan ringe deg med tilbud, og vi sender deg kataloger "
            "i posten.",
        )
    ]
    prefs = fresh(customer.id)
    assert (prefs.calls_allowed, prefs.catalogues_allowed) == (True, True)
    assert (prefs.calls_source, prefs.catalogues_source) == ("mypage", "mypage")
    assert prefs.calls_set_at >= before and prefs.catalogues_set_at >= before
    yes = ledger_of(customer.id)
    assert [(r.action, r.granted, r.refused, r.channel) for r in yes] == [
        ("accept", "sales_calls", "", "mypage"),
        ("accept", "catalogues", "", "mypage"),
    ]
    assert all(len(r.text_digest) == 64 and r.policy_version >= 1 for r in yes)
    assert customer.id in ids(call_list()) and customer.id in ids(catalogue_list())

    response = save(client)  # both boxes unticked

    assert response.status_code == 303
    prefs = fresh(customer.id)
    assert (prefs.calls_allowed, prefs.catalogues_allowed) == (False, False)
    assert prefs.calls_set_at >= yes[0].at
    no = ledger_of(customer.id)[2:]
    assert [(r.action, r.granted, r.refused, r.channel) for r in no] == [
        ("withdraw", "", "sales_calls", "mypage"),
        ("withdraw", "", "catalogues", "mypage"),
    ]
    assert customer.id not in ids(call_list()) | ids(catalogue_list())

    save(client)  # the same answer again: nothing new to record
    assert len(ledger_of(customer.id)) == 4
    assert flashes(client)[-1] == ("info", "Ingen endringer. Valgene dine er som før.")


@pytest.mark.req("R3.7")
def test_a_first_no_is_recorded_as_an_answer(client, login_as, db):
    customer = login_as(make_customer())

    save(client, kataloger="ja")

    prefs = fresh(customer.id)
    assert prefs.calls_allowed is False and prefs.calls_set_at is not None
    assert prefs.catalogues_allowed is True
    first, _catalogues = ledger_of(customer.id)
    assert (first.action, first.refused) == ("reject", "sales_calls")


@pytest.mark.req("R3.7")
def test_the_form_shows_the_customers_answers_and_ticks_nothing_unasked(app, db, staff):
    customer = make_customer()
    db.session.commit()

    def rendered(user) -> str:
        with app.test_request_context("/konto/markedsforing"):
            if user is not None:
                login_user(user)
            page = render_template("newsletter/_contact_preferences.html")
            logout_user()
            return page

    never_asked = rendered(customer)
    assert "Ja, dere kan ringe meg med tilbud" in never_asked
    assert "Ja, send meg kataloger i posten" in never_asked
    assert f'action="{SAVE_URL}"' in never_asked and 'name="csrf_token"' in never_asked
    assert ">Lagre</button>" in never_asked
    assert "checked" not in never_asked

    set_calls(customer, True, "staff")
    db.session.commit()
    page = rendered(customer)
    assert 'name="ringe" value="ja" checked' in page
    assert 'name="kataloger" value="ja" data-testid' in page  # still unticked

    assert "contact-preferences" not in rendered(staff)
    assert "contact-preferences" not in rendered(None)


@pytest.mark.req("R3.7")
def test_the_marketing_page_shows_the_form_and_the_saved_answer(client, login_as, db):
    login_as(make_customer())
    page = client.get("/konto/markedsforing").get_data(as_text=True)
    assert "Ja, dere kan ringe meg med tilbud" in page and 'value="ja" checked' not in page

    client.submit(SAVE_URL, {"ringe": "ja"}, form_url="/konto/markedsforing")

    page = client.get("/konto/markedsforing").get_data(as_text=True)
    assert "Valgene dine er lagret. Vi kan ringe deg med tilbud" in page
    assert 'name="ringe" value="ja" checked' in page


@pytest.mark.parametrize(
    "fields",
    [
        {"ringe": "banan"},
        {"ringe": "true", "kataloger": "ja"},
        {"ringe": ["ja", "ja"]},
        {"kataloger": "x" * 10_000},
        {"ringe": ""},
    ],
)
def test_a_garbled_answer_changes_nothing_and_never_fails(client, login_as, db, fields):
    customer = login_as(make_customer())

    response = save(client, **fields)

    assert response.status_code == 303
    assert flashes(client) == [
        ("error", "Vi forsto ikke svaret ditt. Ingenting er endret, prøv igjen.")
    ]
    assert fresh(customer.id) is None and ledger_of(customer.id) == []


def test_the_form_needs_a_csrf_token(client, login_as, db):
    customer = login_as(make_customer())
    assert client.post(SAVE_URL, data={"ringe": "ja"}).status_code == 400
    assert fresh(customer.id) is None


def test_only_customers_save_the_form(client, login_as, staff, db):
    token = client.csrf_token("/konto/logg-inn")
    response = client.post(SAVE_URL, data={"csrf_token": token, "ringe": "ja"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/logg-inn")

    login_as(staff)
    assert save(client, ringe="ja").status_code == 403
    assert fresh(staff.id) is None
    assert client.get(SAVE_URL).status_code == 405


# --- staff ------------------------------------------------------------------------------


@pytest.mark.req("R3.7")
def test_staff_record_what_a_customer_said_by_phone(client, login_as, staff, db):
    customer = make_customer(name="Ola Haugen")
    db.session.commit()
    login_as(staff)
    page_url = f"/admin/kunder/{customer.id}"

    page = client.get(page_url).get_data(as_text=True)
    assert "Telefonsalg og kataloger" in page
    assert page.count("Ikke spurt (nei)") == 2 and "Ikke sjekket" in page

    response = client.submit(
        f"{page_url}/kontaktvalg", {"ringe": "ja", "kataloger": ""}, form_url=page_url
    )

    assert response.status_code == 303 and response.headers["Location"] == page_url
    prefs = fresh(customer.id)
    assert (prefs.calls_allowed, prefs.calls_source) == (True, "staff")
    assert prefs.catalogues_set_at is None  # "Ikke spurt" is left as it was
    (record,) = ledger_of(customer.id)
    assert (record.action, record.granted, record.channel) == ("accept", "sales_calls", "staff")
    assert customer.id in ids(call_list())
    page = client.get(page_url).get_data(as_text=True)
    assert "Registrert av oss" in page and "Ikke spurt (nei)" in page

    checked = oslo_today() - timedelta(days=2)
    response = client.submit(
        f"{page_url}/reservasjon",
        {"reservert": "ja", "sjekket": checked.strftime("%d.%m.%Y")},
        form_url=page_url,
    )

    assert response.status_code == 303
    prefs = fresh(customer.id)
    assert (prefs.reserved, prefs.reserved_checked_on) == (True, checked)
    assert customer.id not in ids(call_list())
    page = client.get(page_url).get_data(as_text=True)
    assert "Reservert mot telefonsalg" in page and checked.strftime("%d.%m.%Y") in page

    client.submit(f"{page_url}/kontaktvalg", {"ringe": "nei"}, form_url=page_url)
    assert fresh(customer.id).calls_allowed is False
    assert ledger_of(customer.id)[-1].action == "withdraw"


@pytest.mark.parametrize(
    ("url", "fields"),
    [
        ("kontaktvalg", {"ringe": "kanskje"}),
        ("kontaktvalg", {"kataloger": "x" * 5000}),
        ("reservasjon", {"reservert": "ja", "sjekket": "32.13.2026"}),
        ("reservasjon", {"reservert": "ja", "sjekket": ""}),
        ("reservasjon", {"reservert": "ja", "sjekket": "01.01.2999"}),
        ("reservasjon", {"reservert": "tja", "sjekket": "01.01.2020"}),
    ],
)
def test_staff_bad_input_changes_nothing(client, login_as, staff, db, url, fields):
    customer = make_customer()
    db.session.commit()
    login_as(staff)
    page_url = f"/admin/kunder/{customer.id}"

    response = client.submit(f"{page_url}/{url}", fields, form_url=page_url)

    assert response.status_code == 303
    assert flashes(client)[-1][0] == "error"
    assert fresh(customer.id) is None and ledger_of(customer.id) == []


def test_staff_cannot_set_preferences_for_staff_or_nobody(client, login_as, staff, manager, db):
    login_as(staff)
    token = client.csrf_token(TOKEN_PAGE)
    for user_id in (manager.id, 999_999):
        for url in ("kontaktvalg", "reservasjon"):
            response = client.post(
                f"/admin/kunder/{user_id}/{url}",
                data={
                    "csrf_token": token,
                    "ringe": "ja",
                    "reservert": "ja",
                    "sjekket": "01.01.2020",
                },
            )
            assert response.status_code == 404
    assert fresh(manager.id) is None


# --- the lists ---------------------------------------------------------------------------


def _yes_to_both(person):
    set_calls(person, True, "mypage")
    set_catalogues(person, True, "mypage")
    return person


def _with_row(person, **flags):
    """A preference row for someone the rules would refuse (staff): the lists must too."""
    from bkm.extensions import db

    row = ContactPreference(
        user_id=person.id,
        calls_allowed=True,
        calls_set_at=utcnow(),
        calls_source="staff",
        catalogues_allowed=True,
        catalogues_set_at=utcnow(),
        catalogues_source="staff",
        reserved=False,
        **flags,
    )
    db.session.add(row)
    db.session.flush()
    return person


@pytest.mark.req("R3.7")
def test_the_lists_hold_only_active_customers_who_said_yes(db):
    both = _yes_to_both(make_customer())
    said_no = make_customer()
    set_calls(said_no, False, "mypage")
    set_catalogues(said_no, False, "mypage")
    never_asked = make_customer()
    reserved = _yes_to_both(make_customer())
    mark_reserved(reserved, True, oslo_today())
    checked_free = _yes_to_both(make_customer())
    mark_reserved(checked_free, False, oslo_today())
    blocked = _yes_to_both(make_customer(is_active_account=False))
    no_phone = _yes_to_both(make_customer(phone=None))
    blank_phone = _yes_to_both(make_customer(phone="  "))
    no_street = _yes_to_both(make_customer(street=None))
    no_postcode = _yes_to_both(make_customer(postcode=""))
    no_city = _yes_to_both(make_customer(city=None))
    calls_only = make_customer()
    set_calls(calls_only, True, "staff")
    staff = _with_row(
        make_user(
            role="staff", phone="+4741234567", street="Gata 1", postcode="2408", city="Elverum"
        )
    )
    manager = _with_row(
        make_user(
            role="manager", phone="+4741234568", street="Gata 2", postcode="2408", city="Elverum"
        )
    )
    db.session.commit()

    calls = ids(call_list())
    catalogues = ids(catalogue_list())

    assert calls == {
        both.id,
        checked_free.id,
        no_street.id,
        no_postcode.id,
        no_city.id,
        calls_only.id,
    }
    assert catalogues == {both.id, reserved.id, checked_free.id, no_phone.id, blank_phone.id}
    for left_out in (said_no, never_asked, blocked, staff, manager):
        assert left_out.id not in calls | catalogues


# --- the exports -------------------------------------------------------------------------


@pytest.mark.req("R3.7")
def test_the_call_list_csv_says_when_to_call_and_is_on_the_audit_log(client, login_as, staff, db):
    kari = _yes_to_both(make_customer(name="Kari Nordmann"))
    mark_reserved(kari, False, date(2026, 1, 5))
    _yes_to_both(make_customer(name='=HYPERLINK("x")'))
    refused = make_customer(name="Per Olsen")
    set_calls(refused, False, "mypage")
    db.session.commit()
    login_as(staff)

    response = client.get(CALL_CSV)

    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="ringeliste-')
    assert response.headers["Cache-Control"] == "no-store"
    rows = csv_rows(response)
    assert rows[0] == [CALL_HOURS_NOTICE]
    assert "Ring bare hverdager kl. 09–21" in rows[0][0] and "§ 14" in rows[0][0]
    assert rows[1] == ["Navn", "Telefon", "Sa ja", "Sjekket i Reservasjonsregisteret"]
    by_name = {row[0]: row for row in rows[2:]}
    assert set(by_name) == {"Kari Nordmann", '\'=HYPERLINK("x")'}
    _name, phone, said_yes, checked = by_name["Kari Nordmann"]
    assert phone == format_phone(kari.phone) and not phone.startswith("+")
    assert said_yes == to_oslo(fresh(kari.id).calls_set_at).strftime("%d.%m.%Y %H:%M")
    assert checked == "05.01.2026"

    exported = [row for row in audit_rows() if row.action == "exported"]
    assert [(row.actor_id, row.target, row.subject_user_id) for row in exported] == [
        (staff.id, "call_list", None)
    ]


@pytest.mark.req("R3.7")
def test_the_catalogue_list_csv_has_postal_addresses_and_is_on_the_audit_log(
    client, login_as, manager, db
):
    firm = _yes_to_both(make_customer(customer_type="business", name="Håkon Moen"))
    _yes_to_both(make_customer(city=None, name="Uten Poststed"))
    db.session.commit()
    login_as(manager)

    response = client.get(CATALOGUE_CSV)

    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="katalogliste-')
    rows = csv_rows(response)
    assert rows[0] == ["Navn", "Firma", "Adresse", "Postnummer", "Poststed"]
    assert rows[1:] == [[firm.name, firm.company_name, firm.street, firm.postcode, firm.city]]
    exported = [row for row in audit_rows() if row.action == "exported"]
    assert [(row.actor_id, row.target) for row in exported] == [(manager.id, "catalogue_list")]


def test_the_marketing_page_counts_the_lists_and_is_in_the_nav(client, login_as, staff, db):
    fresh_check = _yes_to_both(make_customer())
    mark_reserved(fresh_check, False, oslo_today())
    _yes_to_both(make_customer())  # never checked against the register
    old_check = _yes_to_both(make_customer(phone=None))
    mark_reserved(old_check, False, oslo_today() - timedelta(days=60))
    db.session.commit()
    login_as(staff)

    page = client.get("/admin/markedsforing").get_data(as_text=True)

    assert 'href="/admin/markedsforing"' in page and ">Markedsføring</a>" in page
    assert f'href="{CALL_CSV}"' in page and f'href="{CATALOGUE_CSV}"' in page
    assert "2 kunder kan ringes." in page
    assert "3 kunder kan få katalog i posten." in page
    assert "1 kunde på ringelisten er ikke sjekket" in page
    assert "Ring bare hverdager kl. 09–21" in page
    assert not [row for row in audit_rows() if row.action == "exported"]


# --- who may see the lists ---------------------------------------------------------------


@pytest.mark.req("R3.7")
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_visitors_and_customers_cannot_reach_the_lists(client, login_as, db, url):
    _yes_to_both(make_customer())
    db.session.commit()

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"].startswith("/konto/logg-inn?next=")

    login_as(make_customer())
    assert client.get(url).status_code == 403
    assert not [row for row in audit_rows() if row.action == "exported"]


def test_customers_cannot_set_flags_through_the_staff_routes(client, login_as, db):
    other = make_customer()
    db.session.commit()
    login_as(make_customer())
    token = client.csrf_token(TOKEN_PAGE)
    for url, fields in (
        ("kontaktvalg", {"ringe": "ja"}),
        ("reservasjon", {"reservert": "ja", "sjekket": "01.01.2020"}),
    ):
        response = client.post(
            f"/admin/kunder/{other.id}/{url}", data={"csrf_token": token, **fields}
        )
        assert response.status_code == 403
    assert fresh(other.id) is None
