"""The anonymous-page micro-cache: shared only when nothing personal is on the page."""

import pytest
import sqlalchemy as sa

from bkm import page_cache
from bkm.page_cache import PageCache
from tests.factories import make_category, make_product


@pytest.fixture
def chairs(db):
    category = make_category(slug="stoler", name="Stoler")
    product = make_product(category=category, slug="stol", title="Gammel tittel")
    db.session.commit()
    return product


def rename_behind_the_orms_back(db, title: str) -> None:
    """A change no session event sees, like one made by another worker."""
    with db.engine.begin() as connection:
        connection.execute(sa.text("UPDATE products SET title = :t"), {"t": title})


def test_anonymous_visitors_share_a_page_for_a_few_seconds(client, db, chairs):
    assert "Gammel tittel" in client.get("/produkt/stol").get_data(as_text=True)
    rename_behind_the_orms_back(db, "Ny tittel")
    assert "Gammel tittel" in client.get("/produkt/stol").get_data(as_text=True)


def test_cached_page_expires_after_its_time(client, db, chairs, monkeypatch):
    client.get("/produkt/stol")
    rename_behind_the_orms_back(db, "Ny tittel")
    later = page_cache.time.monotonic() + 60
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: later)
    assert "Ny tittel" in client.get("/produkt/stol").get_data(as_text=True)


def test_a_catalogue_commit_in_this_worker_empties_the_cache(client, db, chairs):
    client.get("/produkt/stol")
    chairs.title = "Endret av lageret"
    db.session.commit()
    assert "Endret av lageret" in client.get("/produkt/stol").get_data(as_text=True)


def test_logged_in_pages_are_neither_served_from_nor_stored_in_the_cache(
    client, db, chairs, login_as, customer, app
):
    client.get("/produkt/stol")  # cached for anonymous visitors
    rename_behind_the_orms_back(db, "Ny tittel")
    login_as(customer)
    page = client.get("/produkt/stol").get_data(as_text=True)
    assert "Ny tittel" in page and "Kari Kunde" in page
    anonymous = app.test_client()
    assert "Kari Kunde" not in anonymous.get("/produkt/stol").get_data(as_text=True)


def test_a_page_showing_a_flash_message_is_not_shared(client, db, chairs, login_as, customer, app):
    login_as(customer)
    client.submit("/konto/logg-ut", form_url="/")  # flashes "Du er logget ut."
    assert "Du er logget ut." in client.get("/").get_data(as_text=True)
    assert "Du er logget ut." not in app.test_client().get("/").get_data(as_text=True)


def test_not_found_pages_are_not_cached(client, db, chairs):
    assert client.get("/produkt/kommer-snart").status_code == 404
    make_product(slug="kommer-snart")
    db.session.commit()
    assert client.get("/produkt/kommer-snart").status_code == 200


def test_cache_keeps_only_the_most_recently_used_pages():
    cache = PageCache(max_entries=2)
    cache.put("a", b"A", ttl=60)
    cache.put("b", b"B", ttl=60)
    assert cache.get("a") == b"A"  # a is now the most recent
    cache.put("c", b"C", ttl=60)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (b"A", None, b"C")
    assert len(cache) == 2


def test_cache_can_be_turned_off(app_factory):
    assert "bkm_page_cache" not in app_factory(PAGE_CACHE_SECONDS=0).extensions
