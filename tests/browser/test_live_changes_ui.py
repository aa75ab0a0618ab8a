"""Changes made on the night, in the browser (issue 14 §3, "Done when"): a host handover (from
the host's own tablet, and from the console), a participant moved, a round added and edited
while another runs. Each change is made with the keyboard where a person would, its outcome is
said in the page's live region, focus never falls to the page, and the other screens follow. The
new views pass axe-core at every impact, at 360 px and on a desktop, in French and in English.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from session_engine.events import TablesSeated
from session_engine.model import TableSeating

from ..server.live import LiveServer
from ..server.scenario import Member, Room
from .conftest import DESKTOP, PHONE, screenshot
from .tablet import a_running_round, open_tablet, over_the_wire, scan_every_way
from .wire import as_member, people, steer

FOCUSED = """() => { const e = document.activeElement;
  return {tag: e.tagName, id: e.id, text: (e.innerText || e.value || '').trim()}; }"""
SAID = """() => (window.__said || []).slice()"""


ERASED = "Un énoncé que son autrice demande d’effacer."


def open_console(open_context: Any, room: Room, viewport: dict[str, int] = DESKTOP) -> Any:
    page = open_context(viewport).new_page()
    page.add_init_script(
        """window.__said = []; let last = '';
        new MutationObserver(() => {
          const region = document.querySelector('[data-testid=live-region]');
          const text = region ? region.textContent.trim() : '';
          if (text && text !== last) window.__said.push(text);
          last = text;
        }).observe(document, {subtree: true, childList: true, characterData: true});"""
    )
    page.goto(f"{room.url}/f/{room.id}#token={room.token}")
    expect(page.get_by_test_id("connection")).to_have_attribute("data-status", "online")
    return page


def focused(page: Any) -> dict[str, str]:
    where: dict[str, str] = page.evaluate(FOCUSED)
    assert where["tag"] != "BODY", "focus fell to the page"
    return where


def says(page: Any, text: str) -> None:
    """The page's live region says ``text`` (waited for: messages go out 100 ms apart)."""
    page.wait_for_function("t => (window.__said || []).some(s => s.includes(t))", arg=text)


def console_said(page: Any, text: str) -> None:
    """The console shows ``text`` in its notice and says it in its live region."""
    expect(page.get_by_test_id("console-status")).to_contain_text(text)
    says(page, text)


def four_at_two_tables(server: LiveServer) -> tuple[Room, list[Member], dict[int, TableSeating]]:
    """Awa, Bruno, Chloé and Djamel at two tables of two; round 1 running. The plan, by table."""
    room = Room.create(server, table_size=2)
    members = people(room, "Awa", "Bruno", "Chloé", "Djamel")
    steer(room, ("SeatTables", {}), ("StartRound", {}))
    seated = next(e.event for e in room.stored() if isinstance(e.event, TablesSeated))
    return room, members, {t.table: t for t in seated.tables}


def test_a_host_hands_the_table_over_from_their_tablet(
    server: LiveServer, open_context: Any
) -> None:
    table = a_running_round(server)
    host = open_tablet(open_context(PHONE), table.room, table.host)
    guest = open_tablet(open_context(PHONE), table.room, table.guest)
    expect(host.get_by_test_id("synthesis-input")).to_be_visible()
    expect(guest.get_by_test_id("synthesis-input")).to_have_count(0)

    # With the keyboard: the toggle, then the first member's button, which takes the focus.
    host.get_by_role("button", name="Passer le rôle d’hôte").focus()
    host.keyboard.press("Enter")
    give = host.get_by_test_id(f"hand-over-{table.guest.id}")
    expect(give).to_be_focused()
    expect(give).to_have_text(f"Donner le rôle à {table.guest.pseudonym}")
    screenshot(host, "live-hand-over-list")
    host.keyboard.press("Enter")

    expect(guest.get_by_test_id("synthesis-input")).to_be_visible()
    expect(host.get_by_test_id("synthesis-input")).to_have_count(0)
    expect(host.get_by_test_id("hand-over")).to_have_count(0)
    assert focused(host)["id"] == "table-title"
    expect(host.get_by_test_id("table-mates")).to_contain_text(table.guest.pseudonym)
    says(host, f"{table.guest.pseudonym} est maintenant l’hôte de la table.")
    expect(guest.locator(".mk-table-number [data-testid=host-badge]")).to_be_visible()
    says(guest, "Vous êtes maintenant l’hôte de la table.")
    # The new host writes the table's synthesis.
    guest.get_by_test_id("synthesis-input").fill("Notre table retient les bancs.")
    guest.get_by_role("button", name="Envoyer la synthèse").click()
    expect(guest.get_by_test_id("synthesis-status")).to_contain_text("Cette version est envoyée.")


