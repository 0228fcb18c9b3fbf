/**
 * The build's plugin that bundles engine.io-client's transport map as polling and
 * WebSocket only (scripts/build-web.mjs): it either replaces the map or stops the build,
 * never letting WebTransport back in unnoticed when engine.io-client changes its layout.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

let plugin: Plugin;
beforeAll(async () => {
  const script = pathToFileURL(join(ROOT, 'scripts', 'build-web.mjs')).href;
  ({ pollingAndWebSocketOnly: plugin } = (await import(script)) as {
    pollingAndWebSocketOnly: Plugin;
  });
});

/** A browser bundle of one line that imports from `specifier`. */
const bundle = (specifier: string) =>
  build({
    stdin: { contents: `export { Socket } from '${specifier}';`, resolveDir: ROOT },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    logLevel: 'silent',
    plugins: [plugin],
  });

describe("the build's engine.io-client transports", () => {
  it('keeps polling and websocket and leaves WebTransport out', async () => {
    const result = await bundle('engine.io-client');
    const code = result.outputFiles[0]?.text ?? '';
    expect(code.includes('new WebTransport(')).toBe(false);
    expect(code.includes('new XMLHttpRequest')).toBe(true);
  });

  it('stops the build when engine.io-client is bundled from where the plugin does not look', async () => {
    // Its debug build: the same map in another folder, as a new layout would put it.
    await expect(bundle('engine.io-client/debug')).rejects.toThrow(/transport/);
  });
});
