"""Which addresses a hook may call (server-side request forgery is the risk: a hook
must not reach the company's internal services or the cloud's metadata endpoint).

- `https://` only; `http://` to 127.0.0.1 / localhost / ::1 only when
  RSE_WEBHOOKS_ALLOW_HTTP_LOCALHOST is on (tests, development);
- every address the name resolves to must be public: private, loopback, link-local,
  shared, reserved and multicast addresses are refused, except the networks listed in
  RSE_WEBHOOKS_ALLOWED_NETWORKS (an intranet receiver the company trusts), and
  loopback when RSE_WEBHOOKS_ALLOW_HTTP_LOCALHOST is on.

Checked when a hook is saved (what can be known then) and again at each delivery,
where the connection goes to the address that was checked (no second resolution
between the check and the connection).
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # with its query string


def _allow_local() -> bool:
    return bool(settings.RSE_WEBHOOKS_ALLOW_HTTP_LOCALHOST)


def parse(url: str) -> Target:
    """The parts of a hook's address, or ValidationError with a sentence."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValidationError(_("Enter a valid address.")) from exc
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("http", "https"):
        raise ValidationError(_("Enter a valid address beginning with https://."))
    if parts.username or parts.password:
        raise ValidationError(_("The address may not hold a user name or a password."))
    if parts.scheme == "http" and not (_allow_local() and host in LOCAL_NAMES):
        raise ValidationError(_("Only https:// addresses are accepted."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path)


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(n, strict=False) for n in settings.RSE_WEBHOOKS_ALLOWED_NETWORKS]


def is_allowed(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if any(address in network for network in _allowed_networks()):
        return True
    if address.is_loopback:
        return _allow_local()
    return address.is_global and not address.is_multicast


def _literal(host: str) -> Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def check_saved(url: str) -> Target:
    """At registration: the address's form, and its host when it is an IP address or
    resolves now (a name that does not resolve yet is checked at each delivery)."""
    target = parse(url)
    literal = _literal(target.host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = resolve(target)
        except OSError:
            addresses = []
    if any(not is_allowed(a) for a in addresses):
        raise ValidationError(
            _(
                "This address leads to a private or reserved network: webhooks may only "
                "call public addresses."
            )
        )
    return target


def resolve(target: Target) -> list[Address]:
    literal = _literal(target.host)
    if literal is not None:
        return [literal]
    infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def vetted_address(target: Target) -> Address:
    """At delivery: the address to connect to, after checking every address the name
    resolves to. Raises ValidationError when one is refused, OSError when the name does
    not resolve."""
    addresses = resolve(target)
    if not addresses:
        raise OSError("no address")
    refused = [a for a in addresses if not is_allowed(a)]
    if refused:
        raise ValidationError(
            _("The address resolves to a private or reserved network (%(address)s).")
            % {"address": refused[0]}
        )
    return addresses[0]
