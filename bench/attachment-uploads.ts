/**
 * The uploading clients of bench/attachments.ts, in a process of their own: `node --import
 * tsx bench/attachment-uploads.ts <server url> <clients> <from> <until>` (epoch ms) waits
 * until `from`, uploads a 5 MB PDF from each client in a loop until `until`, downloads
 * each back, and prints the times (JSON). Started before `from`, so that its own start
 * (loading, the file's random bytes) lands in no measured phase. Apart
 * from the senders' process, so that what the senders measure is the server's delay and
 * not their own event loop pushing and reading 5 MB bodies. DOWNLOADS=0 uploads only (what
 * writing files costs the senders, without reading them back).
 */
import { randomBytes } from 'node:crypto';

const FILE_BYTES = 5 * 1024 * 1024;
const [url, clients, from, until] = process.argv.slice(2);
const downloads = process.env.DOWNLOADS !== '0';
const FILE = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(FILE_BYTES - 9)]);

await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(from) - Date.now())));
const up: number[] = [];
const down: number[] = [];
await Promise.all(
  Array.from({ length: Number(clients) }, async (_, i) => {
    while (Date.now() < Number(until)) {
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
process.stdout.write(JSON.stringify({ up, down }));
