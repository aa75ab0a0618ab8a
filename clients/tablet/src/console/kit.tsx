/**
 * The console's shared plumbing: the `Run` callback every section sends its commands through, the
 * `Notice` it shows in the page's live region, the refusal sentence, the `Action` button (disabled
 * with its reason), the `Section` landmark, and the small view helpers several sections use.
 */
import { useMemo } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { Refusal } from '../protocol';
import { lang, t } from '../i18n';
import type { SessionView, StatementView } from '../state';

export type Notice = { kind: 'ok' | 'error'; text: string; at: number };

/** The sentence to show for a refused command: the server's French message, or the catalogue's
 *  sentence for its code when the page is in English. */
export function refusalText(refusal: unknown): string {
  const r = refusal as Partial<Refusal> | undefined;
  const code = r?.code ?? 'unavailable';
  if (lang() === 'fr' && r?.message) return r.message;
  const key = `error.${code}`;
  const translated = t(key);
  if (translated && translated !== key) return translated;
  return r?.message ?? code;
}

export type Run = (type: string, data: Record<string, unknown> | undefined, doneKey: string, params?: Record<string, string | number>) => void;

// --- building blocks -------------------------------------------------------------------------------

let reasonCounter = 0;

/** A real <button>; when `reason` is set it is marked disabled and the reason is shown beside it.
 *  It stays focusable (aria-disabled, not `disabled`): a button that becomes unavailable through
 *  its own action keeps the focus instead of dropping it to <body> (RGAA 12.8), and the reason is
 *  read with it. A press while disabled does nothing. */
export function Action(props: {
  onClick: () => void;
  reason?: string | null;
  /** The id of a reason shown once for several buttons (then none is shown beside this one). */
  sharedReasonId?: string;
  children: ComponentChildren;
  variant?: 'primary' | 'danger' | 'secondary';
  testid?: string;
  id?: string;
}) {
  const id = useMemo(() => `mk-reason-${++reasonCounter}`, []);
  const disabled = Boolean(props.reason);
  const shared = props.sharedReasonId;
  return (
    <span class="mk-action">
      <button
        type="button"
        id={props.id}
        class={`mk-btn mk-btn-${props.variant ?? 'secondary'}`}
        onClick={() => {
          if (!disabled) props.onClick();
        }}
        aria-disabled={disabled ? 'true' : undefined}
        aria-describedby={disabled ? (shared ?? id) : undefined}
        data-testid={props.testid}
      >
        {props.children}
      </button>
      {disabled && !shared && <span id={id} class="mk-reason">{props.reason}</span>}
    </span>
  );
}

export function Section(props: { id: string; title: string; children: ComponentChildren; testid?: string }) {
  return (
    <section id={props.id} class="mk-section" aria-labelledby={`${props.id}-title`} data-testid={props.testid}>
      <h2 id={`${props.id}-title`} tabIndex={-1}>{props.title}</h2>
      {props.children}
    </section>
  );
}

export function closedReason(view: SessionView): string | null {
  return view.closed ? t('console.reason.closed') : null;
}

export function pseudonym(view: SessionView, participant: string | null | undefined): string {
  if (!participant) return '';
  return view.participants[participant]?.pseudonym ?? participant;
}

export function territoryName(view: SessionView, territory: string | undefined): string {
  return (territory && view.territories[territory]?.name) || '';
}

export function statementText(s: StatementView): string {
  return s.text ?? t('console.statement.no_text');
}

export function statementMeta(view: SessionView, s: StatementView, withAuthor: boolean): string {
  const parts = [t(`kind.${s.kind ?? 'problem'}`)];
  if (view.forum) parts.push(...forumMeta(view, s)); // no round, no table: where it is about
  else parts.push(t('console.round.short', { n: s.round }));
  if (s.table !== null) parts.push(t('console.seating.table', { n: s.table }));
  if (withAuthor && view.participants[s.author]) {
    const author = view.participants[s.author]!;
    parts.push(`${author.pseudonym} (${territoryName(view, author.territory)})`);
  }
  return parts.join(' · ');
}

/** A forum contribution's theme and place (its address, or that it has a point on the map). */
function forumMeta(view: SessionView, s: StatementView): string[] {
  const parts: string[] = [];
  if (s.theme) parts.push(s.theme);
  if (s.place?.address) parts.push(s.place.address);
  else if (s.place?.lat != null) parts.push(t('console.forum.meta_point'));
  if (s.territory && !view.participants[s.author]) parts.push(territoryName(view, s.territory));
  return parts;
}
