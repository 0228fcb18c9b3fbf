/**
 * Every date, time, duration and decimal the console and the widget write, in en, ru and uz,
 * for one instant in one zone. Intl here is Chromium's as far as Uzbek goes: it has no Uzbek
 * data (Chromium wrote "M11 30", "26 sec", "4.5"), so Uzbek must not come from Intl; English
 * and Russian must stay exactly what Intl writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitedFor, waitingWords } from '../../web/console/format.js';
import {
  bucketLabel,
  bucketTick,
  count,
  duration,
  score,
  share,
} from '../../web/console/reports/figures.js';
import { formatSize } from '../../web/shared/attachments.js';
import { formatDate } from '../../web/shared/dates.js';
import { common } from '../../web/shared/i18n/common.js';
import { consoleStrings } from '../../web/shared/i18n/console.js';
import { type Lang, translator } from '../../web/shared/i18n/index.js';
import { dayLabel, fullTime, messageTime, type ReaderClock } from '../../web/shared/timeline.js';
import { openingWords, waitWords } from '../../web/widget/desk.js';

// The widget's times are in the browser's zone: this test's browser is in Tashkent.
process.env.TZ = 'Asia/Tashkent';

const TASHKENT = 'Asia/Tashkent'; // UTC+5, no DST
// Monday 30 November 2026, 09:05 in Tashkent.
const NOW = Date.parse('2026-11-30T04:05:00Z');
const LANGS = ['en', 'ru', 'uz'] as const;
const clock = (lang: Lang): ReaderClock => ({ lang, now: NOW, timeZone: TASHKENT });
const each = (write: (lang: Lang) => string) =>
  Object.fromEntries(LANGS.map((lang) => [lang, write(lang)]));

/** Intl without Uzbek: a request for 'uz' gets the browser's fallback (English here). */
function withoutUzbek(locales: unknown): unknown {
  const drop = (tag: unknown) => (typeof tag === 'string' && /^uz\b/i.test(tag) ? 'en' : tag);
  return Array.isArray(locales) ? locales.map(drop) : drop(locales);
}
const realDateTimeFormat = Intl.DateTimeFormat;
const realNumberFormat = Intl.NumberFormat;
const realPluralRules = Intl.PluralRules;

beforeAll(() => {
  for (const [name, real] of [
    ['DateTimeFormat', realDateTimeFormat],
    ['NumberFormat', realNumberFormat],
    ['PluralRules', realPluralRules],
  ] as const) {
    const uzbekless = new Proxy(real, {
      construct: (target, [locales, ...rest]) =>
        Reflect.construct(target, [withoutUzbek(locales), ...rest]),
      apply: (target, self, [locales, ...rest]) =>
        Reflect.apply(target, self, [withoutUzbek(locales), ...rest]),
    });
    Object.defineProperty(Intl, name, { value: uzbekless, configurable: true, writable: true });
  }
});
afterAll(() => {
  Object.defineProperty(Intl, 'DateTimeFormat', { value: realDateTimeFormat });
  Object.defineProperty(Intl, 'NumberFormat', { value: realNumberFormat });
  Object.defineProperty(Intl, 'PluralRules', { value: realPluralRules });
});

describe('the timeline: day separators and message times', () => {
  it('names another day by its day and month (and the year when not this one)', () => {
    const words = (lang: Lang) => translator(common, lang);
    expect(each((lang) => dayLabel('2026-11-02T06:00:00Z', clock(lang), words(lang)))).toEqual({
      en: 'November 2',
      ru: '2 ноября',
      uz: '2-noyabr',
    });
    expect(each((lang) => dayLabel('2025-12-05T06:00:00Z', clock(lang), words(lang)))).toEqual({
      en: 'December 5, 2025',
      ru: '5 декабря 2025 г.',
      uz: '5-dekabr, 2025',
    });
  });

  it("writes a message's time, with the date for another day's", () => {
    expect(each((lang) => messageTime('2026-11-30T03:04:00Z', clock(lang)))).toEqual({
      en: '08:04 AM',
      ru: '08:04',
      uz: '08:04',
    });
    expect(each((lang) => messageTime('2026-11-02T03:04:00Z', clock(lang)))).toEqual({
      en: 'Nov 2, 08:04 AM',
      ru: '2 нояб., 08:04',
      uz: '2-noyabr, 08:04',
    });
    expect(each((lang) => messageTime('2025-12-05T13:04:00Z', clock(lang)))).toEqual({
      en: 'Dec 5, 2025, 06:04 PM',
      ru: '5 дек. 2025 г., 18:04',
      uz: '5-dekabr, 2025, 18:04',
    });
  });

  it('writes the full date and time of the tooltip with the weekday', () => {
    expect(each((lang) => fullTime('2026-11-30T04:05:00Z', clock(lang)))).toEqual({
      en: 'Monday, November 30, 2026 at 9:05 AM',
      ru: 'понедельник, 30 ноября 2026 г. в 09:05',
      uz: 'dushanba, 30-noyabr, 2026, 09:05',
    });
  });
});

