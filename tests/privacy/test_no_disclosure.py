"""Nothing is sold, traded or passed on; third parties see data only as hired processors (R5.2).

What the software can guarantee is where data can leave it: the only network client in the
shop is the mail sender (the e-mail processor of the register, to BKM_SMTP_HOST), visitors'
browsers may talk only to the shop itself (the CSP), and every export of customer data is a
staff page that is audit-logged (tests/test_route_walk.py walks who may open them).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bkm.security import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parents[2]
NETWORK_CLIENTS = {
    "smtplib",
    "socket",
    "ssl",
    "http.client",
    "urllib.request",
    "requests",
    "httpx",
    "aiohttp",
    "ftplib",
    "xmlrpc.client",
}
# The one module allowed to open connections delivers mail to the configured SMTP server;
# redaction.py only reads smtplib's exception classes, to keep addresses out of error texts.
ALLOWED = {
    ("bkm/mail/transports.py", "smtplib"),
    ("bkm/mail/transports.py", "ssl"),
    ("bkm/mail/redaction.py", "smtplib"),
}


def network_imports():
    for package in ("bkm", "analytics"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                for name in names:
                    root = name if name in NETWORK_CLIENTS else name.split(".")[0]
                    if root in NETWORK_CLIENTS or name in NETWORK_CLIENTS:
                        yield str(path.relative_to(ROOT)), name


@pytest.mark.req("R5.2")
def test_the_only_network_client_in_the_shop_is_the_mail_sender():
    found = set(network_imports())
    assert found - ALLOWED == set(), "data could leave the shop here; only mail may"
    assert ("bkm/mail/transports.py", "smtplib") in found


@pytest.mark.req("R5.2")
def test_visitors_browsers_may_send_data_only_to_the_shop_itself():
    rules = dict(rule.split(" ", 1) for rule in CONTENT_SECURITY_POLICY.split("; "))
    for directive in ("default-src", "connect-src", "form-action", "script-src", "img-src"):
        if directive in rules:
            sources = set(rules[directive].split())
            assert sources <= {"'self'", "data:"}, (directive, sources)
