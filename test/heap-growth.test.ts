/**
 * The heap's growing factor, read off V8's own trace of the limit it sets after a full
 * collection ("new limit: … (factor)"), in a child process of its own: V8's flags are the
 * whole process's.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TUNABLES } from '../src/tunables.js';

const tsx = createRequire(import.meta.url).resolve('tsx');
const module = fileURLToPath(new URL('../src/heap-growth.ts', import.meta.url));

/** The factors of the limits V8 set after two full collections, and what fixHeapGrowth said. */
function factorsAfterCollections(nodeArgs: string[]): { factors: string[]; set: string } {
  const script = `
    const { fixHeapGrowth } = await import(${JSON.stringify(module)});
    const set = fixHeapGrowth();
    const kept = [];
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 200_000; i++) kept.push({ i, text: 'x' + i });
      globalThis.gc();
    }
    console.log('set=' + set + ' kept=' + kept.length);`;
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      tsx,
      '--expose-gc',
      '--trace-gc-verbose',
      ...nodeArgs,
      '--input-type=module',
      '-e',
      script,
    ],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  expect(result.status, result.stderr).toBe(0);
  const factors = [...result.stdout.matchAll(/\[HeapController\] Limit: .*\(([\d.]+)\)/g)].map(
    (match) => match[1] ?? '',
  );
  return { factors, set: /set=(true|false)/.exec(result.stdout)?.[1] ?? '' };
}

describe('the heap growing factor', { timeout: 60_000 }, () => {
  it('is fixed at the tunable once set, after every full collection', () => {
    const { factors, set } = factorsAfterCollections([]);
    expect(set).toBe('true');
    const expected = (1 + TUNABLES.heapGrowingPercent.value / 100).toFixed(1);
    expect(factors.length).toBeGreaterThanOrEqual(2);
    expect(factors.slice(-2)).toEqual([expected, expected]);
  });

  it("is node's own when it was started with one", () => {
    const { factors, set } = factorsAfterCollections(['--heap-growing-percent=50']);
    expect(set).toBe('false');
    expect(factors.slice(-2)).toEqual(['1.5', '1.5']);
  });
});