describe("the console's search results", () => {
  it("writes a result's date as toLocaleDateString does in en and ru, by name in uz", () => {
    const at = Date.parse('2026-11-30T04:05:00Z');
    const date = { year: 'numeric', month: 'numeric', day: 'numeric' } as const;
    expect(each((lang) => formatDate(at, lang, TASHKENT, date))).toEqual({
      en: new Date(at).toLocaleDateString('en', { timeZone: TASHKENT }),
      ru: new Date(at).toLocaleDateString('ru', { timeZone: TASHKENT }),
      uz: '30-noyabr, 2026',
    });
    expect(each((lang) => formatDate(at, lang, TASHKENT, date)).ru).toBe('30.11.2026');
  });
});

describe("the widget's desk: the wait and the opening time", () => {
  it('writes the wait in whole minutes', () => {
    expect(each((lang) => waitWords(240, lang))).toEqual({
      en: '4 minutes',
      ru: '4 минуты',
      uz: '4 daqiqa',
    });
    expect(each((lang) => waitWords(30, lang))).toEqual({
      en: '1 minute',
      ru: '1 минута',
      uz: '1 daqiqa',
    });
  });

  it("writes the opening time, and another day's weekday", () => {
    expect(each((lang) => openingWords('2026-11-30T13:00:00Z', lang, NOW))).toEqual({
      en: '6:00 PM',
      ru: '18:00',
      uz: '18:00',
    });
    expect(each((lang) => openingWords('2026-12-01T04:00:00Z', lang, NOW))).toEqual({
      en: 'Tue 9:00 AM',
      ru: 'вт 09:00',
      uz: 'seshanba, 09:00',
    });
  });
});

describe("the console's queue and files", () => {
  it('writes how long a chat has waited', () => {
    expect(each((lang) => waitedFor('2026-11-30T04:00:00Z', NOW, lang))).toEqual({
      en: '5 min',
      ru: '5 мин',
      uz: '5 daq.',
    });
    expect(each((lang) => waitedFor('2026-11-30T01:35:00Z', NOW, lang))).toEqual({
      en: '2 hr',
      ru: '2 ч',
      uz: '2 soat',
    });
  });

  it('says a chat that has just arrived came just now, not that it waited 0 minutes', () => {
    const words = (since: string) =>
      each((lang) => waitingWords(since, NOW, lang, translator(consoleStrings, lang)));
    expect(words('2026-11-30T04:04:30Z')).toEqual({
      en: 'just now',
      ru: 'только что',
      uz: 'hozirgina',
    });
    // A chat stamped ahead of this browser's clock has also just arrived.
    expect(words('2026-11-30T04:05:20Z')).toEqual(words('2026-11-30T04:04:30Z'));
    expect(words('2026-11-30T04:04:00Z')).toEqual({
      en: 'waiting 1 min',
      ru: 'ждёт 1 мин',
      uz: '1 daq. kutmoqda',
    });
  });

  it("writes a file's size with the language's decimal mark", () => {
    const size = (bytes: number) =>
      each((lang) => formatSize(bytes, lang, translator(common, lang)));
    expect(size(4.5 * 1024 * 1024)).toEqual({ en: '4.5 MB', ru: '4,5 МБ', uz: '4,5 MB' });
    expect(size(1536)).toEqual({ en: '1.5 KB', ru: '1,5 КБ', uz: '1,5 KB' });
  });
});

describe("the Reports page's figures and dates", () => {
  it('writes durations with their units and decimal marks', () => {
    expect([45, 270, 8280, 3 * 86_400].map((s) => each((lang) => duration(s, lang)))).toEqual([
      { en: '45 sec', ru: '45 с', uz: '45 son.' },
      { en: '4.5 min', ru: '4,5 мин', uz: '4,5 daq.' },
      { en: '2.3 hr', ru: '2,3 ч', uz: '2,3 soat' },
      { en: '3 days', ru: '3 дн.', uz: '3 kun' },
    ]);
  });

  it('writes counts, scores and shares as each language does', () => {
    expect(each((lang) => count(12_345, lang))).toEqual({
      en: '12,345',
      ru: '12\u00a0345',
      uz: '12\u00a0345',
    });
    expect(each((lang) => score(4.5, lang))).toEqual({ en: '4.5', ru: '4,5', uz: '4,5' });
    expect(each((lang) => share(0.45, lang))).toEqual({ en: '45%', ru: '45\u00a0%', uz: '45%' });
  });

  it("writes a bucket's date with the language's month names", () => {
    const at = '2026-11-30T04:05:00Z';
    expect(each((lang) => bucketLabel(at, 'day', TASHKENT, lang))).toEqual({
      en: 'Nov 30, 2026',
      ru: '30 нояб. 2026 г.',
      uz: '30-noy, 2026',
    });
    expect(each((lang) => bucketLabel(at, 'hour', TASHKENT, lang))).toEqual({
      en: 'Nov 30, 09:05 AM',
      ru: '30 нояб., 09:05',
      uz: '30-noy, 09:05',
    });
    const months = (lang: Lang) =>
      Array.from({ length: 12 }, (_, m) =>
        bucketTick(Date.UTC(2026, m, 15), 'day', TASHKENT, lang).replace(/^15[- ]?|\s?15$/g, ''),
      ).join(' ');
    expect(each(months)).toEqual({
      en: 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec',
      ru: 'янв. февр. мар. апр. мая июн. июл. авг. сент. окт. нояб. дек.',
      uz: 'yan fev mar apr may iyn iyl avg sen okt noy dek',
    });
  });
});
