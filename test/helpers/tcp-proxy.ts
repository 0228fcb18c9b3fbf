/**
 * The plumbing of the tests' TCP proxies in front of a Redis: each connection is paired with
 * one to the target, the client's bytes go on to it, either end's error or close ends both,
 * and close() ends every connection still open. How the target's bytes reach the client is
 * the proxy's own (`forward`; by default, as they come).
 */
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Every connection, client's and target's, not yet closed. */
  open: ReadonlySet<Socket>;
  close(): Promise<void>;
}

export async function tcpProxy(
  target: () => { host: string; port: number },
  forward: (client: Socket, upstream: Socket) => void = (client, upstream) => upstream.pipe(client),
): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const { host, port } = target();
    const upstream = connect(port, host);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', end).on('close', end);
    }
    client.pipe(upstream);
    forward(client, upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    open,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
