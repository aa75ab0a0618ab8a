/** The screens' catalogues (console, projector, replay) count in words with real plurals:
 *  no « (s) », and every count key has its `.one` and `.other` in both languages. */
import { describe, expect, it } from 'vitest';
import consoleStrings from '../src/i18n/console';
import live from '../src/i18n/live';
import projector from '../src/i18n/projector';
import replay from '../src/i18n/replay';
import { plural, setLang } from '../src/i18n';

const catalogues = { console: consoleStrings, live, projector, replay };

describe('the screens count in words', () => {
  for (const [file, cat] of Object.entries(catalogues)) {
    for (const lang of ['fr', 'en'] as const) {
      const strings = Object.entries(cat[lang]);
      it(`${file} (${lang}) writes no « (s) »`, () => {
        expect(strings.filter(([, s]) => /\((?:s|e|e\)s|es)\)/.test(s)).map(([k]) => k)).toEqual([]);
      });
      it(`${file} (${lang}) has both forms of every count`, () => {
        const keys = new Set(strings.map(([k]) => k));
        const counts = [...keys].filter((k) => /\.(one|other)$/.test(k)).map((k) => k.replace(/\.(one|other)$/, ''));
        const halves = counts.filter((k) => !keys.has(`${k}.one`) || !keys.has(`${k}.other`));
        expect(halves).toEqual([]);
      });
    }
  }

  const said: [string, number, string, string][] = [
    ['console.participants.joined', 1, '1 personne inscrite.', '1 person joined.'],
    ['console.participants.joined', 2, '2 personnes inscrites.', '2 people joined.'],
    ['console.votes.ballots', 0, '0 bulletin reçu', '0 ballots received'],
    ['console.reason.objections_pending', 1, '1 objection attend une réponse', '1 objection is waiting for an answer'],
    ['projector.consent.pending', 2, '2 objections en attente', '2 objections pending'],
    ['replay.tables.waiting', 1, '1 personne n’est à aucune table.', '1 person is at no table.'],
  ];
  it.each(said)('%s with %i', (key, n, fr, en) => {
    setLang('fr');
    expect(plural(key, n)).toContain(fr);
    setLang('en');
    expect(plural(key, n)).toContain(en);
    setLang('fr');
  });
});
