"""Scenarios of the offline simulator and its synthetic room: a whole Métrokawa, reproducibly."""

from __future__ import annotations

import hashlib
import os
import random
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import TypeVar

import pytest

from server.simulation import population
from server.simulation.offline import CREATED_AT_MS, SimulationError, run_offline, simulate_offline
from server.simulation.population import BANK, TERRITORIES, Theme
from session_engine import Envelope, SessionState, read_log, replay
from session_engine.events import (
    BallotCast,
    ParticipantJoined,
    ParticipantSeated,
    PositionTaken,
    RoundEnded,
    RoundExtended,
    RoundPaused,
    RoundResumed,
    RoundStarted,
    StatementsMerged,
    TablesRotated,
    TablesSeated,
)
from session_engine.model import ParticipantRole, StatementKind
from session_engine.state import RoundStatus, StatementStatus

ROOT = Path(__file__).resolve().parents[2]
E = TypeVar("E")


@dataclass(frozen=True)
class Played:
    data: bytes
    log: list[Envelope]
    state: SessionState


@pytest.fixture(scope="module")
def full_room() -> Played:
    """The programme's room: 120 people, 6 territories, 4 rounds."""
    data = simulate_offline(120, 6, 4, seed=2026)
    _, log = read_log(data)
    return Played(data=data, log=log, state=replay(log))


def events_of(played: Played, kind: type[E]) -> Iterator[tuple[Envelope, E]]:
    for envelope in played.log:
        if isinstance(envelope.event, kind):
            yield envelope, envelope.event


# --- reproducibility ----------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_logs() -> None:
    assert simulate_offline(40, 3, 3, seed=5) == simulate_offline(40, 3, 3, seed=5)


def test_different_seeds_give_different_logs() -> None:
    assert simulate_offline(40, 3, 3, seed=5) != simulate_offline(40, 3, 3, seed=6)


