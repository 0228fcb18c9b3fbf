/**
 * Numbers and durations as the reader's language writes them: Intl's for English and
 * Russian; for Uzbek (12 345,5 and "4,5 daq."), Intl's digits with the Uzbek separators and
 * unit words, since Chromium's Intl has no Uzbek data and writes 12,345.5 and "4.5 min".
 */
import { type Lang, LOCALE } from './i18n/index.js';
import { type TimeUnit, UNITS } from './i18n/uzbek.js';

export function formatNumber(
  value: number,
  lang: Lang,
  options?: Intl.NumberFormatOptions,
): string {
  if (lang !== 'uz') return new Intl.NumberFormat(LOCALE[lang], options).format(value);
  return new Intl.NumberFormat('en', options)
    .formatToParts(value)
    .map((p) => (p.type === 'group' ? '\u00a0' : p.type === 'decimal' ? ',' : p.value))
    .join('');
}

/** `45 sec`, `12,5 мин`, `4 daqiqa`: a number of one unit of time, its unit written out. */
export function formatDuration(
  value: number,
  unit: TimeUnit,
  lang: Lang,
  unitDisplay: 'short' | 'long',
  options?: Intl.NumberFormatOptions,
): string {
  if (lang !== 'uz') {
    return new Intl.NumberFormat(LOCALE[lang], {
      ...options,
      style: 'unit',
      unit,
      unitDisplay,
    }).format(value);
  }
  return `${formatNumber(value, lang, options)} ${UNITS[unit][unitDisplay]}`;
}
