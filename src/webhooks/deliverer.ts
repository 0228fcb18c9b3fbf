/**
 * Delivers the outbox: every node looks for due deliveries every webhookPollMs and takes
 * them under a lease, a lane (one chat, one receiver) at a time (webhook-outbox.ts), so
 * each is sent by one node, in commit order per chat and receiver; a node that dies
 * mid-delivery leaves its lanes to another once the lease runs out (at least once, with the
 * same webhook-id). Sends never wait for it: it runs beside them, and a receiver that hangs,
 * answers garbage or cannot be reached holds only its own lanes, webhookTimeoutMs at most.
 */
import { setMaxListeners } from 'node:events';
import { Webhook } from 'standardwebhooks';
import { TUNABLES } from '../tunables.js';
import { retryDelayMs } from './events.js';
import type { Attempt, Delivery, FailureReason, WebhookOutbox } from './outbox.js';

export interface DelivererOptions {
  outbox: WebhookOutbox;
  /** WEBHOOK_SECRET: `whsec_` + base64 of the key bytes. */
  secret: string;
  now?: () => number;
  timeoutMs?: number;
  giveUpMs?: number;
  pollMs?: number;
  onError?: (err: unknown) => void;
  onSettled?: (delivery: Delivery, attempt: Attempt) => void;
}

export interface Deliverer {
  /** Takes what is due once, and resolves when all of it is settled (tests). */
  runOnce(): Promise<number>;
  /** Stops taking; deliveries under way are cut short and given back for another try. */
  stop(): Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString();

type Failure = { reason: FailureReason; error: string };

/** Why a response is not a delivery, in a few words for the failed list; undefined: delivered. */
async function attemptOnce(
  signer: Webhook,
  delivery: Delivery,
  timeoutMs: number,
  at: number,
  stopping: AbortSignal,
): Promise<Failure | undefined> {
  const headers = {
    'content-type': 'application/json',
    'webhook-id': delivery.id,
    'webhook-timestamp': String(Math.floor(at / 1000)),
    'webhook-signature': signer.sign(delivery.id, new Date(at), delivery.body),
  };
  // One controller the timer and the stop both abort, not AbortSignal.any over
  // AbortSignal.timeout: Node 20 lets a garbage collection take the timeout signal inside
  // such a composite, and the attempt then never times out (a hanging receiver would hold
  // its lane for good).
  const attempt = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    attempt.abort();
  }, timeoutMs);
  const stop = () => attempt.abort();
  stopping.addEventListener('abort', stop, { once: true });
  if (stopping.aborted) attempt.abort();
  try {
    const res = await fetch(delivery.url, {
      method: 'POST',
      headers,
      body: delivery.body,
      // A redirect is not a delivery: the receiver must answer at its own address.
      redirect: 'manual',
      signal: attempt.signal,
    });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 300
      ? undefined
      : { reason: 'status', error: `HTTP ${res.status}` };
  } catch (err) {
    if (timedOut) return { reason: 'timeout', error: `no answer within ${timeoutMs} ms` };
    const error =
      err instanceof Error
        ? err.cause instanceof Error
          ? err.cause.message
          : err.message
        : String(err);
    return { reason: 'network', error };
  } finally {
    clearTimeout(timer);
    stopping.removeEventListener('abort', stop);
  }
}

/** Deliveries of one chat to one receiver, in order. */
const laneKey = (d: Delivery) => `${d.chatId ?? d.id}\u0000${d.url}`;

