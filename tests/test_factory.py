"""create_app: configuration layers, secret-key policy, database settings."""

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from bkm import create_app
from bkm.config import ConfigError
from bkm.extensions import db


@pytest.fixture
def instance_dir(tmp_path, monkeypatch):
    """Point create_app at a throwaway instance folder."""
    import bkm

    monkeypatch.setattr(bkm, "ROOT", tmp_path)
    (tmp_path / "instance").mkdir()
    for name in [n for n in os.environ if n.startswith("BKM_")]:
        monkeypatch.delenv(name)
    return tmp_path / "instance"


def test_defaults_use_sqlite_in_instance_folder(instance_dir):
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance_dir / 'bkm.sqlite'}"
    assert app.config["PRODUCTS_PER_PAGE"] == 24
    assert not app.testing


def test_instance_config_overrides_defaults(instance_dir):
    (instance_dir / "config.py").write_text("PRODUCTS_PER_PAGE = 12\nSHOP_NAME = 'Fra fil'\n")
    app = create_app()
    assert (app.config["PRODUCTS_PER_PAGE"], app.config["SHOP_NAME"]) == (12, "Fra fil")


def test_environment_overrides_instance_config(instance_dir, monkeypatch):
    (instance_dir / "config.py").write_text("PRODUCTS_PER_PAGE = 12\n")
    monkeypatch.setenv("BKM_PRODUCTS_PER_PAGE", "36")
    assert create_app().config["PRODUCTS_PER_PAGE"] == 36


def test_argument_overrides_environment(instance_dir, monkeypatch):
    monkeypatch.setenv("BKM_PRODUCTS_PER_PAGE", "36")
    assert create_app({"PRODUCTS_PER_PAGE": 48}).config["PRODUCTS_PER_PAGE"] == 48


def test_production_without_secret_key_refuses_to_start(instance_dir, monkeypatch):
    monkeypatch.setenv("BKM_ENV_NAME", "production")
    with pytest.raises(ConfigError, match="BKM_SECRET_KEY"):
        create_app()


def test_production_with_secret_key_starts_with_secure_cookies(instance_dir, monkeypatch):
    monkeypatch.setenv("BKM_ENV_NAME", "production")
    monkeypatch.setenv("BKM_SECRET_KEY", "s" * 48)
    monkeypatch.setenv("BKM_SMTP_HOST", "smtp.example.no")
    monkeypatch.setenv("BKM_SHOP_URL", "https://bruktekontormobler.no")
    monkeypatch.setenv("BKM_BANK_ACCOUNT", '"1503.12.34562"')
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/helse")
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_development_secret_key_is_generated_once_and_kept(instance_dir):
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second and len(first) >= 40
    key_file = instance_dir / "secret_key"
    assert key_file.read_text().strip() == first
    assert key_file.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://shop@db/shop", "postgresql+psycopg://shop@db/shop"),
        ("postgres://shop@db/shop", "postgresql+psycopg://shop@db/shop"),
        ("postgresql+psycopg://shop@db/shop", "postgresql+psycopg://shop@db/shop"),
    ],
)
def test_postgresql_urls_use_psycopg3(instance_dir, given, expected):
    assert create_app({"DATABASE_URL": given}).config["SQLALCHEMY_DATABASE_URI"] == expected


def test_unsupported_database_is_a_clear_error(instance_dir):
    with pytest.raises(ConfigError, match="BKM_DATABASE_URL"):
        create_app({"DATABASE_URL": "mysql://shop@db/shop"})


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(instance_dir):
    app = create_app({"SQLITE_BUSY_TIMEOUT_MS": 4321})
    with app.app_context():
        pragmas = {
            name: db.session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        }
        db.engine.dispose()
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 4321}
    assert Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")).exists()


def test_health_reports_database_reachable(client):
    assert client.get("/helse").get_json() == {"status": "ok", "database": True}


def test_every_response_carries_security_headers(client):
    headers = client.get("/helse").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_production_without_shop_url_refuses_to_start(instance_dir, monkeypatch):
    # Links in mails must not follow a forged Host header (password-reset poisoning).
    monkeypatch.setenv("BKM_ENV_NAME", "production")
    monkeypatch.setenv("BKM_SECRET_KEY", "s" * 48)
    monkeypatch.setenv("BKM_SMTP_HOST", "smtp.example.no")
    with pytest.raises(ConfigError, match="BKM_SHOP_URL"):
        create_app()


@pytest.mark.parametrize("account", [None, "1503.12.34567", "1234", "abcdefghijk"])
def test_production_without_a_valid_bank_account_refuses_to_start(
    instance_dir, monkeypatch, account
):
    for name, value in {
        "BKM_ENV_NAME": "production",
        "BKM_SECRET_KEY": "s" * 48,
        "BKM_SMTP_HOST": "smtp.example.no",
        "BKM_SHOP_URL": "https://bruktekontormobler.no",
    }.items():
        monkeypatch.setenv(name, value)
    if account:
        monkeypatch.setenv("BKM_BANK_ACCOUNT", f'"{account}"')
    with pytest.raises(ConfigError, match="BKM_BANK_ACCOUNT"):
        create_app()


@pytest.mark.parametrize(
    ("account", "valid"),
    [("1503.12.34562", True), ("15031234562", True), ("1503.12.34567", False), ("", False)],
)
def test_bank_account_check_digit(account, valid):
    from bkm.config import is_valid_bank_account

    assert is_valid_bank_account(account) is valid
