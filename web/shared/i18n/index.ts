/**
 * Languages and the lookup: English, Russian and Uzbek (Latin script). The language is
 * chosen from an explicit attribute (`data-lang`), then the page's `lang`, then the
 * browser's languages; English when none of them is known. Every UI string lives in a
 * catalogue (common.ts, console.ts, widget.ts, notes.ts), with the same keys in each language.
 */
export type Lang = 'en' | 'ru' | 'uz';
export const LANGS: readonly Lang[] = ['en', 'ru', 'uz'];

export type Strings<K extends string> = Record<K, string>;
export type Catalogue<K extends string> = Record<Lang, Strings<K>>;
export type Params = Record<string, string | number>;
export type Translate<K extends string> = (key: K, params?: Params) => string;

/** The first candidate whose primary language subtag we have (`uz-Latn-UZ` → `uz`). */
export function pickLang(...candidates: ReadonlyArray<string | null | undefined>): Lang {
  for (const candidate of candidates) {
    const primary = candidate?.trim().toLowerCase().split(/[-_]/)[0];
    const lang = LANGS.find((l) => l === primary);
    if (lang) return lang;
  }
  return 'en';
}

export function translator<K extends string>(catalogue: Catalogue<K>, lang: Lang): Translate<K> {
  const strings = catalogue[lang];
  return (key, params) =>
    strings[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      params && name in params ? String(params[name]) : whole,
    );
}

/** BCP 47 tags for Intl (dates, numbers, durations). */
export const LOCALE: Record<Lang, string> = { en: 'en', ru: 'ru', uz: 'uz-Latn' };
