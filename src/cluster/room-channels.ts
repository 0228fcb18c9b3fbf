/**
 * Fan-out that reaches only the nodes that need it. Every broadcast still goes into the one
 * Redis stream (the record connection-state recovery reads, in one order), but nodes no
 * longer read the stream as it grows: the same script that appends an entry announces it,
 * with its stream id, on one pub/sub channel. A broadcast to a single room (a chat's, an
 * admin's, a user's, all admins') is announced on that room's channel, which only nodes
 * with a socket in the room subscribe to; everything else on the channel every node
 * hears. So a node spends nothing on the messages of chats it has no socket in.
 *
 * What pub/sub does not give, and how it is made up for:
 * - a node hears a room only once it subscribed: a socket's join waits for the
 *   subscription (at most the command timeout, so a silent Redis never stalls a join);
 * - a subscriber that lost its connection misses what was announced meanwhile: once it is
 *   back it reads the stream from the last entry it heard to its end, a page at a time, and
 *   keeps what its channels would have carried; when that read may have gaps (the outage
 *   about as long as the stream keeps entries, or entries appended since the connection
 *   was lost already trimmed), the node is told instead, and sends its sockets to reconnect;
 * - append and announce run as one script, so each channel carries entries in stream
 *   order, and a node hearing several channels gets them in that order too.
 */
import { connectAnew, type RedisClient } from '../redis/redis.js';
import { within } from '../redis/within.js';
import { rooms } from '../schemas/rooms.js';
import { TUNABLES } from '../tunables.js';
import { parseAnnouncement, type RawEntry } from './announcer.js';
import { compareIds, laterOf, STREAM_START } from './stream-ids.js';
import {
  begunAnew,
  holdsEntry,
  promotedFrom,
  readPage,
  runOf,
  type StreamPage,
  startedAfter,
  unheardTrimmed,
} from './stream-run.js';

/**
 * Rooms with a channel of their own: those events are addressed to (a chat's, an admin's, a
 * user's, all admins'). Not a socket's own room (one channel per socket), nor access rooms
 * (nothing is sent to them).
 */
const ROUTED_PREFIXES = [rooms.chat(''), rooms.admin(''), rooms.user('')];
export const isRoutedRoom = (room: string): boolean =>
  room === rooms.admins || ROUTED_PREFIXES.some((prefix) => room.startsWith(prefix));

/** The one routed room a broadcast is addressed to, if it is addressed to exactly that. */
export function routedRoomOf(message: { type: number; data?: unknown }): string | undefined {
  if (message.type !== 3) return undefined;
  const data = message.data as { opts?: { rooms?: unknown }; requestId?: unknown } | undefined;
  const targets = data?.opts?.rooms;
  if (data?.requestId !== undefined || !Array.isArray(targets) || targets.length !== 1) {
    return undefined;
  }
  const [room] = targets as unknown[];
  return typeof room === 'string' && isRoutedRoom(room) ? room : undefined;
}

export interface RoomChannelsOptions {
  /** Where every node's broadcasts are announced that are not for one chat. */
  commonChannel: string;
  /** A routed room's channel. */
  channelOf(room: string): string;
  /** The stream, read only to catch up after the subscriber lost its connection. */
  stream: string;
  /** Entries read per command while catching up. */
  catchUpPageEntries: number;
  /** How long the stream keeps an entry (it trims older ones by age). */
  retainedMs: number;
  /** How soon a catch-up's read that failed is tried again. */
  retryEveryMs: number;
  /** How long its reads may keep failing while the subscriber is back before the node is told. */
  retryForMs: number;
  /**
   * The catch-up may have missed entries (an outage about as long as the stream keeps them,
   * or entries appended since the connection was lost trimmed): nothing more is delivered, and the node's sockets
   * must learn they missed something (reconnect, to recover or catch up over REST).
   */
  onMissed(why: string): void;
  /** How long a join waits for its room's subscription, and a quiet subscriber for its PING's answer. */
  subscribeWaitMs: number;
  /**
   * How long the subscriber may hear nothing before it is asked (a PING): unanswered, its
   * connection is given up and made again. Unset: never asked.
   */
  quietMs?: number;
  /** Whether this node needs an entry read from the stream (it was announced on a channel it hears). */
  wanted(raw: RawEntry): boolean;
  /** An entry read from the stream is handed over as the object `wanted` was asked about. */
  deliver(id: string, raw: RawEntry): void;
}

