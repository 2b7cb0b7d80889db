"""Where webhooks may be sent. Only http(s); in production never to loopback, private, link-local
or otherwise non-public addresses (a webhook URL must not become a way to reach the internal
network) unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES is set. The check runs when an endpoint is saved
and again before every attempt, on the very address the connection then uses, so a name that
later resolves elsewhere (DNS rebinding) is caught too."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app

from app.errors_domain import ValidationFailed

MAX_URL_LENGTH = 2000


class AddressRefused(Exception):
    """The URL's host is not a public address (or cannot be found)."""


def setting(name: str, default):
    """A webhook setting (app/config.py), or `default` where it is unset."""
    value = current_app.config.get(name)
    return default if value is None else value


def private_addresses_allowed() -> bool:
    """Development and tests post to receivers on this machine; production must not."""
    return current_app.config["APP_ENV"] != "production" or setting("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)


def check_url(url: str) -> str:
    """The URL, stripped, if webhooks may be sent there. Raises ValidationFailed (on `url`)."""
    url = (url or "").strip()

    def refuse(message: str):
        return ValidationFailed(message, {"url": [message]})

    if not url:
        raise refuse("Enter the address to send events to.")
    if len(url) > MAX_URL_LENGTH:
        raise refuse(f"Keep the address under {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError:
        raise refuse("That is not a valid address.") from None
    if parts.scheme not in ("http", "https"):
        raise refuse("Use an http:// or https:// address.")
    if not parts.hostname:
        raise refuse("The address needs a host name, like https://example.com/hooks.")
    if parts.username or parts.password:
        raise refuse("Leave user names and passwords out of the address; check the signature instead.")
    if any(ch.isspace() for ch in url):
        raise refuse("An address cannot contain spaces.")
    if not private_addresses_allowed():
        try:
            addresses = resolve(parts.hostname, parts.port or default_port(parts.scheme))
        except AddressRefused as error:
            raise refuse(str(error)) from None
        if addresses is None:
            raise refuse("We could not find that host.")
    return url


def default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str] | None:
    """The addresses to connect to for `host` (None if it cannot be found). Raises
    AddressRefused when private addresses are not allowed and any of them is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        return None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not private_addresses_allowed() and not all(is_public(address) for address in addresses):
        raise AddressRefused("That address is on a private or local network; webhooks go to public addresses only.")
    return addresses