export function startDeliverer(options: DelivererOptions): Deliverer {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? TUNABLES.webhookTimeoutMs.value;
  const giveUpMs = options.giveUpMs ?? TUNABLES.webhookGiveUpMs.value;
  const pollMs = options.pollMs ?? TUNABLES.webhookPollMs.value;
  const leaseMs = TUNABLES.webhookLeaseMs.value;
  const maxLanes = TUNABLES.webhookBatch.value;
  const perLane = TUNABLES.webhookLaneRun.value;
  const signer = new Webhook(options.secret);
  const stopping = new AbortController();
  // Each attempt under way listens for the stop, one per lane: more than Node's default of
  // ten is expected, not a leak (each attempt removes its listener when it ends).
  setMaxListeners(maxLanes, stopping.signal);
  /** Lanes being delivered now: each holds its head's lease, so no look takes it again. */
  const lanes = new Set<Promise<void>>();

  /** Delivered, or settled as failed (with its next try); undefined: not attempted. */
  async function deliver(delivery: Delivery): Promise<boolean | undefined> {
    const at = now();
    const failure = await attemptOnce(signer, delivery, timeoutMs, at, stopping.signal);
    // Stopping cut it short: neither delivered nor the receiver's fault.
    if (failure && stopping.signal.aborted) return undefined;
    const done = now();
    let attempt: Attempt;
    if (failure === undefined) attempt = { ok: true, at: iso(done) };
    else {
      const next = done + retryDelayMs(delivery.attempts + 1);
      const givenUp = next - Date.parse(delivery.createdAt) > giveUpMs;
      attempt = { ok: false, at: iso(done), ...failure, nextAttemptAt: givenUp ? null : iso(next) };
    }
    await options.outbox.settle(delivery.seq, attempt);
    options.onSettled?.(delivery, attempt);
    return attempt.ok;
  }

  /**
   * One lane in order. It stops at a failure (the rest wait behind the retry), when stopping,
   * or when the lease would run out before the next attempt could time out (another node may
   * take the lane then); what it did not attempt is given back at once.
   */
  async function runLane(lane: Delivery[], leaseUntil: number): Promise<boolean> {
    let attempted = 0;
    try {
      for (const delivery of lane) {
        if (stopping.signal.aborted || now() + timeoutMs >= leaseUntil) break;
        const ok = await deliver(delivery);
        if (ok === undefined) break;
        attempted++;
        if (!ok) break;
      }
    } finally {
      const left = lane.slice(attempted).map((d) => d.seq);
      if (left.length > 0)
        await options.outbox.release(left, iso(leaseUntil)).catch(options.onError);
    }
    return attempted === lane.length;
  }

  /** Takes what is due for the lanes not already under way and starts them. */
  async function look(): Promise<{ taken: number; settled: Promise<unknown> }> {
    const free = maxLanes - lanes.size;
    if (free <= 0 || stopping.signal.aborted) return { taken: 0, settled: Promise.resolve() };
    const at = now();
    const leaseUntil = at + leaseMs;
    const taken = await options.outbox.claimDue(iso(at), iso(leaseUntil), free, perLane);
    const byLane = new Map<string, Delivery[]>();
    for (const d of taken) byLane.set(laneKey(d), [...(byLane.get(laneKey(d)) ?? []), d]);
    const started = [...byLane.values()].map((lane) => {
      const run = runLane(lane, leaseUntil).then(
        // A whole run delivered may have more behind it: look again soon.
        (whole) => {
          if (whole && lane.length >= perLane) soon();
        },
        (err: unknown) => options.onError?.(err),
      );
      lanes.add(run);
      void run.then(() => lanes.delete(run));
      return run;
    });
    return { taken: taken.length, settled: Promise.all(started) };
  }

  async function runOnce(): Promise<number> {
    const { taken, settled } = await look();
    await settled;
    return taken;
  }

  // The loop: a look every pollMs, never waiting for the lanes it started (a receiver that
  // hangs holds its own lane, not the next look); sooner after a lane delivered a whole run.
  let timer: NodeJS.Timeout | undefined;
  let looking: Promise<unknown> = Promise.resolve();
  let looksNow = false;
  const loop = () => {
    timer = undefined;
    if (stopping.signal.aborted) return;
    looksNow = true;
    looking = look()
      .catch((err: unknown) => options.onError?.(err))
      .then(() => {
        looksNow = false;
        if (!stopping.signal.aborted) schedule(pollMs);
      });
  };
  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(loop, ms);
  };
  const soon = () => {
    if (!looksNow && !stopping.signal.aborted) schedule(0);
  };
  schedule(pollMs);

  return {
    runOnce,
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await looking;
      await Promise.all([...lanes]);
    },
  };
}
