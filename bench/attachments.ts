/**
 * `node --import tsx bench/attachments.ts [sqlite|postgres]`: what uploads cost the
 * people sending messages. Ten senders send over REST, one message at a time each, for a
 * phase without uploads and a phase while ten clients upload 5 MB files in a loop; it
 * prints each phase's send latency (p50, p99) and the uploads' and downloads' throughput.
 * UPLOADERS (default 10) sets how many clients upload at once: 1 is "a large file is being
 * written", 10 a machine busy with uploads.
 * The server runs as its own process (dist/main.js: `npm run build` first), so the load
 * generator's work is not counted in its event loop. CHECKOUT runs another build's dist
 * (an A/B: alternate runs of the two, several rounds, on a loaded machine).
 */
import { randomBytes } from 'node:crypto';
import { storeTargets } from '../test/helpers/stores.js';
import { startServer } from './processes.js';

const which = process.argv[2] ?? 'sqlite';
const target = (await storeTargets()).find((t) => t.name === which);
if (!target) throw new Error(`no ${which} store here`);
const db = await target.create();
const databaseUrl = db.config.kind === 'sqlite' ? `sqlite:${db.config.path}` : db.config.url;
const server = await startServer(
  which,
  databaseUrl,
  { ATTACHMENT_QUOTA_BYTES: String(1024 ** 4), ATTACHMENT_URL_SECRET: 'x'.repeat(32) },
  [],
  process.env.CHECKOUT,
);
const PHASE_MS = Number(process.env.PHASE_MS ?? 10_000);
const UPLOADERS = Number(process.env.UPLOADERS ?? 10);
const FILE = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(5 * 1024 * 1024 - 9)]);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};

async function senders(until: number): Promise<number[]> {
  const times: number[] = [];
  await Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      const id = `bench-sender-${i}-${Math.random().toString(36).slice(2, 6)}`;
      while (Date.now() < until) {
        const t = performance.now();
        const res = await fetch(`${server.url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            senderId: id,
            senderType: 'user',
            senderName: 'B',
            content: 'hello',
          }),
        });
        await res.arrayBuffer();
        times.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
    }),
  );
  return times;
}

async function uploaders(until: number): Promise<{ up: number[]; down: number[] }> {
  const up: number[] = [];
  const down: number[] = [];
  await Promise.all(
    Array.from({ length: UPLOADERS }, async (_, i) => {
      while (Date.now() < until) {
        const form = new FormData();
        form.set('senderId', `bench-uploader-${i}`);
        form.set('file', new Blob([FILE], { type: 'application/pdf' }), 'f.pdf');
        let t = performance.now();
        const res = await fetch(`${server.url}/api/attachments`, { method: 'POST', body: form });
        const body = (await res.json()) as { attachment?: { url: string } };
        if (!body.attachment) throw new Error(JSON.stringify(body));
        up.push(performance.now() - t);
        t = performance.now();
        const file = await fetch(`${server.url}${body.attachment.url}`);
        await file.arrayBuffer();
        down.push(performance.now() - t);
      }
    }),
  );
  return { up, down };
}

const quiet = await senders(Date.now() + PHASE_MS);
const end = Date.now() + PHASE_MS;
const [busy, files] = await Promise.all([senders(end), uploaders(end)]);

const ms = (x: number) => `${x.toFixed(1)} ms`;
const mbps = (times: number[]) =>
  `${(FILE.length / 1e6 / (quantile(times, 0.5) / 1000)).toFixed(1)} MB/s per upload (median ${ms(quantile(times, 0.5))}, ${times.length} done)`;
console.log(`store: ${which}`);
console.log(
  `sends alone:        p50 ${ms(quantile(quiet, 0.5))}  p99 ${ms(quantile(quiet, 0.99))}  (${quiet.length})`,
);
console.log(
  `sends with uploads: p50 ${ms(quantile(busy, 0.5))}  p99 ${ms(quantile(busy, 0.99))}  (${busy.length})`,
);
console.log(`5 MB upload (${UPLOADERS} at once):   ${mbps(files.up)}`);
console.log(`5 MB download (${UPLOADERS} at once): ${mbps(files.down)}`);
await server.stop();
await db.drop();