/** How much shorter than the stream's age bound an outage must be for its catch-up to be whole. */
const MISSED_MARGIN_MS = TUNABLES.catchUpMissedMarginMs.value;

/**
 * One subscriber connection (it waits for Redis rather than failing): the common channel
 * always, a room's channel while this node has a socket in the room.
 */
export class RoomChannels {
  /** Rooms whose channel this node hears or asked to, and whether Redis confirmed it yet. */
  private readonly followed = new Map<string, { subscribed: boolean; wait: Promise<void> }>();
  private lastHeard: string | undefined;
  /** The fields of the last entry heard. */
  private lastHeardEntry: Partial<RawEntry> | undefined;
  /**
   * Redis's run id when the stream was last read: another one, and the last entry heard not
   * in its stream, may be a Redis restarted empty.
   */
  private runId: string | undefined;
  /** The replication history of that run's data set. */
  private replId: string | undefined;
  /** When the subscriber lost its connection (monotonic ms), until it has caught up. */
  private lostAt: number | undefined;
  /**
   * Announcements heard while catching up, delivered after what the stream gave: from the
   * moment a connection made anew connects, since the client subscribes it to its channels
   * again before it is ready, and what they carry may come before 'ready' (taken then, it
   * would move the cursor past what went into the stream while the subscriber was away).
   */
  private held: string[] | undefined;
  /** A catch-up is reading. */
  private catching = false;
  /** The connection was made anew and is not ready yet. */
  private reconnecting = false;
  /** The connection came back again while a catch-up was reading: another one follows it. */
  private again = false;
  /** Ends a failed catch-up's wait before it tries again (the subscriber is back). */
  private wake: (() => void) | undefined;
  private closed = false;
  private everReady = false;
  /** When the subscriber last heard anything (monotonic ms). */
  private heardAt = performance.now();
  /** The common channel must be subscribed to again (the connection was made anew). */
  private commonDropped = false;
  private readonly quietCheck: NodeJS.Timeout | undefined;

  constructor(
    private readonly subscriber: RedisClient,
    private readonly reader: RedisClient,
    private readonly options: RoomChannelsOptions,
  ) {
    // An emitter's 'error' with no listener ends the process; the node's own connection is
    // what reports Redis's errors.
    subscriber.on('error', () => this.lost());
    subscriber.on('end', () => this.lost());
    subscriber.on('reconnecting', () => this.lost());
    subscriber.on('connect', () => {
      if (!this.everReady) return;
      this.reconnecting = true;
      this.held ??= [];
    });
    subscriber.on('ready', () => {
      this.reconnecting = false;
      this.heardAt = performance.now();
      // Before anything is heard again: a catch-up must hold what comes from here on.
      const resubscribed = this.resubscribe();
      if (this.everReady) void this.catchUp(resubscribed);
      else void this.learnRunId();
      this.everReady = true;
    });
    const { quietMs } = options;
    if (quietMs !== undefined) {
      this.quietCheck = setInterval(() => void this.askIfQuiet(quietMs), quietMs / 2);
      this.quietCheck.unref();
    }
  }

  /**
   * A subscriber that heard nothing for `quietMs` (every node's heartbeat is announced on
   * the common channel every few seconds) is asked whether its connection still answers. A
   * connection that a NAT or proxy on its path forgot, or whose Redis was replaced behind
   * its address, drops everything without closing, and the kernel reports its end only
   * after many minutes: unanswered, it is made anew, and what went in meanwhile is caught up.
   */
  private async askIfQuiet(quietMs: number): Promise<void> {
    if (this.closed || !this.subscriber.isReady) return;
    if (performance.now() - this.heardAt < quietMs) return;
    const asked = performance.now();
    const answered = await within(
      this.subscriber.ping().then(
        () => true,
        () => false,
      ),
      this.options.subscribeWaitMs,
      false,
    );
    if (answered) this.heardAt = Math.max(this.heardAt, asked);
    else if (!this.closed && this.subscriber.isReady) this.connectAgain();
  }

