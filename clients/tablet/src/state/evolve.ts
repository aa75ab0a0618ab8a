/** session_engine/evolve.py on the client: one event applied to the session view, in place. */
import type { Envelope, PlaceView, RoundSpecView, RoundStatus, SessionView, StatementView, TableView } from './types';
import { pairKey } from './ids';
import { currentRound } from './derived';
import { applyLiveChange } from './live';
import { applyTabletChange } from './tablet';

function seatingOf(t: any): TableView {
  return { table: t.table, host: t.host ?? null, members: [...(t.members ?? [])] };
}

/** A forum contribution's place, theme and territory, as far as the event carries them (the
 *  public form of a proposal carries none; its publication does). */
function forumFields(d: any): Partial<StatementView> {
  const out: Partial<StatementView> = {};
  if (d.place !== undefined) out.place = placeOf(d.place);
  if (d.theme !== undefined) out.theme = d.theme ?? null;
  if (d.territory !== undefined) out.territory = d.territory ?? null;
  return out;
}

export function placeOf(p: any): PlaceView | null {
  if (p == null) return null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return { address: p.address ?? null, lat: num(p.lat), lon: num(p.lon) };
}

/** session_engine/evolve.py, for the snapshot shape. Unknown event types are ignored. */
export function applyEvent(s: SessionView, e: Envelope): void {
  const d = e.data ?? {};
  switch (e.type) {
    case 'SessionCreated': {
      s.created = true;
      s.title = d.title;
      s.territories = {};
      for (const t of d.territories ?? []) s.territories[t.id] = { ...t };
      s.rounds = (d.agenda ?? []).map((spec: RoundSpecView, i: number) => ({
        number: i + 1,
        spec: { ...spec },
        status: 'pending' as RoundStatus,
        deadline: null,
        remaining_ms: null,
        hosts: {},
        end_reason: null,
      }));
      if (d.forum) {
        // Left out for a session of the evening, in the event as in the engine's state.
        s.forum = true;
        s.themes = [...(d.themes ?? [])].map(String);
      }
      s.table_size = d.table_size ?? s.table_size;
      s.host_policy = d.host_policy ?? s.host_policy;
      break;
    }
    case 'ParticipantJoined':
      s.participants[d.participant] = {
        id: d.participant,
        pseudonym: d.pseudonym,
        territory: d.territory,
        role: d.role,
        stays_seated: !!d.stays_seated,
        consent: !!d.consent,
        table: null,
        times_hosted: 0,
        status: 'present',
        merged_into: null,
        added_by: d.added_by ?? null,
      };
      s.pseudonyms[String(d.pseudonym).toLowerCase()] = d.participant;
      break;
    case 'TablesSeated':
    case 'TablesRotated': {
      for (const p of Object.values(s.participants)) p.table = null;
      s.tables = {};
      for (const t of d.tables ?? []) {
        const seating = seatingOf(t);
        s.tables[String(seating.table)] = seating;
        for (const m of seating.members) if (s.participants[m]) s.participants[m].table = seating.table;
        if (seating.host != null && s.participants[seating.host]) s.participants[seating.host].times_hosted += 1;
        for (let i = 0; i < seating.members.length; i++) {
          for (let j = i + 1; j < seating.members.length; j++) {
            const k = pairKey(seating.members[i], seating.members[j]);
            s.pair_counts[k] = (s.pair_counts[k] ?? 0) + 1;
          }
        }
      }
      break;
    }
    case 'ParticipantSeated': {
      const key = String(d.table);
      const table = s.tables[key] ?? { table: d.table, host: null, members: [] };
      for (const m of table.members) {
        const k = pairKey(m, d.participant);
        s.pair_counts[k] = (s.pair_counts[k] ?? 0) + 1;
      }
      s.tables[key] = {
        table: d.table,
        host: d.hosts ? d.participant : table.host,
        members: [...table.members, d.participant],
      };
      const p = s.participants[d.participant];
      if (p) p.table = d.table;
      const current = currentRound(s);
      if (d.hosts) {
        if (p) p.times_hosted += 1;
        if (current && current.status !== 'ended') current.hosts[key] = d.participant;
      }
      break;
    }
    case 'RoundStarted': {
      const r = s.rounds[d.round - 1];
      if (!r) break;
      r.status = 'running';
      r.deadline = d.deadline;
      r.remaining_ms = null;
      r.hosts = {};
      for (const t of Object.values(s.tables)) if (t.host != null) r.hosts[String(t.table)] = t.host;
      s.current_round = d.round;
      break;
    }
    case 'RoundPaused': {
      const r = s.rounds[d.round - 1];
      if (!r) break;
      r.status = 'paused';
      r.deadline = null;
      r.remaining_ms = d.remaining_ms;
      break;
    }
    case 'RoundResumed': {
      const r = s.rounds[d.round - 1];
      if (!r) break;
      r.status = 'running';
      r.deadline = d.deadline;
      r.remaining_ms = null;
      break;
    }
    case 'RoundExtended': {
      const r = s.rounds[d.round - 1];
      if (!r) break;
      r.deadline = d.deadline ?? null;
      r.remaining_ms = d.remaining_ms ?? null;
      break;
    }
    case 'RoundEnded': {
      const r = s.rounds[d.round - 1];
      if (!r) break;
      r.status = 'ended';
      r.deadline = null;
      r.remaining_ms = null;
      r.end_reason = d.reason ?? null;
      break;
    }
    case 'StatementProposed':
      // Public form: {statement, round}; the facilitator's: the whole event.
      s.statements[d.statement] = {
        id: d.statement,
        author: d.author ?? e.actor,
        text: d.text ?? null,
        kind: d.kind ?? null,
        round: d.round,
        table: d.table ?? null,
        status: 'proposed',
        merged_into: null,
        proposed_seq: e.seq,
        ...forumFields(d),
      };
      break;
    case 'StatementPublished': {
      // Public form carries text, kind, round, table (the room sees it now).
      const st = s.statements[d.statement];
      if (st) {
        st.status = 'published';
        if (d.text != null) st.text = d.text;
        if (d.kind != null) st.kind = d.kind;
        if (d.table !== undefined) st.table = d.table;
        if (d.round != null) st.round = d.round;
        Object.assign(st, forumFields(d));
      } else {
        s.statements[d.statement] = {
          id: d.statement,
          author: 'participant',
          text: d.text ?? null,
          kind: d.kind ?? null,
          round: d.round ?? 0,
          table: d.table ?? null,
          status: 'published',
          merged_into: null,
          ...forumFields(d),
        };
      }
      break;
    }
    case 'StatementImported': {
      // Public and whole for everyone: published at once, the facilitators' (evolve.py), in
      // the round under way (0 before any), at no table.
      const p = d.provenance ?? {};
      s.statements[d.statement] = {
        id: d.statement,
        author: 'facilitator',
        text: d.text ?? null,
        kind: d.kind ?? null,
        round: s.current_round,
        table: null,
        status: 'published',
        merged_into: null,
        provenance: {
          key: String(p.key ?? ''),
          source: String(p.source ?? ''),
          territories: [...(p.territories ?? [])].map(String),
          statement: p.statement ?? null,
          ...(p.ratings?.length ? { ratings: [...p.ratings].map(Number) } : {}),
        },
      };
      break;
    }
    case 'StatementHidden': {
      const st = s.statements[d.statement];
      if (st) st.status = 'hidden';
      break;
    }
    case 'StatementsMerged': {
      const st = s.statements[d.statement];
      if (st) {
        st.status = 'merged';
        st.merged_into = d.into;
      }
      break;
    }
    case 'AnnotationAdded':
      s.annotations.push({
        id: d.annotation,
        author: d.author,
        text: d.text,
        statement: d.statement ?? null,
        table: d.table ?? null,
        tags: [...(d.tags ?? [])],
        place: d.place ?? null,
        round: d.round,
      });
      break;
    case 'PositionTaken':
      s.positions[`${d.participant}|${d.statement}`] = d.value ?? null;
      break;
    case 'SynthesisSubmitted':
      s.syntheses[`${d.round}|${d.table}`] = { round: d.round, table: d.table, host: d.host, text: d.text };
      break;
    case 'ProposalPromoted':
      s.proposals[d.proposal] = { id: d.proposal, statement: d.statement, text: d.text };
      break;
    case 'VoteOpened':
      s.votes[d.vote] = { id: d.vote, proposals: [...(d.proposals ?? [])], open: true, ballots: {}, paper: [] };
      break;
    case 'BallotCast': {
      // Public form: {vote} only. The facilitator's carries the voter and the grades.
      const v = s.votes[d.vote];
      if (v && d.participant && d.grades) v.ballots[d.participant] = { ...(v.ballots[d.participant] ?? {}), ...d.grades };
      break;
    }
    case 'VoteClosed': {
      const v = s.votes[d.vote];
      if (v) v.open = false;
      break;
    }
    case 'ConsentOpened':
      s.consents[d.consent] = {
        id: d.consent,
        proposal: d.proposal,
        vote: d.vote,
        grade: d.grade,
        text: d.text,
        objections: [],
        status: 'open',
        end_reason: null,
      };
      break;
    case 'ObjectionRaised': {
      // Public form: {objection, consent, text}; the facilitator's carries the author.
      s.objections[d.objection] = {
        id: d.objection,
        consent: d.consent,
        author: d.author ?? e.actor,
        text: d.text,
        resolution: null,
        wording: null,
        raised_seq: e.seq,
      };
      const c = s.consents[d.consent];
      if (c && !c.objections.includes(d.objection)) c.objections.push(d.objection);
      break;
    }
    case 'ObjectionResolved': {
      const o = s.objections[d.objection];
      if (o) {
        o.resolution = d.resolution;
        o.wording = d.wording ?? null;
      }
      const c = s.consents[d.consent];
      if (c && d.wording != null) c.text = d.wording;
      break;
    }
    case 'VoeuAdopted': {
      const c = s.consents[d.consent];
      if (c) c.status = 'adopted';
      s.voeux[d.voeu] = { id: d.voeu, consent: d.consent, proposal: d.proposal, text: d.text, outcome: d.outcome };
      break;
    }
    case 'ConsentAbandoned': {
      const c = s.consents[d.consent];
      if (c) {
        c.status = 'abandoned';
        c.end_reason = d.reason ?? null;
      }
      break;
    }
    case 'SessionClosed':
      s.closed = true;
      break;
    case 'ResultsShown':
      s.results = { statement: d.statement ?? null, vote: d.vote ?? null, profiles: d.profiles ?? {} };
      break;
    case 'ResultsHidden':
      s.results = null;
      break;
    case 'CoFacilitatorAdded':
      // Public form: {cofacilitator}; the facilitator's carries whom it was given to.
      s.cofacilitators[d.cofacilitator] = { id: d.cofacilitator, label: d.label ?? null, revoked: false };
      break;
    case 'CoFacilitatorRevoked': {
      const c = s.cofacilitators[d.cofacilitator];
      if (c) c.revoked = true;
      break;
    }
    default:
      // The changes made on the night (./live.ts), then people without a phone (./tablet.ts);
      // others are ignored.
      if (!applyLiveChange(s, e)) applyTabletChange(s, e);
      break;
  }
}
