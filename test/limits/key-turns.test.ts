/** Reads of one identity take turns; other identities' do not wait for them. */
import { describe, expect, it } from 'vitest';
import { KeyTurns } from '../../src/limits/key-turns.js';

describe('key turns', () => {
  it('gives one key its turns one at a time, in order of arrival', async () => {
    const turns = new KeyTurns();
    const log: string[] = [];
    const work = async (name: string) => {
      const end = await turns.take('reader');
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 5));
      log.push(`end ${name}`);
      end();
    };
    await Promise.all([work('a'), work('b'), work('c')]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('lets other keys go on while one key waits, and forgets idle keys', async () => {
    const turns = new KeyTurns();
    const endFirst = await turns.take('reader');
    const second = turns.take('reader');
    const other = await turns.take('someone else');
    other();
    await new Promise((r) => setImmediate(r));
    expect(turns.size).toBe(1);
    endFirst();
    endFirst(); // a second end does nothing
    (await second)();
    await new Promise((r) => setImmediate(r));
    expect(turns.size).toBe(0);
  });
});
