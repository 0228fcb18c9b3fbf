/**
 * A worker thread's entry, as `new Worker` takes it: in dist the bundle's own file beside
 * main.js (scripts/build.mjs names `<name>.js` after `store/<name>-thread.ts`). From source
 * (tests, benches under tsx) a plain worker cannot load TypeScript, and test runners'
 * loaders do not reach into it, so the entry is bundled in memory with esbuild (a
 * devDependency, absent from dist, where this path is never taken).
 */
import { fileURLToPath } from 'node:url';

export interface ThreadSource {
  code: string | URL;
  eval: boolean;
}

export async function threadSource(name: string): Promise<ThreadSource> {
  if (!import.meta.url.endsWith('.ts')) {
    return { code: new URL(`./${name}.js`, import.meta.url), eval: false };
  }
  const esbuild = 'esbuild';
  const { build } = (await import(esbuild)) as typeof import('esbuild');
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL(`./${name}-thread.ts`, import.meta.url))],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    external: ['better-sqlite3'],
  });
  const text = bundled.outputFiles[0]?.text ?? '';
  // The native binding is required from here, not from wherever the process started.
  return {
    code: `(function (require) {${text}\n})(require('node:module').createRequire(${JSON.stringify(import.meta.url)}));`,
    eval: true,
  };
}
