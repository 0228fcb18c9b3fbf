import { describe, expect, it } from 'vitest';
import { jsonBytesAtMost, keepWithinBytes } from '../../src/messages/reply-bytes.js';
import type { Message } from '../../src/schemas/shapes.js';

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

const message = (seq: number, content: string): Message => ({
  _id: `m${seq}`,
  chatId: 'c',
  seq,
  senderId: 'u',
  senderType: 'user',
  senderName: 'User',
  content,
  messageType: 'text',
  fileUrl: null,
  isRead: false,
  readAt: null,
  clientMessageId: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});

describe('history replies bounded in bytes', () => {
  it('the walked bound is never below the JSON, whatever the characters', () => {
    const texts = [
      '',
      'plain',
      '\u0001\u001f\u007f\u0080\u009f',
      '"\\\b\f\n\r\t',
      '中文 кириллица',
      '\u2028\u2029\u202e',
      '😀🏳️‍🌈',
      '\u0001'.repeat(10_000),
    ];
    for (const text of texts) {
      const value = { text, list: [text, 1.5e300, -0.000123, true, null], m: message(1, text) };
      expect(jsonBytesAtMost(value), JSON.stringify(text)).toBeGreaterThanOrEqual(jsonBytes(value));
    }
  });

  it('a page within the budget is answered whole', () => {
    const page = [message(1, 'a'), message(2, 'b')];
    expect(keepWithinBytes(page, jsonBytes(page), 'newest')).toEqual(page);
    expect(keepWithinBytes(page, jsonBytes(page), 'oldest')).toEqual(page);
  });

  it('over the budget, it keeps the end the reader goes on from, within the budget', () => {
    const page = Array.from({ length: 10 }, (_, i) => message(i + 1, '\u0001'.repeat(1000)));
    const budget = 20_000; // ~6.3 KB each as JSON: three of them
    const newest = keepWithinBytes(page, budget, 'newest');
    expect(newest.map((m) => m.seq)).toEqual([8, 9, 10]);
    expect(jsonBytes(newest)).toBeLessThanOrEqual(budget);
    const oldest = keepWithinBytes(page, budget, 'oldest');
    expect(oldest.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(jsonBytes(oldest)).toBeLessThanOrEqual(budget);
  });

  it('keeps one message even when it alone is over the budget, so a reader always gets on', () => {
    const page = [message(1, 'x'.repeat(500)), message(2, 'y'.repeat(500))];
    expect(keepWithinBytes(page, 100, 'oldest').map((m) => m.seq)).toEqual([1]);
    expect(keepWithinBytes(page, 100, 'newest').map((m) => m.seq)).toEqual([2]);
  });
});
