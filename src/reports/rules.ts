/**
 * Who may read which report, and what range a report covers: plain functions. Each refuses,
 * with its reason, what permissions.ts denies (superadmins read everyone's numbers or one
 * admin's; an admin only their own; nobody else any).
 * A range is [from, to) of chats' creation: default the last `reportDefaultRangeDays` up to
 * now, never reversed, and at most as long as the report covers (REPORT_RANGE names the bound).
 */
import type { Actor } from '../auth/roles.js';
import { Forbidden, InvalidInput } from '../errors.js';
import type { ReportInterval } from '../schemas/vocabulary.js';
import { TUNABLES } from '../tunables.js';
import { mayReadReportOf, mayReadReports, reportCoverageOf } from './permissions.js';

const DAY_MS = 86_400_000;

/** Whose chats the report counts: undefined is everyone's (superadmins only). */
export function reportAdminOf(actor: Actor, adminId: string | undefined): string | undefined {
  if (!mayReadReports(actor)) throw new Forbidden('Only admins and superadmins may read reports');
  if (!mayReadReportOf(actor, adminId))
    throw new Forbidden(
      "An admin may read only their own report; another admin's needs a superadmin",
    );
  return reportCoverageOf(actor, adminId);
}

/** What a report covers: the whole range, or buckets of it (their own, longer bound). */
export type RangeKind = 'period' | ReportInterval;

const MAX_DAYS: Record<RangeKind, { days: number; name: string }> = {
  period: { days: TUNABLES.reportRangeMaxDays.value, name: 'reportRangeMaxDays' },
  day: { days: TUNABLES.reportDayRangeMaxDays.value, name: 'reportDayRangeMaxDays' },
  hour: { days: TUNABLES.reportHourRangeMaxDays.value, name: 'reportHourRangeMaxDays' },
};

export interface ReportRange {
  from: string;
  to: string;
}

/** The range asked for (ISO instants, either may be absent), with defaults, checked. */
export function reportRangeOf(
  asked: { from?: string | undefined; to?: string | undefined },
  kind: RangeKind,
  now: number,
): ReportRange {
  const to = asked.to === undefined ? now : Date.parse(asked.to);
  const from =
    asked.from === undefined
      ? to - TUNABLES.reportDefaultRangeDays.value * DAY_MS
      : Date.parse(asked.from);
  if (!(from < to)) throw new InvalidInput('from: must be before to', 'REPORT_RANGE');
  const bound = MAX_DAYS[kind];
  if (to - from > bound.days * DAY_MS) {
    const what = kind === 'period' ? 'a report covers' : `${kind} buckets cover`;
    throw new InvalidInput(
      `from/to: ${what} at most ${bound.days} days (${bound.name}); ask for a shorter range${kind === 'hour' ? ' or interval=day' : ''}`,
      'REPORT_RANGE',
    );
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}
