/**
 * The package's client types, as a consumer gets them: build dist/client.d.ts the way
 * `npm run build` does, then type-check test/fixtures/typed-client, which imports
 * 'fastorika-chat-server/client' by name (resolved through package.json "exports", as
 * for an installed package) and has lines that must not compile.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = (project: string) =>
  run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { cwd: root }).then(
    () => '',
    (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
  );

describe('fastorika-chat-server/client', () => {
  it('types a socket.io-client Socket and REST bodies; wrong payloads do not compile', async () => {
    expect(await tsc('tsconfig.client.json')).toBe('');
    expect(await tsc('test/fixtures/typed-client/tsconfig.json')).toBe('');
  }, 120_000);
});
