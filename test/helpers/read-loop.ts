/**
 * A client reading as fast as its budget allows, in a process of its own (so that its
 * parsing of replies is not counted as the server's event-loop time): `loops` concurrent
 * loops over `paths`, each waiting out a 429's retryAfterMs. Driven over the IPC channel
 * of child_process.fork: 'start' begins, 'stop' ends and answers the counts.
 */
import { readPoints } from '../../src/limits/read-cost.js';

export interface ReadLoopStart {
  kind: 'start';
  url: string;
  token: string;
  paths: string[];
  loops: number;
}
export type ReadLoopCommand = ReadLoopStart | { kind: 'stop' };
export interface ReadLoopCounts {
  served: number;
  /** What the served replies cost the reads budget (src/limits/read-cost.ts). */
  points: number;
  refused: number;
  /** The first unexpected answer, if any (a read must be 200 or 429). */
  failure?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let running = false;
let loops: Promise<void>[] = [];
let counts: ReadLoopCounts = { served: 0, points: 0, refused: 0 };
let next = 0;

async function loop(start: ReadLoopStart): Promise<void> {
  while (running) {
    const path = start.paths[next++ % start.paths.length] as string;
    try {
      const res = await fetch(`${start.url}${path}`, {
        headers: { authorization: `Bearer ${start.token}` },
      });
      const text = await res.text();
      if (res.status === 200) {
        counts.served++;
        counts.points += readPoints(text.length);
      } else if (res.status === 429) {
        counts.refused++;
        await sleep((JSON.parse(text) as { retryAfterMs: number }).retryAfterMs);
      } else counts.failure ??= `${path}: ${res.status} ${text.slice(0, 200)}`;
    } catch (err) {
      counts.failure ??= `${path}: ${String(err)}`;
    }
  }
}

process.on('message', async (command: ReadLoopCommand) => {
  if (command.kind === 'start') {
    running = true;
    counts = { served: 0, points: 0, refused: 0 };
    loops = Array.from({ length: command.loops }, () => loop(command));
    return;
  }
  running = false;
  await Promise.all(loops);
  process.send?.(counts);
});
process.on('disconnect', () => process.exit(0));
