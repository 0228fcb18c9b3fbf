import type { DatabaseConfig } from '../config.js';
import type { Store } from './store.js';

/** Loads only the driver the configuration names (start-up time: pg and better-sqlite3 are not free). */
export async function openStore(config: DatabaseConfig): Promise<Store> {
  if (config.kind === 'postgres') {
    const { openPostgresStore } = await import('./postgres.js');
    return openPostgresStore(config.url);
  }
  const { openSqliteStore } = await import('./sqlite.js');
  return openSqliteStore(config.path);
}
