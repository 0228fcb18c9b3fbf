/**
 * The report's numbers as the page writes them: durations and the buckets' dates in the
 * admin's language (through the shared numbers and dates, so that a browser without the
 * language's Intl data writes them too) and the chosen zone, and the CSAT split the
 * summary allows. Plain functions, shared by the cards, the charts and the tables under
 * them, so a chart and its table cannot show two different numbers.
 */
import { formatDate, monthName, wallClockOf } from '../../shared/dates.js';
import { type Lang, type Translate, translator } from '../../shared/i18n/index.js';
import { type ReportKey, reportStrings } from '../../shared/i18n/reports.js';
import type { TimeUnit } from '../../shared/i18n/uzbek.js';
import { formatDuration, formatNumber } from '../../shared/numbers.js';

/** Each language's words (the catalogue's), made once per language. */
const words = new Map<Lang, Translate<ReportKey>>();
function wordsOf(lang: Lang): Translate<ReportKey> {
  let r = words.get(lang);
  if (!r) {
    r = translator(reportStrings, lang);
    words.set(lang, r);
  }
  return r;
}

/**
 * A picked calendar date (`YYYY-MM-DD`) in the admin's words — "1 декабря 2026 г.",
 * "1-dekabr, 2026" — since Chromium writes a date input in its own locale, whatever the
 * page's `lang`; '' for what is not a date.
 */
export function dateWords(date: string, lang: Lang): string {
  const at = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(at)) return '';
  return formatDate(at, lang, 'UTC', { day: 'numeric', month: 'long', year: 'numeric' });
}

/**
 * A duration in seconds, shortest readable unit: `45 sec`, `12.5 min`, `2.3 hr`, `3 days`
 * (Uzbek: `12,5 daq.`, where Chromium's Intl wrote "26 sec").
 */
export function duration(seconds: number | null | undefined, lang: Lang): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  // Days from two on, so the day unit is always plural.
  const [value, unit]: [number, TimeUnit] =
    seconds < 60
      ? [seconds, 'second']
      : seconds < 3600
        ? [seconds / 60, 'minute']
        : seconds < 86_400 * 2
          ? [seconds / 3600, 'hour']
          : [seconds / 86_400, 'day'];
  return formatDuration(value, unit, lang, 'short', { maximumFractionDigits: value < 10 ? 1 : 0 });
}

export function count(value: number, lang: Lang): string {
  return formatNumber(value, lang);
}

/** A CSAT average (1–5), one decimal; none without responses. */
export function score(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return formatNumber(value, lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** A share 0–1 as a percentage. */
export function share(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return formatNumber(value, lang, { style: 'percent', maximumFractionDigits: 0 });
}

type DatePattern = 'dateOfDay' | 'dateOfHour' | 'tickOfDay' | 'tickOfHour';

/**
 * A date by the catalogue's pattern and the shared month names (Chromium's Intl has no
 * Uzbek ones: it wrote "M11 30"): the calendar of `timezone`, the clock in the language's format.
 */
function dateIn(pattern: DatePattern, at: number, timezone: string, lang: Lang): string {
  const r = wordsOf(lang);
  const { year, month, day } = wallClockOf(at, timezone);
  return r(pattern, {
    year,
    month: monthName(month, lang, 'short'),
    day,
    time: pattern.endsWith('Hour')
      ? formatDate(at, lang, timezone, { hour: '2-digit', minute: '2-digit' })
      : '',
  });
}

/** A bucket's start as the chosen zone's calendar shows it: the date, and the hour for hours. */
export function bucketLabel(
  at: string,
  interval: 'day' | 'hour',
  timezone: string,
  lang: Lang,
): string {
  return dateIn(interval === 'hour' ? 'dateOfHour' : 'dateOfDay', Date.parse(at), timezone, lang);
}

/** A bucket as a chart's axis writes it: the day without the year, or the day and hour. */
export function bucketTick(
  at: number,
  interval: 'day' | 'hour',
  timezone: string,
  lang: Lang,
): string {
  return dateIn(interval === 'hour' ? 'tickOfHour' : 'tickOfDay', at, timezone, lang);
}

/** Steps a count axis may take: whole numbers. */
export const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 50_000];
/** Steps a duration axis may take, in seconds: round seconds, minutes, hours, days. */
export const DURATION_STEPS = [
  0.1, 0.2, 0.5, 1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200,
  86_400, 172_800, 604_800,
];
/** Steps the rating axis takes. */
export const SCORE_STEPS = [0.5, 1];
