/**
 * `npm run import:v2 -- --chats chats.json --messages messages.json [--rejects rejects.jsonl]`
 * or `--dir <folder>` holding chats.json and messages.json. Imports into the store the server
 * would open (DATABASE_URL, read by the server's own config code). Exit code: 0 when every row
 * was taken, 2 when the import completed with rejected rows, 1 when it could not run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { loadDotEnv } from '../env-file.js';
import { setRedaction } from '../redaction/client-text.js';
import { importV2 } from './import-v2.js';
import { InputError } from './input-error.js';
import { terminalProgress } from './progress.js';
import { describeTarget, summaryLines } from './summary.js';

const USAGE = `Usage: npm run import:v2 -- (--dir <folder> | --chats <file> --messages <file>) [--rejects <file>]

--dir <folder> reads <folder>/chats.json and <folder>/messages.json.

Imports mongoexport output of v2's chats and messages collections (JSON lines or --jsonArray,
relaxed or canonical Extended JSON) into DATABASE_URL (default: SQLite ./data/chat.db).
Re-running imports only what is missing. See docs/import-v2.md.`;

interface CliArgs {
  chatsFile: string;
  messagesFile: string;
  rejectsFile: string | undefined;
}

function parseCliArgs(argv: string[]): CliArgs | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      dir: { type: 'string' },
      chats: { type: 'string' },
      messages: { type: 'string' },
      rejects: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const chatsFile = values.chats ?? (values.dir ? join(values.dir, 'chats.json') : undefined);
  const messagesFile =
    values.messages ?? (values.dir ? join(values.dir, 'messages.json') : undefined);
  if (!chatsFile || !messagesFile) {
    throw new InputError('give --dir <folder>, or both --chats <file> and --messages <file>');
  }
  for (const file of [chatsFile, messagesFile]) {
    if (!existsSync(file)) throw new InputError(`${file}: no such file`);
  }
  return { chatsFile, messagesFile, rejectsFile: values.rejects };
}

async function main(): Promise<number> {
  let args: CliArgs | 'help';
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}\n`);
    return 1;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Only DATABASE_URL, REDACT and RETENTION_DAYS matter here: the rest of the server's
  // configuration (auth, and the MONGODB_URI refusal that points users to this very tool)
  // must not stop the import.
  loadDotEnv();
  const { database, redact, retentionDays } = loadConfig({
    DATABASE_URL: process.env.DATABASE_URL,
    REDACT: process.env.REDACT,
    RETENTION_DAYS: process.env.RETENTION_DAYS,
  });
  setRedaction(redact);
  const target = describeTarget(database);
  process.stderr.write(`Importing ${args.chatsFile} and ${args.messagesFile} into ${target}\n`);
  const summary = await importV2({
    database,
    ...args,
    retentionDays,
    progress: terminalProgress(),
  });
  const lines = summaryLines(summary, target, args.rejectsFile);
  // maxRSS is in KiB: what the run took at its peak, whatever the input (README: "Memory").
  lines.push(`Peak memory: ${Math.ceil(process.resourceUsage().maxRSS / 1024)} MiB`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return summary.chats.rejected + summary.messages.rejected > 0 ? 2 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const known = err instanceof InputError || err instanceof ConfigError;
    const message =
      err instanceof Error ? (known ? err.message : (err.stack ?? err.message)) : String(err);
    process.stderr.write(`Import failed: ${message}\n`);
    process.exitCode = 1;
  },
);
