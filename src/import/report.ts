/**
 * What the import could not take, left out on purpose, or took changed, row by row: counted per reason, kept as
 * a few examples for the printed summary, and written in full to a JSON-lines file when
 * asked (`--rejects`). Nothing is dropped without an entry here.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { FieldChangeReason, FieldReason } from './field-problem.js';
import { InputError } from './input-error.js';

export type Collection = 'chats' | 'messages';

export type RejectReason =
  | FieldReason
  | 'document-too-large'
  | 'invalid-json'
  | 'not-an-object'
  | 'duplicate-id'
  | 'id-taken'
  | 'user-erased'
  | 'chat-missing'
  | 'chat-rejected';

/**
 * Imported, but changed: a second open chat of one user is imported closed; a name longer
 * than live input may have is cut to that length.
 */
export type ChangeReason = 'second-open-chat' | FieldChangeReason;

/**
 * Left out, though nothing is wrong with it: a chat closed before RETENTION_DAYS' cutoff,
 * which the next retention run would delete (and every later import bring back), and its
 * messages.
 */
export type SkipReason = 'past-retention';

/** Where a document is in its export file. */
export interface Position {
  /** 1-based line where the document starts. */
  line: number;
  /** 1-based position among the file's documents. */
  document: number;
}

export interface ReportEntry extends Position {
  outcome: 'rejected' | 'changed' | 'skipped';
  collection: Collection;
  file: string;
  /** The document's `_id` when it could be read. */
  id: string | null;
  reason: RejectReason | ChangeReason | SkipReason;
  detail: string;
}

export type Rejection = Omit<ReportEntry, 'outcome' | 'collection' | 'file'> & {
  reason: RejectReason;
};

export type Change = Omit<ReportEntry, 'outcome' | 'collection' | 'file'> & {
  reason: ChangeReason;
};

const EXAMPLES_PER_REASON = 3;

export interface ReasonCount {
  collection: Collection;
  outcome: ReportEntry['outcome'];
  reason: ReportEntry['reason'];
  count: number;
  examples: ReportEntry[];
}

export class Report {
  private readonly counts = new Map<string, ReasonCount>();
  private readonly out: WriteStream | undefined;
  /** A write stream reports failure (an unwritable path, a full disk) as an event, later. */
  private writeError: Error | undefined;

  private constructor(out: WriteStream | undefined) {
    this.out = out;
    this.out?.on('error', (err) => {
      this.writeError = err;
    });
  }

  /** With a file: opened now, so an unwritable path fails before anything is imported. */
  static async open(path: string | undefined): Promise<Report> {
    if (path === undefined) return new Report(undefined);
    const out = createWriteStream(path);
    try {
      await once(out, 'open');
    } catch (err) {
      throw new InputError(
        `--rejects ${path}: cannot be written (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    return new Report(out);
  }

  async add(entry: ReportEntry): Promise<void> {
    if (this.writeError) throw this.writeError;
    const key = `${entry.collection}\u0001${entry.outcome}\u0001${entry.reason}`;
    let tally = this.counts.get(key);
    if (!tally) {
      const { collection, outcome, reason } = entry;
      tally = { collection, outcome, reason, count: 0, examples: [] };
      this.counts.set(key, tally);
    }
    tally.count++;
    if (tally.examples.length < EXAMPLES_PER_REASON) tally.examples.push(entry);
    if (this.out && !this.out.write(`${JSON.stringify(entry)}\n`)) await once(this.out, 'drain');
  }

  /** Entries of a collection with this outcome (and this reason, when given). */
  count(
    collection: Collection,
    outcome: ReportEntry['outcome'],
    reason?: ReportEntry['reason'],
  ): number {
    let total = 0;
    for (const tally of this.counts.values()) {
      if (tally.collection !== collection || tally.outcome !== outcome) continue;
      if (reason === undefined || tally.reason === reason) total += tally.count;
    }
    return total;
  }

  byReason(): ReasonCount[] {
    return [...this.counts.values()].map((tally) => ({ ...tally }));
  }

  async close(): Promise<void> {
    if (!this.out || this.writeError) return;
    this.out.end();
    await Promise.race([once(this.out, 'finish'), once(this.out, 'close')]);
    if (this.writeError) throw this.writeError;
  }
}
