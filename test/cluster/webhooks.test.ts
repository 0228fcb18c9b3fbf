/**
 * Webhooks across node processes on one PostgreSQL (docs/data-protection.md, Webhooks): a
 * real HTTP receiver that fails first tries; sends acknowledged by node 1,
 * which is SIGKILLed right after the last acknowledgement; node 2, and node 1 started again,
 * then deliver. Every acknowledged message arrives (no loss), each chat's in seq order,
 * every retry with the webhook-id of the first try, and no event is answered 2xx twice
 * (two nodes never both deliver one).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TUNABLES } from '../../src/tunables.js';
import {
  type Cluster,
  clusterPrerequisites,
  printOutputOnFailure,
  startCluster,
  twoNodeUrls,
} from '../helpers/cluster.js';
import { openChatAt, uid } from '../helpers/cluster-people.js';
import { itemAt } from '../helpers/lists.js';
import { waitUntil } from '../helpers/processes.js';
import { request, succeeded } from '../helpers/server.js';
import { type Receiver, startReceiver } from '../helpers/webhook-receiver.js';

const ready = await clusterPrerequisites();

/**
 * The receiver answers 503 to everything until node 1 is killed (so nothing node 1 tried
 * was delivered, and a second 2xx could only come from two nodes sending one event), and
 * later to the first try of a chat's opening and of its messages 1 and 15. A chat's events
 * wait behind a failed one for its retry (5 s): failing every first try would take minutes.
 */
let killed = false;
const failsFirst = (body: string): boolean => {
  const event = JSON.parse(body);
  return event.type === 'chat.opened' || [1, 15].includes(event.data.message?.seq);
};

const CHATS = 8;
const PER_CHAT = 30;
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

interface Arrival {
  id: string;
  status: number;
  body: string;
}

describe.skipIf(!ready)('webhooks across nodes, one of them killed', () => {
  let cluster: Cluster;
  let receiver: Receiver;
  /** Every request, in arrival order, with what it was answered. */
  const arrivals: Arrival[] = [];
  printOutputOnFailure(() => cluster);
  beforeAll(async () => {
    receiver = await startReceiver();
    const tries = new Map<string, number>();
    receiver.answer = (r) => {
      const id = String(r.headers['webhook-id']);
      const n = (tries.get(id) ?? 0) + 1;
      tries.set(id, n);
      const status = !killed || (n === 1 && failsFirst(r.body)) ? 503 : 200;
      arrivals.push({ id, status, body: r.body });
      return status;
    };
    cluster = await startCluster({
      env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
    await receiver?.close();
  });

  it('SIGKILL right after the acknowledgements: every message.created delivered once, in seq order, retried with the same id', async () => {
    const [first] = twoNodeUrls(cluster);
    const chats = await Promise.all(
      Array.from({ length: CHATS }, () => {
        const id = uid('wh-user');
        return openChatAt(first, { id, name: `Name ${id}` });
      }),
    );
    // Every chat's messages at once, all through node 1: they share group-commit batches.
    const acked = await Promise.all(
      chats.flatMap((chat) =>
        Array.from({ length: PER_CHAT }, async (_, n) => {
          const res = await request({ url: first }, 'POST /api/messages', {
            body: {
              chatId: chat._id,
              senderId: chat.userId,
              senderType: 'user',
              senderName: chat.userName,
              content: `m${n}`,
            },
          });
          return succeeded(res).message;
        }),
      ),
    );
    const node1 = itemAt(cluster.nodes, 0);
    await node1.stop('SIGKILL');
    killed = true;
    expect(acked).toHaveLength(CHATS * PER_CHAT);

    // Node 2 delivers alone for a while, then node 1 again beside it.
    // A lane node 1 held when it died comes back after its lease (webhookLeaseMs, 30 s):
    // wait past it, not exactly as long.
    await waitUntil(
      'some retries answered 2xx',
      () => arrivals.some((a) => a.status === 200),
      TUNABLES.webhookLeaseMs.value + 15_000,
    );
    await node1.start();
    const expected = new Set(acked.map((m) => `msg_${m._id}`));
    const delivered = () => new Set(arrivals.filter((a) => a.status === 200).map((a) => a.id));
    // A lease the killed node held runs out after webhookLeaseMs (30 s).
    await waitUntil(
      'every acknowledged message delivered',
      () => [...expected].every((id) => delivered().has(id)),
      100_000,
      200,
    );

    const ok = arrivals.filter((a) => a.status === 200);
    // Never twice: one 2xx per event, whichever node sent it.
    // (Of the messages' events: the killed node was alive only for their first, failing, tries.)
    const twice = ok.filter(
      (a, i) => expected.has(a.id) && ok.findIndex((b) => b.id === a.id) !== i,
    );
    expect(twice.map((a) => a.id)).toEqual([]);
    // Every try of an event had its id and its body; those whose first try failed were tried again.
    let retried = 0;
    for (const id of expected) {
      const tries = arrivals.filter((a) => a.id === id);
      expect(new Set(tries.map((a) => a.body)).size).toBe(1);
      if (tries[0]?.status === 503) {
        expect(tries.length).toBeGreaterThanOrEqual(2);
        retried++;
      }
    }
    expect(retried).toBeGreaterThanOrEqual(2 * CHATS);
    // Each chat's events were answered 2xx in its order: opened, then seq 1, 2, 3…
    for (const chat of chats) {
      const events = ok
        .map((a) => JSON.parse(a.body))
        .filter((b) => b.data.chatId === chat._id)
        .map((b) => (b.type === 'message.created' ? b.data.message.seq : b.type));
      expect(events).toEqual(['chat.opened', ...Array.from({ length: PER_CHAT }, (_, n) => n + 1)]);
    }
    console.log(
      `webhooks after SIGKILL: ${expected.size} acknowledged messages, all delivered once ` +
        `(${arrivals.length} attempts in all, ${ok.length} answered 2xx)`,
    );
  });
});
