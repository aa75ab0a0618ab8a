"""``metrokawa serve --room`` (and ``make run ROOM=1``): every address of the laptop, the links made
from its address on the local network, the join QR code drawn in the terminal, and a French warning
when the machine has nothing but loopback addresses."""

from __future__ import annotations

import ipaddress
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
import segno

from server import cli, room
from server.room import Interface, RoomAddress, choose_address

from .test_listen import top_level_make

ROOT = Path(__file__).resolve().parents[2]

# The interfaces a system lists (name, address, up) → the address given to the room, then the
# other usable ones in order. Written out: the rule of server/room.py, case by case.
UP, DOWN = True, False
CHOICES: list[tuple[str, list[tuple[str, str, bool]], str | None, tuple[str, ...]]] = [
    ("only the loopback", [("lo", "127.0.0.1", UP), ("lo", "::1", UP)], None, ()),
    ("nothing at all", [], None, ()),
    ("a laptop on the Wi-Fi",
     [("lo", "127.0.0.1", UP), ("wlp2s0", "192.168.1.20", UP)], "192.168.1.20", ()),
    ("a bridge of containers comes after the Wi-Fi",
     [("docker0", "172.17.0.1", UP), ("wlan0", "10.0.0.7", UP)], "10.0.0.7", ("172.17.0.1",)),
    ("a VPN tunnel comes after the Wi-Fi",
     [("tun0", "10.8.0.2", UP), ("wlan0", "192.168.0.12", UP)], "192.168.0.12", ("10.8.0.2",)),
    ("a virtual interface is still better than nothing",
     [("lo", "127.0.0.1", UP), ("virbr0", "192.168.122.1", UP)], "192.168.122.1", ()),
    ("IPv4 before IPv6",
     [("eth0", "fd00::2", UP), ("eth0", "192.0.2.2", UP)], "192.0.2.2", ("fd00::2",)),
    ("a private network before another address",
     [("eth0", "203.0.113.9", UP), ("wlan0", "192.168.1.5", UP)], "192.168.1.5", ("203.0.113.9",)),
    ("wireless before wired, both private",
     [("enp3s0", "192.168.1.4", UP), ("wlp2s0", "192.168.1.5", UP)], "192.168.1.5",
     ("192.168.1.4",)),
    ("Windows names its Wi-Fi « Wi-Fi »",
     [("Ethernet", "10.1.1.2", UP), ("Wi-Fi", "10.1.1.3", UP)], "10.1.1.3", ("10.1.1.2",)),
    ("Hyper-V's switch on Windows is virtual",
     [("vEthernet (WSL)", "172.28.80.1", UP), ("Ethernet", "192.168.1.9", UP)], "192.168.1.9",
     ("172.28.80.1",)),
    ("an interface that is down is left out",
     [("wlan0", "192.168.1.5", DOWN), ("eth0", "192.168.2.6", UP)], "192.168.2.6", ()),
    ("a link-local address is left out",
     [("eth0", "169.254.3.4", UP), ("eth0", "fe80::1%eth0", UP)], None, ()),
    ("the order of the system breaks a tie",
     [("eth1", "192.168.5.1", UP), ("eth0", "192.168.5.2", UP)], "192.168.5.1", ("192.168.5.2",)),
    ("an IPv6 address alone, without its zone",
     [("lo", "::1", UP), ("wlan0", "fd12:3456::7%wlan0", UP)], "fd12:3456::7", ()),
    ("one address listed twice is given once",
     [("eth0", "192.168.1.2", UP), ("eth0:1", "192.168.1.2", UP)], "192.168.1.2", ()),
    ("something that is no address is left out",
     [("weird", "not-an-address", UP), ("wlan0", "10.2.3.4", UP)], "10.2.3.4", ()),
]  # fmt: skip


@pytest.mark.parametrize(
    ("found", "chosen", "others"),
    [pytest.param(found, chosen, others, id=name) for name, found, chosen, others in CHOICES],
)
def test_the_room_address_is_chosen_from_the_interfaces(
    found: list[tuple[str, str, bool]], chosen: str | None, others: tuple[str, ...]
) -> None:
    assert choose_address([Interface(*i) for i in found]) == RoomAddress(
        address=chosen, others=others
    )


