/** An upload over a raw connection, at the pace a test chooses (a stall, a trickle, a cut). */
import { connect } from 'node:net';

export interface Sent {
  status: number;
  body: { code?: string; error?: string; success?: boolean };
  /** How long the connection stayed open, from the first byte sent. */
  openMs: number;
  /** Whether the server closed the connection before the client sent everything. */
  cutShort: boolean;
}

/**
 * An upload over a raw connection at the pace given: the form's head at once (with the
 * file's `first` bytes), then the file `chunk` bytes every `everyMs`; with `stallAfter`,
 * nothing more past that many bytes (the connection stays open); with `cutAfter`, the
 * client closes the connection once it sent that many. Resolves when the connection is
 * closed.
 */
export function pacedUpload(
  port: number,
  userId: string,
  file: Buffer,
  pace: { chunk: number; everyMs: number; stallAfter?: number; cutAfter?: number; first?: number },
): Promise<Sent> {
  const boundary = 'paceBOUNDARY';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="senderId"\r\n\r\n${userId}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="statement.txt"\r\nContent-Type: text/plain\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const length = head.length + file.length + tail.length;
  return new Promise((resolve) => {
    const started = Date.now();
    let sent = pace.first ?? 0;
    let done = false;
    const received: Buffer[] = [];
    // Written at once, not once connected: a socket still connecting queues writes in
    // order, and the first part of the file (the timer's) must not go out before the head.
    const socket = connect(port, '127.0.0.1');
    socket.write(
      Buffer.concat([
        Buffer.from(
          `POST /api/attachments HTTP/1.1\r\nHost: x\r\nConnection: close\r\n` +
            `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${length}\r\n\r\n`,
        ),
        head,
        file.subarray(0, sent),
      ]),
    );
    const drip = setInterval(() => {
      if (socket.destroyed || !socket.writable) return;
      const limit = pace.stallAfter ?? file.length;
      if (sent >= limit) {
        if (sent === file.length && !done) {
          done = true;
          socket.write(tail);
        }
        return;
      }
      const end = Math.min(sent + pace.chunk, limit);
      socket.write(file.subarray(sent, end));
      sent = end;
      if (pace.cutAfter !== undefined && sent >= pace.cutAfter) socket.destroy();
    }, pace.everyMs);
    socket.on('error', () => {}); // a reset by the server is a close too
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('close', () => {
      clearInterval(drip);
      const text = Buffer.concat(received).toString();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const raw = text.slice(text.indexOf('\r\n\r\n') + 4);
      let body: Sent['body'] = {};
      try {
        body = JSON.parse(raw);
      } catch {
        body = { error: raw };
      }
      resolve({ status, body, openMs: Date.now() - started, cutShort: !done });
    });
  });
}

/** Plain text of `bytes` bytes, accepted as text/plain. */
export const receiptText = (bytes: number) =>
  Buffer.from('receipt 0123456789 paid\n'.repeat(bytes / 24 + 1)).subarray(0, bytes);
