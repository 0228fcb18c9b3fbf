/**
 * The S3 store against Ceph's RADOS Gateway, started by the test (test/helpers/private-s3.ts):
 * the BlobStore contract, and what is S3's own: a missing bucket is an error, not an empty
 * store, and the stored object carries its content type.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3BlobStore } from '../../src/attachments/s3-blob-store.js';
import { parseS3Config, type S3Config } from '../../src/attachments/s3-config.js';
import { startServer } from '../../src/server.js';
import { type PrivateS3, privateS3, radosgwInstalled } from '../helpers/private-s3.js';
import { testConfig } from '../helpers/server.js';
import { download, upload, uploaded } from '../helpers/uploads.js';
import { blobStoreContract } from './blob-store-contract.js';

/** The settings as an operator would write them, read by the server's own parser. */
function configFor(server: PrivateS3, bucket: string): S3Config {
  const config = parseS3Config({
    S3_BUCKET: bucket,
    S3_REGION: server.region,
    S3_ENDPOINT: server.endpoint,
    S3_ACCESS_KEY_ID: server.accessKeyId,
    S3_SECRET_ACCESS_KEY: server.secretAccessKey,
  });
  if (!config) throw new Error('S3_BUCKET was given');
  return config;
}

async function createBucket(config: S3Config): Promise<void> {
  const admin = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    credentials: config.credentials,
    forcePathStyle: true,
  });
  await admin.send(new CreateBucketCommand({ Bucket: config.bucket }));
  admin.destroy();
}

/** Empties and deletes the bucket, as an operator's mistake would. */
async function dropBucket(config: S3Config): Promise<void> {
  const admin = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    credentials: config.credentials,
    forcePathStyle: true,
  });
  const listed = await admin.send(new ListObjectsV2Command({ Bucket: config.bucket }));
  for (const object of listed.Contents ?? []) {
    await admin.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: object.Key }));
  }
  await admin.send(new DeleteBucketCommand({ Bucket: config.bucket }));
  admin.destroy();
}

describe.runIf(radosgwInstalled())('the S3 store, against Ceph RGW', () => {
  let server: PrivateS3 | undefined;
  const started = (): PrivateS3 => {
    if (!server) throw new Error('radosgw did not start');
    return server;
  };
  beforeAll(async () => {
    server = await privateS3();
  }, 120_000);
  afterAll(async () => {
    await server?.dispose();
  });

  blobStoreContract('the S3 store', async () => {
    const config = configFor(started(), `attachments-${randomUUID()}`.slice(0, 40));
    await createBucket(config);
    const store = s3BlobStore(config);
    return { store, close: async () => store.close() };
  });

  it('stores the content type with the object', async () => {
    const config = configFor(started(), `types-${randomUUID()}`.slice(0, 40));
    await createBucket(config);
    const store = s3BlobStore(config);
    const key = randomUUID();
    await store.put(key, Buffer.from('%PDF-1.7'), 'application/pdf');
    const head = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      credentials: config.credentials,
      forcePathStyle: true,
    });
    const object = await head.send(new HeadObjectCommand({ Bucket: config.bucket, Key: key }));
    expect(object.ContentType).toBe('application/pdf');
    expect(object.ContentLength).toBe(8);
    head.destroy();
    store.close();
  });

  it('fails on a bucket that does not exist instead of answering "nothing there"', async () => {
    const store = s3BlobStore(configFor(started(), `missing-${randomUUID()}`.slice(0, 40)));
    await expect(store.get(randomUUID())).rejects.toThrow(/^S3 GetObject missing-.*: NoSuchBucket/);
    await expect(store.put(randomUUID(), Buffer.from('x'), 'text/plain')).rejects.toThrow(
      /^S3 PutObject missing-.*: NoSuchBucket/,
    );
    store.close();
  });

  it('through the server, a bucket that cannot answer is 503 STORE_UNAVAILABLE, not a 500', async () => {
    const config = configFor(started(), `gone-${randomUUID()}`.slice(0, 40));
    await createBucket(config);
    const blobs = s3BlobStore(config);
    const server = await startServer(testConfig({ kind: 'sqlite', path: ':memory:' }), {
      logger: pino({ level: 'silent' }),
      attachments: { blobs },
    });
    try {
      const fields = { senderId: 'u-s3', senderType: 'user', senderName: 'U' };
      const kept = uploaded(await upload(server, { bytes: 'receipt', name: 'r.txt', fields }));
      await dropBucket(config);
      const refused = await upload(server, { bytes: 'another', name: 'a.txt', fields });
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect(refused.body.error).toMatch(/attachment/i);
      // Nothing half-stored: the refused upload holds no quota.
      expect(await server.store.attachments.bytesHeldBy('u-s3')).toBe('receipt'.length);
      const read = await download(server, kept.url);
      expect(read.status).toBe(503);
    } finally {
      await server.close();
      blobs.close();
    }
  });

  it('fails with wrong credentials instead of answering "nothing there"', async () => {
    const config = configFor(started(), `creds-${randomUUID()}`.slice(0, 40));
    await createBucket(config);
    const store = s3BlobStore({
      ...config,
      credentials: { accessKeyId: 'NOSUCHKEY', secretAccessKey: 'wrong' },
    });
    await expect(store.get(randomUUID())).rejects.toThrow(/InvalidAccessKeyId|AccessDenied/);
    store.close();
  });
});
