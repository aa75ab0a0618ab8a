/** « Je ne suis pas dans la liste »: join this table on the tablet, without a phone
 *  (AddParticipant: the tablet's own table, no token). Back to the list once added. */
import { useEffect, useRef } from 'preact/hooks';
import { t, useLang } from '../../i18n';
import type { Connection } from '../../protocol';
import type { SessionView } from '../../state';
import { announce } from '../../ui/Live';
import { NewMemberForm } from '../../ui/NewMemberForm';

export function AddMember(props: { conn: Connection; s: SessionView; onDone: () => void }) {
  useLang();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section aria-labelledby="tt-join-title" data-testid="tablet-join">
      <h2 id="tt-join-title" ref={heading} tabIndex={-1}>
        {t('tt.join.title')}
      </h2>
      <p>{t('tt.join.intro')}</p>
      <NewMemberForm
        s={props.s}
        id="tt-join"
        submitLabel={t('tt.join.submit')}
        onCancel={props.onDone}
        onAdd={(m) =>
          props.conn.send('AddParticipant', { ...m }).then(() => {
            announce(t('tt.join.done', { name: m.pseudonym }));
            props.onDone();
          })
        }
      />
    </section>
  );
}
