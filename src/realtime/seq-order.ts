/**
 * Keeps each chat's `new-message` deliveries in `seq` order on this node. With several
 * nodes, two messages of one chat committed by different nodes reach a node in the order
 * their broadcasts crossed Redis, which need not be commit order: seq n+1 may arrive
 * before n. A message that arrives early is held until its predecessor comes; if the
 * predecessor does not come within `holdMs` (its node died between commit and broadcast),
 * the gap is read from the store and delivered first. Pure bookkeeping: what to deliver
 * and when is decided here, delivering is the caller's.
 */

export interface SeqOrderOptions<M extends { seq: number }> {
  /** How long an early message waits for the ones before it. */
  holdMs: number;
  /** The chat's messages with seq in (afterSeq, beforeSeq), from the store, oldest first. */
  readGap(chatId: string, afterSeq: number, beforeSeq: number): Promise<M[]>;
  /** Delivers one message read from the store. */
  deliverGap(chatId: string, message: M): void;
  /** Something went wrong reading a gap (the held messages go out anyway). */
  onError(err: unknown): void;
  /** Chats remembered at most (the least recently active are forgotten). */
  maxChats?: number;
}

interface ChatLine {
  /** The first seq this node saw of the chat: nothing before it was delivered here. */
  start: number;
  startedAt: number;
  delivered: number;
  held: Map<number, () => void>;
  timer: NodeJS.Timeout | undefined;
}

export class SeqOrder<M extends { seq: number }> {
  private readonly chats = new Map<string, ChatLine>();

  constructor(private readonly options: SeqOrderOptions<M>) {}

  /**
   * A message of `chatId` with `seq` is ready to go out. Returns true when the caller
   * delivers it now; false when it is held (and `deliver` will be called later) or is
   * one this node already delivered (a gap filled from the store, say).
   */
  offer(chatId: string, seq: number, deliver: () => void): boolean {
    const line = this.lineOf(chatId, seq);
    if (seq <= line.delivered) return this.lateFirst(line, seq);
    if (seq === line.delivered + 1) {
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
    if (seq > line.delivered) line.delivered = seq;
  }

  /** Messages held right now, across chats (for tests and metrics). */
  get heldCount(): number {
    let n = 0;
    for (const line of this.chats.values()) n += line.held.size;
    return n;
  }

  /**
   * A chat first seen here starts at the message seen. One that arrived before it but
   * was overtaken (this node had just started, or had forgotten the chat) was never
   * delivered here: better late than lost, while the line is young.
   */
  private lateFirst(line: ChatLine, seq: number): boolean {
    if (seq >= line.start || Date.now() - line.startedAt > 2 * this.options.holdMs) return false;
    line.start = seq;
    return true;
  }

  private lineOf(chatId: string, seq: number): ChatLine {
    let line = this.chats.get(chatId);
    if (line) {
      this.chats.delete(chatId); // re-insert: Map order is recency
    } else {
      line = {
        start: seq,
        startedAt: Date.now(),
        delivered: seq - 1,
        held: new Map(),
        timer: undefined,
      };
      if (this.chats.size >= (this.options.maxChats ?? 100_000)) this.forgetOldest();
    }
    this.chats.set(chatId, line);
    return line;
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
    // Held ones the store already filled in went out then.
    for (const seq of line.held.keys()) if (seq <= line.delivered) line.held.delete(seq);
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
    if (line.held.size === 0) return;
    const first = Math.min(...line.held.keys());
    try {
      const gap = await this.options.readGap(chatId, line.delivered, first);
      // The late originals may have come while the store answered: each seq goes once.
      for (const message of gap) {
        if (message.seq <= line.delivered || message.seq >= first) continue;
        line.delivered = message.seq;
        this.options.deliverGap(chatId, message);
      }
    } catch (err) {
      this.options.onError(err);
    }
    // Whatever the store could give, the held messages must not wait forever.
    line.delivered = Math.max(line.delivered, first - 1);
    this.release(chatId, line);
    if (line.held.size > 0) {
      line.timer ??= setTimeout(() => void this.fill(chatId, line), this.options.holdMs);
    }
  }
}
