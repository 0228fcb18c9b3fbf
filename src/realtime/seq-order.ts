/**
 * Keeps each chat's `new-message` deliveries in `seq` order on this node. With several
 * nodes, two messages of one chat committed by different nodes reach a node in the order
 * their broadcasts crossed Redis, which need not be commit order: seq n+1 may arrive
 * before n. A message that arrives early is held until its predecessor comes; if the
 * predecessor does not come within `holdMs` (its node died between commit and broadcast),
 * the gap is read from the store and delivered first. Pure bookkeeping: what to deliver
 * and when is decided here, delivering is the caller's.
 *
 * A chat this node has no line for (never seen, or forgotten) has no known predecessor:
 * its first message may be one that overtook the message before it (which is then still
 * on its way). Seq 1 starts a line at once; any later seq opens the line "unsure": what
 * arrives is held for `holdMs`, and the line starts at the lowest seq that came. (No store
 * read: how far back this node owes anything is what it does not know.) So a node's first
 * delivery of a chat with history waits `holdMs`, once, and never loses the message that
 * was overtaken.
 */
import { TUNABLES } from '../tunables.js';

export interface SeqOrderOptions {
  /** How long an early message waits for the ones before it. */
  holdMs: number;
  /** Reads the missing messages (seq in (after, before)) from the store. */
  fillGap(chatId: string, afterSeq: number, beforeSeq: number): Promise<void>;
  /** Chats remembered at most (the least recently active are forgotten). */
  maxChats?: number;
}

interface ChatLine {
  /** The highest seq delivered in order; meaningless while `unsure`. */
  delivered: number;
  held: Map<number, () => void>;
  timer: NodeJS.Timeout | undefined;
  /** A new line whose starting point is not known yet. */
  unsure: boolean;
  /** The store is being read for a gap: nothing else goes out until it is delivered. */
  filling: boolean;
}

export class SeqOrder {
  private readonly chats = new Map<string, ChatLine>();

  constructor(private readonly options: SeqOrderOptions) {}

  /**
   * A message of `chatId` with `seq` is ready to go out. Returns true when the caller
   * delivers it now; false when it is held (and `deliver` will be called later) or is
   * one this node already delivered (a gap filled from the store, say).
   */
  offer(chatId: string, seq: number, deliver: () => void): boolean {
    const line = this.lineOf(chatId, seq);
    if (line.unsure) {
      line.held.set(seq, deliver);
      // Seq 1 is where every chat starts: nothing can come before it.
      if (line.held.has(1)) this.settle(chatId, line);
      return false;
    }
    if (seq <= line.delivered) return false;
    if (seq === line.delivered + 1 && !line.filling) {
      line.delivered = seq;
      queueMicrotask(() => this.release(chatId, line));
      return true;
    }
    line.held.set(seq, deliver);
    line.timer ??= setTimeout(() => void this.fill(chatId, line), this.options.holdMs);
    return false;
  }

  /** A message this node delivered without offering it (its broadcast could not be ordered). */
  delivered(chatId: string, seq: number): void {
    const line = this.lineOf(chatId, seq);
    if (line.unsure) this.settle(chatId, line);
    if (seq <= line.delivered) return;
    line.delivered = seq;
    // Held messages it overtook go out now, late rather than never (Redis is away: order
    // across nodes is already lost).
    for (const [held, deliver] of [...line.held].sort(([a], [b]) => a - b)) {
      if (held > seq) break;
      line.held.delete(held);
      deliver();
    }
    this.release(chatId, line);
  }

  /** Messages held right now, across chats (for tests and metrics). */
  get heldCount(): number {
    let n = 0;
    for (const line of this.chats.values()) n += line.held.size;
    return n;
  }

  private lineOf(chatId: string, seq: number): ChatLine {
    let line = this.chats.get(chatId);
    if (line) {
      this.chats.delete(chatId); // re-insert: Map order is recency
    } else {
      line = {
        delivered: seq - 1,
        held: new Map(),
        timer: undefined,
        unsure: seq > 1,
        filling: false,
      };
      if (line.unsure) {
        const opened = line;
        line.timer = setTimeout(() => this.settle(chatId, opened), this.options.holdMs);
      }
      if (this.chats.size >= (this.options.maxChats ?? TUNABLES.orderMaxChats.value))
        this.forgetOldest();
    }
    this.chats.set(chatId, line);
    return line;
  }

  /** An unsure line starts at the lowest seq that came, which is delivered now with what follows it. */
  private settle(chatId: string, line: ChatLine): void {
    if (!line.unsure) return;
    line.unsure = false;
    clearTimeout(line.timer);
    line.timer = undefined;
    line.delivered = line.held.size > 0 ? Math.min(...line.held.keys()) - 1 : line.delivered;
    this.release(chatId, line);
    if (line.held.size > 0) {
      line.timer ??= setTimeout(() => void this.fill(chatId, line), this.options.holdMs);
    }
  }

  private forgetOldest(): void {
    for (const [chatId, line] of this.chats) {
      if (line.held.size > 0) continue;
      this.chats.delete(chatId);
      return;
    }
  }

  /** Delivers what was waiting for the messages just delivered. */
  private release(chatId: string, line: ChatLine): void {
    if (line.filling) return;
    for (;;) {
      const next = line.held.get(line.delivered + 1);
      if (!next) break;
      line.held.delete(line.delivered + 1);
      line.delivered += 1;
      next();
    }
    if (line.held.size === 0 && line.timer) {
      clearTimeout(line.timer);
      line.timer = undefined;
    }
    if (this.chats.get(chatId) !== line) this.chats.set(chatId, line);
  }

  /** The wait is over: the store fills the gap up to the first held message, then the rest goes. */
  private async fill(chatId: string, line: ChatLine): Promise<void> {
    line.timer = undefined;
    if (line.held.size === 0 || line.filling) return;
    const after = line.delivered;
    const first = Math.min(...line.held.keys());
    // The gap is the store's now: a late message of it that arrives meanwhile is dropped
    // (the store delivers it), and nothing after it goes out before it.
    line.delivered = first - 1;
    line.filling = true;
    try {
      await this.options.fillGap(chatId, after, first);
    } finally {
      // Whatever the store could give, the held messages must not wait forever.
      line.filling = false;
      this.release(chatId, line);
      if (line.held.size > 0) {
        line.timer ??= setTimeout(() => void this.fill(chatId, line), this.options.holdMs);
      }
    }
  }
}
