/**
 * The import's progress as plain lines (a log, CI): one as each phase ends, whatever the
 * phase before it showed.
 */
import { describe, expect, it } from 'vitest';
import { type ProgressStream, terminalProgress } from '../../src/import/progress.js';

/** A stream that is not a terminal, keeping what is written to it. */
function logStream(): { stream: ProgressStream; lines: string[] } {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (text: string) => lines.push(text.trimEnd()) };
  return { stream, lines };
}

describe('import progress lines', () => {
  it("prints each phase's end, also when it counts what the phase before it counted", () => {
    const { stream, lines } = logStream();
    const progress = terminalProgress(stream);
    // Two files alike in size and rows (two empty ones, say): checked one after the other.
    for (const file of ['chats.json', 'messages.json']) {
      progress.start(`checking ${file}`, 120);
      progress.update(120, 3);
      progress.stop();
    }
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      'checking chats.json',
      'checking messages.json',
    ]);
  });
});
