/**
 * `node --expose-gc --import tsx bench/transcript-memory.ts [messages...]`: how much memory
 * a transcript download holds, by the length of the chat. For each length, a chat is
 * seeded (bulk, straight into a fresh database of each store), a server started in this
 * process, and the HTML and JSON transcripts read by a client that takes them a chunk at a
 * time; the heap is sampled every 5 ms during the download, and measured after a forced
 * GC every 50 reads. Printed: the bytes sent, the heap's peak above the heap before (after
 * a GC; garbage included), the live heap's peak (what the download holds), and the CPU
 * time of the download (this process: server, client and those GCs together).
 */
import { seedLongChat } from '../test/helpers/bulk-seed.js';
import { startTestServer } from '../test/helpers/server.js';
import { storeTargets } from '../test/helpers/stores.js';

const lengths = process.argv.slice(2).map(Number);
const sizes = lengths.length > 0 ? lengths : [1000, 10000, 100000];
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

for (const target of await storeTargets()) {
  for (const messages of sizes) {
    const db = await target.create();
    const { chatId } = await seedLongChat(db.config, 'bench-user', messages);
    const server = await startTestServer(db.config);
    try {
      for (const format of ['html', 'json'] as const) {
        gc();
        const before = process.memoryUsage().heapUsed;
        let peak = before;
        const sampler = setInterval(() => {
          peak = Math.max(peak, process.memoryUsage().heapUsed);
        }, 5);
        const cpu = process.cpuUsage();
        const res = await fetch(`${server.url}/api/chats/${chatId}/transcript?format=${format}`);
        let bytes = 0;
        let reads = 0;
        // What the download holds, garbage aside: the heap after a GC, every 50 reads.
        let live = before;
        const reader = res.body?.getReader();
        for (;;) {
          const chunk = await reader?.read();
          if (!chunk || chunk.done) break;
          bytes += chunk.value.byteLength;
          peak = Math.max(peak, process.memoryUsage().heapUsed);
          if (++reads % 50 === 0) {
            gc();
            live = Math.max(live, process.memoryUsage().heapUsed);
          }
        }
        const used = process.cpuUsage(cpu); // includes the GCs above
        clearInterval(sampler);
        console.log(
          `${target.name} ${messages} messages ${format}: sent ${mb(bytes)}, heap peak +${mb(peak - before)}, live after GC +${mb(live - before)}, CPU ${((used.user + used.system) / 1000).toFixed(0)} ms`,
        );
      }
    } finally {
      await server.close();
      await db.drop();
    }
  }
}
