/** Someone without a phone, added by the facilitator (console, People), a table's host or a
 *  table tablet: a pseudonym, a territory, a role (and, in the console, a table). The three are
 *  required, said in their labels; a refusal is shown under the form and read out. */
import { useState } from 'preact/hooks';
import { errorText, t, useLang } from '../i18n';
import type { SessionView } from '../state';
import { Button } from './Button';
import { announce } from './Live';
import { Pictogram } from './Pictogram';

const ROLES = ['habitant', 'elu', 'technicien', 'autre'] as const;
const MAX_PSEUDONYM = 40;

export interface NewMember {
  pseudonym: string;
  territory: string;
  role: string;
}

export function NewMemberForm(props: {
  s: SessionView;
  /** the id prefix of the fields (two forms on one page stay apart) */
  id: string;
  submitLabel: string;
  onAdd: (member: NewMember) => Promise<unknown>;
  onCancel?: () => void;
  /** more fields (the console's table choice) */
  children?: any;
}) {
  useLang();
  const { s, id } = props;
  const [pseudonym, setPseudonym] = useState('');
  const [territory, setTerritory] = useState('');
  const [role, setRole] = useState('');
  const [error, setError] = useState<string | null>(null);
  const territories = Object.values(s.territories);
  const submit = (e: Event) => {
    e.preventDefault();
    const clean = pseudonym.trim();
    const problem = !clean
      ? t('nm.pseudonym_empty')
      : clean.length > MAX_PSEUDONYM
        ? t('nm.pseudonym_long', { max: MAX_PSEUDONYM })
        : !territory
          ? t('nm.territory_missing')
          : !role
            ? t('nm.role_missing')
            : null;
    if (problem) {
      setError(problem);
      announce(problem);
      return;
    }
    setError(null);
    props.onAdd({ pseudonym: clean, territory, role }).then(
      () => {
        setPseudonym('');
        setTerritory('');
        setRole('');
      },
      (r: any) => {
        const text = errorText(r?.code ?? 'unknown', r?.message);
        setError(text);
        announce(text);
      },
    );
  };
  return (
    <form class="mk-new-member" onSubmit={submit} noValidate data-testid={`${id}-form`}>
      <div class="mk-field">
        <label for={`${id}-pseudonym`}>{t('nm.pseudonym')}</label>
        <input
          id={`${id}-pseudonym`}
          type="text"
          autoComplete="off"
          maxLength={MAX_PSEUDONYM + 10}
          value={pseudonym}
          aria-invalid={error && !pseudonym.trim() ? 'true' : undefined}
          onInput={(e) => setPseudonym((e.currentTarget as HTMLInputElement).value)}
        />
      </div>
      <div class="mk-field">
        <label for={`${id}-territory`}>{t('nm.territory')}</label>
        <select id={`${id}-territory`} value={territory} onChange={(e) => setTerritory((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{t('nm.choose')}</option>
          {territories.map((tt) => (
            <option key={tt.id} value={tt.id}>
              {tt.name}
            </option>
          ))}
        </select>
      </div>
      <div class="mk-field">
        <label for={`${id}-role`}>{t('nm.role')}</label>
        <select id={`${id}-role`} value={role} onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{t('nm.choose')}</option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {t(`role.${r}`)}
            </option>
          ))}
        </select>
      </div>
      {props.children}
      {error && (
        <p class="mk-error" data-testid={`${id}-error`}>
          <Pictogram name="warning" size={20} /> {error}
        </p>
      )}
      <div class="mk-actions mk-row">
        <Button type="submit" variant="primary" icon="plus" data-testid={`${id}-submit`}>
          {props.submitLabel}
        </Button>
        {props.onCancel && (
          <Button icon="arrow" onClick={props.onCancel}>
            {t('nm.cancel')}
          </Button>
        )}
      </div>
    </form>
  );
}
