/**
 * The `code` a database driver sets on its errors (better-sqlite3's result code such as
 * SQLITE_BUSY, pg's SQLSTATE such as 23505, Node's ECONNREFUSED), or '' when there is none:
 * how each dialect tells a unique violation or an unreachable database from a bug.
 */
export function errorCode(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
}
