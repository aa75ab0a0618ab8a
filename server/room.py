"""Serving the room (``metrokawa serve --room``): the address tablets reach, and what is printed.

In the room the server runs on the facilitation's laptop and the tablets reach it over the room's
Wi-Fi, by the laptop's address on that network. ``serve --room`` listens on every interface and
makes every link (console, projector, QR codes) from that address, so that the terminal, the
console and the projector all show the one the tablets can use.

A laptop has several interfaces, and most of them are not the room's network: the loopback, a
Docker or virtual-machine bridge (172.17.0.1 is private, and no tablet reaches it), a VPN tunnel.
``choose_address`` is a pure function of the interface list, so that its rule is tested on written
tables (``tests/server/test_room.py``); ``interfaces`` reads this machine's (psutil, on Linux,
macOS and Windows alike). The rule, best first:

1. never a loopback, link-local (169.254/16, fe80::/10), unspecified or multicast address, nor an
   interface that is down;
2. a physical interface before a virtual one (the names of bridges, tunnels and hypervisors);
3. IPv4 before IPv6 (a link typed by hand on a tablet: ``http://192.168.1.20:8000``);
4. a private network address (10/8, 172.16/12, 192.168/16, fc00::/7) before any other: a room's
   Wi-Fi router gives those;
5. a wireless interface before a wired one (the tablets are on the Wi-Fi);
6. then the order the system lists them in.

When nothing is left but loopback addresses, there is no address to give: the caller warns, in
French, that the tablets will not reach this machine (``LOOPBACK_WARNING``).
"""

from __future__ import annotations

import io
import ipaddress
import os
import re
import sys
from typing import Final

import msgspec
import segno

__all__ = [
    "LOOPBACK_WARNING",
    "Interface",
    "RoomAddress",
    "choose_address",
    "colours",
    "interfaces",
    "room_address",
    "terminal_qr",
]


class Interface(msgspec.Struct, frozen=True):
    """One address of one network interface, as the system lists it."""

    name: str
    address: str
    up: bool = True


class RoomAddress(msgspec.Struct, frozen=True, kw_only=True):
    """The address chosen for the room (None: only loopback addresses) and the other usable ones,
    in the order of preference, so that the facilitator can pick another with --public-url."""

    address: str | None
    others: tuple[str, ...] = ()

    def url(self, port: int) -> str | None:
        if self.address is None:
            return None
        return f"http://{_host(self.address)}:{port}"


# Names of interfaces that no tablet of the room reaches: container and VM bridges, VPN tunnels.
_VIRTUAL: Final = re.compile(
    r"^(docker|br-|veth|virbr|vmnet|vboxnet|vethernet|tun|tap|wg|utun|tailscale|zt|lxc|lxdbr|cni|"
    r"flannel|podman|awdl|llw|ipsec|ppp|hyper-v|virtualbox|vmware)",
    re.IGNORECASE,
)
_WIRELESS: Final = re.compile(r"^(wl|wi-?fi|wireless|wlan|ath|ra\d)", re.IGNORECASE)
_LAN_V4: Final = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)
_LAN_V6: Final = ipaddress.ip_network("fc00::/7")

LOOPBACK_WARNING: Final = (
    "Attention\u00a0: cette machine n'a pas d'adresse sur un réseau local (seulement 127.0.0.1)"
    "\u00a0: les tablettes de la salle ne pourront pas la joindre. Connectez-la au Wi-Fi de la "
    "salle (ou à un partage de connexion), puis relancez make run ROOM=1."
)


def choose_address(found: list[Interface]) -> RoomAddress:
    """The address to give the room, and the other usable ones (see the module's rule)."""
    ranked = sorted(
        ((_rank(interface, index), interface.address) for index, interface in enumerate(found)
         if _usable(interface)),
    )  # fmt: skip
    addresses = list(dict.fromkeys(_bare(address) for _, address in ranked))
    if not addresses:
        return RoomAddress(address=None)
    return RoomAddress(address=addresses[0], others=tuple(addresses[1:]))


def _bare(address: str) -> str:
    """An IPv6 address without its zone (``fe80::1%eth0``)."""
    return address.split("%", 1)[0]


def _usable(interface: Interface) -> bool:
    if not interface.up:
        return False
    try:
        ip = ipaddress.ip_address(_bare(interface.address))
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def _rank(interface: Interface, index: int) -> tuple[bool, bool, bool, bool, int]:
    ip = ipaddress.ip_address(_bare(interface.address))
    if isinstance(ip, ipaddress.IPv4Address):
        lan = any(ip in network for network in _LAN_V4)
    else:
        lan = ip in _LAN_V6
    return (
        bool(_VIRTUAL.match(interface.name)),
        ip.version == 6,
        not lan,
        not _WIRELESS.match(interface.name),
        index,
    )


def _host(address: str) -> str:
    return f"[{address}]" if ":" in address else address


def interfaces() -> list[Interface]:
    """This machine's interface addresses (IPv4 and IPv6), as psutil reads them."""
    import socket

    import psutil  # type: ignore[import-untyped,unused-ignore]

    stats = psutil.net_if_stats()
    found = []
    for name, addresses in psutil.net_if_addrs().items():
        up = stats[name].isup if name in stats else True
        for address in addresses:
            if address.family in (socket.AF_INET, socket.AF_INET6):
                found.append(Interface(name, address.address, up))
    return found


def room_address() -> RoomAddress:
    """The address tablets should use to reach this machine, read from its interfaces now."""
    return choose_address(interfaces())


def terminal_qr(link: str, *, colours: bool = False) -> str:
    """``link`` as a QR code of Unicode half blocks (segno's compact terminal form: two modules a
    character vertically, so that it stays square in the usual fonts). Segno draws the light
    modules in the text's colour, right on a dark terminal but inverted on a light one, which many
    phone readers do not scan: with ``colours`` (a terminal that understands ANSI colours) each
    line is drawn white on black whatever the terminal's theme."""
    out = io.StringIO()
    segno.make(link, error="m").terminal(out=out, compact=True, border=4)
    lines = out.getvalue().splitlines()
    if colours:
        lines = [f"\x1b[97;40m{line}\x1b[0m" for line in lines]
    return "\n".join(lines) + "\n"


def colours() -> bool:
    """Whether stdout is a terminal that draws ANSI colours (not a file, not Windows' console)."""
    return sys.stdout.isatty() and os.name != "nt"
