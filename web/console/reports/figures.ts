/**
 * The report's numbers as the page writes them: durations in the admin's language, the
 * buckets' dates in the chosen zone, and the CSAT split the summary allows. Plain
 * functions, shared by the cards, the charts and the tables under them, so a chart and
 * its table cannot show two different numbers.
 */
import { type Lang, LOCALE } from '../../shared/i18n/index.js';

/** A duration in seconds, shortest readable unit: `45 s`, `12.5 min`, `2.3 h`. */
export function duration(seconds: number | null | undefined, lang: Lang): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const [value, unit] =
    seconds < 60
      ? [seconds, 'second']
      : seconds < 3600
        ? [seconds / 60, 'minute']
        : seconds < 86_400 * 2
          ? [seconds / 3600, 'hour']
          : [seconds / 86_400, 'day'];
  return new Intl.NumberFormat(LOCALE[lang], {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: value < 10 ? 1 : 0,
  }).format(value);
}

export function count(value: number, lang: Lang): string {
  return new Intl.NumberFormat(LOCALE[lang]).format(value);
}

/** A CSAT average (1–5), one decimal; none without responses. */
export function score(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(LOCALE[lang], {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  }).format(value);
}

/** A share 0–1 as a percentage. */
export function share(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(LOCALE[lang], { style: 'percent', maximumFractionDigits: 0 }).format(
    value,
  );
}

/** A bucket's start as the chosen zone's calendar shows it: the date, and the hour for hours. */
export function bucketLabel(
  at: string,
  interval: 'day' | 'hour',
  timezone: string,
  lang: Lang,
): string {
  return new Intl.DateTimeFormat(LOCALE[lang], {
    timeZone: timezone,
    ...(interval === 'hour'
      ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }
      : { year: 'numeric', month: 'short', day: 'numeric' }),
  }).format(Date.parse(at));
}

/** A bucket as a chart's axis writes it: the day without the year, or the hour. */
export function bucketTick(
  at: number,
  interval: 'day' | 'hour',
  timezone: string,
  lang: Lang,
): string {
  return new Intl.DateTimeFormat(LOCALE[lang], {
    timeZone: timezone,
    ...(interval === 'hour'
      ? { day: 'numeric', hour: '2-digit', minute: '2-digit' }
      : { month: 'short', day: 'numeric' }),
  }).format(at);
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
