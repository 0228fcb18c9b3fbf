import { ConfigError } from './config.js';

/**
 * ./.env, if there is one (`npm start` runs `node dist/main.js`, and the v2 import reads
 * the same file); the real environment wins. One that exists but cannot be read is a
 * ConfigError.
 */
export function loadDotEnv(): void {
  try {
    process.loadEnvFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ConfigError(
      '.env',
      `could not be read: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
