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
import { createHash } from 'node:crypto';
import { connectAnew, type RedisClient } from '../redis/redis.js';
import { within } from '../redis/within.js';
import { rooms } from '../schemas/rooms.js';
import { TUNABLES } from '../tunables.js';

/** A stream entry as the Streams adapter writes and decodes it. */
export interface RawEntry {
  uid: string;
  nsp: string;
  type: string;
  data?: string;
}

/**
 * ARGV: max length, then five per entry: channel, uid, nsp, type, data. Appends and
 * announces each entry in turn; returns their ids in the same order.
 */
const APPEND_AND_ANNOUNCE = `
local ids = {}
for i = 2, #ARGV, 5 do
  local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*',
    'uid', ARGV[i + 1], 'nsp', ARGV[i + 2], 'type', ARGV[i + 3], 'data', ARGV[i + 4])
  redis.call('PUBLISH', ARGV[i],
    id .. '\\n' .. ARGV[i + 1] .. '\\n' .. ARGV[i + 2] .. '\\n' .. ARGV[i + 3] .. '\\n' .. ARGV[i + 4])
  ids[#ids + 1] = id
end
return ids`;
const SCRIPT_SHA = createHash('sha1').update(APPEND_AND_ANNOUNCE).digest('hex');

interface Pending {
  channel: string;
  raw: RawEntry;
  resolve(id: string): void;
  reject(err: unknown): void;
}

/**
 * Appends entries to the stream and announces each on its channel, all the broadcasts a
 * turn of the event loop makes in one script call (at most `batchMax` per call): one
 * command, one script run and one answer for a message's broadcasts (its chat's and its
 * notification), and for a whole group commit's under load. Calls go out in the order
 * the broadcasts were made, on one connection, so the stream keeps that order.
 */
export class Announcer {
  private pending: Pending[] = [];

  constructor(
    private readonly client: RedisClient,
    private readonly stream: string,
    private readonly maxLen: number,
    private readonly batchMax: number,
  ) {}

  /** Resolves to the entry's stream id once Redis took it. */
  append(channel: string, raw: RawEntry): Promise<string> {
    return new Promise((resolve, reject) => {
      // After the microtasks of this turn: every broadcast they make joins this call.
      if (this.pending.length === 0) process.nextTick(() => this.flush());
      this.pending.push({ channel, raw, resolve, reject });
    });
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = [];
    for (let from = 0; from < pending.length; from += this.batchMax) {
      void this.send(pending.slice(from, from + this.batchMax));
    }
  }

  private async send(batch: Pending[]): Promise<void> {
    const args = [String(this.maxLen)];
    for (const { channel, raw } of batch) {
      args.push(channel, raw.uid, raw.nsp, raw.type, raw.data ?? '');
    }
    const options = { keys: [this.stream], arguments: args };
    try {
      let ids: unknown;
      try {
        ids = await this.client.evalSha(SCRIPT_SHA, options);
      } catch (err) {
        // Redis forgets scripts when it restarts: send it once more in full.
        if (!String(err).includes('NOSCRIPT')) throw err;
        ids = await this.client.eval(APPEND_AND_ANNOUNCE, options);
      }
      const list = Array.isArray(ids) ? ids : [];
      for (const [i, entry] of batch.entries()) {
        const id = list[i];
        if (id === undefined) entry.reject(new Error('Redis returned no id for the entry'));
        else entry.resolve(String(id));
      }
    } catch (err) {
      for (const entry of batch) entry.reject(err);
    }
  }
}

/**
 * ARGV: the age (ms) past which entries go. Redis's own clock decides, the one that stamped
 * the entries' ids, so nodes' clocks do not matter. Exact (no `~`): nothing older stays.
 */
const TRIM_OLDER_THAN = `
local now = redis.call('TIME')
local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - tonumber(ARGV[1])
if oldest < 0 then return 0 end
return redis.call('XTRIM', KEYS[1], 'MINID', oldest)`;