def test_the_facilitator_hands_a_table_over_and_moves_someone(
    server: LiveServer, open_context: Any
) -> None:
    room, members, tables = four_at_two_tables(server)
    console = open_console(open_context, room)
    plan = console.get_by_test_id("seating-plan")
    first, second = tables[1], tables[2]
    member = next(m for m in members if m.id in first.members and m.id != first.host)

    # A handover: the member becomes the host of table 1.
    console.get_by_test_id("people-person").select_option(member.id)
    console.get_by_test_id("people-make-host").click()
    console_said(console, f"{member.pseudonym} est l’hôte de la table 1.")
    expect(plan.locator("[data-table='1'] .mk-host")).to_contain_text(member.pseudonym)
    expect(console.get_by_test_id("people-make-host")).to_have_attribute("aria-disabled", "true")
    assert focused(console)["text"] == "Rendre hôte de sa table"

    # A move: the same member goes to table 2; table 1 keeps its host, table 2 gains a member.
    console.locator("#people-table").select_option(str(second.table))
    console.get_by_test_id("people-move").focus()
    console.keyboard.press("Enter")
    console_said(console, f"{member.pseudonym} est maintenant à la table 2.")
    expect(plan.locator("[data-table='2']")).to_contain_text(member.pseudonym)
    expect(plan.locator("[data-table='1']")).not_to_contain_text(member.pseudonym)
    expect(plan.locator("[data-table='1'] .mk-host")).to_have_count(1)
    assert focused(console)["tag"] in ("BUTTON", "SELECT")
    screenshot(console, "live-console-people")

    # The moved participant's tablet says so and shows the new table.
    tablet = open_tablet(open_context(PHONE), room, member)
    expect(tablet.get_by_test_id("table-number")).to_have_text("2")
    for mate in second.members:
        name = next(m.pseudonym for m in members if m.id == mate)
        expect(tablet.get_by_test_id("table-mates")).to_contain_text(name)


def test_a_round_is_added_and_edited_while_another_runs(
    server: LiveServer, open_context: Any
) -> None:
    table = a_running_round(server)
    room = table.room
    console = open_console(open_context, room)
    tablet = open_tablet(open_context(PHONE), room, table.guest)
    # Added between the running round and round 2.
    form = console.locator("form[aria-labelledby=agenda-add-title]")
    form.get_by_label("Type de tour").select_option("plenary")
    form.get_by_label("Consigne").fill("Mise en commun")
    form.get_by_label("Durée en minutes").fill("10")
    form.get_by_label("Place dans le programme").select_option(label="Avant le tour 2")
    console.get_by_test_id("agenda-add").click()
    console_said(console, "Le tour est ajouté au programme.")
    coming = console.get_by_test_id("agenda-coming")
    expect(coming.locator("li").first).to_contain_text(
        "Tour 2 (Plénière) — Mise en commun (10 min)"
    )
    expect(coming.locator("li").nth(1)).to_contain_text("Tour 3 (Tables) — Manche 2")
    expect(console.locator("#rounds")).to_contain_text("Mise en commun")

    # Edited with the keyboard: the form takes the focus, « Modifier » gets it back.
    console.get_by_test_id("round-2-edit").focus()
    console.keyboard.press("Enter")
    prompt = console.locator("#round-2-prompt")
    expect(prompt).to_be_focused()
    prompt.fill("Mise en commun des tables")
    console.locator("#round-2-minutes").fill("15")
    console.get_by_test_id("round-2-save").click()
    console_said(console, "Le tour 2 est modifié.")
    expect(coming.locator("li").first).to_contain_text(
        "Tour 2 (Plénière) — Mise en commun des tables (15 min)"
    )
    expect(console.get_by_test_id("round-2-edit")).to_be_focused()
    screenshot(console, "live-console-agenda")

    # The running round cannot change; the next one started is the new one.
    expect(coming.locator("li[data-round='1']")).to_have_count(0)
    over_the_wire(room, [(None, "EndRound", {}), (None, "StartRound", {})])
    expect(tablet.get_by_test_id("round-prompt")).to_have_text("Mise en commun des tables")


