/**
 * An export written as the tests need it and imported: chats and messages as JSON lines in
 * `<dir>/<name>-chats.json` and `<dir>/<name>-messages.json`, then `importV2` on `database`
 * (with `options`, such as RETENTION_DAYS' `retentionDays`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseConfig } from '../../src/config.js';
import { type ImportOptions, importV2 } from '../../src/import/import-v2.js';

export function importLines(
  database: DatabaseConfig,
  dir: string,
  name: string,
  chats: string[],
  messages: string[],
  options: Pick<ImportOptions, 'retentionDays'> = {},
): ReturnType<typeof importV2> {
  const chatsFile = join(dir, `${name}-chats.json`);
  const messagesFile = join(dir, `${name}-messages.json`);
  writeFileSync(chatsFile, `${chats.join('\n')}\n`);
  writeFileSync(messagesFile, `${messages.join('\n')}\n`);
  return importV2({ database, chatsFile, messagesFile, ...options });
}
