/**
 * CLAMAV_URL: where clamd listens (`tcp://host:3310`). Unset: uploads are not scanned.
 * Read by the composition root beside loadConfig; a bad value throws ConfigError naming it.
 */
import { ConfigError } from '../config.js';

export interface ClamdAddress {
  host: string;
  port: number;
}

export const CLAMD_DEFAULT_PORT = 3310;

type Env = Readonly<Record<string, string | undefined>>;

export function parseClamavUrl(env: Env): ClamdAddress | undefined {
  const raw = env.CLAMAV_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('CLAMAV_URL', `"${raw}" is not a URL (use tcp://host:3310)`);
  }
  // Only TCP: clamd's local socket would tie the server to clamd's host and file modes.
  if (url.protocol !== 'tcp:') {
    throw new ConfigError('CLAMAV_URL', `must be tcp://host:port, not ${url.protocol}//`);
  }
  // An IPv6 literal comes bracketed ("[::1]"); net.connect wants it bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new ConfigError('CLAMAV_URL', 'names no host (use tcp://host:3310)');
  if (url.username || url.password || (url.pathname && url.pathname !== '/') || url.search) {
    throw new ConfigError('CLAMAV_URL', 'takes only a host and a port (tcp://host:3310)');
  }
  const port = url.port ? Number(url.port) : CLAMD_DEFAULT_PORT;
  if (port === 0) throw new ConfigError('CLAMAV_URL', 'port 0 is not a port clamd can listen on');
  return { host, port };
}