def test_an_ipv6_address_is_bracketed_in_a_link() -> None:
    assert RoomAddress(address="fd00::2").url(8000) == "http://[fd00::2]:8000"
    assert RoomAddress(address="192.168.1.2").url(8001) == "http://192.168.1.2:8001"
    assert RoomAddress(address=None).url(8000) is None


def read_qr(text: str) -> list[list[int]]:
    """The modules of a QR code drawn in half blocks (1: dark), as segno draws it: a full block is
    two light modules, a space two dark ones, an upper half block a light one over a dark one."""
    halves = {"█": (0, 0), " ": (1, 1), "▀": (0, 1), "▄": (1, 0)}
    rows: list[list[int]] = []
    for line in text.splitlines():
        pairs = [halves[character] for character in line]
        rows.append([top for top, _ in pairs])
        rows.append([bottom for _, bottom in pairs])
    return rows


def qr_rows(link: str) -> list[list[int]]:
    """What the code of ``link`` must hold, its quiet zone of 4 light modules included (and, when
    the last line is half a line, under it the terminal's own background: read as dark)."""
    rows = [list(row) for row in segno.make(link, error="m").matrix_iter(border=4)]
    return [*rows, [1] * len(rows[0])] if len(rows) % 2 else rows


def test_the_terminal_qr_code_holds_the_link() -> None:
    link = "http://192.168.1.20:8000/j/ABC234"
    assert read_qr(room.terminal_qr(link)) == qr_rows(link)
    assert read_qr(room.terminal_qr(link)) != qr_rows("http://192.168.1.20:8000/j/ABC235")


def test_in_colour_each_line_is_drawn_white_on_black() -> None:
    plain = room.terminal_qr("http://10.0.0.2:8000/").splitlines()
    coloured = room.terminal_qr("http://10.0.0.2:8000/", colours=True).splitlines()
    assert coloured == [f"\x1b[97;40m{line}\x1b[0m" for line in plain]


