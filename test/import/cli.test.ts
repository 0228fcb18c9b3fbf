/** The command line: arguments, exit codes, the printed summary, and where v2 users are sent. */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { MAX_DOCUMENT_BYTES } from '../../src/import/read-records.js';

const dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
const CHAT = '65a000000000000000000001';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

/**
 * The peak memory the README promises for any export (plus about 100 bytes a chat): measured
 * 110–130 MiB for a small one, about 160 MiB with a 300 MB line, 250–300 MiB for an export of
 * maximum-size documents; without the bounds a 300 MB line took 2.5 GB and more.
 */
const PEAK_MEMORY_MIB = 384;
const HOLE_BYTES = 300 * 1024 * 1024;
/**
 * Messages of 1 MB each, one per chat: held all at once (a batch of 10,000 rows, or the last
 * message of 1000 chats read whole for their preview) they take 400–550 MiB.
 */
const LARGE_MESSAGES = 250;

/** `head`, 300 MB of zero bytes that take no disk space, then `tail`. */
function writeWithHole(path: string, head: string, tail: string): void {
  const fd = openSync(path, 'w');
  try {
    const headBytes = writeSync(fd, head);
    ftruncateSync(fd, headBytes + HOLE_BYTES);
    writeSync(fd, tail, headBytes + HOLE_BYTES);
  } finally {
    closeSync(fd);
  }
}

/** The large exports take 5–10 s on a quiet machine, several times that on a loaded one. */
const LARGE_EXPORT_MS = 120_000;

