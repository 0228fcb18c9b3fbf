/**
 * The desk's weekly hours as `BUSINESS_HOURS` writes them, parsed once at start-up:
 * `Mon-Fri 09:00-18:00; Sat 10:00-14:00`. Entries are separated by `;`; each names days
 * (`Mon`, a range `Mon-Fri`, which may wrap as `Fri-Mon`, or a list `Mon,Wed,Fri`) and one
 * or more time ranges (`09:00-13:00,14:00-18:00`) in the desk's own time zone. A range
 * ends after it starts on the same day (`24:00` is the end of the day); a night shift is
 * two entries (`Mon 22:00-24:00; Tue 00:00-06:00`). Pure: no I/O, no imports, so the
 * configuration (config.ts) and the desk's use cases share it without a cycle.
 */

export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Minutes after local midnight: [start, end), end ≤ 1440. */
export interface OpenRange {
  start: number;
  end: number;
}

/** The open ranges of each weekday (index 0 = Sunday, as Date#getUTCDay), sorted, merged. */
export interface WeeklySchedule {
  days: readonly (readonly OpenRange[])[];
}

/** What the configuration needs: the schedule and the IANA zone it is read in. */
export interface BusinessHours {
  schedule: WeeklySchedule;
  timeZone: string;
}

/** A malformed BUSINESS_HOURS: the message names the part that is wrong. */
export class ScheduleError extends Error {}

function weekday(word: string): number {
  const index = WEEKDAYS.findIndex((d) => d.toLowerCase() === word.toLowerCase());
  if (index < 0) {
    throw new ScheduleError(`"${word}" is not a day (use ${WEEKDAYS.join(', ')})`);
  }
  return index;
}

function days(spec: string): number[] {
  const found: number[] = [];
  for (const part of spec.split(',')) {
    const [from, to, extra] = part.split('-').map((s) => s.trim());
    if (!from || extra !== undefined || to === '') {
      throw new ScheduleError(`"${part.trim()}" is not a day or a range of days such as Mon-Fri`);
    }
    const first = weekday(from);
    const last = to === undefined ? first : weekday(to);
    // A range may wrap around the week's end (Fri-Mon).
    for (let d = first; ; d = (d + 1) % 7) {
      found.push(d);
      if (d === last) break;
    }
  }
  return found;
}

const TIME = /^(\d{2}):(\d{2})$/;

function minutes(text: string, isEnd: boolean): number {
  const m = TIME.exec(text);
  const hours = Number(m?.[1]);
  const mins = Number(m?.[2]);
  const value = hours * 60 + mins;
  if (!m || mins > 59 || value > 24 * 60 || (value === 24 * 60 && !isEnd)) {
    throw new ScheduleError(`"${text}" is not a time of day as HH:MM (00:00-24:00)`);
  }
  return value;
}

function range(text: string): OpenRange {
  const [from, to, extra] = text.split('-').map((s) => s.trim());
  if (from === undefined || to === undefined || extra !== undefined) {
    throw new ScheduleError(`"${text}" is not a time range such as 09:00-18:00`);
  }
  const r = { start: minutes(from, false), end: minutes(to, true) };
  if (r.end <= r.start) {
    throw new ScheduleError(
      `"${text}" ends before it starts (a range past midnight is two entries: Mon 22:00-24:00; Tue 00:00-06:00)`,
    );
  }
  return r;
}

/** Overlapping or touching ranges become one (Mon 09:00-12:00; Mon 12:00-18:00 is 09:00-18:00). */
function merged(ranges: OpenRange[]): OpenRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const out: OpenRange[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}

export function parseSchedule(text: string): WeeklySchedule {
  const perDay: OpenRange[][] = WEEKDAYS.map(() => []);
  const entries = text
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new ScheduleError('names no days and hours');
  for (const entry of entries) {
    const space = entry.search(/\s/);
    if (space < 0) {
      throw new ScheduleError(`"${entry}" needs days and hours, such as Mon-Fri 09:00-18:00`);
    }
    const ranges = entry
      .slice(space)
      .split(',')
      .map((r) => range(r.trim()));
    for (const d of days(entry.slice(0, space))) perDay[d]?.push(...ranges);
  }
  return { days: perDay.map(merged) };
}
