"""The client's IP address, as the brute-force protection and the audit trail both see it.

Behind FILROUGE_TRUSTED_PROXIES reverse proxies (nginx, a load balancer in front of it…), each
proxy appends to X-Forwarded-For the address it received the request from. The entry N places
from the right (N = the number of trusted proxies) was therefore written by the outermost trusted
proxy: it is the client. Everything to its left came with the request and is the client's say-so,
never read (a client could write any address there, to escape its own lockout or to lock someone
else out).

When that entry is missing (fewer entries than trusted proxies: the request did not come through
every proxy) or is not an IP address, the address is REMOTE_ADDR, the peer the server itself saw,
never an entry the client might have written: such requests share the proxy's address and are
throttled together, which can only be stricter, never looser.
"""

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def trusted_proxies() -> int:
    """How many reverse proxies stand in front of the app; 0 when it is reached directly."""
    return max(0, int(getattr(settings, "FILROUGE_TRUSTED_PROXIES", 0) or 0))


def parse_address(entry: str) -> str | None:
    """The IP address in one X-Forwarded-For entry, written the same way every time, or None.

    Accepts `203.0.113.7`, `203.0.113.7:51234`, `2001:db8::1`, `[2001:db8::1]` and
    `[2001:db8::1]:51234`; an IPv4 address mapped into IPv6 (`::ffff:203.0.113.7`) reads as the
    IPv4 one. Anything else (`unknown`, an obfuscated RFC 7239 name, garbage) is None."""
    text = entry.strip()
    if text.startswith("["):
        text, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not (rest.startswith(":") and rest[1:].isdigit())):
            return None
    elif text.count(":") == 1:  # IPv4 with a port; a bare IPv6 address has two colons or more
        text, _, port = text.partition(":")
        if not port.isdigit():
            return None
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def client_address(request) -> str:
    """The client's IP address: REMOTE_ADDR when the app is reached directly, else the entry of
    X-Forwarded-For that the outermost trusted proxy wrote (see the module's docstring)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = trusted_proxies()
    if not proxies:
        return remote
    entries = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    entries = [entry for entry in entries if entry.strip()]
    if len(entries) < proxies:
        # Never the address itself: it is personal data, and the client may have written it.
        logger.warning(
            "X-Forwarded-For has %d entries, fewer than the %d trusted proxies "
            "(FILROUGE_TRUSTED_PROXIES): the proxy's own address is used.",
            len(entries),
            proxies,
        )
        return remote
    address = parse_address(entries[-proxies])
    if address is None:
        logger.warning(
            "The X-Forwarded-For entry of the client is not an IP address: the proxy's own address is used."
        )
        return remote
    return address
