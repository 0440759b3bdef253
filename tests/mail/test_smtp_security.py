"""SMTP over TLS (STARTTLS on 587, implicit TLS on 465) with login, against a real server.

The server's certificate is made for the test with the openssl command; the transport is
made to trust it the way it would trust a public CA, so certificate checks stay on.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest
from aiosmtpd.smtp import AuthResult

from bkm.mail import transports
from bkm.mail.sender import send_due
from tests.mail.helpers import queue_invoice_mail, row

pytestmark = pytest.mark.skipif(not shutil.which("openssl"), reason="needs the openssl command")

LOGIN, PASSWORD = b"butikk", b"riktig-hest"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    return cert, server_context


@pytest.fixture
def trust(monkeypatch, certificate):
    cert, _ = certificate
    monkeypatch.setattr(
        transports, "tls_context", lambda: ssl.create_default_context(cafile=str(cert))
    )


def accept_shop_login(server, session, envelope, mechanism, auth_data):
    ok = (auth_data.login, auth_data.password) == (LOGIN, PASSWORD)
    return AuthResult(success=ok, handled=False)  # the server answers 235 or 535 itself


def point_app_at(app, monkeypatch, server, security, password=PASSWORD):
    settings = {
        "MAIL_TRANSPORT": "smtp",
        "SMTP_HOST": server.host,
        "SMTP_PORT": server.port,
        "SMTP_SECURITY": security,
        "SMTP_USERNAME": LOGIN.decode(),
        "SMTP_PASSWORD": password.decode(),
        "SMTP_TIMEOUT": 5,
    }
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)


@pytest.fixture
def starttls_server(start_smtp_server, certificate):
    _, server_context = certificate
    return start_smtp_server(
        tls_context=server_context,
        require_starttls=True,
        auth_required=True,
        authenticator=accept_shop_login,
    )


def test_starttls_with_login_delivers(app, monkeypatch, trust, starttls_server):
    point_app_at(app, monkeypatch, starttls_server, "starttls")
    queue_invoice_mail()
    assert send_due().sent == 1
    assert len(starttls_server.messages) == 1


def test_implicit_tls_with_login_delivers(app, monkeypatch, trust, start_smtp_server, certificate):
    _, server_context = certificate
    # aiosmtpd counts only STARTTLS as TLS when it decides whether to offer AUTH; this
    # connection is TLS from its first byte, so AUTH is offered explicitly.
    server = start_smtp_server(
        ssl_context=server_context, auth_require_tls=False, authenticator=accept_shop_login
    )
    point_app_at(app, monkeypatch, server, "ssl")
    queue_invoice_mail()
    assert send_due().sent == 1
    assert len(server.messages) == 1


def test_untrusted_certificate_is_refused(app, monkeypatch, starttls_server):
    point_app_at(app, monkeypatch, starttls_server, "starttls")
    queued = queue_invoice_mail()
    assert send_due().failed == 1
    assert "CERTIFICATE_VERIFY_FAILED" in row(queued.id).last_error
    assert starttls_server.messages == []


def test_wrong_password_fails_without_the_password_in_the_record(
    app, monkeypatch, trust, starttls_server
):
    point_app_at(app, monkeypatch, starttls_server, "starttls", password=b"feil-passord")
    queued = queue_invoice_mail()
    assert send_due().failed == 1
    stored = row(queued.id)
    assert "SMTPAuthenticationError: 535" in stored.last_error
    assert "feil-passord" not in stored.last_error
    assert starttls_server.messages == []
