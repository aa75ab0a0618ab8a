/** The console of a forum (the online phase): per territory, the people who joined and the
 *  contributions published and waiting for moderation; and each territory's join link and QR
 *  code (`?territoire=t2`: the join form opens with it chosen), for posters and flyers. */
import { plural, t } from '../../i18n';
import type { SessionView } from '../../state';
import { Section } from '../kit';
import { forumRows } from '../lib';

export function ForumTerritories({ view, sessionId, join }: { view: SessionView; sessionId: string; join: string }) {
  const rows = forumRows(view);
  const total = rows.reduce((n, r) => n + r.published + r.waiting, 0);
  const qr = (id: string) => `/api/sessions/${encodeURIComponent(sessionId)}/qr.svg?territoire=${encodeURIComponent(id)}`;
  const link = (id: string) => (join ? `${join}?territoire=${encodeURIComponent(id)}` : '');
  return (
    <Section id="forum" title={t('console.forum.title')} testid="forum-territories">
      <p>{t('console.forum.intro')}</p>
      <p>{plural('console.forum.summary', total)}</p>
      <div class="mk-table-scroll" role="region" aria-label={t('console.forum.caption')} tabIndex={0}>
        <table class="mk-table">
          <caption class="mk-sr-only">{t('console.forum.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('console.forum.territory')}</th>
              <th scope="col">{t('console.forum.participants')}</th>
              <th scope="col">{t('console.forum.published')}</th>
              <th scope="col">{t('console.forum.waiting')}</th>
              <th scope="col">{t('console.forum.link')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.territory?.id ?? '-'} data-territory={r.territory?.id ?? ''}>
                <th scope="row">{r.territory?.name ?? t('console.forum.no_territory')}</th>
                <td data-testid="forum-participants">{r.participants}</td>
                <td data-testid="forum-published">{r.published}</td>
                <td data-testid="forum-waiting">{r.waiting}</td>
                <td>{r.territory && link(r.territory.id) ? <a href={link(r.territory.id)}>{link(r.territory.id)}</a> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul class="mk-forum-qrs">
        {Object.values(view.territories).map((ter) => (
          <li key={ter.id}>
            <a href={qr(ter.id)} target="_blank" rel="noopener">
              {/* The link's words name it; the image is the code itself. */}
              <img class="mk-qr" src={qr(ter.id)} alt="" width={120} height={120} loading="lazy" />
              <span>{t('console.forum.open_qr', { name: ter.name })}</span>
            </a>
          </li>
        ))}
      </ul>
    </Section>
  );
}
