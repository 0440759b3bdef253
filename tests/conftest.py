"""Fixtures: one app per session on a migrated database, rows wiped after each test."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from bkm import create_app
from bkm.consent.policy import forget_snapshot
from bkm.extensions import db as _db
from tests.client import ShopClient
from tests.factories import DEFAULT_PASSWORD, make_user

pytest_plugins = ["tests.promises", "tests.smtp", "pytester"]

# Cheap argon2 for tests; production keeps argon2-cffi's defaults.
TEST_ARGON2 = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}


def pytest_report_header(config):
    return f"bkm test database: {os.environ.get('BKM_TEST_DATABASE_URL') or 'SQLite file'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("BKM_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'bkm-test.sqlite'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:  # a clean slate: the migrations build everything
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


RATE_LIMIT_SETTINGS = (
    "LOGIN_RATE_LIMIT",
    "REGISTRATION_RATE_LIMIT",
    "PASSWORD_RESET_RATE_LIMIT",
    "CONTACT_RATE_LIMIT",
    "CART_RATE_LIMIT",
    "CHECKOUT_HOLD_RATE_LIMIT",
)


def make_test_config(database_url: str, tmp_path: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": database_url,
        "ARGON2_PARAMETERS": TEST_ARGON2,
        "MEDIA_DIR": str(tmp_path / "media"),
        "MAIL_DIR": str(tmp_path / "mail"),
        # Concurrency tests serialise on SQLite's write lock; on a loaded 2-core CI machine
        # twenty queued writers can wait longer than production's 5 s.
        "SQLITE_BUSY_TIMEOUT_MS": 30_000,
        "SERVER_NAME": None,
        "CLICKSTREAM_FLUSH_SECONDS": 0,  # page views written at the end of each request
        # The suite logs in and posts forms from one address all day; tests of the limits
        # themselves set low figures on an app of their own (tests/test_rate_limits.py).
        **dict.fromkeys(RATE_LIMIT_SETTINGS, "100000/minute"),
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(make_test_config(database_url, tmp_path_factory.mktemp("instance")))
    app.test_client_class = ShopClient
    with app.app_context():
        upgrade(revision="heads")
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def app_factory(database_url, tmp_path):
    """Build extra apps on the test database; their connection pools are closed afterwards."""
    built = []

    def _build(**overrides):
        extra = create_app(make_test_config(database_url, tmp_path, **overrides))
        extra.test_client_class = ShopClient
        built.append(extra)
        return extra

    yield _build
    for extra in built:
        with extra.app_context():
            _db.engine.dispose()


@pytest.fixture(autouse=True)
def app_ctx(app):
    """Each test runs inside an app context for factories and rules; rows go afterwards."""
    with app.app_context():
        yield
        _db.session.remove()
        if cache := app.extensions.get("bkm_page_cache"):
            cache.clear()  # the row wipe below bypasses the session, so nothing else clears it
        forget_snapshot()  # the same for the privacy statement version each worker keeps
        with _db.engine.begin() as connection:
            for table in reversed(_db.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture
def db(app_ctx):
    return _db


@pytest.fixture
def client(app) -> ShopClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(client):
    """Log the client in through the real login form as the given user."""

    def _login(user, password: str = DEFAULT_PASSWORD):
        _db.session.commit()
        response = client.submit("/konto/logg-inn", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return _login


@pytest.fixture
def manager(db):
    user = make_user(role="manager", name="Mona Manager")
    db.session.commit()
    return user


@pytest.fixture
def staff(db):
    user = make_user(role="staff", name="Stian Stab")
    db.session.commit()
    return user


@pytest.fixture
def customer(db):
    user = make_user(role="customer", name="Kari Kunde")
    db.session.commit()
    return user


@pytest.fixture
def empty_database_url(tmp_path):
    """A database nobody has touched, on the engine the suite runs on."""
    server_url = os.environ.get("BKM_TEST_DATABASE_URL")
    if not server_url:
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    name = f"bkm_migrations_{uuid.uuid4().hex[:8]}"
    server = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture
def world(db):
    """One of everything a route can point at (tests/world.py)."""
    from tests.world import World

    return World()
