/**
 * The clamd scanner against a real clamd (Debian's clamav-daemon) that the test starts with
 * its own one-signature database; and against peers that break the protocol, since clamd
 * itself never does: every answer but a verdict must fail closed.
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clamdScanner, verdictOf } from '../../src/attachments/clamd-scanner.js';
import { ScannerUnavailable } from '../../src/attachments/ports.js';
import {
  clamdInstalled,
  EICAR,
  EICAR_SIGNATURE,
  type PrivateClamd,
  privateClamd,
  STREAM_MAX_BYTES,
} from '../helpers/private-clamd.js';
import { pngImage } from './png.js';

const MiB = 1024 * 1024;

/** A file of `size` bytes of one value, with `inside` written at `at`. */
function fileWith(size: number, inside?: Buffer, at = 0): Buffer {
  const bytes = Buffer.alloc(size, 0x41);
  inside?.copy(bytes, at);
  return bytes;
}

describe.runIf(clamdInstalled())('the clamd scanner, against clamd', () => {
  let clamd: PrivateClamd;
  beforeAll(async () => {
    clamd = await privateClamd();
  }, 90_000);
  afterAll(async () => {
    await clamd?.dispose();
  });

  it('finds the EICAR test file and names its signature', async () => {
    const scanner = clamdScanner(clamd);
    await expect(scanner.scan(EICAR)).resolves.toEqual({
      clean: false,
      signature: EICAR_SIGNATURE,
    });
  });

  it('passes a clean PNG, and an empty file', async () => {
    const scanner = clamdScanner(clamd);
    await expect(scanner.scan(pngImage())).resolves.toEqual({ clean: true });
    await expect(scanner.scan(new Uint8Array(0))).resolves.toEqual({ clean: true });
  });

  it('sends a file in many chunks that clamd puts back together: EICAR split across chunks is found', async () => {
    // 16-byte chunks: the 68-byte string starts mid-chunk and spans five of them.
    const scanner = clamdScanner(clamd, { chunkBytes: 16 });
    const file = fileWith(4096, EICAR, 1000);
    await expect(scanner.scan(file)).resolves.toEqual({ clean: false, signature: EICAR_SIGNATURE });
    await expect(scanner.scan(fileWith(4096))).resolves.toEqual({ clean: true });
  });

  it('scans a 10 MiB file in its default chunks, finding EICAR near its end', async () => {
    const scanner = clamdScanner(clamd);
    const file = fileWith(10 * MiB, EICAR, 10 * MiB - 500);
    await expect(scanner.scan(file)).resolves.toEqual({ clean: false, signature: EICAR_SIGNATURE });
  });

  it("fails closed when the file is longer than clamd's StreamMaxLength, saying so", async () => {
    const scanner = clamdScanner(clamd);
    const scan = scanner.scan(fileWith(STREAM_MAX_BYTES + MiB));
    await expect(scan).rejects.toBeInstanceOf(ScannerUnavailable);
    await expect(scan).rejects.toThrow(/size limit exceeded|ECONNRESET|EPIPE/);
  });

  it('fails closed when clamd hangs (stopped): ScannerUnavailable after the scan timeout', async () => {
    const scanner = clamdScanner(clamd, { scanTimeoutMs: 500 });
    clamd.freeze();
    try {
      const started = Date.now();
      await expect(scanner.scan(EICAR)).rejects.toThrow(ScannerUnavailable);
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    } finally {
      clamd.resume();
    }
    // And it answers again once it runs again.
    await expect(clamdScanner(clamd).scan(EICAR)).resolves.toMatchObject({ clean: false });
  });

  // Last: it kills this file's clamd.
  it('fails closed when clamd is killed: ScannerUnavailable, at once', async () => {
    const scanner = clamdScanner(clamd);
    await clamd.kill();
    await expect(scanner.scan(EICAR)).rejects.toThrow(ScannerUnavailable);
    await expect(scanner.scan(pngImage())).rejects.toThrow(/ECONNREFUSED/);
  });
});

/** A TCP peer that reads what it is sent and does `answer` with the socket. */
async function peer(answer: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    answer(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

describe('the clamd scanner, against peers that break the protocol', () => {
  const servers: Server[] = [];
  afterAll(() => {
    for (const server of servers) server.close();
  });
  const scannerOf = async (answer: (socket: Socket) => void, scanTimeoutMs = 2_000) => {
    const { server, port } = await peer(answer);
    servers.push(server);
    return clamdScanner({ host: '127.0.0.1', port }, { scanTimeoutMs });
  };

  it.each([
    ['an unknown answer', 'stream: MAYBE\0'],
    ['an error', 'INSTREAM size limit exceeded. ERROR\0'],
    ['a FOUND without a signature', 'stream:  FOUND\0'],
    ['an answer to something else', 'PONG\0'],
  ])('fails closed on %s', async (_what, reply) => {
    const scanner = await scannerOf((socket) => socket.end(reply));
    await expect(scanner.scan(EICAR)).rejects.toThrow(ScannerUnavailable);
  });

  it('fails closed when the connection closes without an answer, or mid-answer', async () => {
    const silent = await scannerOf((socket) => socket.end());
    await expect(silent.scan(EICAR)).rejects.toThrow(/closed without a verdict/);
    const cut = await scannerOf((socket) => socket.end('stream: O'));
    await expect(cut.scan(EICAR)).rejects.toThrow(/answered "stream: O" and closed/);
  });

  it('fails closed on an endless answer without waiting for the timeout', async () => {
    const scanner = await scannerOf((socket) => socket.write('x'.repeat(64 * 1024)), 10_000);
    const started = Date.now();
    await expect(scanner.scan(EICAR)).rejects.toThrow(/longer than/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('fails closed when nothing answers within the scan timeout', async () => {
    const scanner = await scannerOf(() => {}, 300);
    await expect(scanner.scan(EICAR)).rejects.toThrow(/no verdict within 300 ms/);
  });

  it('reads only "stream: OK" as clean and "stream: <name> FOUND" as infected', () => {
    expect(verdictOf('stream: OK')).toEqual({ clean: true });
    expect(verdictOf('stream: Eicar-Test FOUND')).toEqual({
      clean: false,
      signature: 'Eicar-Test',
    });
    for (const other of ['stream: OK ', 'OK', 'stream: FOUND', '', 'stream: ok', 'x stream: OK']) {
      expect(verdictOf(other), other).toBeUndefined();
    }
  });
});
