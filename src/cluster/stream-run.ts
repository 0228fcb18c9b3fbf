/**
 * What a node asks Redis after its subscriber lost the connection: which run of Redis
 * answers now (a restart, a promoted replica), whether the stream it heard is still there,
 * and a page of the stream with its ends, to tell a whole catch-up from one with gaps.
 */
import type { RedisClient } from '../redis/redis.js';
import type { RawEntry } from './announcer.js';
import { compareIds, idMs } from './stream-ids.js';

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
export interface Run {
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
export async function readPage(
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
export function unheardTrimmed(page: StreamPage, cursor: string, unheardFromMs: number): boolean {
  if (page.firstId === undefined || compareIds(page.firstId, cursor) <= 0) return false;
  return compareIds(page.firstId, `${Math.max(0, Math.floor(unheardFromMs))}-0`) > 0;
}
