"""Error pages speak Norwegian; JSON clients get a JSON reason; a crash rolls back."""

import pytest
from flask import abort


def test_not_found_page_is_norwegian(client):
    response = client.get("/finnes-ikke")
    assert response.status_code == 404
    assert "Siden finnes ikke" in response.get_data(as_text=True)
    assert response.mimetype == "text/html"


def test_json_clients_get_a_json_reason(client):
    response = client.get("/finnes-ikke", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json()["reason"].startswith("Vi fant ikke siden")


def test_wrong_method_is_405_not_500(client):
    assert client.post("/produkt/x").status_code in (400, 405)  # CSRF or method check


@pytest.fixture
def crashing_app(app_factory):
    app = app_factory()

    @app.get("/krasj")
    def crash():
        raise RuntimeError("boom")

    @app.get("/kode/<int:code>")
    def code(code):
        abort(code)

    return app


def test_unexpected_error_shows_the_norwegian_500_page(crashing_app):
    response = crashing_app.test_client().get("/krasj")
    assert response.status_code == 500
    assert "Noe gikk galt" in response.get_data(as_text=True)
    assert "boom" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("code", "title"),
    [
        (400, "Ugyldig forespørsel"),
        (403, "Ingen tilgang"),
        (404, "Siden finnes ikke"),
        (429, "For mange forespørsler"),
        (500, "Noe gikk galt"),
    ],
)
def test_each_error_page_has_its_norwegian_title(crashing_app, code, title):
    response = crashing_app.test_client().get(f"/kode/{code}")
    assert response.status_code == code
    assert title in response.get_data(as_text=True)
