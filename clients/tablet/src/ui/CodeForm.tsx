/** Type a session's join code and go to its page (/j/{code}): on /j without a code, on a code
 *  that matches no session, and first on the home page. */
import { useState } from 'preact/hooks';
import { errorText, t } from '../i18n';
import { Button } from './Button';
import { Required } from './Required';

const CODE = /^[A-Z0-9]{4,12}$/;

export function CodeForm() {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const code = value.trim().toUpperCase();
        if (!CODE.test(code)) {
          setError(code ? errorText('bad_code') : t('code.empty'));
          // Once the error is drawn: it is part of the field's description, read with it.
          setTimeout(() => document.getElementById('join-code')?.focus(), 0);
          return;
        }
        location.assign(`/j/${code}`);
      }}
    >
      <div class="mk-field">
        <label for="join-code">
          {t('code.label')}
          <Required />
        </label>
        <p id="join-code-hint" class="mk-hint">
          {t('code.hint')}
        </p>
        <input
          id="join-code"
          class="mk-input mk-code-input"
          data-testid="code-field"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          maxLength={12}
          value={value}
          aria-required="true"
          aria-invalid={error ? 'true' : 'false'}
          aria-describedby={error ? 'join-code-hint join-code-error' : 'join-code-hint'}
          onInput={(e) => {
            setValue((e.target as HTMLInputElement).value);
            setError(null);
          }}
        />
        {error && (
          <p id="join-code-error" class="mk-error">
            {error}
          </p>
        )}
      </div>
      <Button type="submit" variant="primary" icon="arrow">
        {t('code.go')}
      </Button>
    </form>
  );
}
