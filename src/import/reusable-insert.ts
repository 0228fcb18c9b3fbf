/**
 * A multi-row INSERT compiled once per row count and run again with new values. Building and
 * compiling a 1000-row statement through Kysely's query builder took about a third of the
 * staging time (and much of the garbage collection) on SQLite; the SQL depends only on the
 * row count, so only the first batch of each size is built. The compiled parameter order is
 * checked against `columns` on that first batch, so the two cannot drift apart silently.
 */
import { type Compilable, CompiledQuery, type Kysely } from 'kysely';

export class ReusableInsert<DB, Row, Result> {
  private readonly sqlBySize = new Map<number, string>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly build: (db: Kysely<DB>, rows: Row[]) => Compilable<Result>,
    /** The columns in the order the builder lists them (for `values(rows)`: the rows' key order). */
    private readonly columns: readonly (keyof Row)[],
  ) {}

  /** Row by row, column by column, into one array: no per-row arrays for the collector. */
  private parametersOf(rows: Row[]): unknown[] {
    const { columns } = this;
    const parameters = new Array<unknown>(rows.length * columns.length);
    let i = 0;
    for (const row of rows) {
      for (const column of columns) parameters[i++] = row[column];
    }
    return parameters;
  }

  /** Runs on `executor` (the transaction), compiled against the database given at construction. */
  async execute(executor: Kysely<DB>, rows: Row[]): Promise<Result[]> {
    const parameters = this.parametersOf(rows);
    let text = this.sqlBySize.get(rows.length);
    if (text === undefined) {
      const compiled = this.build(this.db, rows).compile();
      const same =
        compiled.parameters.length === parameters.length &&
        compiled.parameters.every((value, i) => value === parameters[i]);
      if (!same) throw new Error('ReusableInsert: columns do not match the compiled statement');
      text = compiled.sql;
      this.sqlBySize.set(rows.length, text);
    }
    const result = await executor.executeQuery<Result>(CompiledQuery.raw(text, parameters));
    return result.rows;
  }
}