def test_log_is_the_same_whatever_the_hash_seed() -> None:
    script = (
        "import hashlib; from server.simulation.offline import simulate_offline; "
        "print(hashlib.sha256(simulate_offline(120, 6, 4, 11)).hexdigest())"
    )
    digests = set()
    for hash_seed in ("0", "1"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        digests.add(done.stdout.strip())
    expected = hashlib.sha256(simulate_offline(120, 6, 4, 11)).hexdigest()
    assert digests == {expected}


def test_log_starts_at_the_fixed_synthetic_morning_and_time_never_goes_back(
    full_room: Played,
) -> None:
    header, _ = read_log(full_room.data)
    assert header.session == "demo-2026"
    assert header.created_at == CREATED_AT_MS == full_room.log[0].at
    times = [envelope.at for envelope in full_room.log]
    assert times == sorted(times)
    assert 2 * 3_600_000 < times[-1] - times[0] < 4 * 3_600_000  # a morning, not a minute


# --- the session it plays -----------------------------------------------------------------------


def test_simulated_log_replays_to_a_closed_session_of_120_in_6_territories(
    full_room: Played,
) -> None:
    state = full_room.state
    assert state.closed
    assert len(state.participants) == 120
    assert Counter(p.territory for p in state.participants.values()) == {
        f"t{i}": 20 for i in range(1, 7)
    }
    assert sum(t.qpv for t in state.territories.values()) == 4
    assert [r.status for r in state.rounds] == [RoundStatus.ENDED] * 4
    assert state.rounds[-1].spec.kind == "vote"


def test_every_seating_keeps_tables_of_six_give_or_take_one(full_room: Played) -> None:
    plans = [e.tables for _, e in events_of(full_room, TablesSeated)]
    plans += [e.tables for _, e in events_of(full_room, TablesRotated)]
    assert len(plans) == 4  # the first seating, then a rotation before each later round
    for plan in plans:
        assert all(5 <= len(table.members) <= 7 for table in plan)
    assert all(5 <= len(t.members) <= 7 for t in full_room.state.tables.values())


def test_about_one_in_ten_arrives_late_and_the_engine_seats_them(full_room: Played) -> None:
    late = [e for _, e in events_of(full_room, ParticipantSeated)]
    assert len(late) == 12
    first_round = next(env.seq for env, _ in events_of(full_room, RoundStarted))
    seated = [env.seq for env, _ in events_of(full_room, ParticipantSeated)]
    assert all(seq > first_round for seq in seated)


def test_every_round_is_ended_by_the_system_timer_at_its_deadline(full_room: Played) -> None:
    ended = list(events_of(full_room, RoundEnded))
    assert [e.reason for _, e in ended] == ["deadline"] * 4
    assert {env.actor for env, _ in ended} == {"system"}
    deadlines = _deadlines(full_room)
    assert [env.at for env, _ in ended] == [deadlines[e.round] for _, e in ended]


def _deadlines(played: Played) -> dict[int, int]:
    """The last deadline the engine announced for each round."""
    deadlines: dict[int, int] = {}
    for _, event in events_of(played, RoundStarted):
        deadlines[event.round] = event.deadline
    for _, resumed in events_of(played, RoundResumed):
        deadlines[resumed.round] = resumed.deadline
    for _, extended in events_of(played, RoundExtended):
        assert extended.deadline is not None
        deadlines[extended.round] = extended.deadline
    return deadlines


def test_the_facilitator_pauses_resumes_and_extends_once(full_room: Played) -> None:
    assert len(list(events_of(full_room, RoundPaused))) == 1
    assert len(list(events_of(full_room, RoundResumed))) == 1
    assert [e.by_ms for _, e in events_of(full_room, RoundExtended)] == [5 * 60_000]


def test_duplicates_are_merged_and_off_topic_statements_hidden(full_room: Played) -> None:
    statements = full_room.state.statements.values()
    status = Counter(s.status for s in statements)
    assert status[StatementStatus.PUBLISHED] > status[StatementStatus.HIDDEN] > 0
    assert status[StatementStatus.MERGED] > 0
    assert status[StatementStatus.PROPOSED] == 0  # the facilitator moderated everything
    off_topic = {s.text for s in BANK if s.off_topic}
    assert all(s.text in off_topic for s in statements if s.status is StatementStatus.HIDDEN)
    for _, merged in events_of(full_room, StatementsMerged):
        kept = full_room.state.statements[merged.into]
        assert kept.status is StatementStatus.PUBLISHED


def test_people_annotate_take_positions_and_change_their_mind(full_room: Played) -> None:
    state = full_room.state
    taken = [e for _, e in events_of(full_room, PositionTaken)]
    assert len(state.positions) > 20 * len(state.participants)
    assert len(taken) > len(state.positions)  # some changed their mind, the last one counts
    assert None in state.positions.values()  # and some passed
    assert len(state.annotations) > len(state.participants)
    assert any(a.table is not None for a in state.annotations)
    assert any(a.place for a in state.annotations)


def test_every_host_submits_a_synthesis_for_every_table_round(full_room: Played) -> None:
    state = full_room.state
    for number in (1, 2, 3):
        assert {t for r, t in state.syntheses if r == number} == set(state.rounds[number - 1].hosts)


def test_everyone_grades_every_proposal_in_the_vote(full_room: Played) -> None:
    state = full_room.state
    (vote,) = state.votes.values()
    assert not vote.open
    assert len(vote.proposals) == len(state.proposals) == 8
    assert set(vote.ballots) == set(state.participants)
    assert all(set(grades) == set(vote.proposals) for grades in vote.ballots.values())
    assert len(list(events_of(full_room, BallotCast))) == 120


def test_grades_follow_positions(full_room: Played) -> None:
    state = full_room.state
    (vote,) = state.votes.values()
    by_position: defaultdict[int | None, list[int]] = defaultdict(list)
    for proposal in vote.proposals:
        statement = state.proposals[proposal].statement
        for pid, grades in vote.ballots.items():
            if (pid, statement) in state.positions:
                by_position[state.positions[(pid, statement)]].append(grades[proposal])
    assert mean(by_position[2]) > mean(by_position[0]) + 1.5


def test_positions_differ_by_territory(full_room: Played) -> None:
    state = full_room.state
    housing = next(s for s in BANK if s.key == "insalubrite")
    means = _territory_means(state, housing.text)
    qpv = [means[t] for t, territory in state.territories.items() if territory.qpv]
    others = [means[t] for t, territory in state.territories.items() if not territory.qpv]
    assert min(qpv) - max(others) >= 1


def _territory_means(state: SessionState, text: str) -> dict[str, float]:
    sid = next(s.id for s in state.statements.values() if s.text == text)
    values: defaultdict[str, list[int]] = defaultdict(list)
    for (pid, statement), value in state.positions.items():
        if statement == sid and value is not None:
            values[state.participants[pid].territory].append(value)
    return {territory: mean(v) for territory, v in values.items()}


def test_pseudonyms_of_people_who_did_not_consent_never_reach_the_log(full_room: Played) -> None:
    joined = [e for _, e in events_of(full_room, ParticipantJoined)]
    hidden = [e for e in joined if not e.consent]
    assert 0 < len(hidden) < len(joined)
    assert all(e.pseudonym == f"Participant·e {e.participant[1:]}" for e in hidden)


def test_smaller_rooms_play_through_too() -> None:
    run = run_offline(12, 2, 2, seed=3)
    state = replay(read_log(run.data)[1])
    assert state.closed
    assert len(state.territories) == 2
    assert len(state.rounds) == 2
    assert run.stats.participants == 12
    assert run.stats.events == len(read_log(run.data)[1])


def test_impossible_sizes_are_refused_in_french() -> None:
    with pytest.raises(ValueError, match="territoires"):
        run_offline(120, 7, 4, seed=1)
    with pytest.raises(ValueError, match="manches"):
        run_offline(120, 6, 1, seed=1)
    with pytest.raises(ValueError, match="participant"):
        run_offline(1, 6, 4, seed=1)


def test_a_command_the_engine_rejects_makes_the_simulation_fail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rambling = population.BankStatement(
        key="trop-long", theme=Theme.TRANSPORTS, kind=StatementKind.PROBLEM, text="bla " * 100
    )
    monkeypatch.setattr(population, "choose_statement", lambda *_: rambling)
    with pytest.raises(SimulationError, match="text_too_long"):
        run_offline(12, 2, 2, seed=3)


# --- the synthetic room -------------------------------------------------------------------------


def test_four_of_the_six_territories_are_qpv_and_small_rooms_still_mix() -> None:
    assert sum(t.qpv for t in TERRITORIES) == 4
    assert [t.qpv for t in population.territories(2)] == [True, False]
    with pytest.raises(ValueError, match="entre 1 et 6"):
        population.territories(0)


def test_people_have_unique_pseudonyms_and_the_programme_s_mix_of_roles() -> None:
    people = population.people(random.Random(9), 120, TERRITORIES)
    assert len({p.pseudonym.casefold() for p in people}) == 120
    roles = Counter(p.role for p in people)
    assert roles[ParticipantRole.HABITANT] == 84
    assert roles[ParticipantRole.ELU] == roles[ParticipantRole.TECHNICIEN] == 12
    assert sum(p.stays_seated for p in people) == 2
    assert sum(p.late for p in people) == 12
    assert 0 < sum(p.consent for p in people) < 120


def test_the_bank_has_a_problem_and_an_idea_for_every_theme() -> None:
    assert 55 <= len(BANK) <= 70
    assert len({s.key for s in BANK}) == len({s.text for s in BANK}) == len(BANK)
    for theme in Theme:
        kinds = {s.kind for s in BANK if s.theme is theme}
        expected = {StatementKind.PROBLEM} if theme is Theme.HORS_SUJET else set(StatementKind)
        assert kinds == expected, theme
    assert all(len(s.text) <= 280 and s.text.count(".") <= 1 for s in BANK)


def test_consensual_statements_are_supported_everywhere_and_divisive_ones_split_a_territory() -> (
    None
):
    rng = random.Random(4)
    people = population.people(rng, 600, TERRITORIES)
    lights = next(s for s in BANK if s.key == "eclairage")
    cameras = next(s for s in BANK if s.key == "cameras")
    for territory in TERRITORIES:
        here = [p for p in people if p.territory is territory]
        light = [population.position(rng, p, lights) for p in here]
        assert mean(v for v in light if v is not None) > 1
        camera = Counter(population.position(rng, p, cameras) for p in here)
        assert camera[2] + camera[1] > 10
        assert camera[-2] + camera[-1] > 10
