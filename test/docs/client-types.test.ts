/**
 * The client types as integrators get them. `npm run build` writes dist/client.d.ts (one
 * self-contained file, generated from the zod schemas) and the `<fastorika-chat>` typings;
 * `tsc -p tsconfig.client.json` checks that they compile on their own. Then:
 * - test/fixtures/typed-client imports 'fastorika-chat-server/client' by name (through
 *   package.json "exports", as for an installed package);
 * - a project in a temp folder has only what docs/console-and-widget.md says to take: the
 *   copied .d.ts files, socket.io-client (and preact for the JSX typings) — no zod, no
 *   server. Its client compiles, and wrong payloads do not.
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
/** tsc's output, '' when it compiled. */
const tsc = (project: string, cwd = root, options: string[] = []) =>
  run(process.execPath, [TSC, '-p', project, ...options], { cwd }).then(
    () => '',
    (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ''}${err.stderr ?? ''}`,
  );

/** An integrator's project: strict, bundler resolution, JSX by Preact. */
const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2022', 'DOM'],
    types: [],
    strict: true,
    noEmit: true,
    jsx: 'react-jsx',
    jsxImportSource: 'preact',
  },
  include: ['src'],
};

const PREACT_APP = `
import { useEffect, useRef } from 'preact/hooks';
import type { FastorikaChatElement } from './types/fastorika-chat';

export function Support({ token, onToken }: { token: string; onToken(): Promise<string> }) {
  const ref = useRef<FastorikaChatElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const expiring = (e: CustomEvent<{ expiresAt: number | null; expired: boolean }>) => {
      void onToken().then((fresh) => {
        el.token = fresh;
      });
      void e.detail.expired;
    };
    el.addEventListener('fastorika:token-expired', expiring);
    el.addEventListener('fastorika:unread', (e) => {
      const count: number = e.detail;
      void count;
    });
    return () => el.removeEventListener('fastorika:token-expired', expiring);
  }, [onToken]);
  return <fastorika-chat ref={ref} token={token} lang="uz" data-mount="none" />;
}

const found = document.querySelector('fastorika-chat');
found?.addEventListener('fastorika:open', (e) => void e.detail);
`;

/** Wrong uses, each with a piece of the error tsc must give. */
const WRONG: Array<[string, string]> = [
  [
    `import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from './types/fastorika-chat-client';
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io('https://chat.example');
socket.emit('send-message', { chatId: 42, content: 'hello' }, () => {});`,
    "Type 'number' is not assignable to type 'string'",
  ],
  [
    `import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from './types/fastorika-chat-client';
const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io('https://chat.example');
socket.on('typing', (p) => { const on: string = p.isTyping; void on; });`,
    "Type 'boolean' is not assignable to type 'string'",
  ],
  [
    `const el = document.querySelector('fastorika-chat');
el?.addEventListener('fastorika:unread', (e) => { const s: string = e.detail; void s; });`,
    "Type 'number' is not assignable to type 'string'",
  ],
  [`export const x = <fastorika-chat tokne="x" />;`, 'tokne'],
];

describe('the client types', () => {
  let project: string;

  beforeAll(async () => {
    await run(process.execPath, [join(root, 'scripts', 'build-client-types.mjs')], { cwd: root });
    // What the docs say to take: the .d.ts files copied into the project, and the
    // socket.io-client (and preact) packages. Nothing else is resolvable from it.
    project = mkdtempSync(join(tmpdir(), 'fastorika-client-'));
    mkdirSync(join(project, 'src', 'types'), { recursive: true });
    copyFileSync(
      join(root, 'dist', 'client.d.ts'),
      join(project, 'src', 'types', 'fastorika-chat-client.d.ts'),
    );
    for (const file of ['fastorika-chat.d.ts', 'fastorika-chat.preact.d.ts']) {
      copyFileSync(join(root, 'dist', file), join(project, 'src', 'types', file));
    }
    mkdirSync(join(project, 'node_modules'));
    for (const pkg of ['socket.io-client', 'preact']) {
      symlinkSync(join(root, 'node_modules', pkg), join(project, 'node_modules', pkg), 'dir');
    }
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  }, 60_000);

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('compile on their own (tsconfig.client.json) and import nothing', async () => {
    expect(await tsc('tsconfig.client.json')).toBe('');
    const text = readFileSync(join(root, 'dist', 'client.d.ts'), 'utf8');
    // (the header's usage example is a comment)
    expect(text).not.toMatch(/^\s*(import|export\s.*\sfrom)\s|\bimport\(|\brequire\(/m);
  }, 120_000);

  it('type the package import: socket.io-client events, REST bodies; wrong payloads fail', async () => {
    expect(await tsc('test/fixtures/typed-client/tsconfig.json')).toBe('');
  }, 120_000);

  it('compile in another project with only socket.io-client and preact, and refuse wrong payloads', async () => {
    // The package fixture's client, importing the copied file instead of the package.
    const client = readFileSync(
      join(root, 'test', 'fixtures', 'typed-client', 'client.ts'),
      'utf8',
    ).replace("from 'fastorika-chat-server/client'", "from './types/fastorika-chat-client'");
    writeFileSync(join(project, 'src', 'client.ts'), client);
    writeFileSync(join(project, 'src', 'support.tsx'), PREACT_APP);
    // Incremental: the second run checks only the new files, not the DOM and Preact typings again.
    const incremental = ['--incremental', '--tsBuildInfoFile', join(project, 'tsbuildinfo')];
    expect(await tsc('tsconfig.json', project, incremental)).toBe('');

    // All in one run (tsc is slow on a busy machine): each file must fail, as expected.
    // zod is nowhere to be found from the project: the types never needed it.
    writeFileSync(join(project, 'src', 'zod-probe.ts'), "export { z } from 'zod';\n");
    for (const [i, [source]] of WRONG.entries()) {
      writeFileSync(join(project, 'src', `wrong${i}.tsx`), source);
    }
    const errors = await tsc('tsconfig.json', project, incremental);
    const probe = errors.split('\n').filter((line) => line.startsWith('src/zod-probe.ts('));
    expect(probe.join('\n')).toContain("Cannot find module 'zod'");
    for (const [i, [, error]] of WRONG.entries()) {
      const own = errors.split('\n').filter((line) => line.startsWith(`src/wrong${i}.tsx(`));
      expect(own.join('\n')).toContain(error);
    }
    expect(
      errors
        .split('\n')
        .filter(
          (l) =>
            l.includes('error TS') && !l.startsWith('src/wrong') && !l.startsWith('src/zod-probe'),
        ),
    ).toEqual([]);
  }, 120_000);
});
