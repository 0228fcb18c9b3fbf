/**
 * What the reply box offers on `/` (the query, the matches and their order) and what an
 * inserted reply becomes (placeholders filled), as pure functions.
 */
import { describe, expect, it } from 'vitest';
import { fillPlaceholders } from '../../src/canned-replies/placeholders.js';
import { CANNED_OFFERED_MAX, cannedQueryOf, matchCanned } from '../../web/console/canned.js';
import type { CannedReply } from '../../web/shared/types.js';

const reply = (shortcut: string, title = shortcut): CannedReply => ({
  id: shortcut,
  shortcut,
  title,
  content: `content of ${shortcut}`,
  scope: 'team',
});

describe('canned replies in the reply box', () => {
  it('offers only on a slash at the very start of a box of one line', () => {
    expect(cannedQueryOf('/ref')).toBe('ref');
    expect(cannedQueryOf('/')).toBe('');
    expect(cannedQueryOf('hello /ref')).toBeUndefined();
    expect(cannedQueryOf(' /ref')).toBeUndefined();
    expect(cannedQueryOf('/ref\nmore')).toBeUndefined();
  });

  it('puts shortcuts starting with the query first, then containing it, then titles', () => {
    const replies = [
      reply('late-refund', 'Late'),
      reply('kyc', 'Ask for the refund form'),
      reply('refund', 'Refund on its way'),
      reply('greeting', 'Hello'),
    ];
    expect(matchCanned(replies, 'REF').map((r) => r.shortcut)).toEqual([
      'refund',
      'late-refund',
      'kyc',
    ]);
    expect(matchCanned(replies, 'zzz')).toEqual([]);
    expect(matchCanned(replies, '').map((r) => r.shortcut)).toEqual([
      'greeting',
      'kyc',
      'late-refund',
      'refund',
    ]);
  });

  it('matches in any script, case not counting, and offers a few at most', () => {
    expect(matchCanned([reply('Возврат')], 'возв').map((r) => r.shortcut)).toEqual(['Возврат']);
    // The fold the server's unique shortcuts use: ß is ss, a ligature its letters.
    expect(matchCanned([reply('straße')], 'STRASS').map((r) => r.shortcut)).toEqual(['straße']);
    expect(matchCanned([reply('ﬁx-card')], 'fix').map((r) => r.shortcut)).toEqual(['ﬁx-card']);
    const many = Array.from({ length: 20 }, (_, i) => reply(`r${String(i).padStart(2, '0')}`));
    expect(matchCanned(many, 'r')).toHaveLength(CANNED_OFFERED_MAX);
  });

  it('fills the user and the agent, with or without spaces in the braces, and nothing else', () => {
    const values = { userName: 'Dilnoza', agentName: 'Anna' };
    expect(
      fillPlaceholders('Hi {{user.name}}, {{ agent.name }} here. {{user.name}}!', values),
    ).toBe('Hi Dilnoza, Anna here. Dilnoza!');
    expect(fillPlaceholders('{{order.id}} and {{user.email}}', values)).toBe(
      '{{order.id}} and {{user.email}}',
    );
    // A name that looks like a placeholder is inserted as it is, not filled again.
    expect(fillPlaceholders('{{user.name}}', { userName: '{{agent.name}}', agentName: 'A' })).toBe(
      '{{agent.name}}',
    );
  });
});
