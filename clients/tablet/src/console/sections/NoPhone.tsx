/**
 * People without a phone, in the console: add someone without a device at a table (People,
 * AddParticipant: no token is issued), give a table a shared tablet and revoke its link (Seating,
 * IssueTableTablet / RevokeTableTablet: the link, with its token in the fragment, is shown once),
 * and enter a counted stack of paper ballots in an open vote (Votes, EnterPaperBallots). Outcomes
 * go to the console's notice and live region (`onNotice`).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { plural, t } from '../../i18n';
import type { Connection } from '../../protocol';
import { tabletsOf, type SessionView, type VoteView } from '../../state';
import { GRADES } from '../../ui/MeritProfile';
import { NewMemberForm } from '../../ui/NewMemberForm';
import { Pictogram } from '../../ui/Pictogram';
import { Action, closedReason, refusalText, type Notice } from '../kit';
import { tablesInOrder } from '../lib';
import { usePublicBase } from './CoFacilitators';

export interface NoPhoneProps {
  view: SessionView;
  conn: Connection;
  onNotice: (n: Notice) => void;
}

const MAX_STACK = 500;
const MAX_NOTE = 200;

function say(onNotice: (n: Notice) => void, kind: Notice['kind'], text: string): void {
  onNotice({ kind, text, at: Date.now() });
}

/** People: « Ajouter une personne sans téléphone » (pseudonym, territory, role, table). */
export function AddWithoutPhone({ view, conn, onNotice }: NoPhoneProps) {
  const tables = tablesInOrder(view);
  const [table, setTable] = useState('');
  const chosen = tables.some((x) => String(x.table) === table) ? Number(table) : tables[0]?.table;
  return (
    <div class="mk-card" data-testid="add-without-phone">
      <h3>{t('console.nophone.add_title')}</h3>
      <p class="mk-hint">{t('console.nophone.add_intro')}</p>
      <NewMemberForm
        s={view}
        id="nophone-add"
        submitLabel={t('console.nophone.add')}
        onAdd={(m) =>
          conn.send('AddParticipant', { ...m, table: tables.length ? chosen : null }).then(() =>
            say(onNotice, 'ok', t('console.nophone.added', { name: m.pseudonym })),
          )
        }
      >
        <div class="mk-field">
          <label for="nophone-add-table">{t('console.nophone.table')}</label>
          {tables.length ? (
            <select id="nophone-add-table" value={String(chosen)} onChange={(e) => setTable((e.currentTarget as HTMLSelectElement).value)}>
              {tables.map((x) => (
                <option key={x.table} value={String(x.table)}>
                  {t('console.tablets.table', { table: x.table })}
                </option>
              ))}
            </select>
          ) : (
            <p id="nophone-add-table" class="mk-muted">{t('console.nophone.table_later')}</p>
          )}
        </div>
      </NewMemberForm>
    </div>
  );
}

interface Given {
  table: number;
  link: string;
}

