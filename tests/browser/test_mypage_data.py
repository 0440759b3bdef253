"""The issue's portability acceptance test in a real browser (R9.3, R9.4).

Two customers each have an invoiced order, a case with a staff reply, a quote, consents, a
newsletter subscription, interests and sent mail. One logs in, downloads her data from
/min-side/data, and the ZIP holds exactly her data: her name and address are there, the other
customer's name, e-mail and phone appear in no file. She then asks for the full copy, and the
link from the mail gives the access ZIP, again with nobody else in it.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from bkm.catalog.models import Product
from bkm.extensions import db
from bkm.mail.models import MailMessage
from bkm.privacy.data_map import BY_NAME
from tests.browser.helpers import log_in
from tests.factories import make_user
from tests.privacy.test_export import full_customer

pytestmark = [pytest.mark.browser, pytest.mark.req("R9.3"), pytest.mark.req("R9.4")]

LINK = re.compile(r"https?://[^/\s]+(/min-side/innsyn/[A-Za-z0-9_.\-]+)")
OTHER = ("Ola Fremmedsen", "ola.fremmed@example.no", "42222222")


def texts(archive: zipfile.ZipFile) -> dict[str, str]:
    return {
        name: archive.read(name).decode("utf-8-sig")
        for name in archive.namelist()
        if name.endswith((".json", ".csv", ".txt"))
    }


def assert_only_hers(archive: zipfile.ZipFile, customer_id: int, kind: str) -> None:
    described = json.loads(archive.read("format.json"))
    assert (described["kind"], described["customer_id"]) == (kind, customer_id)
    files = texts(archive)
    for name, text in files.items():
        for foreign in OTHER:
            assert foreign not in text, f"{foreign} in {name}"
    assert "Kari Eksportsen" in files["users.json"]
    assert "kari.eksport@example.no" in files["orders.csv"]
    for table in described["tables"]:
        document = json.loads(archive.read(table["json"]))
        owner = BY_NAME[table["name"]].owner
        if not owner.via and not owner.by_email and owner.column in document["columns"]:
            # rows that name their customer directly name her
            assert {row[owner.column] for row in document["rows"]} == {customer_id}, table["name"]


def test_customer_downloads_exactly_her_own_data(app, page, commit, write_images):
    staff = make_user(role="staff", name="Stian Stab")
    with app.test_request_context():
        kari = full_customer(
            staff,
            name="Kari Eksportsen",
            email="kari.eksport@example.no",
            phone="+4741111111",
            asked_for_access=False,
        )
        full_customer(staff, name=OTHER[0], email=OTHER[1], phone="+47" + OTHER[2])
    commit()
    write_images(*db.session.scalars(select(Product)))
    kari_id = kari.id

    log_in(page, kari)
    page.goto("/min-side/")
    page.get_by_role("navigation", name="Min side").get_by_role("link", name="Mine data").click()
    expect(page.get_by_role("heading", name="Mine data", level=1)).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_test_id("download-data").click()
    download = download_info.value
    assert re.fullmatch(
        r"mine-data-bruktekontormobler-\d{4}-\d\d-\d\d\.zip", download.suggested_filename
    )
    with open(download.path(), "rb") as file:
        portability = zipfile.ZipFile(io.BytesIO(file.read()))
    assert_only_hers(portability, kari_id, "portability")
    assert "personal_interests.json" not in portability.namelist()

    # The full copy: asked for on the same page, fetched from the link in the mail.
    page.get_by_test_id("send-data").click()
    expect(page.get_by_text("Vi har sendt en lenke til kari.eksport@example.no")).to_be_visible()
    db.session.expire_all()
    mail = db.session.scalars(
        select(MailMessage)
        .where(
            MailMessage.kind == "access_request", MailMessage.recipient == "kari.eksport@example.no"
        )
        .order_by(MailMessage.id.desc())
    ).first()
    (path,) = set(LINK.findall(mail.text_body))
    response = page.request.get(path)  # the browser's own cookies: logged in as Kari
    assert response.status == 200 and response.headers["content-type"] == "application/zip"
    access = zipfile.ZipFile(io.BytesIO(response.body()))
    assert_only_hers(access, kari_id, "access")
    assert "personal_interests.json" in access.namelist()
    assert any(name.startswith("dokumenter/") for name in access.namelist())

    page.goto("/min-side/data")
    expect(page.get_by_test_id("access-request-row").first).not_to_contain_text("Ikke ennå")
