/**
 * Behind nginx on a port that is not 80, with CORS_ORIGIN listing only another site, the
 * server's own pages (the console, the widget demo) still connect through nginx: it passes
 * the Host the browser asked for, port included ($http_host), so their Origin is the
 * server's own. With `Host $host` (the port dropped) the same handshake is refused, over
 * WebSocket and over long-polling alike: the last test runs that configuration to show it.
 */
import { Fetch } from 'engine.io-client';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Cluster,
  clusterPrerequisites,
  printOutputOnFailure,
  startCluster,
} from '../helpers/cluster.js';
import { agentFrom, freshAddress } from '../helpers/cluster-client.js';
import { uid } from '../helpers/cluster-people.js';
import { type Nginx, startNginx } from '../helpers/nginx.js';
import { api } from '../helpers/server.js';
import { joinAs, recordingClient, type TestClient } from '../helpers/sockets.js';

const ready = await clusterPrerequisites();

type Transport = 'websocket' | 'polling';

/** A page served by nginx at `site` opening its socket there: Origin is `site` itself. */
function pageSocket(site: string, transport: Transport) {
  return io(site, {
    // Long-polling by fetch, which may set Origin (Node's XMLHttpRequest refuses to).
    transports: transport === 'websocket' ? ['websocket'] : [Fetch],
    extraHeaders: { origin: site },
    forceNew: true,
    reconnection: false,
    agent: agentFrom(freshAddress()) as unknown as string,
  });
}

async function connectPage(site: string, transport: Transport): Promise<TestClient> {
  const socket = pageSocket(site, transport);
  const client = recordingClient(socket, 10_000, ` (a page of ${site} over ${transport})`);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return client;
}

/** The handshake's refusal, or undefined if the page connected. */
async function refusal(site: string, transport: Transport): Promise<string | undefined> {
  const socket = pageSocket(site, transport);
  try {
    return await new Promise<string | undefined>((resolve) => {
      socket.once('connect', () => resolve(undefined));
      socket.once('connect_error', (err) => resolve(err.message));
    });
  } finally {
    socket.disconnect();
  }
}

describe.skipIf(!ready)('behind nginx on a non-default port, with CORS_ORIGIN set', () => {
  let cluster: Cluster;
  printOutputOnFailure(() => cluster);
  const clients: TestClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster({ env: { CORS_ORIGIN: 'https://app.example' } });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await cluster?.stop();
  });

  it('listens on a port that is not 80 or 443', () => {
    expect([80, 443]).not.toContain(cluster.nginx.port);
  });

  it.each<Transport>(['websocket', 'polling'])(
    'pages of the server connect through nginx over %s, and a message flows between them',
    async (transport) => {
      const site = cluster.nginx.url;
      const [userSocket, adminSocket] = [
        await connectPage(site, transport),
        await connectPage(site, transport),
      ];
      clients.push(userSocket, adminSocket);
      expect(userSocket.socket.io.engine.transport.name).toBe(transport);
      const user = await joinAs(userSocket, uid('user'), { role: 'user' });
      const admin = await joinAs(adminSocket, uid('admin'), { role: 'admin', superadmin: false });
      const opened = await api(
        { url: site },
        'POST',
        '/api/chats',
        { userId: user.id, userName: user.name },
        {
          headers: { origin: site },
        },
      );
      expect(opened.status).toBe(200);
      const chatId = (opened.body.chat as { _id: string })._id;
      for (const member of [user, admin]) {
        expect(await member.client.emitAck('join-chat', { chatId })).toMatchObject({
          success: true,
        });
      }
      const sent = await user.client.emitAck('send-message', {
        chatId,
        content: `over ${transport}`,
      });
      expect(sent.success).toBe(true);
      const heard = await admin.client.waitFor('new-message', (p) => p.message.chatId === chatId);
      expect(heard.message.content).toBe(`over ${transport}`);
    },
  );

  it('with `Host $host` instead, the same pages are refused over both transports', async () => {
    let broken: Nginx | undefined;
    try {
      broken = await startNginx(
        cluster.nodes.map((n) => n.port),
        {
          editSite: (site) => {
            const edited = site.replace(
              'proxy_set_header Host $http_host;',
              'proxy_set_header Host $host;',
            );
            if (edited === site)
              throw new Error('deploy/nginx.conf no longer passes Host $http_host');
            return edited;
          },
        },
      );
      expect(await refusal(broken.url, 'websocket')).toBeDefined();
      expect(await refusal(broken.url, 'polling')).toBeDefined();
    } finally {
      await broken?.stop();
    }
  });
});
