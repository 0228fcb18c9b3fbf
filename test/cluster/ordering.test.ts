/**
 * Live delivery keeps each chat's seq order across nodes (docs/protocol.md, "Guarantees"): messages of one
 * chat sent at once through both nodes, over sockets and REST, reach every receiver on
 * every node (and through nginx) as 1..N, strictly increasing, none missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Cluster,
  clusterPrerequisites,
  printOutputOnFailure,
  startCluster,
  twoNodeUrls,
} from '../helpers/cluster.js';
import {
  adminAt,
  closeAll,
  joinChat,
  type Member,
  openChatAt,
  postAt,
  userAt,
} from '../helpers/cluster-people.js';
import { forChat } from '../helpers/flows.js';
import { waitUntil } from '../helpers/processes.js';

const ready = await clusterPrerequisites();

/** Per socket sender: messages, and how many are in flight at once (pipelined). */
const PER_SENDER = 250;
const WINDOW = 8;
const PER_REST_NODE = 60;

/** Sends `count` messages, `window` at a time, over one socket. */
async function pipelined(member: Member, chatId: string, tag: string): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      while (next < PER_SENDER) {
        const n = next++;
        const ack = await member.client.emitAck('send-message', {
          chatId,
          content: `${tag} ${n}`,
          clientMessageId: `${tag}-${n}`,
        });
        if (ack.success !== true) throw new Error(`send failed: ${JSON.stringify(ack)}`);
      }
    }),
  );
}

/** REST sends through one node, 4 at a time. */
async function overRest(url: string, chatId: string, sender: Member, type: 'user' | 'admin') {
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < PER_REST_NODE) {
        const n = next++;
        await postAt(url, '/api/messages', {
          chatId,
          senderId: sender.id,
          senderType: type,
          senderName: sender.name,
          content: `rest ${url} ${n}`,
          clientMessageId: `rest-${url}-${n}`,
        });
      }
    }),
  );
}

const seqsHeard = (member: Member, chatId: string): number[] =>
  member.client
    .of('new-message')
    .filter(forChat(chatId))
    .map((p) => p.message.seq);

describe.skipIf(!ready)('seq order across nodes', () => {
  let cluster: Cluster;
  printOutputOnFailure(() => cluster);
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    closeAll();
    await cluster?.stop();
  });

  it('concurrent sends through both nodes: every receiver on every node hears 1..N in order', async () => {
    const [node1, node2] = twoNodeUrls(cluster);
    const user = await userAt(node1);
    const admin = await adminAt(node2);
    // Receivers besides the two senders: a superadmin on each node, the user's second tab
    // long-polling through nginx.
    const watchers = await Promise.all([
      adminAt(node1, { superadmin: true }),
      adminAt(node2, { superadmin: true }),
      userAt(cluster.nginx.url, { id: user.id, transports: ['polling'] }),
    ]);
    const chat = await openChatAt(node1, user);
    await postAt(node2, '/api/chats/assign', {
      chatId: chat._id,
      adminId: admin.id,
      adminName: admin.name,
    });
    const receivers = [user, admin, ...watchers];
    await Promise.all(receivers.map((r) => joinChat(r, chat._id)));

    await Promise.all([
      pipelined(user, chat._id, 'user'),
      pipelined(admin, chat._id, 'admin'),
      overRest(node1, chat._id, user, 'user'),
      overRest(node2, chat._id, admin, 'admin'),
    ]);
    const total = 2 * PER_SENDER + 2 * PER_REST_NODE;
    await waitUntil(
      'every receiver heard every message',
      () => receivers.every((r) => seqsHeard(r, chat._id).length >= total),
      30_000,
    ).catch(() => {});

    const expected = Array.from({ length: total }, (_, i) => i + 1);
    for (const r of receivers) expect(seqsHeard(r, chat._id)).toEqual(expected);
    console.log(
      `${total} messages sent at once through both nodes; ${receivers.length} receivers on both nodes and nginx each heard 1..${total} in order`,
    );
  });
});
