/** The language in a browser: `data-lang`, then `<html lang>`, then the browser's preferences. */
import { type Lang, pickLang } from './index.js';

export function detectLang(explicit?: string | null): Lang {
  return pickLang(explicit, document.documentElement.lang, ...navigator.languages);
}
