/** The command line: arguments, exit codes, the printed summary, and where v2 users are sent. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

const dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
const CHAT = '65a000000000000000000001';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

function runCli(args: string[], env: Record<string, string> = {}, cwd = root) {
  const cli = join(root, 'src/import/cli.ts');
  const result = spawnSync(process.execPath, ['--import', tsx, cli, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    cwd,
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run import:v2', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports --dir into DATABASE_URL, prints progress and a summary by reason, exits 2 on rejects', () => {
    writeFileSync(
      join(dir, 'chats.json'),
      `${JSON.stringify({ _id: { $oid: CHAT }, userId: 'u1', status: 'waiting', createdAt: { $date: '2024-01-01T00:00:00Z' } })}\n`,
    );
    writeFileSync(
      join(dir, 'messages.json'),
      `[${JSON.stringify({ _id: 'm1', chatId: { $oid: CHAT }, senderId: 'u1', senderType: 'user', content: 'hi', createdAt: { $date: '2024-01-01T00:01:00Z' } })},\n{"_id": "m2", "chatId": "nope", "senderId": "u1", "senderType": "user", "createdAt": "2024-01-01T00:02:00Z"}]`,
    );
    const rejects = join(dir, 'rejects.jsonl');
    // MONGODB_URI beside it must not stop the import (the server would refuse to start).
    const env = { DATABASE_URL: `sqlite:${join(dir, 'chat.db')}`, MONGODB_URI: 'mongodb://old' };
    const first = runCli(['--dir', dir, '--rejects', rejects], env);
    expect(first.stderr).toMatch(/messages: 100% · 2 rows/);
    expect(first.stdout).toMatch(/chats: +1 imported, 0 skipped \(already stored\), 0 rejected/);
    expect(first.stdout).toMatch(/messages: 1 imported, 0 skipped \(already stored\), 1 rejected/);
    expect(first.stdout).toMatch(
      /messages rejected chat-missing: 1\n +messages.json line 2 \(document 2, _id m2\): chatId: no chat nope/,
    );
    expect(first.code).toBe(2);
    expect(JSON.parse(readFileSync(rejects, 'utf8'))).toMatchObject({
      outcome: 'rejected',
      collection: 'messages',
      line: 2,
      reason: 'chat-missing',
    });

    const again = runCli(
      ['--chats', join(dir, 'chats.json'), '--messages', join(dir, 'messages.json')],
      env,
    );
    expect(again.stdout).toMatch(/messages: 0 imported, 1 skipped/);
  }, 60_000);

  it('reads DATABASE_URL from ./.env as the server does; the real environment wins', () => {
    const here = mkdtempSync(join(dir, 'cwd-'));
    writeFileSync(join(here, '.env'), `DATABASE_URL=sqlite:${join(here, 'from-env.db')}\n`);
    const fromFile = runCli(['--dir', dir], {}, here);
    expect(fromFile.stderr).toContain(join(here, 'from-env.db'));
    expect(fromFile.stdout).toMatch(/chats: +1 imported/);
    const real = runCli(['--dir', dir], { DATABASE_URL: `sqlite:${join(here, 'real.db')}` }, here);
    expect(real.stderr).toContain(join(here, 'real.db'));
  }, 60_000);

  it('explains its arguments and exits 1 without them', () => {
    const result = runCli(['--chats', join(dir, 'missing.json')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /give --dir <folder>, or both --chats <file> and --messages <file>/,
    );
    expect(result.stderr).toMatch(/^Usage: npm run import:v2/m);
  }, 30_000);

  it("the server, given only v2's MONGODB_URI, points to this tool", () => {
    expect(() => loadConfig({ MONGODB_URI: 'mongodb://old' })).toThrow(/npm run import:v2/);
  });
});
