/**
 * A MalwareScanner that asks clamd over TCP with its INSTREAM command: the bytes go to
 * clamd in length-prefixed chunks, nothing is written to disk on either side.
 *
 * Hand-written over node:net rather than an npm client: the one maintained client
 * (clamscan) answers `isInfected: null` instead of failing when clamd times out or answers
 * nothing, and a scan here must fail closed on everything but a clear verdict.
 *
 * The framing: `zINSTREAM\0`, then chunks of <4-byte big-endian length><bytes>, then a
 * zero length; clamd answers one NUL-terminated line: `stream: OK`,
 * `stream: <signature> FOUND`, or `<reason> ERROR` (e.g. the stream exceeded clamd's
 * StreamMaxLength). Anything but the first two, no answer in time, or no connection
 * rejects with ScannerUnavailable.
 */
import { connect, type Socket } from 'node:net';
import { TUNABLES } from '../tunables.js';
import type { ClamdAddress } from './clamav-config.js';
import { type MalwareScanner, ScannerUnavailable, type ScanVerdict } from './ports.js';

export interface ClamdLimits {
  connectTimeoutMs: number;
  scanTimeoutMs: number;
  chunkBytes: number;
  replyBytes: number;
}

export const CLAMD_LIMITS: ClamdLimits = {
  connectTimeoutMs: TUNABLES.clamavConnectTimeoutMs.value,
  scanTimeoutMs: TUNABLES.clamavScanTimeoutMs.value,
  chunkBytes: TUNABLES.clamavChunkBytes.value,
  replyBytes: TUNABLES.clamavReplyBytes.value,
};

const COMMAND = Buffer.from('zINSTREAM\0', 'latin1');
const END_OF_STREAM = Buffer.alloc(4);
const FOUND = /^stream: (\S.*) FOUND$/;

/** A clamd answer as a verdict; anything else is not one. */
export function verdictOf(answer: string): ScanVerdict | undefined {
  if (answer === 'stream: OK') return { clean: true };
  const found = FOUND.exec(answer);
  return found?.[1] ? { clean: false, signature: found[1] } : undefined;
}

export function clamdScanner(
  address: ClamdAddress,
  limits: Partial<ClamdLimits> = {},
): MalwareScanner {
  const resolved = { ...CLAMD_LIMITS, ...limits };
  return { scan: (bytes) => instream(address, bytes, resolved) };
}

/** Writes `data`, waiting for the socket to drain when its buffer is full. */
async function write(socket: Socket, data: Uint8Array): Promise<void> {
  if (socket.destroyed) return;
  if (socket.write(data)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

async function send(socket: Socket, bytes: Uint8Array, chunkBytes: number): Promise<void> {
  await write(socket, COMMAND);
  for (let offset = 0; offset < bytes.length && !socket.destroyed; offset += chunkBytes) {
    const chunk = bytes.subarray(offset, offset + chunkBytes);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(chunk.length);
    await write(socket, length);
    await write(socket, chunk);
  }
  await write(socket, END_OF_STREAM);
}

const errorCode = (err: Error): string | undefined =>
  'code' in err && typeof err.code === 'string' ? err.code : undefined;

/** What clamd said, shortened and with control characters shown, for the error message. */
const quoted = (reply: Buffer): string =>
  JSON.stringify(reply.subarray(0, 200).toString('utf8').replace(/\0+$/, ''));

function instream(address: ClamdAddress, bytes: Uint8Array, limits: ClamdLimits) {
  const where = `clamd at ${address.host}:${address.port}`;
  return new Promise<ScanVerdict>((resolve, reject) => {
    const socket = connect({ host: address.host, port: address.port });
    let reply = Buffer.alloc(0);
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      clearTimeout(scanTimer);
      socket.destroy();
      outcome();
    };
    const fail = (why: string) =>
      settle(() => reject(new ScannerUnavailable(`${where}: ${why} (the upload is refused)`)));

    const connectTimer = setTimeout(
      () => fail(`no connection within ${limits.connectTimeoutMs} ms`),
      limits.connectTimeoutMs,
    );
    const scanTimer = setTimeout(
      () => fail(`no verdict within ${limits.scanTimeoutMs} ms`),
      limits.scanTimeoutMs,
    );

    socket.once('connect', () => {
      clearTimeout(connectTimer);
      // A failed write shows up as the socket's error or close, handled below.
      send(socket, bytes, limits.chunkBytes).catch(() => {});
    });
    socket.on('data', (data: Buffer) => {
      reply = Buffer.concat([reply, data]);
      const end = reply.indexOf(0);
      if (end === -1) {
        if (reply.length > limits.replyBytes)
          fail(`an answer longer than ${limits.replyBytes} bytes`);
        return;
      }
      const answer = reply.subarray(0, end).toString('utf8');
      const verdict = verdictOf(answer);
      if (verdict) settle(() => resolve(verdict));
      else fail(`answered ${quoted(reply)}`);
    });
    // clamd may answer (e.g. "INSTREAM size limit exceeded. ERROR") and close while the
    // rest is still being written: the answer, when there is one, says more than EPIPE.
    socket.on('error', (err) => {
      if (reply.length > 0) fail(`answered ${quoted(reply)} and closed`);
      else fail(errorCode(err) ?? (err.message || 'connection failed'));
    });
    socket.on('close', () => {
      fail(reply.length > 0 ? `answered ${quoted(reply)} and closed` : 'closed without a verdict');
    });
  });
}
