/**
 * Whether the database takes work: every query runs through `guard`, which turns "cannot use
 * the database" (unreachable, full disk, read-only) into a typed 503 and remembers it. A
 * `select 1` can still succeed on a full disk, so after a refusal the health probe also
 * commits a one-row write before it reports the store up again; and a failure that lasts
 * until a restart (SQLite's failed WAL sync) keeps it down whatever the database answers.
 */
import { type Kysely, sql } from 'kysely';
import { Unavailable } from '../errors.js';
import { LIMITS } from '../schemas/shapes.js';
import type { Database } from './schema.js';

export class Availability {
  /** The database's last refusal since the store last proved it takes writes. */
  private lastRefusal: unknown;

  constructor(
    /** True when the database cannot be reached (as opposed to a query being wrong). */
    private readonly isUnavailable: (err: unknown) => boolean,
    /** A failure that lasts until a restart, whatever the database answers meanwhile. */
    private readonly failure: () => Error | undefined = () => undefined,
  ) {}

  /** Runs `work`; a refusal of the database comes out as Unavailable (cause kept for the log). */
  async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw this.explain(err);
    }
  }

  /** What to throw for `err`: Unavailable (remembered) if the database refused, else `err`. */
  explain(err: unknown): unknown {
    if (err instanceof Unavailable || !this.isUnavailable(err)) return err;
    this.lastRefusal = err;
    return new Unavailable(err);
  }

  /** A write committed: the database takes writes again. */
  tookWrite(): void {
    this.lastRefusal = undefined;
  }

  /** Up when it answers, and, after a refusal, when it commits a write as long as a message. */
  async probe(db: Kysely<Database>): Promise<void> {
    const failure = this.failure();
    if (failure !== undefined) throw this.explain(failure);
    await this.guard(() => sql`select 1`.execute(db));
    if (this.lastRefusal === undefined) return;
    const probe = { checkedAt: new Date().toISOString(), payload: 'x'.repeat(LIMITS.contentChars) };
    await this.guard(() =>
      db
        .insertInto('write_probe')
        .values({ id: 1, ...probe })
        .onConflict((oc) => oc.column('id').doUpdateSet(probe))
        .execute(),
    );
    this.tookWrite();
  }
}
