/** When a handed-over token may sign the console in at once, and when it must ask first. */
import { describe, expect, it } from 'vitest';
import {
  consoleConfigFrom,
  type Handover,
  handoverStep,
  type Session,
  sessionFromToken,
} from '../../web/console/session.js';

const as = (id: string, role: 'admin' | 'superadmin' = 'admin'): Session => ({
  identity: { id, name: `Name ${id}`, role },
  token: `token-of-${id}`,
});
const from = (source: Handover['source'], s: Session): Handover => ({ session: s, source });

describe('handoverStep', () => {
  it('lets the listed parent sign in a console nobody is signed in to', () => {
    expect(handoverStep(undefined, from('parent', as('anna')))).toBe('apply');
  });

  it('asks before a link signs anyone in (login CSRF)', () => {
    expect(handoverStep(undefined, from('fragment', as('anna')))).toBe('confirm');
  });

  it('asks before either swaps the admin signed in for another identity or role', () => {
    for (const source of ['parent', 'fragment'] as const) {
      expect(handoverStep(as('anna'), from(source, as('mallory')))).toBe('confirm');
      expect(handoverStep(as('anna'), from(source, as('anna', 'superadmin')))).toBe('confirm');
    }
  });

  it('takes a fresh token for the admin signed in as a refresh', () => {
    for (const source of ['parent', 'fragment'] as const) {
      expect(handoverStep(as('anna'), from(source, as('anna')))).toBe('apply');
    }
  });
});

describe('consoleConfigFrom', () => {
  const good = { attachmentMaxBytes: 10_485_760, authMode: 'jwt', parentOrigins: [] };

  it('takes the server’s config as it is declared', () => {
    expect(consoleConfigFrom(good)).toEqual(good);
    expect(
      consoleConfigFrom({ ...good, authMode: 'none', parentOrigins: ['https://a.example'] }),
    ).toEqual({ ...good, authMode: 'none', parentOrigins: ['https://a.example'] });
  });

  it('refuses what another server or a proxy could answer instead', () => {
    const bad: unknown[] = [
      null,
      'ok',
      [],
      {},
      { ...good, authMode: 'saml' },
      { ...good, authMode: undefined },
      { ...good, attachmentMaxBytes: 0 },
      { ...good, attachmentMaxBytes: -1 },
      { ...good, attachmentMaxBytes: 1.5 },
      { ...good, attachmentMaxBytes: '10' },
      { ...good, parentOrigins: 'https://a.example' },
      { ...good, parentOrigins: [1] },
      { attachmentMaxBytes: 1, authMode: 'jwt' },
    ];
    for (const body of bad) expect(consoleConfigFrom(body), JSON.stringify(body)).toBeUndefined();
  });
});

describe('sessionFromToken', () => {
  const token = (claims: Record<string, unknown>): string =>
    `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  const inAnHour = Math.floor(Date.now() / 1000) + 3600;

  it('takes an admin token that expires', () => {
    expect(sessionFromToken(token({ sub: 'ops-1', role: 'superadmin', exp: inAnHour }))).toEqual({
      identity: { id: 'ops-1', name: 'ops-1', role: 'superadmin' },
      token: token({ sub: 'ops-1', role: 'superadmin', exp: inAnHour }),
    });
  });

  it('says a token without exp has none, which the server refuses, not that its key is wrong', () => {
    expect(sessionFromToken(token({ sub: 'ops-1', role: 'admin' }))).toBe('tokenNoExpiry');
    expect(sessionFromToken(token({ sub: 'ops-1', role: 'admin', exp: 'tomorrow' }))).toBe(
      'tokenNoExpiry',
    );
  });

  it('says an expired token has expired', () => {
    expect(sessionFromToken(token({ sub: 'ops-1', role: 'admin', exp: 1 }))).toBe('tokenExpired');
  });
});
