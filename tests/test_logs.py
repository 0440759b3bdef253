"""Log lines hold no personal data: truncated addresses, no e-mail, no link tokens (issue 9)."""

from __future__ import annotations

import json
import logging

import pytest

from bkm.logs import JsonFormatter, PersonalDataFilter, request_log, scrub
from tests.factories import make_customer


def _record(message: str, *args, **extra) -> logging.LogRecord:
    record = logging.LogRecord("bkm.test", logging.INFO, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


@pytest.mark.req("R6.3")
def test_scrub_truncates_addresses_and_masks_emails_and_tokens():
    line = (
        "login kari.nordmann+shop@example.no from 203.0.113.77 and 2001:db8:1:2::9 "
        "GET /konto/nytt-passord/eyJ1Ijo0Mn0.Z2abcQ.Xk9mZp3qR7sT1uV5wY8zA2bC4dE"
    )

    assert scrub(line) == (
        "login [e-post] from 203.0.0.0 and 2001:db8:1:: GET /konto/nytt-passord/[lenkenøkkel]"
    )


def test_product_slugs_and_plain_numbers_are_left_alone():
    line = "GET /produkt/kontorstol-hag-capisco-8106-svart-12345 200 in 12.5 ms"
    assert scrub(line) == line


def test_json_lines_carry_the_request_fields_scrubbed():
    record = _record(
        "GET %s 200",
        "/x",
        method="GET",
        path="/nyhetsbrev/avmeld/eyJ1Ijo0Mn0.Z2abcQ.Xk9mZp3qR7sT1uV5wY8",
        status=200,
        ip="203.0.0.0",
    )
    PersonalDataFilter().filter(record)

    line = json.loads(JsonFormatter().format(record))

    assert line["level"] == "INFO" and line["status"] == 200 and line["ip"] == "203.0.0.0"
    assert line["path"] == "/nyhetsbrev/avmeld/[lenkenøkkel]"
    assert line["time"].endswith("+00:00")


@pytest.mark.req("R6.3")
def test_each_request_is_logged_once_without_full_address_or_email(app_factory, caplog):
    app = app_factory(LOG_REQUESTS=True)
    customer = make_customer()
    caplog.set_level(logging.INFO, logger=request_log.name)
    client = app.test_client()

    client.get(f"/sok?q={customer.email}", environ_base={"REMOTE_ADDR": "198.51.100.23"})

    (record,) = [r for r in caplog.records if r.name == request_log.name]
    assert (record.method, record.path, record.status, record.ip) == (
        "GET",
        "/sok",
        200,
        "198.51.0.0",
    )
    assert customer.email not in caplog.text and "198.51.100.23" not in caplog.text
