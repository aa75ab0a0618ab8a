/** Real plurals (Intl.PluralRules) in both languages, never « personne(s) ». */
import { afterEach, describe, expect, it } from 'vitest';
import { addCatalogue, plural, setLang } from '../src/i18n';

addCatalogue({
  fr: { 'test.people.one': '{n} personne', 'test.people.other': '{n} personnes' },
  en: { 'test.people.one': '{n} person', 'test.people.other': '{n} people' },
});

afterEach(() => setLang('fr'));

describe('plural', () => {
  const french: [number, string][] = [
    [0, '0 personne'],
    [1, '1 personne'],
    [2, '2 personnes'],
    [120, '120 personnes'],
    [1_000_000, '1000000 personnes'], // CLDR's « many »: no key of its own, so « other »
  ];
  it.each(french)('says %i in French as %j', (n, text) => {
    setLang('fr');
    expect(plural('test.people', n)).toBe(text);
  });

  const english: [number, string][] = [
    [0, '0 people'],
    [1, '1 person'],
    [2, '2 people'],
  ];
  it.each(english)('says %i in English as %j', (n, text) => {
    setLang('en');
    expect(plural('test.people', n)).toBe(text);
  });
});
