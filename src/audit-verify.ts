/**
 * `npm run audit:verify`: checks every chain of the audit log in the database the server
 * would open (DATABASE_URL). Exit code 0 when every chain is intact, 1 at the first break
 * (named on stderr: the entry, its chain and what is wrong), 2 when it could not run.
 * `--checkpoint FILE` also requires every chain to still pass through the ends an earlier
 * run recorded there; `--save-checkpoint FILE` records this run's ends, only when intact.
 * An SQLite file is held by its running server: verify a copy, or with the server stopped.
 */

import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { describeBreak } from './audit/chain.js';
import { type Checkpoint, checkpointOf, parseCheckpoint } from './audit/checkpoint.js';
import { verifyAudit } from './audit/verify.js';
import { ConfigError, loadConfig } from './config.js';
import { loadDotEnv } from './env-file.js';
import { openStore } from './store/open.js';
import { SqliteFileInUse } from './store/sqlite-lock.js';

class UsageError extends Error {}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

function readCheckpoint(path: string): Checkpoint {
  try {
    return parseCheckpoint(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`--checkpoint ${path}: ${messageOf(err)}`);
  }
}

const unwritable = (path: string, err: unknown) =>
  new UsageError(`--save-checkpoint ${path}: cannot be written (${messageOf(err)})`);

/** Tries that a checkpoint can be written to `path` (its temporary file made, then removed). */
function checkWritable(path: string): void {
  try {
    writeFileSync(`${path}.tmp`, '');
    rmSync(`${path}.tmp`);
  } catch (err) {
    throw unwritable(path, err);
  }
}

/**
 * Written whole or not at all (a half-written checkpoint would fail the next run): to
 * `<path>.tmp`, then renamed.
 */
function writeCheckpoint(path: string, text: string): void {
  try {
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  } catch (err) {
    throw unwritable(path, err);
  }
}

async function main(): Promise<number> {
  let values: { checkpoint?: string | undefined; 'save-checkpoint'?: string | undefined };
  try {
    ({ values } = parseArgs({
      options: { checkpoint: { type: 'string' }, 'save-checkpoint': { type: 'string' } },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError(messageOf(err));
  }
  const checkpoint = values.checkpoint ? readCheckpoint(values.checkpoint) : undefined;
  const save = values['save-checkpoint'];
  // Found out now, not after walking every chain.
  if (save) checkWritable(save);
  loadDotEnv();
  const { database } = loadConfig({ DATABASE_URL: process.env.DATABASE_URL });
  // Opening a path that is not there would create an empty database, which "verifies".
  if (database.kind === 'sqlite' && database.path !== ':memory:' && !existsSync(database.path)) {
    throw new UsageError(`DATABASE_URL: there is no SQLite file at ${database.path}`);
  }
  const store = await openStore(database).catch((err: unknown) => {
    // The store's own advice (PostgreSQL for several nodes) is for a second server.
    if (err instanceof SqliteFileInUse && database.kind === 'sqlite') {
      throw new UsageError(
        `DATABASE_URL: the SQLite file ${database.path} is in use by another server process (or a v2 import), which holds it alone: stop the server first, or verify a copy taken while it was stopped (DATABASE_URL=sqlite:<copy> npm run audit:verify)`,
      );
    }
    throw err;
  });
  try {
    const result = await verifyAudit(store.audit, { checkpoint });
    const counted = `${counting(result.entries, 'entry', 'entries')} in ${counting(result.chains, 'chain', 'chains')}`;
    if (!result.ok) {
      process.stderr.write(
        `Audit log broken: ${describeBreak(result.broken)} (checked ${counted})\n`,
      );
      return 1;
    }
    const against = checkpoint ? `, every chain through the checkpoint of ${checkpoint.at}` : '';
    process.stdout.write(`Audit log intact: ${counted}${against}\n`);
    if (save) {
      writeCheckpoint(save, JSON.stringify(checkpointOf(result.heads, new Date())));
      const ends = counting(result.heads.size, "chain's end", "chains' ends");
      process.stdout.write(`Checkpoint of ${ends} written to ${save}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

/** "1 chain", "3 chains": a fresh database's log is one chat's chain. */
function counting(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // What an operator can act on is one line; a stack only for what no one foresaw.
    const foreseen = err instanceof ConfigError || err instanceof UsageError;
    const message =
      foreseen || !(err instanceof Error) ? messageOf(err) : (err.stack ?? err.message);
    process.stderr.write(`Audit verification could not run: ${message}\n`);
    process.exitCode = 2;
  },
);
