/**
 * The line a start that failed prints, naming the setting behind it where the failure says
 * which: an address that cannot be listened on is HOST's or a port's, a database that does
 * not answer or refuses is DATABASE_URL's. Anything else is said as it came (a bug, or a
 * failure no setting explains).
 */
import type { Config } from './config.js';

/** A field Node's system errors (listen, connect) and PostgreSQL's errors carry. */
const fieldOf = (err: Error, name: 'code' | 'syscall' | 'port' | 'hostname'): unknown =>
  Reflect.get(err, name);

/** PostgreSQL's refusals a connection's settings explain (SQLSTATE classes 08, 28, 3D). */
const CONNECTION_REFUSALS = /^(08|28|3D)/;

export function startFailure(err: unknown, config: Config): string {
  if (!(err instanceof Error)) return `Could not start: ${String(err)}`;
  const said = err.message;
  const [code, syscall, port] = [
    fieldOf(err, 'code'),
    fieldOf(err, 'syscall'),
    fieldOf(err, 'port'),
  ];
  if (syscall === 'listen') {
    const variable =
      code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
        ? 'HOST'
        : port === config.metrics.port && port !== config.port
          ? 'METRICS_PORT'
          : 'PORT';
    return `Could not start: ${variable}: ${said}`;
  }
  if (syscall === 'getaddrinfo' && fieldOf(err, 'hostname') === config.host) {
    return `Could not start: HOST: ${said}`;
  }
  if (config.database.kind !== 'postgres') return `Could not start: ${said}`;
  const database = new URL(config.database.url);
  // The database's address, not another service's (Redis is waited for, not refused).
  const unreachable =
    (syscall === 'connect' && port === Number(database.port || 5432)) ||
    (syscall === 'getaddrinfo' && fieldOf(err, 'hostname') === database.hostname);
  const refused = typeof code === 'string' && CONNECTION_REFUSALS.test(code);
  return unreachable || refused
    ? `Could not start: DATABASE_URL: ${said}`
    : `Could not start: ${said}`;
}
