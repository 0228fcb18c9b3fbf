/**
 * A TCP proxy in front of a Redis whose connections can be made to drop everything, both
 * ways, without ever closing: what a connection looks like after a NAT or a proxy on its
 * path forgot it, or the Redis behind an address was replaced, and packets are dropped
 * rather than refused. Neither end learns of it until the kernel gives up (minutes). New
 * connections through the proxy work.
 */
import { connect, createServer, type Socket } from 'node:net';

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
  const server = createServer((client) => {
    made++;
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.push(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const dropped = new Set<Socket>();
  return {
    url: `redis://127.0.0.1:${address.port}`,
    dropExisting() {
      for (const { client, upstream } of pairs.splice(0)) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        // Read and thrown away: neither end's writes fail or block, as on a dropped path.
        for (const socket of [client, upstream]) {
          socket.removeAllListeners('data');
          socket.on('data', () => {});
          socket.resume();
          dropped.add(socket);
        }
      }
    },
    connections: () => made,
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      for (const socket of dropped) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