def test_only_a_loopback_address_gets_a_french_warning_and_local_links(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(room, "interfaces", lambda: [Interface("lo", "127.0.0.1")])
    assert cli._room_url(8000) is None  # the links stay on http://127.0.0.1:8000
    err = capsys.readouterr().err
    assert err.startswith("metrokawa serve\u00a0: Attention\u00a0: cette machine n'a pas")
    assert "les tablettes de la salle ne pourront pas la joindre" in err
    assert "make run ROOM=1" in err
    assert " :" not in err
    assert " ;" not in err


def test_the_other_addresses_are_said_so_that_another_can_be_chosen(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    found = [Interface("docker0", "172.17.0.1"), Interface("wlan0", "192.168.1.7")]
    monkeypatch.setattr(room, "interfaces", lambda: found)
    assert cli._room_url(8123) == "http://192.168.1.7:8123"
    err = capsys.readouterr().err
    assert "adresse de la salle 192.168.1.7" in err
    assert "172.17.0.1" in err
    assert "--public-url" in err


# --- a real server on this machine's interfaces -------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def read_until(process: subprocess.Popen[str], done: re.Pattern[str], timeout: float) -> str:
    """The process's output until ``done`` matches it (a TimeoutError after ``timeout`` s)."""
    text: list[str] = []
    found = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            text.append(line)
            if done.search("".join(text)):
                found.set()
                return

    threading.Thread(target=pump, daemon=True).start()
    if not found.wait(timeout):
        raise TimeoutError("".join(text))
    return "".join(text)


def qr_after(text: str, marker: str) -> str:
    """The block characters drawn after the line holding ``marker``."""
    lines = text[text.index(marker) :].splitlines()[1:]
    drawn = []
    for line in lines:
        if not line or set(line) - set("█▀▄ "):
            break
        drawn.append(line)
    return "\n".join(drawn)


def serve_room(tmp_path: Path, port: int, *extra: str) -> subprocess.Popen[str]:
    db = tmp_path / "room.sqlite"
    command = [sys.executable, "-m", "server", "serve", "--room", "--port", str(port)]
    return subprocess.Popen(
        [*command, "--db", str(db), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
    )


def stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.communicate(timeout=10)


def test_serve_room_prints_this_machine_s_address_and_a_terminal_qr_code(tmp_path: Path) -> None:
    expected = room.room_address()  # this machine's interfaces, read as serve reads them
    port = free_port()
    process = serve_room(tmp_path, port)
    try:
        text = read_until(process, re.compile(r"Uvicorn running"), timeout=30)
        session = re.search(r"/f/(\w+)#token=", text)
        assert session is not None, text
        # Asked on the loopback (every address listens), the public face gives the console and
        # the projector the links they show: the room's address, the same as printed.
        face = httpx.get(f"http://127.0.0.1:{port}/api/sessions/{session.group(1)}", timeout=10)
    finally:
        stop(process)
    assert f"Uvicorn running on http://0.0.0.0:{port}" in text
    console = re.search(r"Console d'animation\s*\u00a0?: (http://\S+)/f/", text)
    joined = re.search(r"rejoignent (http://\S+/j/[A-Z0-9]{6}),", text)
    assert console is not None, text
    assert joined is not None, text
    if expected.address is None:  # a machine with no network: said, and the local links kept
        assert "Attention\u00a0: cette machine n'a pas d'adresse sur un réseau local" in text
        assert console.group(1) == f"http://127.0.0.1:{port}"
    else:
        host = console.group(1).removeprefix("http://").rsplit(":", 1)[0].strip("[]")
        assert not ipaddress.ip_address(host).is_loopback
        assert host in {i.address.split("%")[0] for i in room.interfaces()}
        assert console.group(1) == expected.url(port)
    assert joined.group(1).startswith(console.group(1) + "/j/")
    assert face.json()["links"]["join"] == joined.group(1)
    assert face.json()["links"]["projector"].startswith(console.group(1) + "/p/")
    assert read_qr(qr_after(text, "scannent ce code")) == qr_rows(joined.group(1))


def test_serve_room_without_a_new_session_prints_the_home_page_and_its_code(
    tmp_path: Path,
) -> None:
    port = free_port()
    process = serve_room(tmp_path, port, "--no-new-session")
    try:
        text = read_until(process, re.compile(r"Uvicorn running"), timeout=30)
    finally:
        stop(process)
    home = re.search(r"Métrokawa dans la salle\u00a0: (http://\S+/)\n", text)
    assert home is not None, text
    assert home.group(1) == f"{room.room_address().url(port) or f'http://127.0.0.1:{port}'}/"
    assert read_qr(qr_after(text, "scannent ce code")) == qr_rows(home.group(1))
    assert "Console d'animation" not in text


def test_an_address_given_by_hand_wins_over_the_one_found(tmp_path: Path) -> None:
    port = free_port()
    given = f"http://192.168.50.2:{port}"
    process = serve_room(tmp_path, port, "--public-url", given)
    try:
        text = read_until(process, re.compile(r"Uvicorn running"), timeout=30)
    finally:
        stop(process)
    assert f"Console d'animation\u00a0: {given}/f/" in text
    joined = re.search(r"rejoignent (http://\S+/j/[A-Z0-9]{6}),", text)
    assert joined is not None
    assert joined.group(1).startswith(f"{given}/j/")
    assert read_qr(qr_after(text, "scannent ce code")) == qr_rows(joined.group(1))
    assert "adresse de la salle" not in text  # nothing looked for


@pytest.mark.parametrize(
    ("arguments", "command"),
    [
        (["ROOM=1"], "serve --room --port '8000'"),
        (["ROOM=1", "PORT=8123"], "serve --room --port '8123'"),
        (["ROOM=1", "HOST=192.168.1.3"], "serve --room --host '192.168.1.3' --port '8000'"),
        (["ROOM=0"], "serve --host '127.0.0.1' --port '8000'"),
        ([], "serve --host '127.0.0.1' --port '8000'"),
    ],
)
def test_make_run_room_serves_the_room(arguments: list[str], command: str) -> None:
    done = subprocess.run(
        ["make", "-n", "-o", "setup", "run", *arguments],
        cwd=ROOT, env=top_level_make(), capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert done.stdout.splitlines() == [f".venv/bin/metrokawa {command}"]
