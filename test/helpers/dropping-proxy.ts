/**
 * A TCP proxy in front of a Redis whose connections can be made to drop everything, both
 * ways, without ever closing: what a connection looks like after a NAT or a proxy on its
 * path forgot it, or the Redis behind an address was replaced, and packets are dropped
 * rather than refused. Neither end learns of it until the kernel gives up (minutes). New
 * connections through the proxy work.
 */
import type { Socket } from 'node:net';
import { tcpProxy } from './tcp-proxy.js';

export interface DroppingProxy {
  url: string;
  /** The connections made so far drop everything from now on; they stay open. */
  dropExisting(): void;
  /** Connections made through the proxy so far. */
  connections(): number;
  close(): Promise<void>;
}

export async function droppingProxy(target: {
  host: string;
  port: number;
}): Promise<DroppingProxy> {
  const pairs: { client: Socket; upstream: Socket }[] = [];
  let made = 0;
  const proxy = await tcpProxy(
    () => target,
    (client, upstream) => {
      made++;
      pairs.push({ client, upstream });
      upstream.pipe(client);
    },
  );
  return {
    url: `redis://127.0.0.1:${proxy.port}`,
    dropExisting() {
      for (const { client, upstream } of pairs.splice(0)) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        // Read and thrown away: neither end's writes fail or block, as on a dropped path.
        for (const socket of [client, upstream]) {
          socket.removeAllListeners('data');
          socket.on('data', () => {});
          socket.resume();
        }
      }
    },
    connections: () => made,
    close: () => proxy.close(),
  };
}
