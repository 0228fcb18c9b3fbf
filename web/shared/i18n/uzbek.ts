/**
 * The Uzbek (Latin) words a date, a time or a duration needs and a browser's Intl may lack:
 * Chromium's ICU has no Uzbek data at all (it writes "M11 30" and "26 sec"). English and
 * Russian take theirs from Intl, which every browser has.
 */

/** January first, in the form a date uses ("5-dekabr"). */
export const MONTHS =
  'yanvar fevral mart aprel may iyun iyul avgust sentabr oktabr noyabr dekabr'.split(' ');

/**
 * The abbreviations the Reports page's axes and tables use ("5-dek"); marked pure, so a
 * bundle that reads none of them (the widget's) leaves the split out.
 */
export const MONTHS_SHORT = /* @__PURE__ */ 'yan fev mar apr may iyn iyl avg sen okt noy dek'.split(
  ' ',
);

/** Sunday first, as Date.getUTCDay() counts. */
export const WEEKDAYS = 'yakshanba dushanba seshanba chorshanba payshanba juma shanba'.split(' ');

export type TimeUnit = 'second' | 'minute' | 'hour' | 'day';

/** Short and long unit words; Uzbek does not change a noun after a number ("4 daqiqa"). */
export const UNITS: Record<TimeUnit, { short: string; long: string }> = {
  second: { short: 'son.', long: 'soniya' },
  minute: { short: 'daq.', long: 'daqiqa' },
  hour: { short: 'soat', long: 'soat' },
  day: { short: 'kun', long: 'kun' },
};
