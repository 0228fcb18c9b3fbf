import { describe, expect, it } from 'vitest';
import { parseS3Config, S3_DEFAULT_REGION } from '../../src/attachments/s3-config.js';
import { ConfigError } from '../../src/config.js';

const full = {
  S3_BUCKET: 'fastorika-attachments',
  S3_REGION: 'eu-central-1',
  S3_ENDPOINT: 'https://s3.example.com',
  S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  S3_SECRET_ACCESS_KEY: 'secret',
  S3_FORCE_PATH_STYLE: 'false',
};

/** The variable a ConfigError names, or undefined when parsing passed. */
function refusal(env: Record<string, string>): string | undefined {
  try {
    parseS3Config(env);
    return undefined;
  } catch (err) {
    if (err instanceof ConfigError) return err.variable;
    throw err;
  }
}

describe('S3 settings', () => {
  it('are off (undefined) when nothing S3 is set, or S3_BUCKET is blank alone', () => {
    expect(parseS3Config({})).toBeUndefined();
    expect(parseS3Config({ S3_BUCKET: '  ' })).toBeUndefined();
  });

  it('read every variable', () => {
    expect(parseS3Config(full)).toEqual({
      bucket: 'fastorika-attachments',
      region: 'eu-central-1',
      endpoint: 'https://s3.example.com',
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
      forcePathStyle: false,
    });
  });

  it("default to AWS's endpoint and credential chain, us-east-1, and host-style URLs", () => {
    expect(parseS3Config({ S3_BUCKET: 'receipts' })).toEqual({
      bucket: 'receipts',
      region: S3_DEFAULT_REGION,
      endpoint: undefined,
      credentials: undefined,
      forcePathStyle: false,
    });
  });

  it('default to path-style URLs with an endpoint of its own (self-hosted servers)', () => {
    const env = { S3_BUCKET: 'receipts', S3_ENDPOINT: 'http://127.0.0.1:9000/' };
    expect(parseS3Config(env)).toMatchObject({
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
    });
    expect(parseS3Config({ ...env, S3_FORCE_PATH_STYLE: 'false' })?.forcePathStyle).toBe(false);
  });

  it.each([
    ['a setting without S3_BUCKET', { S3_ENDPOINT: 'https://s3.example.com' }, 'S3_BUCKET'],
    ['keys without S3_BUCKET', { S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b' }, 'S3_BUCKET'],
    ['a bucket name with capitals', { S3_BUCKET: 'Receipts' }, 'S3_BUCKET'],
    ['a bucket name of two characters', { S3_BUCKET: 'ab' }, 'S3_BUCKET'],
    ['a bucket name of 64 characters', { S3_BUCKET: 'a'.repeat(64) }, 'S3_BUCKET'],
    ['a bucket name with two dots in a row', { S3_BUCKET: 'a..b' }, 'S3_BUCKET'],
    ['a bucket name that is an address', { S3_BUCKET: '192.168.1.10' }, 'S3_BUCKET'],
    ['a bucket name ending in a hyphen', { S3_BUCKET: 'receipts-' }, 'S3_BUCKET'],
    ['a region with spaces', { S3_BUCKET: 'receipts', S3_REGION: 'eu central' }, 'S3_REGION'],
    [
      'an endpoint that is no URL',
      { S3_BUCKET: 'receipts', S3_ENDPOINT: 'minio:9000' },
      'S3_ENDPOINT',
    ],
    [
      'an ftp endpoint',
      { S3_BUCKET: 'receipts', S3_ENDPOINT: 'ftp://s3.example.com' },
      'S3_ENDPOINT',
    ],
    [
      'an endpoint with a path',
      { S3_BUCKET: 'receipts', S3_ENDPOINT: 'https://s3.example.com/receipts' },
      'S3_ENDPOINT',
    ],
    [
      'an endpoint with credentials',
      { S3_BUCKET: 'receipts', S3_ENDPOINT: 'https://a:b@s3.example.com' },
      'S3_ENDPOINT',
    ],
    [
      'a key id without its secret',
      { S3_BUCKET: 'receipts', S3_ACCESS_KEY_ID: 'a' },
      'S3_SECRET_ACCESS_KEY',
    ],
    [
      'a secret without its key id',
      { S3_BUCKET: 'receipts', S3_SECRET_ACCESS_KEY: 'b' },
      'S3_ACCESS_KEY_ID',
    ],
    [
      'path style "yes"',
      { S3_BUCKET: 'receipts', S3_FORCE_PATH_STYLE: 'yes' },
      'S3_FORCE_PATH_STYLE',
    ],
  ])('refuse %s, naming the variable', (_what, env, variable) => {
    expect(refusal(env)).toBe(variable);
  });
});
