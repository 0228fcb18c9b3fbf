/**
 * When a node's subscriber catches up after losing its connection (src/cluster/room-channels.ts),
 * with the subscriber and the stream reader stood in for, so that a second loss can be made
 * to fall exactly while a catch-up's read is on its way.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { RawEntry } from '../../src/cluster/announcer.js';
import { RoomChannels } from '../../src/cluster/room-channels.js';
import { compareIds } from '../../src/cluster/stream-ids.js';
import type { RedisClient } from '../../src/redis/redis.js';
import { waitUntil } from '../helpers/processes.js';

interface StreamEntry {
  id: string;
  message: RawEntry;
}

/** A subscriber whose connection the test loses and gets back ('error', then 'ready'). */
class Subscriber extends EventEmitter {
  isReady = true;
  async connect(): Promise<void> {
    this.emit('ready');
  }
  async subscribe(): Promise<void> {}
  async unsubscribe(): Promise<void> {}
  async close(): Promise<void> {}
  lose(): void {
    this.isReady = false;
    this.emit('error', new Error('Socket closed unexpectedly'));
  }
  back(): void {
    this.isReady = true;
    this.emit('ready');
  }
}

/**
 * A stream reader over `stream` that, while `holding`, reads at once and answers only once
 * released: a read on its way while something else happens. `runId` is the Redis it reads,
 * `nowMs` its clock (by default just after the entries `entry` makes).
 */
function heldReader(stream: StreamEntry[]) {
  const reads: { release: () => void }[] = [];
  let holding = false;
  let runId = 'first-run';
  let nowMs = 2_000;
  /** When this run of Redis began, by its clock. */
  let startedAtMs = 0;
  /** Reads refused from now on (the reader's connection not back yet, or Redis refusing). */
  let refusing = 0;
  const page = (after: string, count: number) =>
    stream.filter((e) => compareIds(e.id, after) > 0).slice(0, count);
  // The one transaction a catch-up's page is: Redis's clock, the stream's first and last
  // entries, then the entries after the cursor.
  const multi = () => {
    let after = '';
    let count = 0;
    const chain = {
      time: () => chain,
      xRevRange: () => chain,
      xRange: (_key: string, from: string, _to: string, options: { COUNT: number }) => {
        if (from !== '-') {
          after = from.slice(1);
          count = options.COUNT;
        }
        return chain;
      },
      async execTyped() {
        if (refusing > 0) {
          refusing--;
          throw new Error('The client is offline');
        }
        const answer = [
          [String(Math.floor(nowMs / 1000)), String((nowMs % 1000) * 1000)],
          stream.slice(0, 1),
          stream.slice(-1),
          page(after, count),
        ];
        if (holding) await new Promise<void>((release) => reads.push({ release }));
        return answer;
      },
    };
    return chain;
  };
  /** INFO calls refused from now on (the reader's connection not back yet). */
  let refusingInfo = 0;
  /** INFO tells Redis's clock (server_time_usec, which Redis 5's INFO lacks). */
  let tellsClock = true;
  const info = async () => {
    if (refusingInfo > 0) {
      refusingInfo--;
      throw new Error('The client is offline');
    }
    const uptime = Math.floor((nowMs - startedAtMs) / 1000);
    const clock = tellsClock ? `server_time_usec:${nowMs * 1000}\r\n` : '';
    return `# Server\r\nrun_id:${runId}\r\n${clock}uptime_in_seconds:${uptime}\r\n`;
  };
  // Whether the stream still holds an entry (the last one heard).
  const xRange = async (_key: string, from: string) => stream.filter((e) => e.id === from);
  const reader = { multi, info, xRange };
  return {
    reader: reader as unknown as RedisClient,
    reads,
    hold: (on: boolean) => {
      holding = on;
    },
    /**
     * Redis restarted, a new run: at `atMs` by its clock, which reads `thenMs` after (each
     * unset, the clock stays), with its stream `keeping` (persistence, or a replica taking
     * over) or a stream begun anew that holds `newEntries`.
     */
    restart: (how: Restart = {}) => {
      if (how.atMs !== undefined) nowMs = how.atMs;
      runId = `${runId}-again`;
      startedAtMs = nowMs;
      if (!how.keeping) stream.splice(0, stream.length, ...(how.newEntries ?? []));
      if (how.thenMs !== undefined) nowMs = how.thenMs;
    },
    /** INFO no longer tells Redis's clock, as Redis 5's does not. */
    withoutClock: () => {
      tellsClock = false;
    },
    /** The next `calls` INFO calls fail. */
    refuseInfo: (calls: number) => {
      refusingInfo = calls;
    },
    /** The next `reads` reads fail. */
    refuse: (reads: number) => {
      refusing = reads;
    },
    /** Redis's clock reads `ms`. */
    at: (ms: number) => {
      nowMs = ms;
    },
  };
}

