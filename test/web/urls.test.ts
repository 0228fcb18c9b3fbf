/** Only http(s) file URLs become links; tokens are read for their identity only. */
import { describe, expect, it } from 'vitest';
import { readToken } from '../../web/shared/token.js';
import { safeHttpUrl } from '../../web/shared/urls.js';
import { signToken } from '../helpers/tokens.js';

describe('safeHttpUrl', () => {
  it('keeps http and https URLs', () => {
    expect(safeHttpUrl('https://files.example/receipt.pdf')).toBe(
      'https://files.example/receipt.pdf',
    );
    expect(safeHttpUrl('http://files.example/a b.png')).toBe('http://files.example/a%20b.png');
  });

  it('refuses every other scheme and anything that is not a URL', () => {
    for (const raw of [
      'javascript:alert(1)',
      ' JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'file:///etc/passwd',
      '//evil.example/x',
      '/relative',
      '',
      null,
      undefined,
    ]) {
      expect(safeHttpUrl(raw), String(raw)).toBeUndefined();
    }
  });
});

describe('readToken', () => {
  it('reads sub, name, role and exp, and refuses what is not such a token', async () => {
    const token = await signToken('a-1', 'superadmin', 'Анна');
    expect(readToken(token)).toMatchObject({ id: 'a-1', name: 'Анна', role: 'superadmin' });
    expect(readToken(token)?.expiresAt).toBeGreaterThan(Date.now());
    expect(readToken(await signToken('u-1', 'user' as const))?.role).toBe('user');
    expect(readToken('not a token')).toBeUndefined();
    expect(readToken('a.eyJyb2xlIjoiZ29kIiwic3ViIjoieCJ9.c')).toBeUndefined(); // role "god"
  });
});
