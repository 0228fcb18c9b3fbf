/**
 * A sender as a careful client is written: one message at a time over its socket, each
 * with a clientMessageId; a send that fails or is not acknowledged in time is sent again
 * with the same clientMessageId until it is acknowledged (the server stores it once).
 * The socket may be swapped while it runs (a client that reconnected to another node).
 */
import type { Message } from '../../src/schemas/shapes.js';
import type { ClusterClient } from './cluster-client.js';
import { sleep } from './processes.js';
import type { MessageAck } from './sockets.js';

export type AckedMessage = Message;

export interface SendLoop {
  chatId: string;
  /** Acknowledged messages, in the order of their acks. */
  acked: AckedMessage[];
  /** Attempts that failed, by error code ('TIMEOUT' for no ack in time). */
  failures: Map<string, number>;
  /** Sends made (attempts, retries included). */
  attempts: number;
  /** The clientMessageId being sent and not yet acknowledged, if any. */
  pending(): string | undefined;
  /** Stops after the message in flight is acknowledged (or `graceMs` passed). */
  stop(graceMs?: number): Promise<void>;
}

export interface SendLoopOptions {
  /** The socket to send on right now (looked up before every attempt). */
  client: () => ClusterClient;
  chatId: string;
  /** Prefix of the clientMessageIds and contents. */
  tag: string;
  ackTimeoutMs?: number;
  /** Wait before retrying a failed send. */
  retryMs?: number;
  /** Stop by itself after this many acknowledged messages. */
  limit?: number;
  /** Pause between messages (0: as fast as acks come). */
  intervalMs?: number;
}

export function sendLoop(options: SendLoopOptions): SendLoop {
  const ackTimeoutMs = options.ackTimeoutMs ?? 5000;
  const retryMs = options.retryMs ?? 100;
  const acked: AckedMessage[] = [];
  const failures = new Map<string, number>();
  let running = true;
  /** Once stopped: when the message in flight stops being retried. */
  let giveUpAt = Number.POSITIVE_INFINITY;
  let inFlight: string | undefined;
  const loop: SendLoop = {
    chatId: options.chatId,
    acked,
    failures,
    attempts: 0,
    pending: () => inFlight,
    async stop(graceMs = 15_000) {
      running = false;
      giveUpAt = Date.now() + graceMs;
      await done;
    },
  };
  const fail = (code: string) => failures.set(code, (failures.get(code) ?? 0) + 1);

  const done = (async () => {
    for (let n = 1; ; n++) {
      if (options.limit !== undefined && acked.length >= options.limit) break;
      if (!running) break;
      const clientMessageId = `${options.tag}-${n}`;
      inFlight = clientMessageId;
      // Until acknowledged, whatever happens to the node or the connection.
      for (;;) {
        loop.attempts++;
        const socket = options.client().socket;
        const reply = await socket
          .timeout(ackTimeoutMs)
          .emitWithAck('send-message', {
            chatId: options.chatId,
            content: `${options.tag} ${n}`,
            clientMessageId,
          })
          .then(
            (r: MessageAck) => r,
            () => undefined,
          );
        if (reply?.success === true) {
          acked.push(reply.message);
          break;
        }
        fail(reply?.code ?? 'TIMEOUT');
        if (Date.now() > giveUpAt) return;
        await sleep(retryMs);
      }
      inFlight = undefined;
      if (options.intervalMs) await sleep(options.intervalMs);
    }
  })();
  return loop;
}
