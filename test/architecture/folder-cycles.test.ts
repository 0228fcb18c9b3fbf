/**
 * The folders of src/ import one another one way only: no folder reaches, through any chain
 * of imports (type imports included), back to itself. A cycle means two folders can no
 * longer be understood, tested or moved apart; the failure names the folders and one way
 * round the cycle.
 */
import { cruise } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { folderCycles, folderGraph, folderOf, type ModuleImport } from './folder-graph.js';

/** Every import between modules of src/, as dependency-cruiser resolves them. */
async function importsOfSrc(): Promise<ModuleImport[]> {
  const result = await cruise(['src'], {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  });
  if (typeof result.output === 'string') throw new Error('expected the module graph, got text');
  return result.output.modules.flatMap((module) =>
    module.dependencies
      .filter((d) => !d.coreModule && !d.couldNotResolve)
      .map((d) => ({ from: module.source, to: d.resolved })),
  );
}

describe('the folder graph', () => {
  it('names a folder by its first segment under src/; a top-level file is a folder of its own', () => {
    expect(folderOf('src/http/routes/chats.ts')).toBe('http');
    expect(folderOf('src/errors.ts')).toBe('errors.ts');
    expect(folderOf('node_modules/kysely/dist/index.js')).toBeUndefined();
  });

  it('finds a cycle through three folders and says which way round it runs', () => {
    const graph = folderGraph([
      { from: 'src/a/one.ts', to: 'src/b/two.ts' },
      { from: 'src/b/two.ts', to: 'src/c/three.ts' },
      { from: 'src/c/three.ts', to: 'src/a/other.ts' },
      { from: 'src/c/three.ts', to: 'src/leaf.ts' },
      { from: 'src/a/one.ts', to: 'src/a/other.ts' },
    ]);
    expect(folderCycles(graph)).toEqual([{ folders: ['a', 'b', 'c'], path: ['a', 'b', 'c', 'a'] }]);
  });

  it('finds no cycle where imports point one way, and ignores imports inside a folder', () => {
    const graph = folderGraph([
      { from: 'src/a/one.ts', to: 'src/b/two.ts' },
      { from: 'src/a/one.ts', to: 'src/a/two.ts' },
      { from: 'src/a/two.ts', to: 'src/a/one.ts' },
      { from: 'src/b/two.ts', to: 'node_modules/x/index.js' },
    ]);
    expect(folderCycles(graph)).toEqual([]);
  });

  it('finds two separate cycles as two', () => {
    const graph = folderGraph([
      { from: 'src/a/x.ts', to: 'src/b/x.ts' },
      { from: 'src/b/x.ts', to: 'src/a/x.ts' },
      { from: 'src/c/x.ts', to: 'src/d/x.ts' },
      { from: 'src/d/x.ts', to: 'src/c/x.ts' },
      { from: 'src/b/x.ts', to: 'src/c/x.ts' },
    ]);
    expect(folderCycles(graph).map((c) => c.folders)).toEqual([
      ['c', 'd'],
      ['a', 'b'],
    ]);
  });
});

describe('src/', () => {
  it('has no folder cycle', { timeout: 60_000 }, async () => {
    const imports = await importsOfSrc();
    // The graph is the real one: the composition root reaches the transports and the store.
    const graph = folderGraph(imports);
    expect(graph.get('server.ts')).toEqual(expect.any(Set));
    expect([...(graph.get('server.ts') ?? [])]).toEqual(
      expect.arrayContaining(['http', 'realtime', 'store']),
    );
    const cycles = folderCycles(graph).map(
      (c) => `${c.folders.join(', ')} depend on one another, e.g. ${c.path.join(' → ')}`,
    );
    expect(cycles).toEqual([]);
  });
});
