import { connect } from 'node:net';

/**
 * A GET of `path` from the server at `base` whose reader takes nothing for `pauseMs`, then
 * reads to the end: the bytes that came (headers included). A paused socket hears no close
 * until it reads what came before it.
 */
export function pausedGet(base: string, path: string, pauseMs: number): Promise<number> {
  return new Promise<number>((resolve) => {
    let received = 0;
    const { port } = new URL(base);
    // Paused from the start: the kernel's buffers take far less than the replies tested.
    const socket = connect({ port: Number(port), host: '127.0.0.1' }, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      socket.pause();
      setTimeout(() => socket.resume(), pauseMs);
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(received));
  });
}
