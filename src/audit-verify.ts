/**
 * `npm run audit:verify`: checks every chain of the audit log in the database the server
 * would open (DATABASE_URL). Exit code 0 when every chain is intact, 1 at the first break
 * (named on stderr: the entry, its chain and what is wrong), 2 when it could not run.
 * An SQLite file is held by its running server: verify a copy, or with the server stopped.
 */

import { describeBreak } from './audit/chain.js';
import { verifyAudit } from './audit/verify.js';
import { ConfigError, loadConfig } from './config.js';
import { loadDotEnv } from './env-file.js';
import { openStore } from './store/open.js';

async function main(): Promise<number> {
  loadDotEnv();
  const { database } = loadConfig({ DATABASE_URL: process.env.DATABASE_URL });
  const store = await openStore(database);
  try {
    const result = await verifyAudit(store.audit);
    const counted = `${result.entries} entries in ${result.chains} chains`;
    if (result.ok) {
      process.stdout.write(`Audit log intact: ${counted}\n`);
      return 0;
    }
    process.stderr.write(
      `Audit log broken: ${describeBreak(result.broken)} (checked ${counted})\n`,
    );
    return 1;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message =
      err instanceof ConfigError || !(err instanceof Error)
        ? String(err)
        : (err.stack ?? err.message);
    process.stderr.write(`Audit verification could not run: ${message}\n`);
    process.exitCode = 2;
  },
);
