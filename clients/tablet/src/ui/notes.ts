/** How a note (annotation) is described under its text, on the console and in the replay:
 *  « Participant·e 3 · tour 1 · lieu : rue Polonceau · mots-clés : éclairage ». */
import { t } from '../i18n';
import type { AnnotationView, SessionView } from '../state';
import { noteAuthor } from '../state/notes';

export function noteMeta(view: SessionView, note: AnnotationView): string {
  const parts = [
    noteAuthor(view, note.author, (n) => t('notes.anonymous', { n })),
    t('notes.round', { n: note.round }),
  ];
  if (note.place) parts.push(t('notes.place', { place: note.place }));
  if (note.tags.length) parts.push(t('notes.tags', { tags: note.tags.join(', ') }));
  return parts.join(' · ');
}