/**
 * Deletes the stream's entries older than `windowMs` (those no client's recovery reads any
 * more): the stream's length bound alone would keep a quiet desk's broadcasts, people's
 * messages among them, for as long as 20,000 later ones take to come, an erased person's
 * too. Resolves to how many went.
 */
export async function trimStreamOlderThan(
  client: RedisClient,
  stream: string,
  windowMs: number,
): Promise<number> {
  const removed = await client.eval(TRIM_OLDER_THAN, {
    keys: [stream],
    arguments: [String(Math.max(0, Math.floor(windowMs)))],
  });
  return Number(removed);
}

/** An announcement back into the entry's id and fields; undefined if it is not one. */
export function parseAnnouncement(payload: string): { id: string; raw: RawEntry } | undefined {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < 4; i++) {
    const end = payload.indexOf('\n', from);
    if (end < 0) return undefined;
    parts.push(payload.slice(from, end));
    from = end + 1;
  }
  const [id, uid, nsp, type] = parts as [string, string, string, string];
  return { id, raw: { uid, nsp, type, data: payload.slice(from) } };
}

/**
 * Stream ids in order: negative when a is older than b. Called for every entry a node
 * hears, so it reads the two numbers in place rather than splitting into arrays.
 */
export function compareIds(a: string, b: string): number {
  const aDash = a.indexOf('-');
  const bDash = b.indexOf('-');
  return (
    Number(a.slice(0, aDash)) - Number(b.slice(0, bDash)) ||
    Number(a.slice(aDash + 1)) - Number(b.slice(bDash + 1))
  );
}

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

/** A page of the stream after an entry, with its first and last entries as they were then. */
export interface StreamPage {
  /** Redis's clock (ms) when it read the page: the clock its entries' ids are stamped by. */
  nowMs: number;
  firstId: string | undefined;
  lastId: string | undefined;
  /** The stream's last entry's fields. */
  last?: Partial<RawEntry>;
  entries: { id: string; message: Record<string, string> }[];
}

/** Which run of Redis answers, and since when by its clock (ms). */
interface Run {
  id: string;
  /** Redis's clock when it answered INFO (`server_time_usec`; Redis 5's INFO has none). */
  clockMs: number | undefined;
  /** How long it has run, in whole seconds as INFO counts it. */
  uptimeMs: number | undefined;
  /** The history its data set is of (`master_replid`: a primary's and its replicas' alike). */
  replId: string | undefined;
  /** The history it went on from when it was promoted from a replica (`master_replid2`). */
  formerReplId: string | undefined;
}

const infoField = (info: string, name: string): string | undefined =>
  new RegExp(`^${name}:([^\\r\\n]+)`, 'm').exec(info)?.[1] || undefined;

const finite = (n: number): number | undefined => (Number.isFinite(n) ? n : undefined);

function runIn(info: string): Run | undefined {
  const id = infoField(info, 'run_id');
  if (id === undefined) return undefined;
  return {
    id,
    clockMs: finite(Number(infoField(info, 'server_time_usec')) / 1000),
    uptimeMs: finite(Number(infoField(info, 'uptime_in_seconds')) * 1000),
    replId: infoField(info, 'master_replid'),
    // All zeros: never promoted.
    formerReplId: infoField(info, 'master_replid2')?.replace(/^0+$/, '') || undefined,
  };
}

/**
 * Before this no entry of a stream begun in `run` can be stamped: its start less a second
 * (the uptime is whole seconds), by INFO's clock, or else by the clock `page` was read by
 * (the next command on the same connection: a second more of margin for the time between
 * them). Unknown, a restart keeping its stream would be taken for one that began it anew,
 * and every entry it kept delivered again.
 */
export function startedAfter(run: Run, page: StreamPage): number | undefined {
  if (run.uptimeMs === undefined) return undefined;
  return run.clockMs !== undefined
    ? run.clockMs - run.uptimeMs - 1000
    : page.nowMs - run.uptimeMs - 2000;
}