  /** Gives the subscriber's connection up and makes a new one, every channel subscribed again. */
  private connectAgain(): void {
    // What was announced since it last heard anything may be lost.
    this.lostAt ??= this.heardAt;
    // A new connection subscribes to nothing by itself.
    for (const state of this.followed.values()) state.subscribed = false;
    this.commonDropped = true;
    connectAnew(this.subscriber);
  }

  /**
   * Which Redis the entries heard from now on are in. Asked again while the reader's
   * connection is not up yet (each connection comes up on its own), for as long as a
   * catch-up would try; unknown after that (a Redis that refuses INFO), a restart is taken
   * for a gap.
   */
  private async learnRunId(): Promise<void> {
    const until = performance.now() + this.options.retryForMs;
    while (this.runId === undefined && !this.closed) {
      const run = await runOf(this.reader);
      this.runId = run?.id;
      this.replId = run?.replId;
      if (this.runId !== undefined || performance.now() >= until) return;
      await new Promise<void>((resolve) => setTimeout(resolve, this.options.retryEveryMs).unref());
    }
  }

  private lost(): void {
    if (this.everReady) this.lostAt ??= performance.now();
  }

  private readonly listener = (payload: string) => {
    this.heardAt = performance.now();
    if (this.held) this.held.push(payload);
    else this.hear(payload);
  };

  private hear(payload: string): void {
    const entry = parseAnnouncement(payload);
    if (!entry) return;
    this.take(entry.id, entry.raw);
  }

  private take(id: string, raw: RawEntry): void {
    // Heard twice (announced, and read again while catching up): delivered once.
    if (this.lastHeard !== undefined && compareIds(id, this.lastHeard) <= 0) return;
    this.lastHeard = id;
    this.lastHeardEntry = raw;
    this.options.deliver(id, raw);
  }

  async start(): Promise<void> {
    await this.subscriber.connect();
    await this.subscriber.subscribe(this.options.commonChannel, this.listener);
  }

  /**
   * Subscribes to the room's channel if this is its first socket here. Undefined once
   * subscribed; until then, settles when Redis confirms (or after the wait).
   */
  follow(room: string): Promise<void> | undefined {
    let state = this.followed.get(room);
    if (state?.subscribed) return undefined;
    if (!state) {
      state = { subscribed: false, wait: Promise.resolve() };
      this.followed.set(room, state);
      this.subscribeTo(room, state);
    }
    // Redis away: nothing is announced meanwhile, and what went into the stream is read
    // once the subscriber is back; a join does not wait for it.
    if (!this.subscriber.isReady) return undefined;
    return within(state.wait, this.options.subscribeWaitMs, undefined);
  }

  private subscribeTo(room: string, state: { subscribed: boolean; wait: Promise<void> }): void {
    state.wait = this.subscriber.subscribe(this.options.channelOf(room), this.listener).then(
      () => {
        state.subscribed = true;
      },
      () => undefined,
    );
  }

  /**
   * Subscribes again to the rooms Redis has not confirmed (and to the common channel, on a
   * connection made anew): a SUBSCRIBE refused while the
   * subscriber was away (it refuses at once rather than queue) is not among the channels
   * the client subscribes to again by itself when it is back, and no later join of the
   * room asks again while its socket stays. Settles once Redis answered each.
   */
  private resubscribe(): Promise<void> {
    const waits: Promise<void>[] = [];
    if (this.commonDropped) {
      this.commonDropped = false;
      waits.push(
        this.subscriber.subscribe(this.options.commonChannel, this.listener).catch(() => {
          this.commonDropped = true;
        }),
      );
    }
    for (const [room, state] of this.followed) {
      if (state.subscribed) continue;
      this.subscribeTo(room, state);
      waits.push(state.wait);
    }
    return Promise.all(waits).then(() => undefined);
  }

