/** When the widget and the console ask their page for a fresh token. */
import { describe, expect, it } from 'vitest';
import { refreshAt, TOKEN_REFRESH_LEAD_MS } from '../../web/shared/token-refresh.js';

describe('refreshAt', () => {
  const now = 1_000_000;

  it('asks the lead before exp for a token with time to spare', () => {
    expect(refreshAt(now + 3_600_000, now)).toBe(now + 3_600_000 - TOKEN_REFRESH_LEAD_MS);
  });

  it('asks halfway through what is left of a token shorter than twice the lead', () => {
    expect(refreshAt(now + 20_000, now)).toBe(now + 10_000);
  });

  it('asks at once for a token already expired', () => {
    expect(refreshAt(now - 5_000, now)).toBe(now - 5_000);
  });
});
