/**
 * The one writer of the cluster's stream: each broadcast appended and announced on its
 * channel by one script (room-channels.ts hears the announcements), and the stream trimmed
 * by age. An announcement carries its entry whole, so a node that hears it reads nothing.
 */
import { createHash } from 'node:crypto';
import type { RedisClient } from '../redis/redis.js';

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