/**
 * Which Redis answers; undefined when it does not say. INFO is refused by a user without
 * @dangerous commands, and managed Redis may rename it: a restart then goes untold (and
 * is taken for a gap), but the stream is still read.
 */
export async function runOf(reader: RedisClient): Promise<Run | undefined> {
  // The default sections: the server's and the replication's (one section a call before Redis 7).
  return reader.info().then(runIn, () => undefined);
}

/**
 * Whether `run` is a replica promoted in the place of the Redis whose history was `replId`:
 * its data set went on from that one's, though it may not have got its last entries
 * (replication is asynchronous), so whatever it holds from before was heard already.
 */
export const promotedFrom = (run: Run, replId: string | undefined): boolean =>
  replId !== undefined && run.formerReplId === replId;

/**
 * Whether the stream holds the entry `id` with the fields `raw`: then it is the stream that
 * entry was heard from, whichever Redis answers now (a replica promoted in its place has a
 * run of its own, or a Redis restarted keeping its stream). A stream begun anew holds no
 * entry of that id with the same fields (each carries the uid of the node that made it).
 * Fields unknown, nothing is said.
 */
export async function holdsEntry(
  reader: RedisClient,
  stream: string,
  id: string,
  raw: Partial<RawEntry> | undefined,
): Promise<boolean> {
  if (raw === undefined) return false;
  const [found] = (await reader.xRange(stream, id, id)) ?? [];
  if (found === undefined) return false;
  const { uid, nsp, type, data } = found.message;
  return uid === raw.uid && nsp === raw.nsp && type === raw.type && data === (raw.data ?? '');
}

/** The milliseconds part of a stream id: when Redis's clock stamped it. */
const idMs = (id: string): number => Number(id.slice(0, id.indexOf('-')));

const laterOf = (a: string, b: string): string => (compareIds(a, b) > 0 ? a : b);

/** Read after this, a stream is read from its first entry (no entry's id is 0-0). */
const STREAM_START = '0-0';

/**
 * Whether a stream read in a run of Redis that began after `startedAfterMs` was begun in
 * that run: it holds no entry stamped before. Unknown when the run began, it is taken to
 * be (a restart without persistence is the common one).
 */
export function begunAnew(page: StreamPage, startedAfterMs: number | undefined): boolean {
  if (page.firstId === undefined || startedAfterMs === undefined) return true;
  return idMs(page.firstId) >= startedAfterMs;
}

/**
 * Entries after `after`, read in one transaction with the stream's first and last entries
 * and Redis's clock: an entry older than the first is gone, and the page is told apart
 * from one whose stream was trimmed after it was read.
 */
async function readPage(
  reader: RedisClient,
  stream: string,
  after: string,
  count: number,
): Promise<StreamPage> {
  const [[seconds, micros], first, last, entries] = await reader
    .multi()
    .time()
    .xRange(stream, '-', '+', { COUNT: 1 })
    .xRevRange(stream, '+', '-', { COUNT: 1 })
    .xRange(stream, `(${after}`, '+', { COUNT: count })
    .execTyped();
  return {
    nowMs: Number(seconds) * 1000 + Math.floor(Number(micros) / 1000),
    firstId: first?.[0]?.id,
    lastId: last?.[0]?.id,
    last: last?.[0]?.message,
    entries: entries ?? [],
  };
}

/**
 * Whether entries a node may not have heard went from the stream before `page` was read.
 * Only those appended since its subscriber lost the connection (`unheardFromMs`, by Redis's
 * clock, which stamps the ids) count: older ones it heard if they were on its channels. So
 * `cursor` itself, and other nodes' entries after it, trimmed by age or length while its
 * own rooms were quiet, are no gap.
 */
function unheardTrimmed(page: StreamPage, cursor: string, unheardFromMs: number): boolean {
  if (page.firstId === undefined || compareIds(page.firstId, cursor) <= 0) return false;
  return compareIds(page.firstId, `${Math.max(0, Math.floor(unheardFromMs))}-0`) > 0;
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
