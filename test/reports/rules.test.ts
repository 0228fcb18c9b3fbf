/** Who may read which report, the range a report covers, and the CSV it can be. */
import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../src/auth/actor.js';
import { person } from '../../src/auth/roles.js';
import { toCsv } from '../../src/reports/csv.js';
import { reportAdminOf, reportRangeOf } from '../../src/reports/rules.js';

const NOW = Date.parse('2026-12-05T12:00:00.000Z');

describe('who reads which report', () => {
  it("lets superadmins read everyone's or one admin's, an admin only their own", () => {
    const superadmin = person('s', 'S', 'superadmin');
    expect(reportAdminOf(superadmin, undefined)).toBeUndefined();
    expect(reportAdminOf(superadmin, 'a')).toBe('a');
    const admin = person('a', 'A', 'admin');
    expect(reportAdminOf(admin, undefined)).toBe('a');
    expect(reportAdminOf(admin, 'a')).toBe('a');
    expect(() => reportAdminOf(admin, 'b')).toThrow(/only their own/);
    expect(() => reportAdminOf(person('u', 'U', 'user'), undefined)).toThrow(/Only admins/);
    // v2's trusted caller (AUTH_MODE=none, nobody named) has a superadmin's rights.
    expect(reportAdminOf(ANONYMOUS, undefined)).toBeUndefined();
  });
});

describe('the range a report covers', () => {
  it('defaults to the last 30 days up to now, or up to `to`', () => {
    expect(reportRangeOf({}, 'period', NOW)).toEqual({
      from: '2026-11-05T12:00:00.000Z',
      to: '2026-12-05T12:00:00.000Z',
    });
    expect(reportRangeOf({ to: '2026-02-01T00:00:00.000Z' }, 'day', NOW).from).toBe(
      '2026-01-02T00:00:00.000Z',
    );
  });

  it('refuses a reversed or empty range, and one longer than the report covers, naming the bound', () => {
    const at = (from: string, to: string, kind: 'period' | 'day' | 'hour') => () =>
      reportRangeOf({ from, to }, kind, NOW);
    expect(at('2026-02-01T00:00:00Z', '2026-01-01T00:00:00Z', 'period')).toThrow(/before to/);
    expect(at('2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'period')).toThrow(/before to/);
    expect(at('2025-01-01T00:00:00Z', '2026-01-02T00:00:01Z', 'period')).toThrow(
      'from/to: a report covers at most 366 days (reportRangeMaxDays)',
    );
    expect(at('2025-01-01T00:00:00Z', '2026-01-02T00:00:00Z', 'period')).not.toThrow();
    expect(at('2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', 'hour')).not.toThrow();
    expect(at('2026-01-01T00:00:00Z', '2026-02-01T00:00:01Z', 'hour')).toThrow(
      'from/to: hour buckets cover at most 31 days',
    );
    expect(at('2026-01-01T00:00:00Z', '2026-02-01T00:00:01Z', 'hour')).toThrow(/interval=day/);
  });
});

describe('report CSV', () => {
  it('writes a header row, quotes what needs quoting, and defuses formulas', () => {
    expect(
      toCsv(
        ['adminName', 'chats', 'csatAverage'],
        [
          ['Ali, "the best"', 3, null],
          ['=HYPERLINK("x")', 1, 4.5],
          ['-1', 0, 5],
        ],
      ),
    ).toBe(
      'adminName,chats,csatAverage\r\n"Ali, ""the best""",3,\r\n"\'=HYPERLINK(""x"")",1,4.5\r\n\'-1,0,5\r\n',
    );
  });

  it('defuses a formula behind leading blanks or invisible characters, and full-width signs', () => {
    // Spreadsheets skip leading spaces before a formula, and Excel in East Asian locales
    // reads full-width and small-form signs as their ASCII forms.
    const names = [
      ' =1+1',
      '\u00a0=1+1',
      '\u200b=1+1',
      '\ufeff@SUM(A1)',
      '\u3000+1',
      '＝HYPERLINK("x")',
      '＋1',
      '－1',
      '＠SUM(A1)',
      '﹦1+1',
      '﹢1',
      '﹣1',
      '﹫SUM(A1)',
      '\n=1+1',
    ];
    for (const name of names) {
      const csv = toCsv(['adminName'], [[name]]);
      const cell = csv.slice('adminName\r\n'.length, -2);
      expect(cell.replace(/^"/, ''), JSON.stringify(name)).toMatch(/^'/);
    }
    // A name that only contains such a sign later is written as it is.
    expect(toCsv(['adminName'], [['Ali =1']])).toBe('adminName\r\nAli =1\r\n');
  });
});
