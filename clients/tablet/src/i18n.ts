/**
 * Strings of every view, French first, English second. The catalogue is split by view
 * (src/i18n/common.ts, participant.ts, console.ts, projector.ts, home.ts), each
 * `export default { fr: {...}, en: {...} }` with dotted keys; all are loaded here.
 */
import { h } from 'preact';
import { useEffect, useReducer } from 'preact/hooks';

export type Lang = 'fr' | 'en';
export type Catalogue = { fr: Record<string, string>; en: Record<string, string> };

const STORAGE_KEY = 'metrokawa:lang';
const strings: Record<Lang, Record<string, string>> = { fr: {}, en: {} };

/** Add strings (later ones win). Every file of src/i18n/ is added at load. */
export function addCatalogue(cat: Partial<Catalogue>): void {
  Object.assign(strings.fr, cat.fr ?? {});
  Object.assign(strings.en, cat.en ?? {});
}

const modules = import.meta.glob<{ default: Catalogue }>('./i18n/*.ts', { eager: true });
for (const path of Object.keys(modules).sort((a, b) => (a.endsWith('/common.ts') ? -1 : b.endsWith('/common.ts') ? 1 : 0))) {
  addCatalogue(modules[path].default);
}

function initial(): Lang {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (saved === 'fr' || saved === 'en') return saved;
  } catch {
    /* no storage */
  }
  return 'fr';
}

let current: Lang = initial();
const listeners = new Set<() => void>();
if (typeof document !== 'undefined') document.documentElement.lang = current;

export function lang(): Lang {
  return current;
}

export function setLang(l: Lang): void {
  current = l;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, l);
  } catch {
    /* no storage */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = l;
  for (const listener of [...listeners]) listener();
}

export function onLang(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** Does the catalogue have this key (in the current language or in French)? */
export function has(key: string): boolean {
  return key in strings[current] || key in strings.fr;
}

/** The string for `key` in the current language (French if missing), `{name}` replaced by params. */
export function t(key: string, params?: Record<string, string | number>): string {
  let s = strings[current][key] ?? strings.fr[key] ?? key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  return s;
}

const pluralRules: Record<Lang, Intl.PluralRules> = { fr: new Intl.PluralRules('fr'), en: new Intl.PluralRules('en') };

/** A count in words, by the language's plural rules: the string of `${key}.${category}`
 *  (`one`, `other`, and `many` where a language has it; `other` when a category is missing),
 *  `{n}` replaced by the count. In French 0 and 1 are singular (« 0 personne », « 1 personne »,
 *  « 2 personnes »); in English only 1 is. Never « personne(s) ». */
export function plural(key: string, n: number, params?: Record<string, string | number>): string {
  const exact = `${key}.${pluralRules[current].select(n)}`;
  return t(has(exact) ? exact : `${key}.other`, { n, ...params });
}

/** A quotation in the current language's marks: «\u00a0text\u00a0» in French (no-break spaces, so that
 *  a mark never starts a line), “text” in English. */
export function quoted(text: string): string {
  return current === 'fr' ? `«\u00a0${text}\u00a0»` : `“${text}”`;
}

/** The French sentence (or English) for an error code; falls back to the server's message. */
export function errorText(code: string, serverMessage?: string): string {
  const key = `error.${code}`;
  if (has(key)) return t(key);
  return serverMessage || t('error.unknown');
}

/** Re-render the calling component when the language changes; returns the language. */
export function useLang(): Lang {
  const [, bump] = useReducer((n: number) => n + 1, 0);
  useEffect(() => onLang(() => bump(0)), []);
  return current;
}

/** A button switching between French and English (its label is in the other language). */
export function LangSwitch(props: { class?: string }) {
  const l = useLang();
  const other: Lang = l === 'fr' ? 'en' : 'fr';
  return h(
    'button',
    {
      type: 'button',
      class: `mk-btn mk-btn-ghost mk-lang ${props.class ?? ''}`,
      // Named by its visible word alone (WCAG 2.5.3); `lang` lets a screen reader say it right.
      lang: other,
      onClick: () => setLang(other),
    },
    other === 'en' ? 'English' : 'Français',
  );
}
