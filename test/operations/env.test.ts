import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OVERRIDABLE, overrideOf } from '../../src/tunables.js';
import { itemAt } from '../helpers/lists.js';
import { runServerProcess, waitFor200 } from '../helpers/process.js';
import { freePort } from '../helpers/processes.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'chat-env-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every environment variable src/config.ts names (as a string literal or env.NAME). */
function variablesConfigReads(): string[] {
  // config.ts, and the attachments' outside services, which main.ts reads beside it.
  const source = [
    'src/config.ts',
    'src/attachments/s3-config.ts',
    'src/attachments/clamav-config.ts',
  ]
    .map((file) => readFileSync(join(root, file), 'utf8'))
    .join('\n');
  const names = new Set<string>();
  for (const m of source.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)'|\benv\.([A-Z][A-Z0-9_]*)/g)) {
    names.add(m[1] ?? itemAt(m, 2));
  }
  // The tunables' variables are read from the catalogue's list of overrides.
  for (const name of OVERRIDABLE) names.add(overrideOf(name).env);
  return [...names].sort();
}

describe('.env.example', () => {
  it('lists every variable config.ts reads, with its default, and nothing else', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const listed = [...example.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]).sort();
    const read = variablesConfigReads();
    expect(read.length).toBeGreaterThanOrEqual(20);
    expect(listed).toEqual(read);
  });
});

describe('a tunable an environment variable overrides', () => {
  it('is read from the configuration by the code it tunes, so that setting the variable takes effect', () => {
    // Reading the catalogue's default instead (TUNABLES.x.value) ignores the variable while
    // .env.example and docs/tunables.md say it works.
    const source = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && file !== 'tunables.ts')
      .map((file) => readFileSync(join(root, 'src', file), 'utf8'))
      .join('\n');
    const unread = OVERRIDABLE.filter((name) => !source.includes(`tunables.${name}`));
    expect(unread).toEqual([]);
  });
});

describe('.env', () => {
  it('is read at start from the working directory; the real environment wins over it', async () => {
    const port = await freePort();
    writeFileSync(
      join(work, '.env'),
      [
        `PORT=${port}`,
        'DATABASE_URL=sqlite:./from-dotenv.db',
        '# the environment sets LOG_LEVEL=warn; this value would stop the server',
        'LOG_LEVEL=not-a-level',
      ].join('\n'),
    );
    const proc = runServerProcess(work, {});
    try {
      await waitFor200(port);
      expect(existsSync(join(work, 'from-dotenv.db'))).toBe(true);
      proc.child.kill('SIGTERM');
      expect(await proc.exit).toBe(0);
    } finally {
      proc.child.kill('SIGKILL');
    }
  });
});
