"""Managers' privacy pages: access to all three, the statement's versions, the processors register.

The consent ledger's page and export are in test_consent_ledger_admin.py.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bkm.clock import oslo_today
from bkm.consent.models import PolicyVersion, Processor
from bkm.consent.policy import current_version
from tests.factories import audit_rows

MANAGER_PAGES = [
    "/admin/personvern",
    "/admin/databehandlere",
    "/admin/databehandlere/ny",
    "/admin/samtykker",
    "/admin/samtykker.csv",
]


def html(response) -> str:
    return response.get_data(as_text=True)


def versions(db) -> list[PolicyVersion]:
    db.session.expire_all()
    return list(db.session.scalars(select(PolicyVersion).order_by(PolicyVersion.id)))


def processors(db) -> list[Processor]:
    db.session.expire_all()
    return list(db.session.scalars(select(Processor).order_by(Processor.id)))


def make_processor(db, name="Domeneshop AS", **overrides) -> Processor:
    fields = {
        "name": name,
        "service": "Drift av nettbutikken",
        "data": "Kundekontoer og ordrer",
        "location": "Norge",
        "agreement_date": date(2024, 1, 15),
    }
    fields.update(overrides)
    processor = Processor(**fields)
    db.session.add(processor)
    db.session.commit()
    return processor


def processor_form(**overrides) -> dict:
    fields = {
        "name": "Posten Bring AS",
        "service": "Frakt og levering",
        "personal_data": "Navn, leveringsadresse og telefonnummer",
        "location": "Norge",
        "agreement_date": "2024-02-05",
    }
    fields.update(overrides)
    return fields


def new_draft(client) -> str:
    """'Ny versjon' on the list; the URL of the draft it leads to."""
    response = client.submit("/admin/personvern/ny", form_url="/admin/personvern")
    assert response.status_code == 303
    return response.headers["Location"]


# --- access ------------------------------------------------------------------------------


@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_anonymous_visitors_are_sent_to_the_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/konto/logg-inn?next=")


@pytest.mark.parametrize("role", ["staff", "customer"])
@pytest.mark.parametrize("url", MANAGER_PAGES)
def test_staff_and_customers_are_forbidden(client, login_as, request, db, role, url):
    login_as(request.getfixturevalue(role))
    response = client.get(url)
    assert response.status_code == 403
    assert "Ingen tilgang" in html(response)
    assert not [row for row in audit_rows() if row.action == "exported"]


def test_staff_cannot_post_to_the_managers_pages(client, login_as, staff, db):
    processor = make_processor(db)
    current_version()
    draft = PolicyVersion(body="## Utkast\n", change_summary="")
    db.session.add(draft)
    db.session.commit()
    before = len(versions(db))
    login_as(staff)
    token = client.csrf_token("/admin/kunder/ny")
    posts = {
        "/admin/personvern/ny": {},
        f"/admin/personvern/{draft.id}": {"body": "## Endret\n", "publish": "1"},
        "/admin/databehandlere/ny": processor_form(),
        f"/admin/databehandlere/{processor.id}": processor_form(name="Endret AS"),
        f"/admin/databehandlere/{processor.id}/avslutt": {"ended_on": "2025-01-01"},
    }
    for url, data in posts.items():
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    assert len(versions(db)) == before
    assert versions(db)[-1].body == "## Utkast\n" and versions(db)[-1].version is None
    (unchanged,) = processors(db)
    assert (unchanged.name, unchanged.ended_on) == ("Domeneshop AS", None)


def test_every_privacy_route_is_behind_the_managers_check(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.privacy.")]
    assert {r.rule for r in rules} >= set(MANAGER_PAGES)
    assert all(r.rule.startswith("/admin/") for r in rules)
    assert app.before_request_funcs.get("admin.privacy")  # bkm/admin/privacy.py


NAV_LINKS = ('href="/admin/personvern"', 'href="/admin/databehandlere"', 'href="/admin/samtykker"')


def test_staff_do_not_see_the_managers_pages_in_the_admin_nav(client, login_as, staff):
    login_as(staff)
    page = html(client.get("/admin/"))
    assert 'aria-label="Admin"' in page
    assert not any(link in page for link in NAV_LINKS)


def test_managers_see_the_pages_in_the_admin_nav(client, login_as, manager):
    login_as(manager)
    for url in MANAGER_PAGES[:-1]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert all(link in html(response) for link in NAV_LINKS)
    assert 'href="/admin/samtykker" aria-current="page"' in html(client.get("/admin/samtykker"))


# --- the privacy statement's versions ------------------------------------------------------


def test_a_manager_drafts_saves_and_publishes_a_version(client, login_as, manager, db):
    login_as(manager)
    first = current_version()
    db.session.commit()
    draft_url = new_draft(client)
    draft_page = html(client.get(draft_url))
    assert "Utkast til ny versjon" in draft_page
    assert "Hvem som er ansvarlig" in draft_page  # starts from the text in force
    assert "Krever nytt samtykke" in draft_page and "logger inn" in draft_page
    assert "Utkast" in html(client.get("/admin/personvern"))

    body = "Innledning.\n\n## Nytt avsnitt om lagring\n\n- første punkt\n- andre punkt\n"
    response = client.submit(
        draft_url, {"body": body, "change_summary": "Nytt avsnitt om lagring.", "save": "1"}
    )
    assert response.status_code == 303 and response.headers["Location"] == draft_url
    saved = html(client.get(draft_url))
    assert "Utkastet er lagret" in saved
    assert '<h2 id="nytt-avsnitt-om-lagring">Nytt avsnitt om lagring</h2>' in saved  # preview
    assert "<li>første punkt</li>" in saved
    assert versions(db)[-1].version is None
    assert "Hvem som er ansvarlig" in html(client.get("/personvern"))  # not yet in force

    response = client.submit(
        draft_url, {"body": body, "change_summary": "Nytt avsnitt om lagring.", "publish": "1"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/personvern"
    listing = html(client.get("/admin/personvern"))
    assert f"Versjon {first.version + 1} av personvernerklæringen er publisert" in listing
    assert "Nytt avsnitt om lagring." in listing
    published = versions(db)[-1]
    assert (published.version, published.requires_consent) == (first.version + 1, False)
    assert published.published_by_id == published.created_by_id == manager.id

    public = html(client.get("/personvern"))
    assert f"Versjon {first.version + 1}, publisert" in public
    assert "Nytt avsnitt om lagring" in public and "Hvem som er ansvarlig" not in public


def test_new_consent_without_what_changed_is_refused_and_nothing_is_published(
    client, login_as, manager, db
):
    login_as(manager)
    draft_url = new_draft(client)
    response = client.submit(
        draft_url,
        {"body": "## Ny tekst\n", "change_summary": "  ", "requires_consent": "y", "publish": "1"},
    )
    assert response.status_code == 200
    page = html(response)
    assert "Skriv hva som er endret" in page
    assert "## Ny tekst" in page  # the manager's text is still in the form
    draft = versions(db)[-1]
    assert draft.version is None and draft.published_at is None
    assert draft.body != "## Ny tekst\n"  # nothing stored
    assert db.session.scalar(select(func.max(PolicyVersion.version))) == 1

    summary = {"change_summary": "Vi bruker en ny leverandør.", "requires_consent": "y"}
    client.submit(draft_url, {"body": "## Ny tekst\n", **summary, "publish": "1"})
    assert "Kundene blir bedt om nytt samtykke" in html(client.get("/admin/personvern"))
    published = versions(db)[-1]
    assert (published.version, published.requires_consent) == (2, True)
    assert published.change_summary == "Vi bruker en ny leverandør."


def test_bad_draft_input_gets_norwegian_messages_and_is_not_stored(client, login_as, manager, db):
    login_as(manager)
    draft_url = new_draft(client)
    before = versions(db)[-1].body
    for data, message in [
        ({"body": "   "}, "Skriv teksten til personvernerklæringen."),
        ({"body": "x" * 100_001}, "Teksten kan ha maks 100 000 tegn."),
        ({"body": "Tekst\x00"}, "Teksten inneholder tegn som ikke er tillatt."),
        ({"body": "Tekst", "change_summary": "x" * 501}, "«Hva er endret» kan ha maks 500 tegn."),
    ]:
        response = client.submit(draft_url, {**data, "save": "1"})
        assert response.status_code == 200
        assert message in html(response)
        assert versions(db)[-1].body == before


def test_a_published_version_is_read_only(client, login_as, manager, db):
    in_force = current_version()
    db.session.commit()
    login_as(manager)
    url = f"/admin/personvern/{in_force.id}"
    page = html(client.get(url))
    assert "Versjon 1" in page and "kan ikke endres" in page
    assert "<textarea" not in page and "Publiser</button>" not in page
    assert "Hvem som er ansvarlig" in page

    token = client.csrf_token("/admin/personvern")
    response = client.post(url, data={"csrf_token": token, "body": "Overskrevet", "save": "1"})
    assert response.status_code == 303
    assert "Versjon 1 er publisert og kan ikke endres" in html(client.get(url))
    assert versions(db)[0].body == in_force.body
    assert client.get("/admin/personvern/999999").status_code == 404


def test_preview_shows_typed_markup_as_text(client, login_as, manager, db):
    login_as(manager)
    draft_url = new_draft(client)
    client.submit(draft_url, {"body": '<script>alert("x")</script>\n', "save": "1"})
    page = html(client.get(draft_url))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


# --- the processors register ---------------------------------------------------------------


def test_a_manager_adds_edits_and_ends_a_processor(client, login_as, manager, db):
    login_as(manager)
    response = client.submit("/admin/databehandlere/ny", processor_form())
    assert response.status_code == 303
    (added,) = processors(db)
    assert (added.name, added.data, added.agreement_date) == (
        "Posten Bring AS",
        "Navn, leveringsadresse og telefonnummer",
        date(2024, 2, 5),
    )
    assert "Posten Bring AS er lagt til" in html(client.get("/admin/databehandlere"))

    url = f"/admin/databehandlere/{added.id}"
    assert 'value="Navn, leveringsadresse og telefonnummer"' not in html(client.get(url))
    assert "Navn, leveringsadresse og telefonnummer</textarea>" in html(client.get(url))
    response = client.submit(
        url, processor_form(location="EU/EØS", agreement_date="05.03.2024"), form_url=url
    )
    assert response.status_code == 303
    (edited,) = processors(db)
    assert (edited.location, edited.agreement_date) == ("EU/EØS", date(2024, 3, 5))

    assert "Avslutt Posten Bring AS" in html(client.get(url))
    response = client.submit(url + "/avslutt", {"ended_on": oslo_today().isoformat()}, form_url=url)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/databehandlere"
    page = html(client.get("/admin/databehandlere"))
    assert "er avsluttet fra" in page
    assert 'data-testid="ended-processors"' in page
    assert 'data-testid="active-processors"' not in page
    assert processors(db)[0].ended_on == oslo_today()
    assert len(processors(db)) == 1  # ended, never deleted
    assert "Avslutt Posten Bring AS" not in html(client.get(url))


def test_bad_processor_input_gets_norwegian_messages_and_stores_nothing(
    client, login_as, manager, db
):
    login_as(manager)
    tomorrow = (oslo_today() + timedelta(days=1)).isoformat()
    for data, message in [
        ({"name": "  "}, "Skriv navnet på leverandøren."),
        ({"name": "x" * 121}, "Navnet kan ha maks 120 tegn."),
        ({"service": "x" * 201}, "Tjenesten kan ha maks 200 tegn."),
        ({"personal_data": "x" * 301}, "Opplysningene kan ha maks 300 tegn."),
        ({"location": ""}, "Skriv hvor dataene behandles"),
        ({"location": "Norge\x00"}, "Feltet inneholder tegn som ikke er tillatt."),
        ({"agreement_date": ""}, "Skriv datoen databehandleravtalen ble inngått."),
        ({"agreement_date": "i fjor"}, "Skriv datoen avtalen ble inngått, for eksempel"),
        ({"agreement_date": tomorrow}, "Avtaledatoen kan ikke være i fremtiden."),
    ]:
        response = client.submit("/admin/databehandlere/ny", processor_form(**data))
        assert response.status_code == 200, data
        assert message in html(response), data
    assert processors(db) == []

    processor = make_processor(db)
    url = f"/admin/databehandlere/{processor.id}"
    response = client.submit(url, processor_form(name=""), form_url=url)
    assert "Skriv navnet på leverandøren." in html(response)
    assert processors(db)[0].name == "Domeneshop AS"


def test_ending_a_processor_refuses_bad_dates(client, login_as, manager, db):
    processor = make_processor(db, agreement_date=date(2024, 1, 15))
    login_as(manager)
    page_url = f"/admin/databehandlere/{processor.id}"
    url = page_url + "/avslutt"
    tomorrow = (oslo_today() + timedelta(days=1)).isoformat()
    for day, message in [
        (tomorrow, "Sluttdatoen kan ikke være i fremtiden."),
        ("2023-12-31", "Sluttdatoen kan ikke være før avtalen ble inngått (15.01.2024)."),
        ("", "Skriv datoen dere sluttet å bruke leverandøren."),
        ("snart", "Skriv sluttdatoen som en dato"),
    ]:
        response = client.submit(url, {"ended_on": day}, form_url=page_url)
        assert response.status_code == 303 and response.headers["Location"] == page_url
        assert message in html(client.get(page_url)), day
        assert processors(db)[0].ended_on is None

    client.submit(url, {"ended_on": "30.06.2025"}, form_url=page_url)
    assert processors(db)[0].ended_on == date(2025, 6, 30)
    token = client.csrf_token(page_url)  # a second tab's form, after the first ended it
    client.post(url, data={"csrf_token": token, "ended_on": "2025-07-01"})
    assert "er allerede avsluttet fra 30.06.2025" in html(client.get(page_url))
    assert processors(db)[0].ended_on == date(2025, 6, 30)
    assert client.get("/admin/databehandlere/999999").status_code == 404


@pytest.mark.req("R4.1")
def test_an_ended_processor_leaves_the_privacy_statement(client, login_as, manager, db):
    make_processor(db, "Domeneshop AS")
    mailer = make_processor(db, "Mailjet SAS", service="Utsending av e-post")
    login_as(manager)
    before = html(client.get("/personvern"))
    assert "Domeneshop AS" in before and "Mailjet SAS" in before

    client.submit(
        f"/admin/databehandlere/{mailer.id}/avslutt",
        {"ended_on": oslo_today().isoformat()},
        form_url=f"/admin/databehandlere/{mailer.id}",
    )

    assert "Mailjet SAS er avsluttet" in html(client.get("/admin/databehandlere"))
    after = html(client.get("/personvern"))
    assert "Domeneshop AS" in after
    assert "Mailjet SAS" not in after
    assert "Mailjet SAS" in html(client.get("/admin/databehandlere"))  # kept in the register


@pytest.mark.req("R1.4")
def test_the_statement_names_the_controller_and_lists_the_processors_register(
    client, login_as, manager, db
):
    login_as(manager)
    client.submit("/admin/databehandlere/ny", processor_form())
    page = html(client.get("/personvern"))
    controller = page.split('data-testid="policy-controller"')[1].split("</address>")[0]
    assert "Brukte Kontormøbler AS" in controller
    table = page.split('data-testid="processors"')[1].split("</table>")[0]
    assert "Posten Bring AS" in table and "Frakt og levering" in table
    assert "Navn, leveringsadresse og telefonnummer" in table and "05.02.2024" in table


def test_a_draft_overtaken_by_a_newer_version_says_so(client, login_as, manager, db):
    login_as(manager)
    first, second = new_draft(client), new_draft(client)
    assert 'data-testid="policy-overtaken"' not in html(client.get(second))
    client.submit(first, {"body": "## Ny tekst\n", "publish": "1"})
    assert "Versjon 2 ble publisert" in html(client.get(second))
