/**
 * Delivers the outbox: every node looks for due deliveries every webhookPollMs and takes
 * them under a lease (webhook-outbox.ts), so each is sent by one node at a time, in commit
 * order per chat and receiver; a node that dies mid-delivery leaves it to another once the
 * lease runs out (at least once, with the same webhook-id). Sends never wait for it: it
 * runs beside them, and a receiver that hangs costs one delivery slot for webhookTimeoutMs.
 */
import { Webhook } from 'standardwebhooks';
import { TUNABLES } from '../tunables.js';
import { retryDelayMs } from './events.js';
import type { Attempt, Delivery, WebhookOutbox } from './outbox.js';

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
  /** Looks once, and delivers what it took (tests and the poll loop). */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Why a response is not a delivery, in a few words for the failed list. */
async function attemptOnce(
  signer: Webhook,
  delivery: Delivery,
  timeoutMs: number,
  at: number,
): Promise<string | undefined> {
  const headers = {
    'content-type': 'application/json',
    'webhook-id': delivery.id,
    'webhook-timestamp': String(Math.floor(at / 1000)),
    'webhook-signature': signer.sign(delivery.id, new Date(at), delivery.body),
  };
  try {
    const res = await fetch(delivery.url, {
      method: 'POST',
      headers,
      body: delivery.body,
      // A redirect is not a delivery: the receiver must answer at its own address.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
    return res.status >= 200 && res.status < 300 ? undefined : `HTTP ${res.status}`;
  } catch (err) {
    if (err instanceof Error && err.name === 'TimeoutError')
      return `no answer within ${timeoutMs} ms`;
    return err instanceof Error
      ? err.cause instanceof Error
        ? err.cause.message
        : err.message
      : String(err);
  }
}

export function startDeliverer(options: DelivererOptions): Deliverer {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? TUNABLES.webhookTimeoutMs.value;
  const giveUpMs = options.giveUpMs ?? TUNABLES.webhookGiveUpMs.value;
  const pollMs = options.pollMs ?? TUNABLES.webhookPollMs.value;
  const signer = new Webhook(options.secret);
  let stopped = false;
  let running: Promise<number> = Promise.resolve(0);

  async function deliver(delivery: Delivery): Promise<void> {
    const at = now();
    const error = await attemptOnce(signer, delivery, timeoutMs, at);
    const done = now();
    let attempt: Attempt;
    if (error === undefined) attempt = { ok: true, at: iso(done) };
    else {
      const next = done + retryDelayMs(delivery.attempts + 1);
      const givenUp = next - Date.parse(delivery.createdAt) > giveUpMs;
      attempt = { ok: false, at: iso(done), error, nextAttemptAt: givenUp ? null : iso(next) };
    }
    await options.outbox.settle(delivery.seq, attempt);
    options.onSettled?.(delivery, attempt);
  }

  /** One chat's deliveries in order; different chats and receivers side by side. */
  async function runOnce(): Promise<number> {
    const at = now();
    const taken = await options.outbox.claimDue(
      iso(at),
      iso(at + TUNABLES.webhookLeaseMs.value),
      TUNABLES.webhookBatch.value,
    );
    const lanes = new Map<string, Delivery[]>();
    for (const d of taken) {
      const lane = `${d.chatId ?? d.id}\u0000${d.url}`;
      lanes.set(lane, [...(lanes.get(lane) ?? []), d]);
    }
    await Promise.all(
      [...lanes.values()].map(async (lane) => {
        for (const d of lane) await deliver(d);
      }),
    );
    return taken.length;
  }

  let timer: NodeJS.Timeout | undefined;
  const loop = () => {
    if (stopped) return;
    running = runOnce().catch((err: unknown) => {
      options.onError?.(err);
      return 0;
    });
    void running.then(() => {
      if (!stopped) timer = setTimeout(loop, pollMs);
    });
  };
  timer = setTimeout(loop, pollMs);

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
