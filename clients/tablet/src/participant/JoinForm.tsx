/**
 * Join a session: pseudonym, territory, role (the three required, said in their labels and by
 * aria-required). A guest connection (hello {code}) sends JoinSession with an unguessable id;
 * the ack carries the participant's token, kept on this device. A join sent while offline waits
 * in the guest queue (also across a reload). While it waits the button stays focusable
 * (aria-disabled), so the focus never falls to the page. An optional box, unticked, lets the
 * participant be recognised from one session of the programme to the next: ticked, the join
 * carries this device's personal key (`storage.personKey`), made once and kept on the device.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText, t, useLang } from '../i18n';
import { Connection, type Ack, type PendingCommand, type Refusal } from '../protocol';
import { Button } from '../ui/Button';
import { ConnectionBadge } from '../ui/ConnectionIndicator';
import { Explain } from '../ui/Explain';
import { announce } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import { Required } from '../ui/Required';
import { territoryFromSearch } from './forum/model';
import { joinData, type JoinFields } from './join';
import { keys, personKey, useStoredState, type Identity, type SessionInfo } from './storage';

const ROLES = ['habitant', 'elu', 'technicien', 'autre'] as const;
const PSEUDONYM_MAX = 40;

type Fields = JoinFields;

export function JoinForm(props: { info: SessionInfo; onJoined: (id: Identity) => void }) {
  useLang();
  const { info } = props;
  // A territory's flyer links to /j/CODE?territoire=t2: that territory is chosen already.
  const [linked] = useState(() => territoryFromSearch(location.search, info.territories));
  const [fields, setFields] = useStoredState<Fields>(info.id, 'join', {
    pseudonym: '',
    // A local Métrokawa has one territory: nothing to choose.
    territory: linked ?? (info.territories.length === 1 ? info.territories[0].id : ''),
    role: '',
    stays_seated: false,
    consent: false,
    remember: false,
  });
  const [errors, setErrors] = useState<Partial<Record<keyof Fields | 'form', string>>>({});
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<'connecting' | 'online' | 'offline' | null>(null);
  const conn = useRef<Connection | null>(null);
  const pseudonymRef = useRef<HTMLInputElement>(null);
  const fieldsRef = useRef(fields);
  fieldsRef.current = fields;

  function guest(): Connection {
    if (conn.current) return conn.current;
    const c = new Connection({ sessionId: info.id, hello: () => ({ code: info.code }), storageKey: keys.guestOutbox(info.id) });
    c.onStatus(setStatus);
    c.onResult((cmd: PendingCommand, result: Ack | Refusal) => {
      if (cmd.type !== 'JoinSession') return;
      if ('token' in result && result.token) {
        c.stop();
        c.clearPending();
        props.onJoined({ token: result.token, you: result.you ?? '', pseudonym: String(cmd.data.pseudonym ?? '') });
      } else if ('code' in result) {
        setBusy(false);
        c.stop();
        showRefusal(result);
      }
    });
    c.onClose((code, fatal) => {
      if (fatal) {
        setBusy(false);
        formError(t(`error.closed_${code}`));
      }
    });
    conn.current = c;
    return c;
  }

  useEffect(() => {
    if (linked && fieldsRef.current.territory !== linked) set({ territory: linked });
  }, []);

  // A join queued before a reload: send it again (same id) now.
  useEffect(() => {
    const c = guest();
    if (c.pending() > 0) {
      setBusy(true);
      c.start();
    }
    return () => c.stop();
  }, []);

  function formError(message: string) {
    setErrors({ form: message });
    announce(message);
  }

  function showRefusal(r: Refusal) {
    const message = errorText(r.code, r.message);
    if (r.code === 'pseudonym_taken' || r.code === 'text_too_long' || r.code === 'bad_request') {
      setErrors({ pseudonym: message });
      setTimeout(() => pseudonymRef.current?.focus(), 0); // once its error is drawn
    } else if (r.code === 'unknown_territory') {
      setErrors({ territory: message });
      announce(message);
    } else formError(message);
  }

  function validate(f: Fields) {
    const e: typeof errors = {};
    const name = f.pseudonym.trim();
    if (!name) e.pseudonym = t('p.join.error.pseudonym_empty');
    else if (name.length > PSEUDONYM_MAX) e.pseudonym = t('p.join.error.pseudonym_long', { max: PSEUDONYM_MAX });
    if (!f.territory) e.territory = t('p.join.error.territory');
    if (!f.role) e.role = t('p.join.error.role');
    return e;
  }

  function submit(ev: Event) {
    ev.preventDefault();
    const f = fieldsRef.current;
    const e = validate(f);
    setErrors(e);
    if (Object.keys(e).length) {
      const first = (['pseudonym', 'territory', 'role'] as const).find((k) => e[k]);
      // Once the errors are drawn: the focused field's error is read with it.
      setTimeout(() => document.getElementById(first === 'pseudonym' ? 'pseudonym' : `${first}-0`)?.focus(), 0);
      return;
    }
    const c = guest();
    setBusy(true);
    c.start();
    if (c.pending() > 0) {
      c.reconnect(); // a join is already waiting: never send a second one
      return;
    }
    // The answer comes through onResult (also for a join queued before a reload).
    // A draft from before the box existed has no `remember`: unticked.
    c.send('JoinSession', { ...joinData({ ...f, remember: !!f.remember }, () => personKey()) }).catch(() => {
      /* handled in onResult */
    });
  }

  const set = (patch: Partial<Fields>) => {
    fieldsRef.current = { ...fieldsRef.current, ...patch };
    setFields(fieldsRef.current);
  };
  const nameLength = fields.pseudonym.trim().length;
  const waiting = busy && status === 'offline';
  useEffect(() => {
    if (waiting) announce(t('p.join.waiting_network'));
  }, [waiting]);

  return (
    <section class="mk-card" aria-labelledby="join-title">
      <h1 id="join-title">{t('p.join.title', { title: info.title })}</h1>
      <p>{t('p.join.intro')}</p>
      <form onSubmit={submit} noValidate>
        <div class="mk-field">
          <label for="pseudonym">
            <Pictogram name="user" /> {t('p.join.pseudonym')}
            <Required />
          </label>
          <p id="pseudonym-hint" class="mk-hint">
            {t('p.join.pseudonym_hint', { max: PSEUDONYM_MAX })}
          </p>
          <input
            id="pseudonym"
            ref={pseudonymRef}
            class="mk-input"
            name="pseudonym"
            autocomplete="nickname"
            value={fields.pseudonym}
            maxLength={PSEUDONYM_MAX + 20}
            aria-required="true"
            aria-invalid={errors.pseudonym ? 'true' : 'false'}
            aria-describedby={`pseudonym-hint${errors.pseudonym ? ' pseudonym-error' : ''}`}
            onInput={(e) => {
              set({ pseudonym: (e.target as HTMLInputElement).value });
              if (errors.pseudonym) setErrors({ ...errors, pseudonym: undefined });
            }}
          />
          <p class={`mk-counter${nameLength > PSEUDONYM_MAX ? ' mk-counter-over' : ''}`} aria-hidden="true">
            {nameLength} / {PSEUDONYM_MAX}
          </p>
          {errors.pseudonym && (
            <p id="pseudonym-error" class="mk-error" data-testid="pseudonym-error">
              <Pictogram name="warning" size={20} /> {errors.pseudonym}
            </p>
          )}
        </div>

        <fieldset
          role="radiogroup"
          aria-required="true"
          aria-labelledby="territory-legend"
          aria-describedby={errors.territory ? 'territory-error' : undefined}
        >
          <legend id="territory-legend">
            <Pictogram name="pin" /> {t('p.join.territory')}
            <Required />
          </legend>
          {errors.territory && (
            <p id="territory-error" class="mk-error">
              <Pictogram name="warning" size={20} /> {errors.territory}
            </p>
          )}
          {linked && (
            <p class="mk-hint" data-testid="territory-linked">
              {t('forum.join.linked', { name: info.territories.find((ter) => ter.id === linked)?.name ?? linked })}
            </p>
          )}
          <div class="mk-choices">
            {info.territories.map((ter, i) => (
              <label class="mk-choice" key={ter.id}>
                <input
                  type="radio"
                  name="territory"
                  id={`territory-${i}`}
                  value={ter.id}
                  checked={fields.territory === ter.id}
                  onChange={() => set({ territory: ter.id })}
                />
                <span class="mk-choice-text">
                  <span>
                    <strong>{ter.name}</strong>
                    {ter.qpv && <span class="mk-qpv">{t('territory.qpv')}</span>}
                  </span>
                  <span class="mk-choice-sub">{ter.commune}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>

        {info.territories.some((ter) => ter.qpv) && (
          <div class="mk-explain-row">
            <Explain id="explain-qpv" wide question={t('explain.qpv.question')} text={t('explain.qpv.text')} />
          </div>
        )}

        <fieldset
          role="radiogroup"
          aria-required="true"
          aria-labelledby="role-legend"
          aria-describedby={errors.role ? 'role-error' : undefined}
        >
          <legend id="role-legend">
            <Pictogram name="users" /> {t('p.join.role')}
            <Required />
          </legend>
          {errors.role && (
            <p id="role-error" class="mk-error">
              <Pictogram name="warning" size={20} /> {errors.role}
            </p>
          )}
          <div class="mk-choices">
            {ROLES.map((r, i) => (
              <label class="mk-choice" key={r}>
                <input type="radio" name="role" id={`role-${i}`} value={r} checked={fields.role === r} onChange={() => set({ role: r })} />
                <span class="mk-choice-text">{t(`role.${r}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>

        <fieldset>
          <legend class="mk-sr-only">{t('p.join.options')}</legend>
          {!info.forum && (
          <label class="mk-choice mk-choice-check">
            <input type="checkbox" checked={fields.stays_seated} onChange={(e) => set({ stays_seated: (e.target as HTMLInputElement).checked })} />
            <span class="mk-choice-text">
              <span>{t('p.join.stays_seated')}</span>
              <span class="mk-choice-sub">{t('p.join.stays_seated_hint')}</span>
            </span>
          </label>
          )}
          <label class="mk-choice mk-choice-check">
            <input type="checkbox" checked={fields.consent} onChange={(e) => set({ consent: (e.target as HTMLInputElement).checked })} />
            <span class="mk-choice-text">
              <span>{t('p.join.consent')}</span>
              <span class="mk-choice-sub">{t('p.join.consent_hint')}</span>
            </span>
          </label>
          <label class="mk-choice mk-choice-check">
            <input
              type="checkbox"
              name="remember"
              checked={!!fields.remember}
              onChange={(e) => set({ remember: (e.target as HTMLInputElement).checked })}
            />
            <span class="mk-choice-text">
              <span>{t('p.join.remember')}</span>
              <span class="mk-choice-sub">{t('p.join.remember_hint')}</span>
            </span>
          </label>
        </fieldset>

        {errors.form && (
          <p class="mk-error">
            <Pictogram name="warning" size={20} /> {errors.form}
          </p>
        )}
        <div class="mk-row">
          <Button type="submit" variant="primary" icon="arrow" unavailable={busy && status === 'online'}>
            {t('p.join.submit')}
          </Button>
          {busy && status && <ConnectionBadge status={status} />}
        </div>
        {waiting && <p class="mk-hint">{t('p.join.waiting_network')}</p>}
      </form>
    </section>
  );
}
