/**
 * The uploading clients of bench/attachments.ts, in a process of their own: `node --import
 * tsx bench/attachment-uploads.ts <server url> <clients>` waits for a line on its standard
 * input, the end of its phase (epoch ms), then uploads a 5 MB PDF from each client in a
 * loop until then, downloads each back, and prints the times (JSON). Started before its
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

let until = 0;
for await (const line of createInterface({ input: process.stdin })) {
  until = Number(line);
  break;
}
const up: number[] = [];
const down: number[] = [];
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
process.stdout.write(JSON.stringify({ up, down }));
