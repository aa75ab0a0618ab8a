/** The catalogues of src/i18n/ are merged into one (src/i18n.ts `addCatalogue`, later files win):
 *  a key defined in two files would silently take the other's sentence (« Énoncés fusionnés. »
 *  became a sentence about merged participants once). No key is defined twice. */
import { describe, expect, it } from 'vitest';

type Catalogue = { fr: Record<string, string>; en: Record<string, string> };
const files = import.meta.glob<{ default: Catalogue }>('../src/i18n/*.ts', { eager: true });

describe('the catalogues', () => {
  it('are read (several files)', () => {
    expect(Object.keys(files).length).toBeGreaterThan(5);
  });
  for (const lang of ['fr', 'en'] as const) {
    it(`define each ${lang} key in one file only`, () => {
      const owner = new Map<string, string>();
      const twice: string[] = [];
      for (const [file, module] of Object.entries(files)) {
        for (const key of Object.keys(module.default[lang])) {
          if (owner.has(key)) twice.push(`${key}: ${owner.get(key)} and ${file}`);
          owner.set(key, file);
        }
      }
      expect(twice).toEqual([]);
    });
  }
});