/** Seating: per table, its tablets in service (each revocable) and « Donner une tablette ». */
export function TableTablets({ view, conn, onNotice, code }: NoPhoneProps & { code: string }) {
  const tables = tablesInOrder(view);
  const base = usePublicBase(conn.welcome?.session.id ?? '');
  const [given, setGiven] = useState<Given | null>(null);
  const give = (table: number) =>
    conn.send('IssueTableTablet', { table }).then(
      (ack) => {
        // The address the room reaches (serve --room), not the console's own (often 127.0.0.1).
        const link = `${base}/t/${encodeURIComponent(code)}/${table}#token=${ack.token ?? ''}`;
        setGiven({ table, link });
        say(onNotice, 'ok', t('console.tablets.given', { table }));
      },
      (r: unknown) => say(onNotice, 'error', refusalText(r)),
    );
  const revoke = (tablet: string) =>
    conn.send('RevokeTableTablet', { tablet }).then(
      () => say(onNotice, 'ok', t('console.tablets.revoked', { tablet })),
      (r: unknown) => say(onNotice, 'error', refusalText(r)),
    );
  return (
    <div class="mk-card" data-testid="table-tablets">
      <h3>{t('console.tablets.title')}</h3>
      <p class="mk-hint">{t('console.tablets.intro')}</p>
      {given && <GivenLink given={given} onDone={() => setGiven(null)} />}
      {tables.length === 0 ? (
        <p>{t('console.tablets.not_seated')}</p>
      ) : (
        <ul class="mk-list">
          {tables.map((x) => {
            const tablets = tabletsOf(view, x.table);
            return (
              <li key={x.table} data-table={x.table} class="mk-tablet-row">
                <strong>{t('console.tablets.table', { table: x.table })}</strong>{' '}
                {tablets.length === 0 ? (
                  <span class="mk-muted">{t('console.tablets.none')}</span>
                ) : (
                  tablets.map((tablet) => (
                    <span key={tablet.id} class="mk-cofac-on">
                      <Pictogram name="check" size={18} /> {t('console.tablets.in_service')} ({tablet.id}){' '}
                      <Action variant="danger" onClick={() => void revoke(tablet.id)} reason={closedReason(view)} testid={`revoke-${tablet.id}`}>
                        <Pictogram name="cross" size={20} /> {t('console.tablets.revoke')}
                        <span class="mk-sr-only"> {t('console.tablets.revoke_label', { tablet: tablet.id, table: x.table })}</span>
                      </Action>
                    </span>
                  ))
                )}
                <div class="mk-actions">
                  <Action onClick={() => void give(x.table)} reason={closedReason(view)} testid={`give-tablet-${x.table}`}>
                    <Pictogram name="plus" size={20} /> {t('console.tablets.give', { table: x.table })}
                  </Action>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}

/** The new link, once, focused so that it is read out at once. */
function GivenLink({ given, onDone }: { given: Given; onDone: () => void }) {
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    field.current?.focus();
    field.current?.select();
  }, [given.link]);
  return (
    <div class="mk-card mk-cofac-given" role="group" aria-labelledby="tablet-given-title" data-testid="tablet-given">
      <h4 id="tablet-given-title">{t('console.tablets.given_title', { table: given.table })}</h4>
      <p>
        <Pictogram name="warning" size={20} /> {t('console.tablets.given_once')}
      </p>
      <label for="tablet-link">{t('console.tablets.link_label')}</label>
      <input id="tablet-link" ref={field} type="text" readOnly value={given.link} data-testid="tablet-link" />
      <div class="mk-actions">
        <button type="button" class="mk-btn mk-btn-secondary" onClick={onDone}>
          <Pictogram name="check" size={20} /> {t('console.cofac.dismiss')}
        </button>
      </div>
    </div>
  );
}

interface Row {
  grades: Record<string, string>;
  count: string;
}

/** Votes, in an open vote: a stack of paper ballots. Each row is a ballot (a grade per proposal)
 *  and how many ballots of the stack read exactly so; 500 ballots a stack at most. */
export function PaperBallots({ view, conn, onNotice, vote }: NoPhoneProps & { vote: VoteView }) {
  const blank = (): Row => ({ grades: {}, count: '1' });
  const [rows, setRows] = useState<Row[]>([blank()]);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = `paper-${vote.id}`;
  const submit = (e: Event) => {
    e.preventDefault();
    const counts = rows.map((r) => Number(r.count));
    const total = counts.reduce((a, b) => a + b, 0);
    const complete = rows.every((r) => vote.proposals.every((p) => r.grades[p] !== undefined && r.grades[p] !== ''));
    const problem = !note.trim()
      ? t('console.paper.note_empty')
      : !complete || counts.some((n) => !Number.isInteger(n) || n < 1) || total > MAX_STACK
        ? t('console.paper.missing')
        : null;
    if (problem) {
      setError(problem);
      return;
    }
    setError(null);
    const ballots = rows.flatMap((r, i) =>
      Array.from({ length: counts[i]! }, () => Object.fromEntries(vote.proposals.map((p) => [p, Number(r.grades[p])]))),
    );
    conn.send('EnterPaperBallots', { vote: vote.id, ballots, note: note.trim() }).then(
      () => {
        setRows([blank()]);
        setNote('');
        say(onNotice, 'ok', plural('console.paper.done', ballots.length));
      },
      (r: unknown) => {
        setError(refusalText(r));
        say(onNotice, 'error', refusalText(r));
      },
    );
  };
  return (
    <form class="mk-card mk-paper" onSubmit={submit} noValidate data-testid={id}>
      <h4>{t('console.paper.title')}</h4>
      <p class="mk-hint">{t('console.paper.intro')}</p>
      {rows.map((row, i) => (
        <fieldset key={i} class="mk-fieldset" data-testid={`${id}-row-${i}`}>
          <legend>{t('console.paper.ballot_n', { n: i + 1 })}</legend>
          {vote.proposals.map((p) => (
            <div class="mk-field" key={p}>
              <label for={`${id}-${i}-${p}`}>{view.proposals[p]?.text ?? p}</label>
              <select
                id={`${id}-${i}-${p}`}
                value={row.grades[p] ?? ''}
                onChange={(e) => {
                  const value = (e.currentTarget as HTMLSelectElement).value;
                  setRows((all) => all.map((r, j) => (j === i ? { ...r, grades: { ...r.grades, [p]: value } } : r)));
                }}
              >
                <option value="">{t('nm.choose')}</option>
                {GRADES.map((g) => (
                  <option key={g} value={String(g)}>
                    {t(`grade.${g}`)}
                  </option>
                ))}
              </select>
            </div>
          ))}
          <div class="mk-field">
            <label for={`${id}-${i}-count`}>{t('console.paper.how_many')}</label>
            <input
              id={`${id}-${i}-count`}
              type="number"
              min={1}
              max={MAX_STACK}
              inputMode="numeric"
              value={row.count}
              onInput={(e) => {
                const value = (e.currentTarget as HTMLInputElement).value;
                setRows((all) => all.map((r, j) => (j === i ? { ...r, count: value } : r)));
              }}
            />
          </div>
          {rows.length > 1 && (
            <button type="button" class="mk-btn mk-btn-ghost" onClick={() => setRows((all) => all.filter((_, j) => j !== i))}>
              <Pictogram name="minus" size={20} /> {t('console.paper.remove_ballot', { n: i + 1 })}
            </button>
          )}
        </fieldset>
      ))}
      <button type="button" class="mk-btn mk-btn-secondary" onClick={() => setRows((all) => [...all, blank()])} data-testid={`${id}-add`}>
        <Pictogram name="plus" size={20} /> {t('console.paper.add_ballot')}
      </button>
      <div class="mk-field">
        <label for={`${id}-note`}>{t('console.paper.note')}</label>
        <p id={`${id}-note-hint`} class="mk-hint">{t('console.paper.note_hint')}</p>
        <input id={`${id}-note`} type="text" maxLength={MAX_NOTE + 10} aria-describedby={`${id}-note-hint`} value={note} onInput={(e) => setNote((e.currentTarget as HTMLInputElement).value)} />
      </div>
      {error && (
        <p class="mk-error">
          <Pictogram name="warning" size={20} /> {error}
        </p>
      )}
      <div class="mk-actions">
        <button type="submit" class="mk-btn mk-btn-primary" data-testid={`${id}-submit`}>
          <Pictogram name="ballot" size={20} /> {t('console.paper.submit')}
        </button>
      </div>
    </form>
  );
}
