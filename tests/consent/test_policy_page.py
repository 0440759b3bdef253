"""The privacy statement at /personvern: versioned text plus what the software generates."""

from __future__ import annotations

import pytest

from bkm.consent.policy import DEFAULT_POLICY, current_version
from bkm.consent.policy_text import parse


def page(client, path="/personvern") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_new_shop_publishes_the_shipped_text_as_version_1(client, db):
    html = page(client)
    version = current_version()
    assert version.version == 1 and version.requires_consent
    assert version.body == DEFAULT_POLICY.read_text(encoding="utf-8")
    assert 'data-testid="policy-version"' in html and "Versjon 1" in html
    first_heading = next(b for b in parse(version.body) if b.kind == "h2")
    assert f'<h2 id="{first_heading.anchor}">{first_heading.text}</h2>' in html


@pytest.mark.req("R10.1")
def test_the_statement_names_the_controller(client):
    html = page(client)
    controller = html[html.index('data-testid="policy-controller"') :]
    for detail in (
        "Brukte Kontormøbler AS",
        "974 408 597",
        "Svartbekkvegen 50",
        "2411 Elverum",
        "post@bruktekontormobler.no",
        "62 41 79 05",
    ):
        assert detail in controller


@pytest.mark.req("R9.6")
def test_the_statement_says_where_questions_go(client):
    html = page(client)
    assert 'href="mailto:post@bruktekontormobler.no?subject=Personopplysninger"' in html
    assert "«Personopplysninger»" in html


@pytest.mark.req("R9.7")
def test_the_statement_tells_of_the_right_to_complain_to_datatilsynet(client):
    html = page(client)
    complaint = html[html.index('data-testid="policy-complaint"') :]
    assert "klage til Datatilsynet" in complaint and "datatilsynet.no" in complaint


def test_managers_text_cannot_inject_markup(client, db):
    version = current_version()
    from bkm.consent.policy import publish, start_draft, update_draft

    draft = start_draft(None)
    update_draft(
        draft,
        body="## <script>alert(1)</script>\n\nTekst med <b>fet</b> skrift.\n",
        change_summary="",
        requires_consent=False,
    )
    publish(draft, None)
    db.session.commit()
    html = page(client)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<b>fet</b>" not in html
    old = page(client, f"/personvern/versjon/{version.version}")
    assert "Dette er en eldre versjon" in old


def test_an_unknown_version_is_404(client):
    assert client.get("/personvern/versjon/99").status_code == 404
    assert client.get("/personvern/versjon/0").status_code == 404


def test_the_text_format_knows_headings_paragraphs_and_lists():
    blocks = parse(
        "Intro\nsammen.\n\n## Første del\n- en\n- to\n  fortsatt to\n\n### Under\nSlutt\n"
    )
    assert [(b.kind, b.text or b.items) for b in blocks] == [
        ("p", "Intro sammen."),
        ("h2", "Første del"),
        ("ul", ["en", "to fortsatt to"]),
        ("h3", "Under"),
        ("p", "Slutt"),
    ]
    assert blocks[1].anchor == "forste-del"
