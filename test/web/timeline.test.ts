/** A chat's timeline: ordered and deduplicated by seq, whatever arrives in whatever order. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { common } from '../../web/shared/i18n/common.js';
import { type Lang, translator } from '../../web/shared/i18n/index.js';
import {
  addPending,
  dayBefore,
  dayLabel,
  dayOf,
  emptyTimeline,
  hasGapBefore,
  lastSeq,
  markSeen,
  merge,
  messageTime,
  olderThan,
  type ReaderClock,
  setPendingState,
  timelineItems,
} from '../../web/shared/timeline.js';
import type { Message } from '../../web/shared/types.js';

const msg = (seq: number, extra: Partial<Message> = {}): Message => ({
  _id: `m${seq}`,
  chatId: 'c1',
  seq,
  senderId: seq % 2 ? 'u1' : 'a1',
  senderType: seq % 2 ? 'user' : 'admin',
  senderName: seq % 2 ? 'User' : 'Admin',
  content: `text ${seq}`,
  messageType: 'text',
  fileUrl: null,
  isRead: false,
  readAt: null,
  clientMessageId: `c${seq}`,
  createdAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
  updatedAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
  ...extra,
});

describe('timeline', () => {
  it('shows every message once in seq order, however pages and events interleave', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 15 }), { maxLength: 8 }),
        (batches) => {
          let t = emptyTimeline;
          for (const batch of batches)
            t = merge(
              t,
              batch.map((s) => msg(s)),
            );
          const expected = [...new Set(batches.flat())].sort((a, b) => a - b);
          expect(t.messages.map((m) => m.seq)).toEqual(expected);
        },
      ),
    );
  });

  it('drops a pending send once its message is stored, matched by clientMessageId', () => {
    let t = addPending(emptyTimeline, { clientMessageId: 'c3', content: 'x', createdAt: '' });
    t = setPendingState(t, 'c3', 'failed');
    expect(t.pending).toEqual([
      { clientMessageId: 'c3', content: 'x', createdAt: '', state: 'failed' },
    ]);
    t = merge(t, [msg(1), msg(3)]);
    expect(t.pending).toEqual([]);
    expect(lastSeq(t)).toBe(3);
  });

  it('keeps the read copy of a message and notices gaps', () => {
    let t = merge(emptyTimeline, [msg(1), msg(2)]);
    t = markSeen(t, (m) => m.senderType === 'user', 'now');
    expect(t.messages.map((m) => m.isRead)).toEqual([true, false]);
    t = merge(t, [msg(1)]); // a stale unread copy arrives later
    expect(t.messages[0]?.isRead).toBe(true);
    expect(hasGapBefore(t, msg(3))).toBe(false);
    expect(hasGapBefore(t, msg(5))).toBe(true);
  });

  it('knows older messages exist from the first seq, also on a first page the server cut to its byte budget', () => {
    // 22 messages, limit 50: one page by the count, but a cut page holds only 18 to 22.
    expect(olderThan([18, 19, 20, 21, 22].map((seq) => msg(seq)))).toBe(true);
    expect(olderThan([msg(1), msg(2)])).toBe(false);
    expect(olderThan([])).toBe(false);
  });
});

describe("dates and day separators, in the reader's language and time zone", () => {
  const TASHKENT = 'Asia/Tashkent'; // UTC+5, no DST
  const words = (lang: Lang) => translator(common, lang);
  // 2026-02-12 09:00 in Tashkent.
  const NOW = Date.parse('2026-02-12T04:00:00Z');
  const clock = (lang: Lang, timeZone = TASHKENT): ReaderClock => ({ lang, now: NOW, timeZone });

  it("puts an instant on the reader's calendar day, not the server's", () => {
    const lateEvening = Date.parse('2026-02-11T20:30:00Z'); // 01:30 on the 12th in Tashkent
    expect(dayOf(lateEvening, { lang: 'en', timeZone: TASHKENT })).toBe('2026-02-12');
    expect(dayOf(lateEvening, { lang: 'en', timeZone: 'UTC' })).toBe('2026-02-11');
    expect(dayOf(lateEvening, { lang: 'en', timeZone: 'America/Los_Angeles' })).toBe('2026-02-11');
    expect(dayOf(Number.NaN, { lang: 'en', timeZone: TASHKENT })).toBe('');
  });

  it('counts days on the calendar, across month, year and DST changes', () => {
    expect(dayBefore('2026-03-01')).toBe('2026-02-28');
    expect(dayBefore('2026-01-01')).toBe('2025-12-31');
    expect(dayBefore('2026-03-09')).toBe('2026-03-08'); // New York's clocks moved on the 8th
  });

  it('names today and yesterday in en, ru and uz, and any other day by its date', () => {
    const yesterdayLate = '2026-02-11T18:30:00Z'; // 23:30 on the 11th in Tashkent
    const todayEarly = '2026-02-11T19:30:00Z'; // 00:30 on the 12th in Tashkent
    const february = '2026-02-02T06:00:00Z';
    const lastYear = '2025-12-30T06:00:00Z';
    const expected: Record<Lang, string[]> = {
      en: ['Today', 'Yesterday', 'February 2', 'December 30, 2025'],
      ru: ['Сегодня', 'Вчера', '2 февраля', '30 декабря 2025 г.'],
      uz: ['Bugun', 'Kecha', '2-fevral', '30-dekabr, 2025'],
    };
    for (const lang of ['en', 'ru', 'uz'] as const) {
      const labels = [todayEarly, yesterdayLate, february, lastYear].map((iso) =>
        dayLabel(iso, clock(lang), words(lang)),
      );
      expect(labels, lang).toEqual(expected[lang]);
    }
    // In UTC the same instant is still the 11th: yesterday there.
    expect(dayLabel(todayEarly, clock('en', 'UTC'), words('en'))).toBe('Yesterday');
  });

  it("shows a message's time alone only for today's messages; another day's shows its date", () => {
    const today = messageTime('2026-02-12T03:04:00Z', clock('en'));
    expect(today).toBe('08:04 AM');
    const february = messageTime('2026-02-02T03:04:00Z', clock('en'));
    expect(february).toContain('Feb');
    expect(february).toContain('2');
    expect(february).toContain('08:04');
    expect(messageTime('2025-02-12T03:04:00Z', clock('ru'))).toMatch(/12 февр\.? 2025.*08:04/);
    expect(messageTime('2026-02-02T03:04:00Z', clock('uz'))).toMatch(/2-fev.*08:04/);
    expect(messageTime('not a time', clock('en'))).toBe('');
  });

  it('puts one separator before each day of the timeline, pending sends under today', () => {
    let t = merge(emptyTimeline, [
      msg(1, { createdAt: '2026-02-10T10:00:00Z' }),
      msg(2, { createdAt: '2026-02-10T11:00:00Z' }),
      msg(3, { createdAt: '2026-02-11T18:30:00Z' }), // 23:30 on the 11th in Tashkent
      msg(4, { createdAt: '2026-02-11T19:30:00Z' }), // 00:30 on the 12th in Tashkent
    ]);
    t = addPending(t, { clientMessageId: 'p1', content: 'x', createdAt: '2026-02-12T04:00:00Z' });
    const shape = (c: ReaderClock) =>
      timelineItems(t, c, words(c.lang)).map((i) =>
        i.kind === 'day' ? i.label : i.kind === 'message' ? i.message.seq : 'pending',
      );
    expect(shape(clock('en'))).toEqual([
      'February 10',
      1,
      2,
      'Yesterday',
      3,
      'Today',
      4,
      'pending',
    ]);
    // The same messages for a reader in UTC: 3 and 4 were both on the 11th.
    expect(shape(clock('ru', 'UTC'))).toEqual([
      '10 февраля',
      1,
      2,
      'Вчера',
      3,
      4,
      'Сегодня',
      'pending',
    ]);
  });
});
