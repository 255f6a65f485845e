"""The client address behind 0, 1 or several trusted reverse proxies: only the entry the
outermost trusted proxy wrote is read; anything a client could have written is never used."""

import logging

import pytest

from filrouge.core import addresses
from filrouge.core.addresses import client_address, parse_address

PROXY = "10.0.0.2"  # the innermost proxy, the peer the app server sees


def request_with(rf, forwarded=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **extra)


@pytest.mark.parametrize(
    "proxies, forwarded, expected",
    [
        # Reached directly: X-Forwarded-For is the client's say-so, never read.
        (0, "198.51.100.4, 203.0.113.7", PROXY),
        (0, None, PROXY),
        # One proxy (nginx): the entry it appended, the last one.
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.4, 203.0.113.7", "203.0.113.7"),
        # Two (a load balancer, then nginx): the load balancer wrote the second from the right;
        # the last one is the load balancer's own address, written by nginx.
        (2, "203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (2, "198.51.100.4, 192.0.2.66, 203.0.113.7, 10.0.0.1", "203.0.113.7"),
        (3, "203.0.113.7, 10.0.0.1, 10.0.0.3", "203.0.113.7"),
    ],
)
def test_the_client_is_the_entry_as_many_places_from_the_right_as_there_are_proxies(
    rf, settings, proxies, forwarded, expected
):
    settings.FILROUGE_TRUSTED_PROXIES = proxies
    assert client_address(request_with(rf, forwarded)) == expected


@pytest.mark.parametrize("spoofed", ["192.0.2.1", "192.0.2.1, 192.0.2.2", "garbage, 192.0.2.1", "::1"])
def test_entries_a_client_wrote_to_the_left_are_ignored(rf, settings, spoofed):
    settings.FILROUGE_TRUSTED_PROXIES = 2
    # What the client sent, then what the load balancer and nginx appended.
    assert client_address(request_with(rf, f"{spoofed}, 203.0.113.7, 10.0.0.1")) == "203.0.113.7"


@pytest.mark.parametrize("forwarded", [None, "", "  ", "203.0.113.7", " , 203.0.113.7"])
def test_too_few_entries_fall_back_to_the_address_the_server_saw(rf, settings, caplog, forwarded):
    """Fewer entries than proxies: the request skipped a proxy (the app or an inner proxy reached
    directly), so every entry present may be the client's own writing; the peer's address is used,
    shared by all such requests (throttled together, never one another's victim)."""
    settings.FILROUGE_TRUSTED_PROXIES = 2
    with caplog.at_level(logging.WARNING, logger=addresses.__name__):
        assert client_address(request_with(rf, forwarded)) == PROXY
    assert "fewer than the 2 trusted proxies" in caplog.text
    assert "203.0.113.7" not in caplog.text  # no address in the logs


@pytest.mark.parametrize(
    "entry",
    [
        "unknown",
        "garbage",
        "203.0.113",
        "203.0.113.700",
        "_hidden",
        "[2001:db8::1",
        "203.0.113.7:http",
        "1.2.3.4/24",
    ],
)
def test_an_entry_that_is_not_an_address_falls_back_to_the_address_the_server_saw(
    rf, settings, caplog, entry
):
    settings.FILROUGE_TRUSTED_PROXIES = 1
    with caplog.at_level(logging.WARNING, logger=addresses.__name__):
        assert client_address(request_with(rf, f"203.0.113.7, {entry}")) == PROXY
    assert "not an IP address" in caplog.text
    assert entry not in caplog.text


@pytest.mark.parametrize(
    "entry, expected",
    [
        (" 203.0.113.7 ", "203.0.113.7"),
        ("203.0.113.7:51234", "203.0.113.7"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("[2001:db8::1]:51234", "2001:db8::1"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("[2001:db8::1]:", None),
        ("[2001:db8::1]x", None),
        ("", None),
    ],
)
def test_entries_are_read_without_spaces_ports_or_brackets(entry, expected):
    assert parse_address(entry) == expected


def test_ipv6_clients_behind_two_proxies(rf, settings):
    settings.FILROUGE_TRUSTED_PROXIES = 2
    request = request_with(rf, "192.0.2.1,[2001:db8::7]:443,fd00::1", remote="fd00::2")
    assert client_address(request) == "2001:db8::7"


def test_a_negative_count_is_read_as_no_proxy(rf, settings):
    settings.FILROUGE_TRUSTED_PROXIES = -1
    assert client_address(request_with(rf, "203.0.113.7")) == PROXY


def test_the_setting_defaults_to_one_proxy_with_behind_proxy_and_none_without(monkeypatch):
    import importlib

    import filrouge.settings as module

    monkeypatch.delenv("FILROUGE_TRUSTED_PROXIES", raising=False)
    try:
        monkeypatch.delenv("BEHIND_PROXY", raising=False)
        assert importlib.reload(module).FILROUGE_TRUSTED_PROXIES == 0
        monkeypatch.setenv("BEHIND_PROXY", "true")
        assert importlib.reload(module).FILROUGE_TRUSTED_PROXIES == 1
        monkeypatch.setenv("FILROUGE_TRUSTED_PROXIES", "2")
        assert importlib.reload(module).FILROUGE_TRUSTED_PROXIES == 2
    finally:
        monkeypatch.undo()
        importlib.reload(module)
