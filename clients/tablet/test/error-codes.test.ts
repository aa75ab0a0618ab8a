/** Every error code and close code the protocol documents (docs/protocol.md, « Error codes » and
 *  « Close codes ») has a sentence in both catalogues: a code the server may send is never shown
 *  to a resident as a bare identifier. The codes are read from the document, not from the code
 *  under test, so a code documented tomorrow without a sentence fails here. */
// @ts-expect-error: node's types are not installed (the client is typed for the browser)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Catalogue = { fr: Record<string, string>; en: Record<string, string> };
const files = import.meta.glob<{ default: Catalogue }>('../src/i18n/*.ts', { eager: true });
const protocol = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf-8');

function section(title: string): string {
  const start = protocol.indexOf(`## ${title}\n`);
  const end = protocol.indexOf('\n## ', start + 1);
  return protocol.slice(start, end === -1 ? undefined : end);
}

function firstColumn(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((m) => m[1]);
}

const errorCodes = firstColumn(section('Error codes'), /^\| `([a-z_]+)` \|/gm);
// Close codes the client tells the user about (the 44xx ones: 1xxx are transport matters it
// recovers from by reconnecting, 4008 is « come back » and is not shown).
const closeCodes = firstColumn(section('Close codes'), /^\| (44\d\d) \|/gm);

function keys(lang: 'fr' | 'en'): Set<string> {
  const all = new Set<string>();
  for (const module of Object.values(files)) for (const key of Object.keys(module.default[lang])) all.add(key);
  return all;
}

describe('documented codes', () => {
  it('are read from docs/protocol.md', () => {
    expect(errorCodes.length).toBeGreaterThan(20);
    expect(errorCodes).toContain('too_many_connections');
    expect(closeCodes).toEqual(expect.arrayContaining(['4401', '4429']));
  });
  for (const lang of ['fr', 'en'] as const) {
    it(`each have a ${lang} sentence`, () => {
      const known = keys(lang);
      const wanted = [...errorCodes.map((c) => `error.${c}`), ...closeCodes.map((c) => `error.closed_${c}`)];
      expect(wanted.filter((key) => !known.has(key))).toEqual([]);
    });
  }
});
