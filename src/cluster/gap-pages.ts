/**
 * A gap in a chat's delivery order is read from the store a page at a time, each page
 * delivered before the next is read. A node that missed many messages of one chat (Redis
 * gone for minutes while the chat went on elsewhere) would otherwise read them in one
 * query and hold them all: one event-loop turn and one allocation as long as the gap.
 */
import type { Message } from '../schemas/shapes.js';
import type { Store } from '../store/store.js';

export async function readGapInPages(
  store: Pick<Store, 'historyCursor'>,
  gap: { chatId: string; afterSeq: number; beforeSeq: number },
  pageSize: number,
  deliver: (messages: Message[]) => void,
): Promise<void> {
  let after = gap.afterSeq;
  while (gap.beforeSeq - after - 1 > 0) {
    const limit = Math.min(pageSize, gap.beforeSeq - after - 1);
    const page = await store.historyCursor(gap.chatId, { direction: 'after', seq: after, limit });
    const inGap = page.messages.filter((m) => m.seq < gap.beforeSeq);
    if (inGap.length > 0) deliver(inGap);
    const last = inGap.at(-1);
    // Seq has no holes, so a short page means the rest of the gap is not in the store.
    if (last === undefined || inGap.length < limit) return;
    after = last.seq;
  }
}
