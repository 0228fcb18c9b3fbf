import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS_DOC_PATH, renderErrorsDoc } from '../../scripts/docs-errors.js';
import { errorReply, failure, handshakeRefusal } from '../../src/envelopes.js';
import { ERROR_CODES, ERRORS } from '../../src/errors.js';

describe('the error catalogue', () => {
  it('docs/errors.md is what `npm run docs:errors` generates from src/errors.ts', () => {
    expect(readFileSync(ERRORS_DOC_PATH, 'utf8')).toBe(renderErrorsDoc());
  });

  it('every code builds its envelope, status and handshake refusal from the table', () => {
    for (const code of ERROR_CODES) {
      const { status, message } = ERRORS[code];
      expect(failure(code)).toEqual({ success: false, error: message, code });
      expect(errorReply(code, 'why', { n: 1 })).toEqual({
        status,
        body: { success: false, error: 'why', code, n: 1 },
      });
      const refusal = handshakeRefusal(code);
      expect(refusal.message).toBe(message);
      expect(refusal.data).toEqual(failure(code));
    }
  });
});
