/**
 * The transcript's forms as pure functions: escaping, the file name, the HTML timeline's
 * labels, and JSON written in pieces that parse as one document.
 */
import { describe, expect, it } from 'vitest';
import { escapeHtml, footHtml, headHtml, itemsHtml } from '../../src/transcripts/html.js';
import {
  JSON_END,
  JSON_NOTES,
  jsonItems,
  jsonStart,
  type TranscriptHead,
} from '../../src/transcripts/json.js';
import { transcriptFilename } from '../../src/transcripts/rules.js';

const head: TranscriptHead = {
  chat: {
    _id: 'c1',
    userId: 'u"1',
    userName: '<i>Ann</i>',
    status: 'closed',
    createdAt: '2026-12-01T10:00:00.000Z',
  },
  generatedAt: '2026-12-02T10:00:00.000Z',
  auditHash: 'a'.repeat(64),
  auditChainSeq: 3,
  auditAt: '2026-12-01T11:00:00.000Z',
  withNotes: true,
};

const message = (seq: number, content: string) => ({
  seq,
  at: '2026-12-01T10:00:00.000Z',
  sender: { type: 'user' as const, id: 'u1', name: 'Ann' },
  messageType: 'text' as const,
  content,
});

describe('transcript forms', () => {
  it('escapes the five characters that could open a tag or leave a quoted attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
    expect(escapeHtml('שלום עולם')).toBe('שלום עולם');
  });

  it('makes a file name of letters, digits, - and _ whatever the chat id holds', () => {
    const at = new Date('2026-12-05T16:00:00Z');
    expect(transcriptFilename('abc123', 'html', at)).toBe('transcript-abc123-2026-12-05.html');
    expect(transcriptFilename('../"evil"\r\n;x=1', 'json', at)).toBe(
      'transcript-____evil____x_1-2026-12-05.json',
    );
    expect(transcriptFilename('x'.repeat(300), 'json', at)).toHaveLength(
      'transcript--2026-12-05.json'.length + 64,
    );
  });

  it('writes the head, the messages with notes between and the foot as one escaped page', () => {
    const page =
      headHtml(head) +
      itemsHtml(
        [
          { kind: 'message', message: message(1, 'a < b') },
          {
            kind: 'note',
            note: {
              id: 'n1',
              afterSeq: 1,
              at: head.generatedAt,
              sender: { id: 'ad', name: 'Bo' },
              content: '"x"',
            },
          },
        ],
        undefined,
      ) +
      footHtml(1, 1, true);
    expect(page).toContain('<bdi>&lt;i&gt;Ann&lt;/i&gt;</bdi> (<code>u&quot;1</code>)');
    expect(page).toContain(`<code>${'a'.repeat(64)}</code> (entry 3`);
    expect(page).toContain('<p class="text" dir="auto">a &lt; b</p>');
    expect(page).toContain('<p class="text" dir="auto">&quot;x&quot;</p>');
    expect(page).toContain('1 messages, 1 internal notes');
    expect(page).not.toMatch(/<script/i);
  });

  it('shows bidirectional controls in texts and names as visible [U+…], as the console does', () => {
    const page =
      headHtml({ ...head, chat: { ...head.chat, userName: 'Ann\u202E' } }) +
      itemsHtml(
        [
          {
            kind: 'message',
            message: {
              ...message(1, 'pay 100\u202E0 USD'),
              sender: { type: 'user', id: 'u1', name: 'Old\u2067 v2 name' },
              messageType: 'file',
              attachment: {
                id: 'f1',
                name: 'invoice_\u202Efdp.exe',
                contentType: 'application/pdf',
                size: 3,
                path: '/api/attachments/f1',
              },
            },
          },
          {
            kind: 'note',
            note: {
              id: 'n1',
              afterSeq: 1,
              at: head.generatedAt,
              sender: { id: 'ad', name: 'Bo' },
              content: 'see \u2066this\u2069',
            },
          },
        ],
        undefined,
      );
    expect(page).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(page).toContain('<bdi>Ann[U+202E]</bdi>');
    expect(page).toContain('pay 100[U+202E]0 USD');
    expect(page).toContain('Old[U+2067] v2 name');
    expect(page).toContain('invoice_[U+202E]fdp.exe');
    expect(page).toContain('see [U+2066]this[U+2069]');
  });

  it('writes JSON in pieces that parse as one envelope, with or without notes', () => {
    const withNotes =
      jsonStart(head) +
      jsonItems([message(1, 'a')], true) +
      jsonItems([message(2, 'b')], false) +
      JSON_NOTES +
      jsonItems([], true) +
      JSON_END;
    const parsed = JSON.parse(withNotes);
    expect(parsed.success).toBe(true);
    expect(parsed.transcript.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
    expect(parsed.transcript.notes).toEqual([]);
    expect(parsed.transcript.auditHash).toBe(head.auditHash);
    const without = JSON.parse(jsonStart({ ...head, withNotes: false }) + JSON_END);
    expect(without.transcript).toMatchObject({ messages: [], withNotes: false });
    expect(without.transcript.notes).toBeUndefined();
  });
});