/** How the stand-in Redis restarts: its clock then and after, and what its stream holds. */
type Restart = { atMs?: number; thenMs?: number } & (
  | { keeping: true }
  | { keeping?: false; newEntries?: StreamEntry[] }
);

const entry = (n: number, data: string, ms = 1_000 + n): StreamEntry => ({
  id: `${ms}-0`,
  message: { uid: 'other-node', nsp: '/', type: '3', data },
});

/** What a channel carries for `e` (parseAnnouncement's form). */
const announcement = (e: StreamEntry): string =>
  [e.id, e.message.uid, e.message.nsp, e.message.type, e.message.data].join('\n');

describe('catching up while the subscriber loses its connection again', () => {
  /** A node started, that has heard its first entry ('heard') on the common channel. */
  async function hearingNode(retainedMs: number, heardAtMs?: number, infoRefused = 0) {
    const n = await startedNode(retainedMs, infoRefused);
    const first = entry(1, 'heard', heardAtMs);
    n.stream.push(first);
    hearOn(n.channels, announcement(first));
    return n;
  }

  /** A node started that has heard nothing yet. */
  async function startedNode(retainedMs: number, infoRefused = 0) {
    const subscriber = new Subscriber();
    const stream: StreamEntry[] = [];
    const reading = heldReader(stream);
    // The reader's connection not up yet when the subscriber first is.
    reading.refuseInfo(infoRefused);
    const delivered: string[] = [];
    const missed: string[] = [];
    const channels = new RoomChannels(subscriber as unknown as RedisClient, reading.reader, {
      commonChannel: 'common',
      channelOf: (room) => room,
      stream: 'stream',
      catchUpPageEntries: 2,
      retainedMs,
      retryEveryMs: 50,
      retryForMs: 1_000,
      subscribeWaitMs: 1000,
      onMissed: (why) => missed.push(why),
      wanted: () => true,
      deliver: (_id, raw) => delivered.push(raw.data ?? ''),
    });
    await channels.start();
    return { subscriber, stream, reading, delivered, missed, channels };
  }

  it('a loss while a catch-up reads is caught up from too, once that one is done', async () => {
    const n = await hearingNode(120_000);
    expect(n.delivered).toEqual(['heard']);

    n.subscriber.lose();
    n.stream.push(entry(2, 'first away'));
    n.reading.hold(true);
    n.subscriber.back();
    await waitUntil('the catch-up reads', async () => n.reading.reads.length === 1);
    // Lost again while that read is on its way: what goes in now, it did not read.
    n.subscriber.lose();
    n.stream.push(entry(3, 'second away'));
    n.subscriber.back();
    // Back, it hears what comes next: delivered after what it missed, not before.
    const after = entry(4, 'after');
    n.stream.push(after);
    hearOn(n.channels, announcement(after));
    n.reading.hold(false);
    n.reading.reads[0]?.release();
    await waitUntil('all caught up', async () => n.delivered.length === 4, 3000);
    expect(n.delivered).toEqual(['heard', 'first away', 'second away', 'after']);
    expect(n.missed).toEqual([]);
  });

  it('Redis restarted empty: what its new stream holds is delivered, and the node is not told it missed any', async () => {
    const n = await hearingNode(120_000);
    n.subscriber.lose();
    // Nothing of the old stream is left, so its first entry is newer than the last one heard,
    // as after a trim; but no node nor client can read what went with the old Redis.
    n.reading.restart({ newEntries: [entry(5, 'after the restart')] });
    n.subscriber.back();
    await waitUntil('caught up', async () => n.delivered.length === 2, 3000);
    expect(n.delivered).toEqual(['heard', 'after the restart']);
    expect(n.missed).toEqual([]);
  });

  it('Redis restarted empty with its clock behind the last entry heard: its new entries are delivered, read and heard', async () => {
    const n = await hearingNode(120_000);
    n.subscriber.lose();
    // The new run stamps its entries by a clock 500 ms behind the one the last entry heard
    // was stamped by (another host, or a clock stepped back).
    n.reading.restart({ atMs: 500, newEntries: [entry(5, 'after the restart', 600)], thenMs: 700 });
    n.subscriber.back();
    await waitUntil('caught up', async () => n.delivered.length === 2, 3000);
    const later = entry(6, 'heard later', 800);
    n.stream.push(later);
    hearOn(n.channels, announcement(later));
    expect(n.delivered).toEqual(['heard', 'after the restart', 'heard later']);
    expect(n.missed).toEqual([]);
  });

  it('Redis restarted keeping its stream: what went in after the last entry heard is delivered once, nothing before it again', async () => {
    const n = await hearingNode(120_000);
    n.subscriber.lose();
    n.stream.push(entry(2, 'while away'));
    n.reading.restart({ atMs: 4_000, keeping: true, thenMs: 5_000 });
    n.subscriber.back();
    await waitUntil('caught up', async () => n.delivered.length === 2, 3000);
    expect(n.delivered).toEqual(['heard', 'while away']);
    expect(n.missed).toEqual([]);
  });

  it("Redis restarted keeping its stream, its INFO without Redis's clock (Redis 5): nothing heard before is delivered again", async () => {
    const n = await hearingNode(120_000);
    n.reading.withoutClock();
    n.subscriber.lose();
    n.stream.push(entry(2, 'while away'));
    n.reading.restart({ atMs: 4_000, keeping: true, thenMs: 5_000 });
    n.subscriber.back();
    await waitUntil('caught up', async () => n.delivered.includes('while away'), 3000);
    expect(n.delivered).toEqual(['heard', 'while away']);
    expect(n.missed).toEqual([]);
  });

  it("Redis restarted empty, its INFO without Redis's clock (Redis 5): its new entries are delivered", async () => {
    const n = await hearingNode(120_000);
    n.reading.withoutClock();
    n.subscriber.lose();
    n.reading.restart({ atMs: 500, newEntries: [entry(5, 'after the restart', 600)], thenMs: 700 });
    n.subscriber.back();
    await waitUntil('caught up', async () => n.delivered.length === 2, 3000);
    expect(n.delivered).toEqual(['heard', 'after the restart']);
    expect(n.missed).toEqual([]);
  });

  it('Redis restarted keeping its stream, entries appended during the outage trimmed: the node is told', async () => {
    const n = await hearingNode(120_000);
    n.subscriber.lose();
    n.stream.push(entry(2, 'trimmed while away'), entry(3, 'left'));
    n.stream.splice(0, 2);
    n.reading.restart({ atMs: 4_000, keeping: true, thenMs: 5_000 });
    n.subscriber.back();
    await waitUntil('told', async () => n.missed.length === 1, 3000);
    expect(n.missed[0]).toContain('trimmed');
    expect(n.delivered).toEqual(['heard']);
  });

  it('INFO refused, a stream with entries older than the last one heard but not that one: the node is told once, and a later blip is no gap', async () => {
    const n = await hearingNode(120_000, 5_000, Number.POSITIVE_INFINITY);
    n.subscriber.lose();
    // Another Redis, or one that lost its newest entries, stamped behind the last entry heard.
    n.stream.splice(0, n.stream.length, entry(2, 'other 1', 4_000), entry(3, 'other 2', 4_001));
    n.subscriber.back();
    await waitUntil('told', async () => n.missed.length === 1, 3000);
    expect(n.missed[0]).toContain('does not hold');
    // It goes on from that stream's last entry: held, so the next catch-up reads on from it.
    n.subscriber.lose();
    n.subscriber.back();
    const after = entry(4, 'after', 4_002);
    n.stream.push(after);
    hearOn(n.channels, announcement(after));
    await waitUntil('heard after', async () => n.delivered.includes('after'), 3000);
    expect(n.delivered).toEqual(['heard', 'after']);
    expect(n.missed).toHaveLength(1);
  });

  it("Redis's run id learned though the reader was not up at the start: a later restart is no gap", async () => {
    const n = await hearingNode(120_000, undefined, 3);
    await waitUntil('the run id learned', async () => {
      const known = (n.channels as unknown as { runId?: string }).runId;
      return known !== undefined;
    });
    n.subscriber.lose();
    n.reading.restart({ newEntries: [entry(5, 'after the restart')] });
    n.subscriber.back();
    await waitUntil('caught up', async () => n.delivered.length === 2, 3000);
    expect(n.missed).toEqual([]);
  });

  it('Redis restarted before the node heard anything, then a blip: what the new run carried is not delivered again', async () => {
    const n = await startedNode(120_000);
    await waitUntil('the run id learned', async () => {
      const known = (n.channels as unknown as { runId?: string }).runId;
      return known !== undefined;
    });
    n.subscriber.lose();
    n.reading.restart({ atMs: 3_000 });
    n.subscriber.back();
    const first = entry(1, 'first of the new run', 3_100);
    n.stream.push(first);
    hearOn(n.channels, announcement(first));
    n.reading.at(4_000);
    n.subscriber.lose();
    n.stream.push(entry(2, 'while away', 3_900));
    n.subscriber.back();
    await waitUntil('caught up', async () => n.delivered.includes('while away'), 3000);
    // A late duplicate would come in the same read as 'while away'.
    expect(n.delivered).toEqual(['first of the new run', 'while away']);
    expect(n.missed).toEqual([]);
  });

  it('Redis restarted empty, its INFO refused once as the reader is not back yet: still no gap told', async () => {
    const n = await hearingNode(120_000);
    n.subscriber.lose();
    n.reading.restart({ newEntries: [entry(5, 'after the restart')] });
    // The reader's connection comes back between its INFO and the page's read.
    n.reading.refuseInfo(1);
    n.subscriber.back();
    await waitUntil('caught up', async () => n.delivered.length === 2, 3000);
    expect(n.delivered).toEqual(['heard', 'after the restart']);
    expect(n.missed).toEqual([]);
  });

  it("the last entry heard trimmed by age, with other nodes' entries after it, while this node's rooms were quiet: what is left is delivered, and the node is not told it missed any", async () => {
    // By Redis's clock: 'heard' a minute ago, other nodes' entries since (for rooms not
    // heard here), and the stream trimmed to the last 40 s, as each node's trim does.
    const now = 10_000_000;
    const n = await hearingNode(120_000, now - 60_000);
    n.reading.at(now);
    n.stream.push(entry(2, 'others 1', now - 50_000), entry(3, 'others 2', now - 30_000));
    n.stream.splice(0, 2);
    // A blip: one entry goes in meanwhile.
    n.subscriber.lose();
    n.stream.push(entry(4, 'while away', now - 100));
    n.subscriber.back();
    await waitUntil('caught up', async () => n.delivered.includes('while away'), 3000);
    expect(n.missed).toEqual([]);
    expect(n.delivered).toEqual(['heard', 'others 2', 'while away']);
  });

  it('entries appended during the outage trimmed (the stream bound passed while away): the node is told', async () => {
    const now = 10_000_000;
    const n = await hearingNode(120_000, now - 60_000);
    n.reading.at(now);
    n.subscriber.lose();
    n.stream.push(entry(2, 'lost', now - 2_000), entry(3, 'kept', now - 1_000));
    n.stream.splice(0, 2);
    n.subscriber.back();
    await waitUntil('told', async () => n.missed.length === 1, 3000);
    expect(n.missed[0]).toContain('trimmed');
    expect(n.delivered).toEqual(['heard']);
  });

  it('the subscriber back before the reader (each reconnects on its own): the read is tried again, and what the channels carry meanwhile waits for it', async () => {
    const n = await hearingNode(120_000);
    n.subscriber.lose();
    n.stream.push(entry(2, 'while away'));
    n.reading.refuse(3);
    n.subscriber.back();
    const after = entry(3, 'after');
    n.stream.push(after);
    hearOn(n.channels, announcement(after));
    await waitUntil('caught up', async () => n.delivered.length === 3, 3000);
    expect(n.delivered).toEqual(['heard', 'while away', 'after']);
    expect(n.missed).toEqual([]);
  });

  it('a reader that keeps failing while the subscriber is back: the node is told, and delivers what its channels carry', async () => {
    const n = await hearingNode(120_000);
    n.subscriber.lose();
    n.stream.push(entry(2, 'while away'));
    n.reading.refuse(Number.POSITIVE_INFINITY);
    n.subscriber.back();
    const after = entry(3, 'after');
    n.stream.push(after);
    hearOn(n.channels, announcement(after));
    await waitUntil('told', async () => n.missed.length === 1, 3000);
    expect(n.missed[0]).toContain('could not be read');
    expect(n.delivered).toEqual(['heard', 'after']);
  });

  it('a loss while a catch-up reads is measured from its own start', async () => {
    // The margin (15 s) leaves one second: an outage longer than that may have lost entries.
    const n = await hearingNode(16_000);

    n.subscriber.lose();
    n.reading.hold(true);
    n.subscriber.back();
    await waitUntil('the catch-up reads', async () => n.reading.reads.length === 1);
    n.subscriber.lose();
    n.reading.hold(false);
    n.reading.reads[0]?.release();
    // Away 1.5 s the second time, however short the first outage was.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    n.subscriber.back();
    await waitUntil('told', async () => n.missed.length > 0, 3000);
    expect(n.missed[0]).toContain('Redis was away');
  });
});

/** Hands `payload` to the channels' listener, as the subscriber does for a message. */
function hearOn(channels: RoomChannels, payload: string): void {
  const listener = (channels as unknown as { listener: (payload: string) => void }).listener;
  listener(payload);
}
