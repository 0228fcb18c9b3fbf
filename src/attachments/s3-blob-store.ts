/**
 * A BlobStore in an S3-compatible bucket (S3_BUCKET and its settings, s3-config.ts).
 *
 * One PUT per file: an object appears whole or not at all, so a failed put leaves nothing
 * behind, and at ATTACHMENT_MAX_BYTES it is far below the size where multipart uploads pay
 * off. Content-MD5 makes the server refuse bytes that changed on the way. Reads stream the
 * object's body as it arrives. The SDK's newer default checksums (CRC32 headers and trailers)
 * are sent only where an operation requires them: several S3-compatible servers refuse or
 * ignore them, and Content-MD5 already covers the write.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { TUNABLES } from '../tunables.js';
import { type BlobStore, BlobStoreUnavailable } from './ports.js';
import type { S3Config } from './s3-config.js';

export interface S3BlobStore extends BlobStore {
  /** Closes the client's connections (at shutdown). */
  close(): void;
}

/**
 * An S3 error that names the operation, bucket and key: the SDK's own message is often just
 * "UnknownError" from a server that sent no body, and its name (NoSuchBucket,
 * AccessDenied, …) is what says what is wrong.
 */
export class S3StoreError extends BlobStoreUnavailable {
  override readonly name = 'S3StoreError';
  constructor(operation: string, bucket: string, key: string, cause: unknown) {
    const what = cause instanceof Error ? cause.name : 'error';
    const said =
      cause instanceof Error && cause.message && cause.message !== 'UnknownError'
        ? `: ${cause.message}`
        : '';
    super(`S3 ${operation} ${bucket}/${key}: ${what}${said}`, { cause });
  }
}

export function s3BlobStore(config: S3Config): S3BlobStore {
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.credentials === undefined ? {} : { credentials: config.credentials }),
    forcePathStyle: config.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: TUNABLES.s3ConnectTimeoutMs.value,
      requestTimeout: TUNABLES.s3RequestTimeoutMs.value,
    },
  });
  const Bucket = config.bucket;

  return {
    async put(key, bytes, contentType) {
      const put = new PutObjectCommand({
        Bucket,
        Key: key,
        Body: bytes,
        ContentType: contentType,
        ContentLength: bytes.byteLength,
        ContentMD5: createHash('md5').update(bytes).digest('base64'),
      });
      try {
        await client.send(put);
      } catch (err) {
        // A put whose answer was lost may still have stored the object: take it back.
        await client.send(new DeleteObjectCommand({ Bucket, Key: key })).catch(() => {});
        throw new S3StoreError('PutObject', Bucket, key, err);
      }
    },

    async get(key, range) {
      let body: unknown;
      // A range is passed through: the bucket sends those bytes only.
      const Range = range ? `bytes=${range.start}-${range.end}` : undefined;
      try {
        ({ Body: body } = await client.send(new GetObjectCommand({ Bucket, Key: key, Range })));
      } catch (err) {
        // Only a missing key is "nothing there"; a missing bucket or a refusal is an error.
        if (err instanceof NoSuchKey) return undefined;
        throw new S3StoreError('GetObject', Bucket, key, err);
      }
      // In Node.js the SDK's body is the HTTP response itself, a Readable.
      if (!(body instanceof Readable)) {
        throw new S3StoreError('GetObject', Bucket, key, new Error('the body is not a stream'));
      }
      return body;
    },

    async delete(key) {
      // S3 answers 204 for a key that is not there: deleting a missing key is no error.
      try {
        await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
      } catch (err) {
        throw new S3StoreError('DeleteObject', Bucket, key, err);
      }
    },

    close() {
      client.destroy();
    },
  };
}
