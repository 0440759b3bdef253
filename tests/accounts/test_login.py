"""Logging in and out, and who may see the statistics."""

import pytest

from tests.factories import DEFAULT_PASSWORD, make_user


def test_login_with_right_password_logs_in_and_redirects(client, customer):
    response = client.submit(
        "/konto/logg-inn",
        {"email": customer.email.upper(), "password": "riktig-hest-batteri-stift"},
    )
    assert response.status_code == 302
    assert "Kari Kunde" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("person@example.no", "feil", "Feil e-post eller passord."),
        ("", "x", "Skriv inn e-postadressen din."),
        ("ikke-en-adresse", "x", "Skriv en gyldig e-postadresse."),
        ("kari@example.no", "", "Skriv inn passordet ditt."),
    ],
)
def test_login_errors_are_norwegian(client, customer, email, password, message):
    response = client.submit("/konto/logg-inn", {"email": email, "password": password})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_wrong_password_for_existing_account_gets_the_same_message(client, customer):
    response = client.submit("/konto/logg-inn", {"email": customer.email, "password": "feil"})
    assert "Feil e-post eller passord." in response.get_data(as_text=True)


def test_login_without_csrf_token_is_refused(client, customer):
    response = client.post("/konto/logg-inn", data={"email": customer.email, "password": "x"})
    assert response.status_code == 400
    assert "Skjemaet er utløpt" in response.get_data(as_text=True)


def test_inactive_account_cannot_log_in(client, db):
    user = make_user(is_active_account=False)
    db.session.commit()
    response = client.submit(
        "/konto/logg-inn", {"email": user.email, "password": "riktig-hest-batteri-stift"}
    )
    assert "Feil e-post eller passord." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_login_never_redirects_off_site(client, customer, target):
    response = client.submit(
        f"/konto/logg-inn?next={target}",
        {"email": customer.email, "password": "riktig-hest-batteri-stift"},
        form_url="/konto/logg-inn",
    )
    assert response.headers["Location"] == "/"


def test_login_returns_to_the_page_asked_for(client, manager):
    response = client.submit(
        "/konto/logg-inn?next=/statistikk/",
        {"email": manager.email, "password": "riktig-hest-batteri-stift"},
        form_url="/konto/logg-inn",
    )
    assert response.headers["Location"] == "/statistikk/"


def test_logout_needs_a_post_with_csrf(client, login_as, customer):
    login_as(customer)
    assert client.get("/konto/logg-ut").status_code == 405
    response = client.submit("/konto/logg-ut", form_url="/")
    assert response.status_code == 302
    assert "Kari Kunde" not in client.get("/").get_data(as_text=True)


def test_statistics_send_anonymous_visitors_to_login(client):
    response = client.get("/statistikk/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/logg-inn")


@pytest.mark.parametrize("role_fixture", ["customer", "staff"])
def test_statistics_are_forbidden_to_non_managers(client, login_as, request, role_fixture):
    login_as(request.getfixturevalue(role_fixture))
    assert client.get("/statistikk/").status_code == 403


def test_statistics_open_for_managers(client, login_as, manager):
    login_as(manager)
    response = client.get("/statistikk/")
    assert response.status_code == 200
    assert "Statistikk" in response.get_data(as_text=True)


@pytest.mark.parametrize(("remember", "kept"), [("y", True), (None, False)])
def test_husk_meg_keeps_the_login_only_when_ticked(client, customer, remember, kept):
    data = {"email": customer.email, "password": "riktig-hest-batteri-stift"}
    if remember:
        data["remember"] = remember
    client.submit("/konto/logg-inn", data)
    assert (client.get_cookie("remember_token") is not None) is kept


def test_husk_meg_is_not_ticked_in_advance(client):
    page = client.get("/konto/logg-inn").get_data(as_text=True)
    assert 'type="checkbox"' in page and "checked" not in page


def test_changing_the_password_ends_other_sessions(app, client, login_as, customer, db):
    login_as(customer)
    assert "Kari Kunde" in client.get("/").get_data(as_text=True)
    from bkm.accounts.passwords import hash_password

    customer.password_hash = hash_password("et-helt-nytt-passord")  # e.g. reset in another browser
    db.session.commit()
    assert "Kari Kunde" not in client.get("/").get_data(as_text=True)
    assert client.get("/konto/ordre").status_code == 302  # back to the login page


def test_a_role_change_takes_effect_only_after_logging_in_again(client, login_as, staff, db):
    login_as(staff)
    assert client.get("/admin/").status_code == 200
    staff.role = "manager"  # promoted (or demoted) while logged in elsewhere
    db.session.commit()
    assert client.get("/admin/").status_code == 302  # the old session is over
    login_as(staff)
    assert client.get("/admin/samtykker").status_code == 200  # a new session, the new role


def test_deactivating_an_account_ends_its_session(client, login_as, staff, db):
    login_as(staff)
    assert client.get("/admin/").status_code == 200
    staff.is_active_account = False
    db.session.commit()
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("forged", ["1", "1:abc", "x:y", "٣:z", "9" * 40 + ":z", ""])
def test_forged_session_ids_load_nobody(app, forged, customer):
    from bkm.accounts.roles import load_user

    assert load_user(forged) is None


def test_login_renews_the_session_keeping_only_registered_keys(client, customer):
    from bkm.accounts import KEPT_AT_LOGIN

    assert {"cart"} == KEPT_AT_LOGIN  # the anonymous cart's token, merged at login
    with client.session_transaction() as before:
        before["planted"] = "set by an attacker before login"
    client.submit("/konto/logg-inn", {"email": customer.email, "password": DEFAULT_PASSWORD})
    with client.session_transaction() as after:
        assert "planted" not in after and "_user_id" in after
