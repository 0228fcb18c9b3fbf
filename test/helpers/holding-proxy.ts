/**
 * A TCP proxy in front of a Redis that can hold what Redis sends on the connections made
 * from a point on, and then hand it over in one write: the replies to a new connection's
 * first commands and a message published right after them arrive in one chunk, as they
 * may on a busy or distant link.
 */
import type { Socket } from 'node:net';
import { tcpProxy } from './tcp-proxy.js';

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
  const holds: { client: Socket; upstream: Socket; chunks: Buffer[] }[] = [];
  const proxy = await tcpProxy(
    () => target,
    (client, upstream) => {
      if (!holding) {
        upstream.pipe(client);
        return;
      }
      const hold = { client, upstream, chunks: [] as Buffer[] };
      holds.push(hold);
      upstream.on('data', (chunk: Buffer) => hold.chunks.push(chunk));
    },
  );
  return {
    url: `redis://127.0.0.1:${proxy.port}`,
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
    close: () => proxy.close(),
  };
}
