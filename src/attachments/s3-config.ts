/**
 * The S3-compatible bucket for attachments, from S3_BUCKET and its settings; undefined when
 * S3_BUCKET is unset (attachments then live in the database). Read by the composition root
 * beside loadConfig; a bad value throws ConfigError naming the variable.
 */
import { ConfigError } from '../config.js';

export interface S3Config {
  bucket: string;
  region: string;
  /** An S3-compatible server's URL; undefined: AWS's endpoint for the region. */
  endpoint: string | undefined;
  /** Both keys, or undefined: the SDK's own chain (AWS_* variables, instance or task role). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** `/bucket/key` URLs instead of `bucket.host/key`: what most self-hosted servers need. */
  forcePathStyle: boolean;
}

export const S3_VARIABLES = [
  'S3_BUCKET',
  'S3_REGION',
  'S3_ENDPOINT',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
] as const;

/** Any region works with most S3-compatible servers; AWS's SDK wants one. */
export const S3_DEFAULT_REGION = 'us-east-1';

type Env = Readonly<Record<string, string | undefined>>;

const value = (env: Env, name: (typeof S3_VARIABLES)[number]): string | undefined => {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
};

// S3's bucket naming rules: 3-63 characters, lower-case letters, digits, dots and hyphens,
// starting and ending with a letter or digit, no two dots in a row, not an IP address.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const REGION = /^[a-z0-9-]{1,64}$/;

function parseBucket(raw: string): string {
  if (!BUCKET.test(raw) || raw.includes('..') || IPV4.test(raw)) {
    throw new ConfigError(
      'S3_BUCKET',
      `"${raw}" is not a bucket name (3-63 characters: lower-case letters, digits, dots, hyphens)`,
    );
  }
  return raw;
}

function parseEndpoint(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('S3_ENDPOINT', `"${raw}" is not a URL (e.g. https://s3.example.com)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError('S3_ENDPOINT', 'must start with http:// or https://');
  }
  if (url.username || url.password) {
    throw new ConfigError(
      'S3_ENDPOINT',
      'must not hold credentials (use S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY)',
    );
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new ConfigError('S3_ENDPOINT', 'takes the server only, without a path or query');
  }
  return url.origin;
}

function parseBoolean(raw: string | undefined, byDefault: boolean): boolean {
  if (raw === undefined) return byDefault;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError('S3_FORCE_PATH_STYLE', `must be "true" or "false", not "${raw}"`);
}

export function parseS3Config(env: Env): S3Config | undefined {
  const bucket = value(env, 'S3_BUCKET');
  if (bucket === undefined) {
    // A half-configured bucket would quietly store every file in the database instead.
    const set = S3_VARIABLES.filter((name) => value(env, name) !== undefined);
    if (set.length > 0) {
      throw new ConfigError('S3_BUCKET', `is unset, but ${set.join(', ')} is set`);
    }
    return undefined;
  }
  const region = value(env, 'S3_REGION') ?? S3_DEFAULT_REGION;
  if (!REGION.test(region)) {
    throw new ConfigError('S3_REGION', `"${region}" is not a region name (e.g. eu-central-1)`);
  }
  const endpoint = parseEndpoint(value(env, 'S3_ENDPOINT'));
  const accessKeyId = value(env, 'S3_ACCESS_KEY_ID');
  const secretAccessKey = value(env, 'S3_SECRET_ACCESS_KEY');
  if (accessKeyId === undefined && secretAccessKey !== undefined) {
    throw new ConfigError('S3_ACCESS_KEY_ID', 'is unset, but S3_SECRET_ACCESS_KEY is set');
  }
  if (accessKeyId !== undefined && secretAccessKey === undefined) {
    throw new ConfigError('S3_SECRET_ACCESS_KEY', 'is unset, but S3_ACCESS_KEY_ID is set');
  }
  return {
    bucket: parseBucket(bucket),
    region,
    endpoint,
    credentials:
      accessKeyId !== undefined && secretAccessKey !== undefined
        ? { accessKeyId, secretAccessKey }
        : undefined,
    // A server of one's own rarely has a wildcard DNS name per bucket; AWS prefers hosts.
    forcePathStyle: parseBoolean(value(env, 'S3_FORCE_PATH_STYLE'), endpoint !== undefined),
  };
}
