import { describe, expect, it } from 'vitest';
import { parseClamavUrl } from '../../src/attachments/clamav-config.js';
import { ConfigError } from '../../src/config.js';

describe('CLAMAV_URL', () => {
  it('is off (undefined) when unset or blank', () => {
    expect(parseClamavUrl({})).toBeUndefined();
    expect(parseClamavUrl({ CLAMAV_URL: ' ' })).toBeUndefined();
  });

  it("reads tcp://host:port, clamd's port 3310 when none is given, IPv6 unbracketed", () => {
    expect(parseClamavUrl({ CLAMAV_URL: 'tcp://clamav:3311' })).toEqual({
      host: 'clamav',
      port: 3311,
    });
    expect(parseClamavUrl({ CLAMAV_URL: 'tcp://10.0.0.5' })).toEqual({
      host: '10.0.0.5',
      port: 3310,
    });
    expect(parseClamavUrl({ CLAMAV_URL: 'tcp://[::1]:3310' })).toEqual({ host: '::1', port: 3310 });
  });

  it.each([
    ['a bare host', 'clamav:3310'],
    ['a unix socket', 'unix:///run/clamav/clamd.ctl'],
    ['http', 'http://clamav:3310'],
    ['no host', 'tcp://:3310'],
    ['a port out of range', 'tcp://clamav:70000'],
    ['port 0', 'tcp://clamav:0'],
    ['a path', 'tcp://clamav:3310/scan'],
    ['credentials', 'tcp://user:pass@clamav:3310'],
  ])('refuses %s, naming CLAMAV_URL', (_what, raw) => {
    expect(() => parseClamavUrl({ CLAMAV_URL: raw })).toThrow(ConfigError);
    expect(() => parseClamavUrl({ CLAMAV_URL: raw })).toThrow(/^CLAMAV_URL: /);
  });
});
