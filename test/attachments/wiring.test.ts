/**
 * What the composition root wires around uploads: the optional malware scanner (every
 * upload scanned before it is accepted, fail closed), the upload budget, and the sweep of
 * unused uploads (one node at a time).
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBlobStore } from '../../src/attachments/database-blob-store.js';
import { type MalwareScanner, ScannerUnavailable } from '../../src/attachments/ports.js';
import { recentDownloads } from '../../src/attachments/recent-downloads.js';
import { linkSigner } from '../../src/attachments/signed-urls.js';
import { sweepUnusedAttachments } from '../../src/attachments/sweep.js';
import { UNLIMITED } from '../../src/attachments/upload-budget.js';
import { DEFAULT_PACE } from '../../src/attachments/upload-pace.js';
import { createLimits } from '../../src/limits/rate-limiter.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { api, testConfig } from '../helpers/server.js';
import { download, upload, uploaded } from '../helpers/uploads.js';

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';

/** A scanner as small as the port: EICAR is infected, "scanner down" makes it unreachable. */
function tinyScanner(seen: string[]): MalwareScanner {
  return {
    async scan(bytes) {
      const text = Buffer.from(bytes).toString();
      seen.push(text);
      if (text.includes('scanner down'))
        throw new ScannerUnavailable('clamd refused the connection');
      return text.includes('EICAR-STANDARD-ANTIVIRUS-TEST-FILE')
        ? { clean: false, signature: 'Eicar-Test-Signature' }
        : { clean: true };
    },
  };
}

const as = (id: string) => ({ senderId: id, senderType: 'user', senderName: 'U' });

describe('attachment wiring', () => {
  let server: RunningServer;
  const scanned: string[] = [];
  beforeAll(async () => {
    server = await startServer(
      testConfig({ kind: 'sqlite', path: ':memory:' }, { RATE_LIMIT: 'on' }),
      {
        logger: pino({ level: 'silent' }),
        checkReplies: true,
        attachments: { scanner: tinyScanner(scanned) },
      },
    );
  });
  afterAll(() => server.close());

  it('with a scanner: clean uploads pass, EICAR is 422 ATTACHMENT_INFECTED, an unreachable scanner 503', async () => {
    const clean = await upload(server, {
      bytes: 'a clean receipt',
      name: 'r.txt',
      fields: as('scan-1'),
    });
    expect(clean.status).toBe(200);
    expect(scanned).toContain('a clean receipt');
    const infected = await upload(server, { bytes: EICAR, name: 'e.txt', fields: as('scan-1') });
    expect(infected.status).toBe(422);
    expect(infected.body).toMatchObject({ code: 'ATTACHMENT_INFECTED' });
    expect(infected.body.error).toContain('Eicar-Test-Signature');
    const down = await upload(server, {
      bytes: 'scanner down',
      name: 'd.txt',
      fields: as('scan-1'),
    });
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('SCANNER_UNAVAILABLE');
    expect(await server.store.attachments.bytesHeldBy('scan-1')).toBe('a clean receipt'.length);
  });

  it('uploads have their own budget per identity: the one past the burst is 429 with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await upload(server, {
        bytes: `note ${i}`,
        name: 'n.txt',
        fields: as('burst-1'),
      });
      statuses.push(res.status);
      if (res.status === 429) expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    const other = await upload(server, { bytes: 'mine', name: 'n.txt', fields: as('burst-2') });
    expect(other.status).toBe(200);
  });

  it('the sweep deletes uploads unused for 24 h, bytes included, and keeps used ones', async () => {
    const unused = uploaded(
      await upload(server, { bytes: 'never sent', name: 'u.txt', fields: as('sweep-1') }),
    );
    const used = uploaded(
      await upload(server, { bytes: 'sent', name: 's.txt', fields: as('sweep-1') }),
    );
    const sent = await api(server, 'POST', '/api/messages', {
      ...as('sweep-1'),
      content: '',
      attachmentId: used.id,
    });
    expect(sent.status).toBe(200);
    const deps = {
      store: server.store,
      limits: createLimits({ enabled: false, messagesPerSecond: 1, messagesBurst: 1 }),
      attachments: {
        blobs: databaseBlobStore(server.store.attachments),
        scanner: undefined,
        links: linkSigner(Buffer.alloc(32), 60),
        maxBytes: 1024,
        maxPixels: 1_000_000,
        quotaBytes: 1024,
        pace: DEFAULT_PACE,
        uploadBudget: UNLIMITED,
        publicUrl: undefined,
        downloadIdleMs: 60_000,
        recentDownloads: recentDownloads(60_000, 100),
      },
    };
    expect((await sweepUnusedAttachments(deps)).uploads).toBe(0);
    const tomorrow = Date.now() + 24 * 60 * 60 * 1000 + 60_000;
    const swept = await sweepUnusedAttachments(deps, tomorrow);
    expect(swept.uploads).toBeGreaterThanOrEqual(1);
    expect(await server.store.attachments.get(unused.id)).toBeUndefined();
    expect(await server.store.attachments.readChunk(`attachments/${unused.id}`, 0)).toBeUndefined();
    expect((await download(server, unused.url)).status).toBe(404);
    expect((await download(server, used.url)).status).toBe(200);
  });
});
