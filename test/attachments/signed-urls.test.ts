import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { linkSigner } from '../../src/attachments/signed-urls.js';

const key = Buffer.alloc(32, 7);
const links = linkSigner(key, 60);
const path = '/api/attachments/a1';
const query = (url: string) => {
  const params = new URL(url, 'http://x').searchParams;
  const v = params.get('v');
  return { exp: params.get('exp') ?? '', sig: params.get('sig') ?? '', ...(v !== null && { v }) };
};

describe('signed download links', () => {
  it('name their viewer by role and id only, inside the signature', () => {
    const url = links.sign(path, Date.now(), { role: 'admin', id: 'a-7' });
    const { v = '' } = query(url);
    expect(JSON.parse(Buffer.from(v, 'base64url').toString('utf8'))).toEqual(['admin', 'a-7']);
    expect(links.verify(path, query(url))).toEqual({ viewer: { role: 'admin', id: 'a-7' } });
  });

  it('still accept a link signed when viewers carried a name, without taking the name', () => {
    const exp = String(Math.floor(Date.now() / 1000) + 60);
    const v = Buffer.from(JSON.stringify(['user', 'u-1', 'Old Name'])).toString('base64url');
    const sig = createHmac('sha256', key).update(`${path}\n${exp}\n${v}`).digest('base64url');
    expect(links.verify(path, { exp, sig, v })).toEqual({ viewer: { role: 'user', id: 'u-1' } });
  });

  it('refuse a viewer changed after signing, an unknown role, or a malformed viewer', () => {
    const url = links.sign(path, Date.now(), { role: 'user', id: 'u-1' });
    const other = Buffer.from(JSON.stringify(['user', 'u-2'])).toString('base64url');
    expect(links.verify(path, { ...query(url), v: other })).toBeUndefined();
    const sign = (viewer: unknown) => {
      const exp = String(Math.floor(Date.now() / 1000) + 60);
      const v = Buffer.from(JSON.stringify(viewer)).toString('base64url');
      const sig = createHmac('sha256', key).update(`${path}\n${exp}\n${v}`).digest('base64url');
      return { exp, sig, v };
    };
    for (const bad of [['root', 'u-1'], ['user'], ['user', 1], ['user', 'u', 'n', 'x'], {}]) {
      expect(links.verify(path, sign(bad))).toBeUndefined();
    }
  });
});
