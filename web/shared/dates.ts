/**
 * Dates and times as the reader's language writes them. English and Russian are Intl's,
 * as they always were. Uzbek is written here from our own words (i18n/uzbek.ts), since
 * Chromium's Intl has no Uzbek data ("M11 30", "Mon 09:05"): one form throughout, the
 * weekday, the day and month joined by a hyphen, the year, a 24-hour clock, parted by
 * commas — "dushanba, 30-noyabr, 2026, 09:05", "2-noyabr, 08:04", "5-dekabr". Only the
 * Reports page abbreviates the month (monthName 'short': "30-noy").
 */

import { wallClockOf } from '../../src/time/wall-clock.js';
import { type Lang, LOCALE } from './i18n/index.js';
import { MONTHS, MONTHS_SHORT, WEEKDAYS } from './i18n/uzbek.js';

export { wallClockOf } from '../../src/time/wall-clock.js';

const formats = new Map<string, Intl.DateTimeFormat>();

/** Formatters are costly to make (tens of µs) and a timeline renders hundreds of times. */
function intlFormat(
  locale: string,
  timeZone: string | undefined,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone ?? ''}|${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formats.set(key, f);
  }
  return f;
}

/** A month's name (1–12) as a date writes it after the day: "Nov", "нояб.", "noy". */
export function monthName(month: number, lang: Lang, width: 'long' | 'short'): string {
  if (lang === 'uz') return (width === 'long' ? MONTHS : MONTHS_SHORT)[month - 1] ?? '';
  const parts = intlFormat(LOCALE[lang], 'UTC', { day: 'numeric', month: width }).formatToParts(
    Date.UTC(2000, month - 1, 1),
  );
  return parts.find((p) => p.type === 'month')?.value ?? '';
}

const twoDigits = (n: number) => String(n).padStart(2, '0');

/**
 * `at` as Intl would write it with these options (the fields a caller asks for: weekday,
 * day and month, year, hour and minute, or dateStyle 'full' and a timeStyle), in `timeZone`.
 */
export function formatDate(
  at: number,
  lang: Lang,
  timeZone: string | undefined,
  options: Intl.DateTimeFormatOptions,
): string {
  if (lang !== 'uz') return intlFormat(LOCALE[lang], timeZone, options).format(at);
  const { year, month, day, hour, minute } = wallClockOf(at, timeZone);
  const full = options.dateStyle === 'full';
  const fields: string[] = [];
  if (options.weekday || full) {
    fields.push(WEEKDAYS[new Date(Date.UTC(year, month - 1, day)).getUTCDay()] ?? '');
  }
  if (options.month || full) {
    fields.push(`${day}-${MONTHS[month - 1]}`);
  }
  if (options.year || full) fields.push(String(year));
  if (options.hour || options.timeStyle) fields.push(`${twoDigits(hour)}:${twoDigits(minute)}`);
  return fields.join(', ');
}
