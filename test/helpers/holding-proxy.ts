/**
 * A TCP proxy in front of a Redis that can hold what Redis sends on the connections made
 * from a point on, and then hand it over in one write: the replies to a new connection's
 * first commands and a message published right after them arrive in one chunk, as they
 * may on a busy or distant link.
 */
import { connect, createServer, type Socket } from 'node:net';

export interface HoldingProxy {
  url: string;
  /** What Redis sends on connections made from now on is held. */
  holdNew(): void;
  /** What is held so far, as text. */
  held(): string;
  /** Hands over what was held, in one write per connection, and holds nothing more. */
  release(): void;
  close(): Promise<void>;
}

export async function holdingProxy(target: { host: string; port: number }): Promise<HoldingProxy> {
  let holding = false;
  const open = new Set<Socket>();
  const holds: { client: Socket; upstream: Socket; chunks: Buffer[] }[] = [];
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
    }
    client.pipe(upstream);
    if (holding) {
      const hold = { client, upstream, chunks: [] as Buffer[] };
      holds.push(hold);
      upstream.on('data', (chunk: Buffer) => hold.chunks.push(chunk));
    } else {
      upstream.pipe(client);
    }
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) socket.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `redis://127.0.0.1:${address.port}`,
    holdNew() {
      holding = true;
    },
    held: () => holds.map((h) => Buffer.concat(h.chunks).toString()).join(''),
    release() {
      holding = false;
      for (const { client, upstream, chunks } of holds.splice(0)) {
        upstream.removeAllListeners('data');
        client.write(Buffer.concat(chunks));
        upstream.pipe(client);
      }
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
