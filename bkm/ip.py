"""The visitor's IP address, truncated before anything stores or logs it (R6.3).

IPv4 keeps its first two bytes (/16), IPv6 its first 48 bits; an IPv4-mapped IPv6 address
("::ffff:192.0.2.7") is an IPv4 address. X-Forwarded-For is believed only when the request
comes from a proxy listed in TRUSTED_PROXIES; otherwise anyone could claim any address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from flask import Request

IPV4_PREFIX = 16
IPV6_PREFIX = 48
# A placeholder for "no address": never bound to, so bandit's B104 does not apply.
UNKNOWN = "0.0.0.0"  # nosec B104


@lru_cache(maxsize=4096)
def truncate_ip(address: str | None) -> str:
    """'192.0.2.7' -> '192.0.0.0'; '2001:db8:85a3::8a2e:370:7334' -> '2001:db8:85a3::'."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return UNKNOWN
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _is_trusted(address: str, proxies: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(proxies))


def client_ip(request: Request, trusted_proxies: Iterable[str]) -> str:
    """The client's full address: the peer, or (behind trusted proxies) the nearest untrusted
    address in X-Forwarded-For. Only for truncating; never store or log what this returns."""
    proxies = tuple(trusted_proxies or ())
    peer = request.remote_addr or ""
    if not proxies or not _is_trusted(peer, proxies):
        return peer
    hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
    for hop in reversed(hops):  # the right-most hop was added by our own proxy
        if not _is_trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


def truncated_client_ip(request: Request, trusted_proxies: Iterable[str]) -> str:
    return truncate_ip(client_ip(request, trusted_proxies))
