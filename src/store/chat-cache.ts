/**
 * Recently seen chat rows, so that a send does not read its chat from the database every
 * time. Every write this process makes refreshes the entry; a conditional write that
 * found the row changed drops it. A change made by another node (a transfer, say) drops
 * it too, when that node's `chat-changed` arrives (store.forgetChat); `ttlMs` bounds how
 * long it can go unseen if that notice is lost (Redis away). The writes themselves stay
 * conditional in the database: a closed chat never takes a message, nor one from a
 * sender who no longer holds it, whatever the cache says.
 */
import type { Chat } from '../schemas/shapes.js';
import { TUNABLES } from '../tunables.js';

export class ChatCache {
  private readonly entries = new Map<string, { chat: Chat; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number = TUNABLES.chatCacheMaxEntries.value,
  ) {}

  get(chatId: string): Chat | undefined {
    if (this.ttlMs <= 0) return undefined;
    const entry = this.entries.get(chatId);
    if (!entry) return undefined;
    if (Date.now() - entry.at > this.ttlMs) {
      this.entries.delete(chatId);
      return undefined;
    }
    return entry.chat;
  }

  /** The row as a write just returned it, or undefined when the write found it changed. */
  record(chatId: string, chat: Chat | undefined): Chat | undefined {
    if (this.ttlMs <= 0) return chat;
    this.entries.delete(chatId);
    if (!chat) return undefined;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(chatId, { chat, at: Date.now() });
    return chat;
  }
}
