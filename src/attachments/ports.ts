/**
 * What attachments need from outside the process, one interface each, so that where the
 * bytes live (the database by default, an S3-compatible bucket when configured) and
 * whether uploads are scanned (clamd) are chosen once, at the composition root, and the
 * use cases never know which.
 *
 * An upload is held in memory once (at most ATTACHMENT_MAX_BYTES, refused while reading
 * past it); the scanner and the image pipeline read that one buffer, and a BlobStore
 * writes it in chunks and streams it back out in chunks.
 */
import type { Readable } from 'node:stream';
import type { ByteRange } from './byte-range.js';

/** Where attachments' bytes live. Keys are opaque ids chosen by the caller. */
export interface BlobStore {
  /** Stores `bytes` under `key`; resolves once durable. On failure nothing is left behind. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /**
   * The bytes, streamed in chunks; `undefined` when the key holds nothing. With `range`
   * (inclusive offsets within the stored bytes, checked by the caller against the size it
   * recorded), only those bytes, reading no more of the store than holds them. With `size`
   * (the size the caller recorded), the whole file ends with its last byte: a store read
   * in chunks need not read past its last chunk to find there is no more.
   */
  get(key: string, range?: ByteRange, size?: number): Promise<Readable | undefined>;
  /** Removes the key; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
}

export type ScanVerdict = { clean: true } | { clean: false; signature: string };

/** A malware scanner. Fails closed: an unreachable scanner rejects with ScannerUnavailable. */
export interface MalwareScanner {
  scan(bytes: Uint8Array): Promise<ScanVerdict>;
}

export class ScannerUnavailable extends Error {
  override readonly name = 'ScannerUnavailable';
}

/**
 * A BlobStore outside the process (an S3 bucket) that cannot answer: missing, refusing
 * the credentials, away. Not the caller's fault, so never a 500: the use cases answer it
 * as the store being unavailable (503). The database's own store says so through its guard.
 */
export class BlobStoreUnavailable extends Error {
  override readonly name: string = 'BlobStoreUnavailable';
}
