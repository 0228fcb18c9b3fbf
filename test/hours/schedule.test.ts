import { describe, expect, it } from 'vitest';
import { parseSchedule, ScheduleError } from '../../src/hours/schedule.js';

const day = (text: string, d: number) => parseSchedule(text).days[d];

describe('BUSINESS_HOURS', () => {
  it('reads days, day ranges and several time ranges per entry', () => {
    const s = parseSchedule('Mon-Fri 09:00-18:00; Sat 10:00-14:00');
    expect(s.days[0]).toEqual([]);
    for (const d of [1, 2, 3, 4, 5]) expect(s.days[d]).toEqual([{ start: 540, end: 1080 }]);
    expect(s.days[6]).toEqual([{ start: 600, end: 840 }]);
    expect(day('Mon,Wed 09:00-13:00,14:00-18:00', 3)).toEqual([
      { start: 540, end: 780 },
      { start: 840, end: 1080 },
    ]);
  });

  it('wraps a day range around the week, takes 24:00 as the end of the day, merges what touches', () => {
    const s = parseSchedule('fri-mon 00:00-24:00');
    expect([0, 1, 5, 6].map((d) => s.days[d])).toEqual(Array(4).fill([{ start: 0, end: 1440 }]));
    expect(s.days[2]).toEqual([]);
    expect(day('Mon 09:00-12:00; Mon 12:00-18:00; Mon 10:00-11:00', 1)).toEqual([
      { start: 540, end: 1080 },
    ]);
  });

  it.each([
    ['', 'names no days and hours'],
    ['Mon-Fri', 'needs days and hours'],
    ['Mon-Fry 09:00-18:00', '"Fry" is not a day'],
    ['Mon 9:00-18:00', '"9:00" is not a time of day'],
    ['Mon 09:00-25:00', '"25:00" is not a time of day'],
    ['Mon 09:60-18:00', '"09:60" is not a time of day'],
    ['Mon 24:00-24:00', '"24:00" is not a time of day'],
    ['Mon 22:00-06:00', 'ends before it starts'],
    ['Mon 09:00', 'is not a time range'],
    ['Mon--Fri 09:00-18:00', 'is not a day or a range of days'],
  ])('refuses %j, saying %j', (text, message) => {
    expect(() => parseSchedule(text)).toThrow(ScheduleError);
    expect(() => parseSchedule(text)).toThrow(message);
  });
});
