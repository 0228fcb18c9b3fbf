/**
 * What the failure tests count once the dust settles: each chat's stored history (read
 * back page by page with ?after=) against what the senders were acknowledged.
 */
import type { AckedMessage, SendLoop } from './send-loop.js';
import { request, succeeded } from './server.js';

/** Every message of a chat, oldest first. */
export async function fullHistory(url: string, chatId: string): Promise<AckedMessage[]> {
  const all: AckedMessage[] = [];
  for (;;) {
    const after = all.at(-1)?.seq ?? 0;
    const page = await request({ url }, 'GET /api/messages/:chatId', {
      params: { chatId },
      query: { after: String(after), limit: '200' },
    });
    if (page.status !== 200) throw new Error(`history of ${chatId}: ${page.status}`);
    const { messages, pagination } = succeeded(page);
    all.push(...messages);
    if (!('hasMore' in pagination) || !pagination.hasMore) return all;
  }
}

export interface Audit {
  chats: number;
  acknowledged: number;
  stored: number;
  /** Acknowledged messages not in the store. */
  lost: number;
  /** Stored messages whose clientMessageId was stored more than once in their chat. */
  duplicates: number;
  /** Chats whose seqs are not exactly 1..N. */
  gaps: number;
}

export async function audit(url: string, loops: SendLoop[]): Promise<Audit> {
  const byChat = new Map<string, SendLoop[]>();
  for (const loop of loops) byChat.set(loop.chatId, [...(byChat.get(loop.chatId) ?? []), loop]);
  const result: Audit = {
    chats: byChat.size,
    acknowledged: 0,
    stored: 0,
    lost: 0,
    duplicates: 0,
    gaps: 0,
  };
  for (const [chatId, senders] of byChat) {
    const stored = await fullHistory(url, chatId);
    result.stored += stored.length;
    const ids = new Map<string | null, number>();
    for (const m of stored) ids.set(m.clientMessageId, (ids.get(m.clientMessageId) ?? 0) + 1);
    for (const n of ids.values()) if (n > 1) result.duplicates += n - 1;
    if (stored.some((m, i) => m.seq !== i + 1)) result.gaps++;
    const storedIds = new Set(stored.map((m) => m._id));
    for (const loop of senders) {
      result.acknowledged += loop.acked.length;
      for (const m of loop.acked) if (!storedIds.has(m._id)) result.lost++;
    }
  }
  return result;
}

export const describeAudit = (a: Audit): string =>
  `${a.acknowledged} acknowledged sends in ${a.chats} chats, ${a.stored} stored: ` +
  `${a.lost} lost, ${a.duplicates} duplicates, ${a.gaps} chats with seq gaps`;
