/** The session section: download the log and the report (with the token), and close the session. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n';
import type { SessionView } from '../../state';
import { Pictogram } from '../../ui/Pictogram';
import { Action, Section, refusalText, type Notice, type Run } from '../kit';

export function SessionSection(props: { view: SessionView; run: Run; sessionId: string; token: string; onNotice: (n: Notice) => void }) {
  const { view, run, sessionId, token, onNotice } = props;
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  // The facilitator's two files, fetched with the token (a plain link could not carry it).
  const download = async (path: string, filename: string, done: string) => {
    setBusy(true);
    try {
      const response = await fetch(`/api/sessions/${encodeURIComponent(sessionId)}/${path}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        onNotice({ kind: 'error', text: refusalText(body ?? { code: 'unavailable' }), at: Date.now() });
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      onNotice({ kind: 'ok', text: t(done), at: Date.now() });
    } catch {
      onNotice({ kind: 'error', text: t('console.download_failed'), at: Date.now() });
    } finally {
      setBusy(false);
    }
  };
  // Focus goes to « Oui, terminer » when the question opens, and back to « Terminer la session… »
  // when it closes (confirmed or cancelled), never to <body>.
  const asked = useRef(false);
  useEffect(() => {
    if (confirming) document.getElementById('confirm-close')?.focus();
    else if (asked.current) document.getElementById('close-session')?.focus();
    asked.current = confirming;
  }, [confirming]);
  return (
    <Section id="session" title={t('console.nav.session')}>
      <div class="mk-actions">
        <Action
          onClick={() => download('log', `metrokawa-${sessionId}.mkawa`, 'console.done.downloaded')}
          reason={busy ? t('console.reason.downloading') : null}
        >
          <Pictogram name="download" size={20} /> {t('console.session.download')}
        </Action>
        <Action
          onClick={() => download('report?format=html', `cahier-${sessionId}.html`, 'console.done.report')}
          reason={busy ? t('console.reason.downloading') : null}
        >
          <Pictogram name="download" size={20} /> {t('console.session.report')}
        </Action>
      </div>
      {!confirming ? (
        <div class="mk-actions">
          <Action id="close-session" variant="danger" onClick={() => setConfirming(true)} reason={view.closed ? t('console.reason.closed') : null}>
            <Pictogram name="stop" size={20} /> {t('console.session.close')}
          </Action>
        </div>
      ) : (
        <div class="mk-confirm" role="group" aria-labelledby="confirm-close-text">
          <p id="confirm-close-text"><Pictogram name="warning" size={20} /> {t('console.session.confirm_text')}</p>
          <div class="mk-actions">
            <button
              id="confirm-close"
              type="button"
              class="mk-btn mk-btn-danger"
              onClick={() => {
                setConfirming(false);
                run('CloseSession', undefined, 'console.done.closed');
              }}
            >
              {t('console.session.confirm')}
            </button>
            <button type="button" class="mk-btn mk-btn-secondary" onClick={() => setConfirming(false)}>
              {t('console.session.cancel')}
            </button>
          </div>
        </div>
      )}
    </Section>
  );
}
