"""IP truncation (R6.3) and device classes (R2.2) from real User-Agent strings."""

from __future__ import annotations

import logging

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from bkm.clickstream.devices import classify
from bkm.ip import client_ip, truncate_ip
from bkm.logs import PersonalDataFilter


@pytest.mark.req("R6.3")
@pytest.mark.parametrize(
    ("address", "truncated"),
    [
        ("192.0.2.77", "192.0.0.0"),
        ("10.1.2.3", "10.1.0.0"),
        ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::"),
        ("2a01:79d:53aa:f00d::1", "2a01:79d:53aa::"),
        ("::ffff:198.51.100.23", "198.51.0.0"),
        ("not an address", "0.0.0.0"),
        ("", "0.0.0.0"),
    ],
)
def test_addresses_are_truncated_to_16_and_48_bits(address, truncated):
    assert truncate_ip(address) == truncated


def _request(remote: str, forwarded: str | None = None) -> Request:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    environ = EnvironBuilder(headers=headers, environ_base={"REMOTE_ADDR": remote}).get_environ()
    return Request(environ)


@pytest.mark.req("R6.3")
def test_x_forwarded_for_is_believed_only_from_trusted_proxies():
    assert client_ip(_request("203.0.113.9", "198.51.100.1"), []) == "203.0.113.9"
    assert client_ip(_request("203.0.113.9", "198.51.100.1"), ["10.0.0.0/8"]) == "203.0.113.9"
    behind = _request("10.0.0.5", "198.51.100.1, 10.0.0.7")
    assert client_ip(behind, ["10.0.0.0/8"]) == "198.51.100.1"
    spoofed = _request("10.0.0.5", "1.2.3.4, 198.51.100.1")  # the client wrote "1.2.3.4"
    assert client_ip(spoofed, ["10.0.0.0/8"]) == "198.51.100.1"


@pytest.mark.req("R6.3")
def test_log_lines_carry_only_truncated_addresses():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - "GET / HTTP/1.1" 200 -',
        ("203.0.113.77",),
        None,
    )
    PersonalDataFilter().filter(record)
    assert record.getMessage() == '203.0.0.0 - - "GET / HTTP/1.1" 200 -'
    v6 = logging.LogRecord("x", logging.INFO, __file__, 1, "from 2001:db8:1:2::9 ok", (), None)
    PersonalDataFilter().filter(v6)
    assert v6.getMessage() == "from 2001:db8:1:: ok"


UA = {
    "iphone": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",  # noqa: E501  (real User-Agent strings)
    "ipad": "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",  # noqa: E501  (real User-Agent strings)
    "android phone": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36",  # noqa: E501  (real User-Agent strings)
    "android tablet": "Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",  # noqa: E501  (real User-Agent strings)
    "windows": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.0.0 Safari/537.36",  # noqa: E501  (real User-Agent strings)
    "macos": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",  # noqa: E501  (real User-Agent strings)
    "linux": "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0",
    "googlebot": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
}


@pytest.mark.req("R2.2")
@pytest.mark.parametrize(
    ("name", "device", "os"),
    [
        ("iphone", "mobile", "iOS"),
        ("ipad", "tablet", "iOS"),
        ("android phone", "mobile", "Android"),
        ("android tablet", "tablet", "Android"),
        ("windows", "computer", "Windows"),
        ("macos", "computer", "Mac OS X"),
        ("linux", "computer", "Linux"),
        ("googlebot", "bot", ""),
    ],
)
def test_device_class_and_operating_system(name, device, os):
    found = classify(UA[name])
    assert (found.device_class, found.os) == (device, os)


def test_an_empty_or_endless_user_agent_is_handled():
    assert classify("").device_class == "bot"
    assert classify("Mozilla/5.0 " + "x" * 100_000).device_class in ("computer", "bot")
