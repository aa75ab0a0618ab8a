/**
 * For the host, on their own phone: record a member's position « pour » them, the member beside
 * them (RecordPosition: the event says the host recorded it), and give the table a shared tablet
 * (IssueTableTablet: the link, with its token in the fragment, is shown once). The choices made
 * for a member stay in this card until another member is chosen, then are gone.
 */
import { useState } from 'preact/hooks';
import { errorText, t, useLang } from '../../i18n';
import { type ParticipantView } from '../../state';
import { announce } from '../../ui/Live';
import { Pictogram } from '../../ui/Pictogram';
import { PositionScale } from '../../ui/PositionScale';
import type { Ctx } from '../ctx';

export function ForMember({ ctx, table, mates, code }: { ctx: Ctx; table: number; mates: ParticipantView[]; code: string }) {
  useLang();
  const { conn, s, me, writing } = ctx;
  const [member, setMember] = useState('');
  const [chosen, setChosen] = useState<Record<string, number | null>>({});
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const others = mates.filter((p) => p.id !== me);
  if (s.closed || others.length === 0) return null;
  const published = Object.values(s.statements).filter((st) => st.status === 'published');
  const fail = (r: any) => {
    const message = errorText(r?.code ?? 'unknown', r?.message);
    setError(message);
    announce(message);
  };
  const record = (statement: string, value: number | null) =>
    conn.send('RecordPosition', { participant: member, statement, value }).then(() => {
      setChosen((c) => ({ ...c, [statement]: value }));
      setError(null);
      announce(t('tt.member.recorded'));
    }, fail);
  const give = () =>
    conn.send('IssueTableTablet', { table }).then((ack) => {
      setLink(`${location.origin}/t/${encodeURIComponent(code)}/${table}#token=${ack.token ?? ''}`);
      announce(t('console.tablets.given', { table }));
    }, fail);
  return (
    <section class="mk-card" aria-labelledby="for-member-title" data-testid="for-member">
      <h2 id="for-member-title">
        <Pictogram name="users" /> {t('p.for.title')}
      </h2>
      <p class="mk-hint">{t('p.for.intro')}</p>
      <div class="mk-field">
        <label for="for-member-who">{t('p.for.who')}</label>
        <select
          id="for-member-who"
          value={member}
          onChange={(e) => {
            setMember((e.currentTarget as HTMLSelectElement).value);
            setChosen({}); // nothing of the previous member's choices stays
          }}
        >
          <option value="">{t('nm.choose')}</option>
          {others.map((p) => (
            <option key={p.id} value={p.id}>
              {p.pseudonym}
            </option>
          ))}
        </select>
      </div>
      {member && writing === 'open' && published.length > 0 && (
        <ol class="mk-list mk-tt-statements">
          {published.map((st) => (
            <li key={st.id} class="mk-statement">
              <p class="mk-statement-text">{st.text}</p>
              <PositionScale
                statement={`for-${st.id}`}
                value={st.id in chosen ? (chosen[st.id] as any) : undefined}
                label={t('p.for.position_of', { name: s.participants[member]?.pseudonym ?? member, text: st.text ?? '' })}
                onChoose={(v) => void record(st.id, v)}
              />
            </li>
          ))}
        </ol>
      )}
      {member && (writing !== 'open' || published.length === 0) && <p>{t('tt.member.nothing')}</p>}
      {error && (
        <p class="mk-error">
          <Pictogram name="warning" size={20} /> {error}
        </p>
      )}
      <h3>{t('console.tablets.title')}</h3>
      {link ? (
        <div class="mk-field">
          <label for="for-tablet-link">{t('console.tablets.link_label')}</label>
          <p class="mk-hint">{t('console.tablets.given_once')}</p>
          <input id="for-tablet-link" type="text" readOnly value={link} data-testid="host-tablet-link" />
        </div>
      ) : (
        <button type="button" class="mk-btn mk-btn-secondary" onClick={() => void give()} data-testid="host-give-tablet">
          <Pictogram name="plus" /> <span>{t('console.tablets.give', { table })}</span>
        </button>
      )}
    </section>
  );
}
