import type { DatabaseConfig } from '../config.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './store.js';

export function openStore(config: DatabaseConfig): Promise<Store> {
  return config.kind === 'postgres' ? openPostgresStore(config.url) : openSqliteStore(config.path);
}
