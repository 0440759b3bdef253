"""The consent ledger for managers: /admin/samtykker and the CSV export /admin/samtykker.csv.

Who may open them is tested with the other privacy pages in test_privacy_admin.py.
"""

from __future__ import annotations

import csv
import io

from bkm.admin.consent_ledger import CSV_FIELDS, ledger_csv
from bkm.templating import oslo_datetime
from tests.factories import audit_rows, make_consent_record


def html(response) -> str:
    return response.get_data(as_text=True)


def test_the_ledger_lists_choices_newest_first_and_filters_by_consent_id(
    client, login_as, manager, customer, db
):
    older = make_consent_record(consent_id="a" * 32, granted=("statistics",), channel="banner")
    newer = make_consent_record(consent_id="b" * 32, action="withdraw", channel="settings")
    linked = make_consent_record(user=customer, channel="registration")
    db.session.commit()
    login_as(manager)

    page = html(client.get("/admin/samtykker"))
    assert page.index("b" * 32) < page.index("a" * 32)  # newest first
    assert "Tilpasset valg" in page and "Trakk tilbake samtykke" in page
    assert "Informasjonskapsel-banneret" in page and "Statistikk" in page
    assert f'href="/admin/kunder/{customer.id}">Kunde {customer.id}</a>' in page
    assert customer.email not in page and customer.name not in page
    assert oslo_datetime(older.at, "%d.%m.%Y %H:%M:%S") in page

    filtered = html(client.get("/admin/samtykker", query_string={"samtykke-id": "B" * 32}))
    assert "b" * 32 in filtered and "a" * 32 not in filtered
    assert linked.consent_id not in filtered and newer.consent_id in filtered
    bad = html(client.get("/admin/samtykker", query_string={"samtykke-id": "<x>"}))
    assert "En samtykke-ID har bare tallene 0–9 og bokstavene a–f." in bad
    assert "a" * 32 in bad  # a bad filter shows the whole ledger
    none = html(client.get("/admin/samtykker", query_string={"samtykke-id": "c" * 32}))
    assert "Ingen valg med denne samtykke-ID-en." in none


def test_the_ledger_pages_by_fifty_and_bad_pages_are_404(client, login_as, manager, db):
    records = [make_consent_record() for _ in range(51)]
    db.session.commit()
    login_as(manager)
    first = html(client.get("/admin/samtykker"))
    assert first.count('data-testid="ledger-row"') == 50
    assert "Viser 1–50 av 51 valg" in first
    second = html(client.get("/admin/samtykker?side=2"))
    assert records[0].consent_id in second and records[-1].consent_id not in second
    for side in ["abc", "0", "-1", "99999999", "3", "1.5"]:
        assert client.get(f"/admin/samtykker?side={side}").status_code == 404, side


def test_the_csv_export_has_every_row_and_is_on_the_audit_log(
    client, login_as, manager, customer, db
):
    make_consent_record(consent_id="a" * 32, granted=("statistics", "personalisation"))
    make_consent_record(consent_id="b" * 32, user=customer, channel="banner")
    db.session.commit()
    login_as(manager)

    response = client.get("/admin/samtykker.csv")

    assert response.status_code == 200
    assert response.is_streamed
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="samtykkelogg-')
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert tuple(rows[0]) == CSV_FIELDS
    by_id = {row["consent_id"]: row for row in rows}
    assert by_id["a" * 32]["action"] == "accept"
    assert by_id["a" * 32]["granted"] == "personalisation,statistics"
    assert by_id["a" * 32]["user_id"] == ""
    assert by_id["b" * 32]["user_id"] == str(customer.id)
    assert by_id["b" * 32]["channel"] == "banner"
    assert by_id["b" * 32]["at"][-6:] in ("+01:00", "+02:00")  # Oslo, with its offset
    assert [int(row["id"]) for row in rows] == sorted(int(row["id"]) for row in rows)

    exported = [row for row in audit_rows() if row.action == "exported"]
    assert [(row.actor_id, row.target, row.subject_user_id) for row in exported] == [
        (manager.id, "consent_ledger", None)
    ]


def test_the_export_reads_the_ledger_in_batches(db, customer):
    for _ in range(4):
        make_consent_record()
    db.session.commit()
    chunks = list(ledger_csv(batch=2))
    assert chunks[0].startswith("\ufeffid;at;consent_id;")
    lines = "".join(chunks).splitlines()
    assert len(lines) == 1 + 5  # the header, the customer's registration and four more
    assert len(chunks) == 1 + 3  # the header, then batches of two
