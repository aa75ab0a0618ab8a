/**
 * French typography of every French string the clients show: the catalogue (src/i18n/*.ts) and
 * the session the home page proposes (src/home/defaults.ts). A narrow no-break space (U+202F)
 * goes before ? ! ; a no-break space (U+00A0) before : and inside « » — so that « quartier ? »
 * never breaks before its « ? ».
 */
import { describe, expect, it } from 'vitest';
import type { Catalogue } from '../src/i18n';
import { demoDraft } from '../src/home/defaults';

const NNBSP = '\u202f';
const NBSP = '\u00a0';

/** What is wrong with one French string, as readable sentences (empty when it is right). */
function typographyProblems(s: string): string[] {
  const problems: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const before = s[i - 1];
    const after = s[i + 1];
    if ('?!;'.includes(c) && before !== undefined && !'?!'.includes(before) && before !== NNBSP && before !== '(')
      problems.push(`« ${c} » at ${i} needs U+202F before it`);
    if (c === ':' && before !== undefined && before !== NBSP && /\s/.test(before))
      problems.push(`« : » at ${i} needs U+00A0 before it`);
    if (c === '«' && after !== NBSP) problems.push(`« at ${i} needs U+00A0 after it`);
    if (c === '»' && before !== NBSP) problems.push(`» at ${i} needs U+00A0 before it`);
  }
  return problems;
}

describe('typographyProblems (the rule itself)', () => {
  const cases: [string, number][] = [
    ['Quels problèmes ?', 1], // plain space
    ['Quels problèmes?', 1], // no space
    [`Quels problèmes${NNBSP}?`, 0],
    [`Quels problèmes${NBSP}?`, 1], // the wide one is for the colon
    ['Code : 1234', 1],
    [`Code${NBSP}: 1234`, 0],
    ['à 10:30', 0], // a time, not a colon of the sentence
    ['« Bien »', 2],
    [`«${NBSP}Bien${NBSP}»`, 0],
    [`Vraiment${NNBSP}?!`, 0],
  ];
  it.each(cases)('%j has %i problem(s)', (s, n) => {
    expect(typographyProblems(s)).toHaveLength(n);
  });
});

describe('every French string', () => {
  // Every file of the catalogue, so that a new one is scanned without being named here.
  const files = import.meta.glob<{ default: Catalogue }>('../src/i18n/*.ts', { eager: true });
  const catalogues = Object.fromEntries(
    Object.entries(files).map(([path, module]) => [path.replace(/^.*\//, '').replace(/\.ts$/, ''), module.default]),
  );
  const strings: [string, string][] = [];
  for (const [file, cat] of Object.entries(catalogues))
    for (const [key, value] of Object.entries(cat.fr)) strings.push([`${file}: ${key}`, value]);
  const draft = demoDraft();
  strings.push(['defaults: title', draft.title]);
  draft.agenda.forEach((r, i) => strings.push([`defaults: agenda ${i + 1}`, r.prompt]));

  it('are many (the scan reads the catalogue)', () => {
    expect(strings.length).toBeGreaterThan(300);
  });

  it('have no-break spaces before ? ! ; : and inside « »', () => {
    const wrong = strings
      .map(([where, s]) => [where, typographyProblems(s)] as const)
      .filter(([, problems]) => problems.length > 0)
      .map(([where, problems]) => `${where}: ${problems.join('; ')}`);
    expect(wrong).toEqual([]);
  });
});
