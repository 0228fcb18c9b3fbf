/**
 * A client written the way the console is: when its connection goes (its node killed or
 * stopping), it connects again, to the next address it knows (nginx, or the other node),
 * joins as itself and its chat again, and catches up with GET /messages/:chatId?after=
 * from the last seq it holds. It keeps every seq of its chat it has heard or fetched.
 */
import { type ClusterClient, connectTo, freshAddress, type Transport } from './cluster-client.js';
import { itemAt } from './lists.js';
import { sleep } from './processes.js';
import { request, succeeded } from './server.js';

export interface ResilientOptions {
  role: 'user' | 'admin';
  id: string;
  chatId: string;
  /** Where to connect, in order of preference: after a loss it tries the next one. */
  urls: string[];
  transports?: Transport[];
}

export interface Resilient {
  id: string;
  role: 'user' | 'admin';
  chatId: string;
  /** The connection in use (sends go through it). */
  current(): ClusterClient;
  connected(): boolean;
  /** Seqs of its chat it holds (live deliveries and catch-up pages). */
  seqs: Set<number>;
  /** Seqs that came live, in arrival order. */
  live: number[];
  reconnects: number;
  /** Which url it is connected through. */
  url(): string;
  close(): void;
}

export async function resilientClient(options: ResilientOptions): Promise<Resilient> {
  const from = freshAddress();
  const seqs = new Set<number>();
  const live: number[] = [];
  let closing = false;
  let index = 0;
  let client: ClusterClient | undefined;
  let reconnecting = false;

  const highestContiguous = () => {
    let n = 0;
    while (seqs.has(n + 1)) n++;
    return n;
  };

  /** One attempt: connect, join, catch up. Throws if any step fails. */
  const attempt = async (url: string): Promise<ClusterClient> => {
    const c = await connectTo(url, { from, transports: options.transports, timeoutMs: 5000 });
    try {
      c.socket.on('new-message', (p: { message?: { chatId?: string; seq?: number } }) => {
        if (p.message?.chatId !== options.chatId || typeof p.message.seq !== 'number') return;
        live.push(p.message.seq);
        seqs.add(p.message.seq);
      });
      const join =
        options.role === 'user'
          ? await c.emitAck('join-user', { userId: options.id, userName: `Name ${options.id}` })
          : await c.emitAck('join-admin', {
              adminId: options.id,
              adminName: `Name ${options.id}`,
              isSuperAdmin: false,
            });
      if (join.success !== true) throw new Error(`join failed: ${JSON.stringify(join)}`);
      const joined = await c.emitAck('join-chat', { chatId: options.chatId });
      if (joined.success !== true) throw new Error(`join-chat failed: ${JSON.stringify(joined)}`);
      // Catch up from what it holds, until nothing is left.
      for (;;) {
        const page = await request({ url }, 'GET /api/messages/:chatId', {
          params: { chatId: options.chatId },
          query: { after: String(highestContiguous()), limit: '200' },
        });
        if (page.status !== 200) throw new Error(`catch-up: ${page.status}`);
        const { messages, pagination } = succeeded(page);
        for (const m of messages) seqs.add(m.seq);
        if (!('hasMore' in pagination) || !pagination.hasMore) break;
      }
      return c;
    } catch (err) {
      c.close();
      throw err;
    }
  };

  const watch = (c: ClusterClient) => {
    c.socket.on('disconnect', () => {
      if (closing || c !== client) return;
      void reconnect();
    });
  };

  const reconnect = async () => {
    if (reconnecting) return;
    reconnecting = true;
    resilient.reconnects++;
    while (!closing) {
      index = (index + 1) % options.urls.length;
      try {
        const c = await attempt(itemAt(options.urls, index));
        client = c;
        watch(c);
        if (!c.socket.connected) continue;
        break;
      } catch {
        await sleep(200);
      }
    }
    reconnecting = false;
  };

  const resilient: Resilient = {
    id: options.id,
    role: options.role,
    chatId: options.chatId,
    current: () => {
      if (!client) throw new Error(`${options.id} is not connected yet`);
      return client;
    },
    connected: () => !reconnecting && client?.socket.connected === true,
    seqs,
    live,
    reconnects: 0,
    url: () => itemAt(options.urls, index),
    close: () => {
      closing = true;
      client?.close();
    },
  };
  client = await attempt(itemAt(options.urls, 0));
  watch(client);
  return resilient;
}