function runCli(args: string[], env: Record<string, string> = {}, cwd = root, timeout = 30_000) {
  const cli = join(root, 'src/import/cli.ts');
  const result = spawnSync(process.execPath, ['--import', tsx, cli, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, ...env },
    cwd,
    timeout,
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

  it('takes RETENTION_DAYS as the server does: a chat closed before its cutoff is left out, exit 0', () => {
    const here = mkdtempSync(join(dir, 'retention-'));
    writeFileSync(
      join(here, 'chats.json'),
      `${JSON.stringify({ _id: { $oid: CHAT }, userId: 'u1', status: 'closed', createdAt: { $date: '2020-01-01T00:00:00Z' } })}\n`,
    );
    writeFileSync(
      join(here, 'messages.json'),
      `${JSON.stringify({ _id: 'm1', chatId: { $oid: CHAT }, senderId: 'u1', senderType: 'user', content: 'hi', createdAt: { $date: '2020-01-01T00:01:00Z' } })}\n`,
    );
    const env = { DATABASE_URL: `sqlite:${join(here, 'chat.db')}`, RETENTION_DAYS: '365' };
    const result = runCli(['--dir', here], env);
    expect(result.stdout).toMatch(
      /chats: +0 imported, 0 skipped \(already stored\), 1 left out \(closed before the RETENTION_DAYS cutoff\), 0 rejected/,
    );
    expect(result.stdout).toMatch(/messages skipped past-retention: 1/);
    expect(result.code).toBe(0);
  }, 60_000);

  it('names --rejects when its file cannot be written, before it imports anything', () => {
    const here = mkdtempSync(join(dir, 'rejects-'));
    writeFileSync(
      join(here, 'chats.json'),
      `${JSON.stringify({ _id: { $oid: CHAT }, userId: 'u1', createdAt: { $date: '2024-01-01T00:00:00Z' } })}\n`,
    );
    writeFileSync(join(here, 'messages.json'), '');
    const rejects = join(here, 'no-such-folder', 'rejects.jsonl');
    const database = join(here, 'chat.db');
    const result = runCli(['--dir', here, '--rejects', rejects], {
      DATABASE_URL: `sqlite:${database}`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Import failed: --rejects ${rejects}: cannot be written (`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(database)).toBe(false);
  }, 30_000);

  it('explains its arguments and exits 1 without them', () => {
    const result = runCli(['--chats', join(dir, 'missing.json')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /give --dir <folder>, or both --chats <file> and --messages <file>/,
    );
    expect(result.stderr).toMatch(/^Usage: npm run import:v2/m);
    // The names mongoexport was told to write, which --dir alone does not say.
    expect(result.stderr).toContain(
      '--dir <folder> reads <folder>/chats.json and <folder>/messages.json',
    );
  }, 30_000);

  describe('reads only regular files', () => {
    const here = join(dir, 'not-files');
    const fifo = join(here, 'fifo');
    const valid = join(here, 'chats.json');
    const link = (name: string, to: string) => {
      symlinkSync(to, join(here, name));
      return join(here, name);
    };
    mkdirSync(here);
    writeFileSync(valid, '');
    spawnSync('mkfifo', [fifo]);
    const cases = [
      ['a directory', here, 'a directory'],
      ['/dev/zero', '/dev/zero', 'a character device'],
      ['a FIFO', fifo, 'a FIFO (named pipe)'],
      [
        'a link to /dev/zero',
        link('zero.json', '/dev/zero'),
        'a symbolic link to a character device',
      ],
      ['a link to a directory', link('dir.json', here), 'a symbolic link to a directory'],
      ['a link to a FIFO', link('fifo.json', fifo), 'a symbolic link to a FIFO (named pipe)'],
    ];

    it.each(cases)(
      '%s: one line naming it, exit 1, before anything is imported',
      (_, path, kind) => {
        const database = join(here, 'chat.db');
        const result = runCli(['--chats', valid, '--messages', path], {
          DATABASE_URL: `sqlite:${database}`,
        });
        expect(result.code).toBe(1);
        const lines = result.stderr.trim().split('\n');
        expect(lines.at(-1)).toBe(
          `Import failed: ${path} is not a regular file (it is ${kind}); give the files mongoexport wrote`,
        );
        expect(result.stderr).not.toMatch(/^\s+at /m);
        expect(existsSync(database)).toBe(false);
      },
      30_000,
    );
  });

  it(
    `a 300 MB line and a 300 MB array element are rejected with their place; the peak memory stays under ${PEAK_MEMORY_MIB} MiB`,
    () => {
      const here = mkdtempSync(join(dir, 'huge-'));
      const chats = [
        JSON.stringify({ _id: 'c1', userId: 'u1', createdAt: '2024-01-01T00:00:00Z' }),
        JSON.stringify({ _id: 'c2', userId: 'u2', createdAt: '2024-01-01T00:00:00Z' }),
      ];
      const message = (id: string, chatId: string) =>
        JSON.stringify({
          _id: id,
          chatId,
          senderId: 's',
          senderType: 'user',
          content: 'hi',
          createdAt: '2024-01-01T00:01:00Z',
        });
      // Sparse files, written in no time: the 300 MB are a hole the file system reads as zeros.
      writeWithHole(
        join(here, 'chats.json'),
        `${chats[0]}\n{"_id": "c3", "userName": "`,
        `"}\n${chats[1]}\n`,
      );
      writeWithHole(
        join(here, 'messages.json'),
        `[\n${message('m1', 'c1')},\n{"_id": "m3", "content": "`,
        `"},\n${message('m2', 'c2')}\n]\n`,
      );
      const database = `sqlite:${join(here, 'chat.db')}`;
      const result = runCli(['--dir', here], { DATABASE_URL: database }, root, LARGE_EXPORT_MS);
      expect(result.stdout).toMatch(/chats: +2 imported, 0 skipped \(already stored\), 1 rejected/);
      expect(result.stdout).toMatch(
        /messages: 2 imported, 0 skipped \(already stored\), 1 rejected/,
      );
      expect(result.stdout).toMatch(
        /chats rejected document-too-large: 1\n +chats.json line 2 \(document 2\): the document at byte offset \d+ is 314,572,\d{3} bytes, over the 1,048,576 bytes a document may have/,
      );
      expect(result.stdout).toMatch(
        /messages rejected document-too-large: 1\n +messages.json line 3 \(document 2\): the document at byte offset \d+ is 314,572,\d{3} bytes/,
      );
      expect(result.code).toBe(2);
      const peak = Number(/^Peak memory: (\d+) MiB$/m.exec(result.stdout)?.[1]);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThan(PEAK_MEMORY_MIB);
    },
    LARGE_EXPORT_MS,
  );

  it(
    `an export of messages as large as a document may be: peak memory under ${PEAK_MEMORY_MIB} MiB`,
    () => {
      const here = mkdtempSync(join(dir, 'large-'));
      const chatIds = Array.from({ length: LARGE_MESSAGES }, (_, i) => `c${i}`);
      writeFileSync(
        join(here, 'chats.json'),
        chatIds
          .map((id) => JSON.stringify({ _id: id, userId: id, createdAt: '2024-01-01T00:00:00Z' }))
          .join('\n'),
      );
      // Each chat's one message is its last: the preview is taken from a 1 MB message.
      const content = 'x'.repeat(MAX_DOCUMENT_BYTES - 200);
      const fd = openSync(join(here, 'messages.json'), 'w');
      try {
        for (const chatId of chatIds) {
          const createdAt = '2024-01-01T00:01:00Z';
          const doc = {
            _id: `m-${chatId}`,
            chatId,
            senderId: 's',
            senderType: 'user',
            content,
            createdAt,
          };
          writeSync(fd, `${JSON.stringify(doc)}\n`);
        }
      } finally {
        closeSync(fd);
      }
      const database = `sqlite:${join(here, 'chat.db')}`;
      const result = runCli(['--dir', here], { DATABASE_URL: database }, root, LARGE_EXPORT_MS);
      expect(result.stdout).toMatch(new RegExp(`messages: ${LARGE_MESSAGES} imported`));
      expect(result.code).toBe(0);
      const peak = Number(/^Peak memory: (\d+) MiB$/m.exec(result.stdout)?.[1]);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThan(PEAK_MEMORY_MIB);
    },
    LARGE_EXPORT_MS,
  );

  it("the server, given only v2's MONGODB_URI, points to this tool", () => {
    expect(() => loadConfig({ MONGODB_URI: 'mongodb://old' })).toThrow(/npm run import:v2/);
  });
});
