import { describe, expect, it } from 'vitest';
import { outsideServices } from '../../src/attachments/outside-services.js';
import { ConfigError, loadConfig } from '../../src/config.js';

const tunables = loadConfig({}).tunables;

describe('the outside services main.ts hands to the server', () => {
  it('none by default: bytes in the database, no scan', async () => {
    expect(await outsideServices({}, tunables)).toEqual({});
  });

  it('CLAMAV_URL gives a scanner; S3_BUCKET a bucket store; both at once', async () => {
    const both = await outsideServices(
      {
        CLAMAV_URL: 'tcp://127.0.0.1:3310',
        S3_BUCKET: 'chat-attachments',
        S3_ENDPOINT: 'http://127.0.0.1:7480',
        S3_ACCESS_KEY_ID: 'k',
        S3_SECRET_ACCESS_KEY: 's',
      },
      tunables,
    );
    expect(typeof both.scanner?.scan).toBe('function');
    expect(typeof both.blobs?.put).toBe('function');
  });

  it('a bad value is a ConfigError naming the variable', async () => {
    await expect(outsideServices({ CLAMAV_URL: 'http://x' }, tunables)).rejects.toThrow(
      ConfigError,
    );
    await expect(outsideServices({ S3_REGION: 'eu-west-1' }, tunables)).rejects.toThrow(
      /S3_BUCKET/,
    );
  });
});
