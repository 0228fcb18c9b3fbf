/**
 * Process entry: configuration (the environment, and ./.env when present), start, and a
 * graceful stop on SIGTERM/SIGINT: /ready turns 503 for SHUTDOWN_DRAIN_MS, then the
 * server closes, within 10 s more.
 */
import { outsideServices } from './attachments/outside-services.js';
import { ConfigError, loadConfig } from './config.js';
import { loadDotEnv } from './env-file.js';
import { fixHeapGrowth } from './heap-growth.js';
import { startServer } from './server.js';
import { startFailure } from './start-failure.js';
import { TUNABLES } from './tunables.js';

function die(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function main(): Promise<void> {
  fixHeapGrowth();
  let config: ReturnType<typeof loadConfig>;
  let attachments: Awaited<ReturnType<typeof outsideServices>>;
  try {
    loadDotEnv();
    config = loadConfig();
    attachments = await outsideServices(process.env, config.tunables);
  } catch (err) {
    if (err instanceof ConfigError) die(`Configuration error: ${err.message}`);
    throw err;
  }

  const server = await startServer(config, { attachments }).catch((err: unknown) => {
    if (err instanceof ConfigError) die(`Configuration error: ${err.message}`);
    die(startFailure(err, config));
  });

  const stop = (signal: string) => {
    process.stderr.write(`${signal} received, shutting down\n`);
    const deadline = config.shutdownDrainMs + TUNABLES.shutdownDeadlineMs.value;
    setTimeout(() => die(`Shutdown took longer than ${deadline} ms; exiting`), deadline).unref();
    server.close().then(
      () => process.exit(0),
      (err: unknown) => die(`Shutdown failed: ${describe(err)}`),
    );
  };
  // A promise some library left unhandled is a bug to log, not a reason to drop every
  // connection of this node.
  process.on('unhandledRejection', (reason: unknown) => {
    process.stderr.write(`Unhandled rejection: ${describe(reason)}\n`);
  });
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

void main();
