/** The upload limit the widget and the console take from the server's config.json. */
import { describe, expect, it } from 'vitest';
import { uploadLimitOf } from '../../web/shared/server-config.js';

describe('uploadLimitOf', () => {
  it('takes a positive whole attachmentMaxBytes', () => {
    expect(uploadLimitOf({ attachmentMaxBytes: 10_485_760 })).toBe(10_485_760);
    expect(uploadLimitOf({ attachmentMaxBytes: 1, authMode: 'jwt' })).toBe(1);
  });

  it('takes nothing from what another server or a proxy could answer', () => {
    for (const body of [
      null,
      'ok',
      [],
      {},
      { attachmentMaxBytes: 0 },
      { attachmentMaxBytes: -1 },
    ]) {
      expect(uploadLimitOf(body), JSON.stringify(body)).toBeUndefined();
    }
    for (const max of [1.5, '10', Number.POSITIVE_INFINITY, Number.NaN, 2 ** 53]) {
      expect(uploadLimitOf({ attachmentMaxBytes: max }), String(max)).toBeUndefined();
    }
  });
});
