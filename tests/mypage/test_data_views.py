"""Min side – Mine data: the portability download (R9.3), the access request and its e-mailed
link (R9.4)."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from sqlalchemy import select

from bkm.accounts.passwords import hash_password
from bkm.clock import oslo_today
from bkm.extensions import db
from bkm.mail.models import MailMessage
from bkm.privacy.access import ACCESS_SALT, make_access_token, one_month_after
from bkm.privacy.models import AccessRequest
from tests.accounts.helpers import signed_seconds_ago
from tests.factories import make_customer, make_order, make_user

LINK = re.compile(r"http://localhost(/min-side/innsyn/[A-Za-z0-9_.\-]+)")
DAY = 24 * 3600


def requests() -> list[AccessRequest]:
    db.session.expire_all()
    return list(db.session.scalars(select(AccessRequest).order_by(AccessRequest.id)))


def access_mails() -> list[MailMessage]:
    db.session.expire_all()
    stmt = select(MailMessage).where(MailMessage.kind == "access_request")
    return list(db.session.scalars(stmt.order_by(MailMessage.id)))


def link_in(mail: MailMessage) -> str:
    (path,) = set(LINK.findall(mail.text_body))
    assert f'href="http://localhost{path}"' in mail.html_body
    return path


def zip_of(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


def ask_for_access(client) -> None:
    response = client.submit("/min-side/data/send", form_url="/min-side/data")
    assert response.status_code == 303


def test_data_page_offers_both_copies_to_the_logged_in_customer(client, login_as):
    kari = login_as(make_customer())

    page = client.get("/min-side/data").get_data(as_text=True)

    assert 'data-testid="download-data"' in page and "Last ned mine data" in page
    assert 'data-testid="send-data"' in page and "Send meg mine data" in page
    assert kari.email in page  # where the link will go


def test_data_page_is_for_customers_only(client, login_as):
    assert client.get("/min-side/data").status_code == 302  # to the login page
    login_as(make_user(role="staff"))
    assert client.get("/min-side/data").status_code == 403


@pytest.mark.req("R9.3")
def test_last_ned_mine_data_downloads_the_portability_zip_named_by_the_oslo_date(client, login_as):
    kari = login_as(make_customer(name="Kari Nedlaster"))
    make_order(kari)
    db.session.commit()

    response = client.submit("/min-side/data/last-ned", form_url="/min-side/data")

    archive = zip_of(response)
    expected = f"mine-data-bruktekontormobler-{oslo_today().isoformat()}.zip"
    assert f"filename={expected}" in response.headers["Content-Disposition"]
    assert "attachment" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    described = json.loads(archive.read("format.json"))
    assert (described["kind"], described["customer_id"]) == ("portability", kari.id)
    assert "orders.json" in archive.namelist()
    assert requests() == []  # a download is not an access request


def test_a_post_without_the_csrf_token_downloads_nothing(client, login_as):
    login_as(make_customer())

    response = client.post("/min-side/data/last-ned")

    assert response.status_code == 400
    assert response.mimetype != "application/zip"


@pytest.mark.req("R9.4")
def test_send_meg_mine_data_logs_the_request_with_a_month_and_mails_a_working_link(
    client, login_as
):
    kari = login_as(make_customer(email="kari.innsyn@example.no"))

    ask_for_access(client)

    (request,) = requests()
    assert (request.user_id, request.channel) == (kari.id, "min_side")
    assert request.due_on == one_month_after(oslo_today())
    assert request.sent_at is not None and request.downloaded_at is None
    (mail,) = access_mails()
    assert mail.recipient == "kari.innsyn@example.no"
    page = client.get("/min-side/data").get_data(as_text=True)
    assert "Vi har sendt en lenke til kari.innsyn@example.no" in page
    assert page.count('data-testid="access-request-row"') == 1

    response = client.get(link_in(mail))

    archive = zip_of(response)
    expected = f"innsyn-bruktekontormobler-{oslo_today().isoformat()}.zip"
    assert f"filename={expected}" in response.headers["Content-Disposition"]
    described = json.loads(archive.read("format.json"))
    assert (described["kind"], described["customer_id"]) == ("access", kari.id)
    assert "privacy_access_requests.json" in archive.namelist()
    (request,) = requests()
    first_download = request.downloaded_at
    assert first_download is not None

    assert client.get(link_in(mail)).status_code == 200  # the link works all week
    (request,) = requests()
    assert request.downloaded_at == first_download  # the first download is the one recorded


def test_asking_again_within_a_day_sends_no_second_mail(client, login_as):
    login_as(make_customer())
    ask_for_access(client)

    ask_for_access(client)

    assert len(requests()) == 1 and len(access_mails()) == 1
    page = client.get("/min-side/data").get_data(as_text=True)
    assert "du kan be om en ny lenke når det har gått et døgn" in page


def test_link_needs_a_login_and_sends_the_visitor_to_the_login_page(client, login_as):
    login_as(make_customer())
    ask_for_access(client)
    client.submit("/konto/logg-ut", form_url="/min-side/data")

    response = client.get(link_in(access_mails()[0]))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/logg-inn")
    assert requests()[0].downloaded_at is None


@pytest.mark.req("R9.4")
def test_another_customers_link_gets_a_clear_page_and_no_data(client, login_as):
    kari = login_as(make_customer())
    ask_for_access(client)
    path = link_in(access_mails()[0])
    client.submit("/konto/logg-ut", form_url="/min-side/data")
    login_as(make_customer(name="Ola Annen"))

    response = client.get(path)

    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert 'data-problem="foreign"' in page and "Lenken hører til en annen konto" in page
    assert kari.email not in page
    assert requests()[0].downloaded_at is None


def test_tampered_link_gets_a_clear_page(client, login_as):
    login_as(make_customer())
    ask_for_access(client)
    path = link_in(access_mails()[0])

    response = client.get(path[:-3] + ("xyz" if not path.endswith("xyz") else "abc"))

    assert response.status_code == 404
    assert 'data-problem="invalid"' in response.get_data(as_text=True)
    assert client.get("/min-side/innsyn/%00%ff").status_code == 404


def test_expired_link_gets_a_clear_page_offering_a_new_one(app, client, login_as, monkeypatch):
    kari = login_as(make_customer())
    ask_for_access(client)
    (request,) = requests()
    with app.test_request_context(), signed_seconds_ago(monkeypatch, 8 * DAY, salt=ACCESS_SALT):
        token = make_access_token(request, kari)

    response = client.get(f"/min-side/innsyn/{token}")

    assert response.status_code == 410
    page = response.get_data(as_text=True)
    assert 'data-problem="expired"' in page and 'href="/min-side/data"' in page
    assert requests()[0].downloaded_at is None


def test_a_password_change_voids_the_link(client, login_as):
    kari = login_as(make_customer())
    ask_for_access(client)
    path = link_in(access_mails()[0])
    kari.password_hash = hash_password("et-helt-nytt-passord")
    db.session.commit()
    login_as(kari, password="et-helt-nytt-passord")

    response = client.get(path)

    assert response.status_code == 410
    assert 'data-problem="voided"' in response.get_data(as_text=True)


def test_data_pages_stay_open_while_new_terms_wait_for_an_answer(client, login_as):
    login_as(make_customer(answered_terms=False))

    assert client.get("/min-side/").status_code == 303  # the gate asks first elsewhere
    assert client.get("/min-side/data").status_code == 200
    response = client.submit("/min-side/data/last-ned", form_url="/min-side/data")
    assert response.mimetype == "application/zip"
