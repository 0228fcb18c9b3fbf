/**
 * The uploading clients of bench/attachments.ts, in a process of their own: `node --import
 * tsx bench/attachment-uploads.ts <server url> <clients>` reads lines on its standard
 * input, each the end of a window (epoch ms): it uploads a 5 MB PDF from each client in a
 * loop until then, downloads each back, and prints `idle` once the window's last uploads
 * ended; after `done` it prints the times (JSON). Started before its
 * phase, so that its own start (loading, the file's random bytes) lands in none. Apart
 * from the senders' process, so that what the senders measure is the server's delay and
 * not their own event loop pushing and reading 5 MB bodies. DOWNLOADS=0 uploads only (what
 * writing files costs the senders, without reading them back).
 */
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';

const FILE_BYTES = 5 * 1024 * 1024;
const [url, clients] = process.argv.slice(2);
const downloads = process.env.DOWNLOADS !== '0';
const FILE = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(FILE_BYTES - 9)]);

const up: number[] = [];
const down: number[] = [];

/** Every client uploads (and downloads back) in a loop until `until`, then stops. */
async function uploadUntil(until: number): Promise<void> {
  await Promise.all(
    Array.from({ length: Number(clients) }, async (_, i) => {
      while (Date.now() < until) {
        const form = new FormData();
        form.set('senderId', `bench-uploader-${i}`);
        form.set('file', new Blob([FILE], { type: 'application/pdf' }), 'f.pdf');
        let t = performance.now();
        const res = await fetch(`${url}/api/attachments`, { method: 'POST', body: form });
        const body = (await res.json()) as { attachment?: { url: string } };
        if (!body.attachment) throw new Error(JSON.stringify(body));
        up.push(performance.now() - t);
        if (!downloads) continue;
        t = performance.now();
        const file = await fetch(`${url}${body.attachment.url}`);
        await file.arrayBuffer();
        down.push(performance.now() - t);
      }
    }),
  );
}

// Each line is the end of a window to upload in; `done` (or the end of the input) ends it.
// After each window a line `idle`: the last uploads begun in it have ended.
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'done') break;
  await uploadUntil(Number(line));
  process.stdout.write('idle\n');
}
process.stdout.write(JSON.stringify({ up, down }));
