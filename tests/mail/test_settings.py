"""Mail settings at start-up: the transport chosen; a production shop that would lose mail stops."""

from __future__ import annotations

from pathlib import Path

import pytest

from bkm.config import ConfigError

PRODUCTION = {
    "ENV_NAME": "production",
    "SHOP_URL": "https://bruktekontormobler.no",
    "BANK_ACCOUNT": "1503.12.34562",
}


def test_without_smtp_host_development_writes_files_under_instance_mail(app_factory):
    app = app_factory(TESTING=False, MAIL_DIR=None)  # the default, not the test folder
    assert app.config["MAIL_TRANSPORT"] == "file"
    assert app.config["MAIL_DIR"] == str(Path(app.instance_path) / "mail")
    assert app.config["MAIL_SEND_AFTER_REQUEST"] is True


def test_with_smtp_host_smtp_is_the_transport(app_factory):
    app = app_factory(SMTP_HOST="smtp.example.no")
    assert app.config["MAIL_TRANSPORT"] == "smtp"
    assert app.config["MAIL_SEND_AFTER_REQUEST"] is False  # TESTING


def test_production_without_smtp_host_refuses_to_start(app_factory):
    with pytest.raises(ConfigError, match="BKM_SMTP_HOST is not set"):
        app_factory(**PRODUCTION)


def test_production_may_write_files_when_told_so_explicitly(app_factory):
    app = app_factory(**PRODUCTION, MAIL_TRANSPORT="file")
    assert app.config["MAIL_TRANSPORT"] == "file"
    assert app.config["MAIL_SEND_AFTER_REQUEST"] is False


def test_production_with_smtp_host_sends_over_smtp(app_factory):
    app = app_factory(**PRODUCTION, SMTP_HOST="smtp.example.no")
    assert app.config["MAIL_TRANSPORT"] == "smtp"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"MAIL_TRANSPORT": "smtp"}, "BKM_SMTP_HOST is not set"),
        ({"MAIL_TRANSPORT": "carrier-pigeon"}, "smtp or file"),
        ({"SMTP_HOST": "smtp.example.no", "SMTP_SECURITY": "tls"}, "starttls, ssl, none"),
    ],
)
def test_impossible_mail_settings_stop_start_up(app_factory, settings, message):
    with pytest.raises(ConfigError, match=message):
        app_factory(**settings)