  /** Its last socket here left the room. */
  unfollow(room: string): void {
    if (!this.followed.delete(room)) return;
    this.subscriber.unsubscribe(this.options.channelOf(room), this.listener).catch(() => undefined);
  }

  /** Reads what was appended since the last entry heard, keeping what this node's channels carried. */
  private async catchUp(resubscribed: Promise<void>): Promise<void> {
    if (this.catching) {
      // Back again while catching up: that read may have been sent before this outage.
      this.again = true;
      this.wake?.();
      return;
    }
    if (this.lastHeard === undefined) {
      // Nothing heard yet, nothing to catch up from: kept, this outage's start would be
      // taken for a later one's, and make it look as long as the stream keeps entries.
      this.lostAt = undefined;
      // Redis may have restarted meanwhile: the next catch-up must know the run that
      // stamped what is heard from now on, or it takes that run for a new one and reads
      // its stream again from the start, delivering what was heard already.
      this.runId = undefined;
      void this.learnRunId();
      this.release();
      return;
    }
    this.catching = true;
    this.held ??= [];
    /** Since when the reads have failed while the subscriber was back. */
    let failingSince: number | undefined;
    try {
      // Read once every room's channel is heard again: what goes in after the read is then
      // carried by a channel, and held until the read is delivered.
      await resubscribed;
      // Read again while the connection came back during a read, before delivering what
      // the channels carried meanwhile (newer than what the read has not reached yet).
      for (;;) {
        this.again = false;
        const outcome = await this.readSinceLastHeard();
        if (outcome === 'missed' || this.closed) return;
        if (outcome === 'read') {
          if (this.again) continue;
          return;
        }
        // Failed: what the channels carried stays held, since delivered it would move the
        // cursor past what is still unread. The subscriber away again, its return reads
        // again; back, no return is coming (the reader's connection comes back on its own
        // schedule, or Redis refuses the read): tried again, for a while.
        if (!this.subscriber.isReady) failingSince = undefined;
        else {
          failingSince ??= performance.now();
          if (performance.now() - failingSince >= this.options.retryForMs) {
            this.options.onMissed('the stream could not be read to catch up');
            return;
          }
        }
        if (!this.again) await this.nextTry();
      }
    } finally {
      this.catching = false;
      // Made anew meanwhile, and not ready yet: the catch-up its return starts delivers them.
      if (!this.reconnecting) this.release();
    }
  }

