/**
 * A refused upload's connection is closed (the rest of its body is not worth storing),
 * but closing a socket while bytes still arrive makes the kernel answer them with a reset,
 * and the reset can destroy the answer before the client read it: fetch() or a browser
 * still sending its file reports a network error instead of the 4xx that says why. So the
 * close lingers, as RFC 9112 §9.6 asks: the answer, then this side's FIN, then what the
 * client still sends is read and dropped until its body ends, for at most `ms` and
 * `bytes`; only then is the socket closed.
 */
import type { IncomingMessage } from 'node:http';

export interface Linger {
  ms: number;
  bytes: number;
}

export function closeAfterLingering(req: IncomingMessage, { ms, bytes }: Linger): void {
  const { socket } = req;
  const closeNow = socket.destroySoon.bind(socket);
  // What Node calls, once the answer is out, to close a connection answered with
  // `Connection: close`: its own ends the socket and destroys it as soon as the FIN is out.
  socket.destroySoon = () => {
    if (req.complete) return closeNow();
    socket.end();
    const cut = setTimeout(() => socket.destroy(), ms).unref();
    socket.once('close', () => clearTimeout(cut));
    let dropped = 0;
    req.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > bytes) socket.destroy();
    });
    req.once('end', () => socket.destroy());
    // The form parser no longer reads it: the body flows to nowhere.
    req.unpipe();
    req.resume();
  };
}
