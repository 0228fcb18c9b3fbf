/** The import's result as the lines the CLI prints. */
import type { DatabaseConfig } from '../config.js';
import type { ImportSummary } from './import-v2.js';

const n = (value: number): string => Math.round(value).toLocaleString('en-US');

/** Where the data went, without the password a postgres:// URL may carry. */
export function describeTarget(database: DatabaseConfig): string {
  if (database.kind === 'sqlite') return `SQLite ${database.path}`;
  const url = new URL(database.url);
  return `PostgreSQL ${url.host}${url.pathname}`;
}

export function summaryLines(
  summary: ImportSummary,
  target: string,
  rejectsFile?: string,
): string[] {
  const { chats, messages } = summary;
  const closed =
    chats.importedClosed > 0
      ? ` (${n(chats.importedClosed)} of them closed: their user has a newer open chat)`
      : '';
  // Only when some were left out: without RETENTION_DAYS there never are.
  const expired = (count: number) =>
    count > 0 ? `, ${n(count)} left out (closed before the RETENTION_DAYS cutoff)` : '';
  const lines = [
    `Imported v2 data into ${target} in ${summary.seconds.toFixed(1)} s (${n(summary.messagesPerSecond)} messages/s)`,
    `  chats:    ${n(chats.imported)} imported${closed}, ${n(chats.skipped)} skipped (already stored)${expired(chats.pastRetention)}, ${n(chats.rejected)} rejected`,
    `  messages: ${n(messages.imported)} imported, ${n(messages.skipped)} skipped (already stored)${expired(messages.pastRetention)}, ${n(messages.rejected)} rejected`,
  ];
  if (summary.reasons.length === 0) return lines;
  lines.push('By reason:');
  for (const r of summary.reasons) {
    lines.push(`  ${r.collection} ${r.outcome} ${r.reason}: ${n(r.count)}`);
    for (const e of r.examples) {
      const id = e.id ? `, _id ${e.id}` : '';
      lines.push(`    ${e.file} line ${e.line} (document ${e.document}${id}): ${e.detail}`);
    }
  }
  lines.push(
    rejectsFile
      ? `Every entry: ${rejectsFile}`
      : 'Add --rejects <file> to get every entry as JSON lines.',
  );
  return lines;
}
