/** The quota's rule, as the upload checks it before storing and the store as it inserts. */
import { describe, expect, it } from 'vitest';
import { assertWithinQuota, fitsQuota } from '../../src/attachments/rules.js';
import { AppError } from '../../src/errors.js';

describe('the storage quota', () => {
  it('fits up to the limit exactly, not a byte past it', () => {
    expect(fitsQuota(800, 200, 1000)).toBe(true);
    expect(fitsQuota(800, 201, 1000)).toBe(false);
    expect(fitsQuota(0, 0, 0)).toBe(true);
  });

  it('a refusal is ATTACHMENT_QUOTA naming what is held, what is added and the limit', () => {
    expect(() => assertWithinQuota(800, 200, 1000)).not.toThrow();
    const refusal = () => assertWithinQuota(900, 300, 1000);
    expect(refusal).toThrow(AppError);
    expect(refusal).toThrow(
      expect.objectContaining({
        code: 'ATTACHMENT_QUOTA',
        message: expect.stringMatching(/\b900\b.*\b300\b.*\b1000\b/),
      }),
    );
  });
});
