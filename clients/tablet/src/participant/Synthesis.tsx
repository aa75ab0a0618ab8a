/** The host's synthesis of the table (SubmitSynthesis, 4,000 characters; the last one counts).
 *  Allowed while the round is running, paused or just ended. The draft survives a reload. */
import { useState } from 'preact/hooks';
import { errorText, t } from '../i18n';
import type { RoundView } from '../state';
import { Button } from '../ui/Button';
import { Explain } from '../ui/Explain';
import { announce } from '../ui/Live';
import { Pictogram } from '../ui/Pictogram';
import type { Ctx } from './ctx';
import { TextBox } from './TextBox';
import { useDraft } from './storage';

const MAX = 4000;

export function Synthesis({ ctx, round, table }: { ctx: Ctx; round: RoundView; table: number }) {
  const { conn, s, sessionId, pending } = ctx;
  const saved = s.syntheses[`${round.number}|${table}`];
  const [text, setText] = useDraft(sessionId, `synthesis:${round.number}:${table}`, saved?.text ?? '');
  const [error, setError] = useState<string | null>(null);
  const queued = pending.some((c) => c.type === 'SubmitSynthesis');
  const upToDate = !!saved && saved.text === text.trim();

  function fail(message: string) {
    setError(message);
    announce(message);
  }

  function submit(e: Event) {
    e.preventDefault();
    const clean = text.trim();
    if (!clean) return fail(t('p.synthesis.empty'));
    if (clean.length > MAX) return fail(errorText('text_too_long'));
    setError(null);
    conn
      .send('SubmitSynthesis', { text: clean })
      .then(() => announce(t('p.synthesis.sent')))
      .catch((r) => setError(errorText(r.code, r.message)));
    // The draft stays: the host may keep improving it (the last version counts).
  }

  return (
    <section class="mk-card mk-host-card" aria-labelledby="synthesis-title">
      <div class="mk-heading-row">
        <h2 id="synthesis-title">
          <Pictogram name="star" /> {t('p.synthesis.title', { n: table })}
        </h2>
        <Explain id="explain-synthesis" question={t('p.explain.synthesis.question')} text={t('p.explain.synthesis.text')} />
      </div>
      <p>{t('p.synthesis.intro')}</p>
      <form onSubmit={submit} noValidate>
        <TextBox
          id="synthesis-input"
          testId="synthesis-input"
          label={t('p.synthesis.label')}
          value={text}
          max={MAX}
          rows={8}
          error={error}
          onInput={setText}
        />
        <div class="mk-row">
          <Button type="submit" variant="primary" icon="send">
            {saved ? t('p.synthesis.update') : t('p.synthesis.submit')}
          </Button>
          <p class={queued ? 'mk-pending-note' : upToDate ? 'mk-ok' : 'mk-hint'} data-testid="synthesis-status">
            {queued ? (
              <>
                <Pictogram name="hourglass" size={18} /> {t('position.pending')}
              </>
            ) : upToDate ? (
              <>
                <Pictogram name="check" size={18} /> {t('p.synthesis.saved')}
              </>
            ) : saved ? (
              t('p.synthesis.changed')
            ) : (
              t('p.synthesis.not_sent')
            )}
          </p>
        </div>
        {round.status === 'ended' && <p class="mk-hint">{t('p.synthesis.after_end')}</p>}
      </form>
    </section>
  );
}