  /** Delivers what was held, and holds nothing more. */
  private release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const payload of held) this.hear(payload);
  }

  /** Waits to try a failed catch-up again: a while, or until the subscriber is back. */
  private nextTry(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.options.retryEveryMs);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.wake = undefined;
    });
  }

  /**
   * Reads the stream from the last entry heard to its end, a page at a time, delivering
   * what this node's channels would have carried, unless the read may have gaps.
   */
  private async readSinceLastHeard(): Promise<'read' | 'missed' | 'failed'> {
    // Taken now: a loss while the read is on its way starts an outage of its own.
    const lostAt = this.lostAt;
    this.lostAt = undefined;
    const outageMs = lostAt === undefined ? 0 : performance.now() - lostAt;
    const { catchUpPageEntries, retainedMs } = this.options;
    // Asked before the stream, on the same connection: a Redis that restarts in between
    // drops it, and the page is not read.
    const run = await runOf(this.reader);
    // Told before and not now: the reader's connection is not back yet (a Redis that refuses
    // INFO never told it), and were the page read once it is, a restart would be taken for
    // a gap. Read again instead.
    if (run === undefined && this.runId !== undefined) {
      if (lostAt !== undefined) this.lostAt = lostAt;
      return 'failed';
    }
    const since = this.lastHeard;
    if (since === undefined) return 'read';
    let kept: boolean;
    try {
      kept = await holdsEntry(this.reader, this.options.stream, since, this.lastHeardEntry);
    } catch {
      if (lostAt !== undefined) this.lostAt = lostAt;
      return 'failed';
    }
    // Another run of Redis: its stream may be begun anew, stamped by a clock behind the one
    // that stamped the last entry heard (another host, a clock stepped back), so it is read
    // from its start; entries it kept from before are heard already and not taken again.
    // Unless it still holds the last entry heard: then it is the stream heard, whatever INFO
    // says (a replica promoted in Redis's place has run for longer than the stream's entries
    // are old, and its stream would be taken for one begun in its run, and read again).
    const newRun = !kept && run !== undefined && this.runId !== undefined && run.id !== this.runId;
    let cursor = newRun ? STREAM_START : since;
    /** When the outage began by Redis's clock, less the margin (from the first page). */
    let unheardFromMs = 0;
    let restarted = false;
    for (let first = true; ; first = false) {
      let page: StreamPage;
      try {
        page = await readPage(this.reader, this.options.stream, cursor, catchUpPageEntries);
      } catch {
        // Redis went away again: the next return catches up from the last entry taken, for
        // an outage that began when this one did.
        if (lostAt !== undefined) this.lostAt = lostAt;
        return 'failed';
      }
      if (first) {
        // Kept only once a page was read: a failed read asks again next time.
        // A replica promoted in Redis's place that had not got the last entry heard: its
        // stream is the one heard, and was begun long before its entries (it ran as a
        // replica), so it would be taken for one begun in its run, and read again.
        const promoted = newRun && promotedFrom(run, this.replId);
        if (run !== undefined) {
          this.runId = run.id;
          this.replId = run.replId;
        }
        unheardFromMs = page.nowMs - outageMs - MISSED_MARGIN_MS;
        // Restarted empty: what the old stream held is gone for every node and every client
        // alike, and everything in the new one is unheard, whatever its ids. So is what an
        // empty stream without the last entry heard gets from now on, whichever stream it is
        // (a Redis that refuses INFO restarted empty, its clock behind the last entry heard).
        restarted =
          !kept &&
          (page.firstId === undefined ||
            (newRun && !promoted && begunAnew(page, startedAfter(run, page))));
        if (restarted) this.heardUpTo(undefined);
      }
      // Entries older than the last one heard, but not that one: not the stream heard (its
      // ids may all be behind it, and would be taken for heard), or one that lost its newest
      // entries. Told of no other run (INFO refused), there is no telling which.
      const replaced =
        first &&
        !kept &&
        !newRun &&
        page.firstId !== undefined &&
        compareIds(page.firstId, since) < 0;
      const why =
        first && outageMs + MISSED_MARGIN_MS >= retainedMs
          ? `Redis was away ${Math.round(outageMs / 1000)} s, about as long as the stream keeps entries`
          : replaced
            ? 'the stream does not hold the last entry this node heard, though it holds older ones: Redis was replaced, or lost its newest entries'
            : !restarted && unheardTrimmed(page, laterOf(cursor, since), unheardFromMs)
              ? 'entries appended while this node was away were trimmed from the stream before it read them'
              : undefined;
      if (why !== undefined) {
        // Past the stream's last entry, whatever its id: what it gets next is unheard.
        if (
          page.lastId !== undefined &&
          (restarted || replaced || compareIds(page.lastId, since) > 0)
        )
          this.heardUpTo(page.lastId, page.last);
        this.options.onMissed(why);
        return 'missed';
      }
      for (const { id, message } of page.entries) {
        const raw = message as unknown as RawEntry;
        if (this.options.wanted(raw)) this.take(id, raw);
      }
      const last = page.entries.at(-1)?.id;
      // A short page is the stream's end; what was appended since, the channels carried.
      if (last === undefined || page.entries.length < catchUpPageEntries) break;
      cursor = last;
    }
    return 'read';
  }

  /** The cursor moved by the catch-up rather than by an entry taken. */
  private heardUpTo(id: string | undefined, fields?: Partial<RawEntry>): void {
    this.lastHeard = id;
    this.lastHeardEntry = fields;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.quietCheck);
    this.wake?.();
    this.followed.clear();
    await this.subscriber.close().catch(() => undefined);
  }
}