def test_the_new_views_pass_axe_at_every_impact(server: LiveServer, open_context: Any) -> None:
    found: dict[str, list[str]] = {}
    # Before seating: the territories and the table size are there to change.
    room = Room.create(server)
    people(room, "Awa", "Bruno")
    console = open_console(open_context, room, PHONE)
    expect(console.get_by_test_id("territory-add")).to_be_visible()
    found.update(scan_every_way(console, "console before seating"))

    # During a round: a person chosen, the removal's question open, a round being edited.
    room, members, _ = four_at_two_tables(server)
    steer(room, ("RemoveParticipant", {"participant": members[3].id}))
    console = open_console(open_context, room, PHONE)
    console.get_by_test_id("people-person").select_option(members[0].id)
    console.get_by_test_id("people-remove").click()
    expect(console.get_by_test_id("people-confirm-remove")).to_be_focused()
    expect(console.get_by_test_id("people-left")).to_contain_text("Participant·e 4")
    console.get_by_test_id("round-2-edit").click()
    found.update(scan_every_way(console, "console on the night"))

    # The host's tablet with its handover list open.
    table = a_running_round(server)
    host = open_tablet(open_context(PHONE), table.room, table.host)
    host.get_by_role("button", name="Passer le rôle d’hôte").click()
    expect(host.get_by_test_id(f"hand-over-{table.guest.id}")).to_be_visible()
    found.update(scan_every_way(host, "host's tablet"))
    assert found == {key: [] for key in found}


def test_the_console_merges_two_entries_and_erases_someone_at_their_request(
    server: LiveServer, open_context: Any
) -> None:
    room, members, _ = four_at_two_tables(server)
    _, bruno, chloe, djamel = members
    as_member(room, chloe, ("ProposeStatement", {"text": ERASED}))
    steer(room, ("PublishStatement", {"statement": "s1"}))
    console = open_console(open_context, room)
    expect(console.locator("#statements")).to_contain_text(ERASED)

    # Djamel joined twice: his entry goes into Bruno's.
    console.get_by_test_id("people-person").select_option(djamel.id)
    console.locator("#people-twin").select_option(bruno.id)
    console.get_by_test_id("people-merge").click()
    console_said(console, f"Les deux fiches sont fusionnées dans celle de {bruno.pseudonym}.")
    expect(console.get_by_test_id("people-person")).to_be_focused()  # the entry is gone
    expect(console.get_by_test_id("people-left")).to_contain_text("Participant·e 4")

    # Chloé leaves and asks for erasure: confirmed, her statement is gone from every screen.
    console.get_by_test_id("people-person").select_option(chloe.id)
    console.get_by_label("Effacer ses énoncés, ses notes et ses positions (à sa demande)").check()
    console.get_by_test_id("people-remove").click()
    confirm = console.get_by_test_id("people-confirm-remove")
    expect(confirm).to_be_focused()
    expect(console.locator("#people-confirm-text")).to_contain_text("On ne pourra pas revenir")
    console.keyboard.press("Enter")
    console_said(console, f"{chloe.pseudonym} ne fait plus partie de la session")
    expect(console.locator("#statements")).not_to_contain_text(ERASED)
    expect(console.get_by_test_id("people-left")).to_contain_text("Participant·e 3")
    focused(console)
    expect(console.get_by_test_id("people-person").locator("option")).to_have_count(3)  # Awa, Bruno
