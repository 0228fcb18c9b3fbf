/**
 * The attachments' outside services as the environment names them: an S3-compatible
 * bucket (S3_BUCKET and its settings) instead of the database, and a clamd every upload
 * is scanned by (CLAMAV_URL). Read by main.ts at start (a bad value is a ConfigError
 * naming the variable) and handed to startServer; the S3 client is loaded only when a
 * bucket is configured.
 */
import type { Config } from '../config.js';
import { parseClamavUrl } from './clamav-config.js';
import { clamdScanner } from './clamd-scanner.js';
import type { BlobStore, MalwareScanner } from './ports.js';
import { parseS3Config } from './s3-config.js';

type Env = Readonly<Record<string, string | undefined>>;

export async function outsideServices(
  env: Env,
  tunables: Config['tunables'],
): Promise<{ blobs?: BlobStore; scanner?: MalwareScanner }> {
  const s3 = parseS3Config(env);
  const clamd = parseClamavUrl(env);
  const blobs = s3 ? (await import('./s3-blob-store.js')).s3BlobStore(s3) : undefined;
  const scanner = clamd
    ? clamdScanner(clamd, { scanTimeoutMs: tunables.clamavScanTimeoutMs })
    : undefined;
  return { ...(blobs && { blobs }), ...(scanner && { scanner }) };
}
