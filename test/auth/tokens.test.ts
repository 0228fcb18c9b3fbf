import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../src/auth/tokens.js';
import { AppError } from '../../src/errors.js';
import { redactClientText } from '../../src/redaction/client-text.js';
import { signToken, TEST_SECRET } from '../helpers/tokens.js';

const hsConfig = {
  mode: 'jwt' as const,
  secret: TEST_SECRET,
  jwksUrl: undefined,
  issuer: undefined,
  audience: undefined,
};

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return err instanceof AppError ? `${err.status} ${err.code}` : `not an AppError: ${err}`;
  }
  return 'accepted';
}

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('HS256 tokens', () => {
  const verifier = createTokenVerifier(hsConfig);

  it('drops a ctx claim nested too deep to write out, and still accepts the token', async () => {
    // jose cannot sign this (its own JSON.stringify overflows): signed by hand, as any signer could.
    const depth = 4500;
    const now = Math.floor(Date.now() / 1000);
    const header = b64({ alg: 'HS256' });
    const payload = Buffer.from(
      `{"sub":"deep","role":"user","iat":${now},"exp":${now + 600},"ctx":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
    ).toString('base64url');
    const signature = createHmac('sha256', TEST_SECRET)
      .update(`${header}.${payload}`)
      .digest('base64url');
    const dropped: number[] = [];
    const verified = await createTokenVerifier(hsConfig, {
      onContextDropped: (_subject, drop) => {
        if (drop.reason === 'size') dropped.push(drop.bytes);
      },
    }).verify(`${header}.${payload}.${signature}`);
    expect(verified.actor).toEqual({ kind: 'person', id: 'deep', name: '', role: 'user' });
    expect(dropped).toHaveLength(1);
  });

  it('drops a ctx claim holding text no store keeps alike, naming where, and still accepts the token', async () => {
    const drops: unknown[] = [];
    const dropping = createTokenVerifier(hsConfig, {
      onContextDropped: (subject, drop) => drops.push({ subject, ...drop }),
    });
    const ctx = { email: 'm@example.com', recentTransactions: [{ id: '1', status: 'x\ud800' }] };
    const verified = await dropping.verify(
      await signToken('ctx-u', 'user', 'Malika', { extra: { ctx } }),
    );
    expect(verified.actor).toEqual({ kind: 'person', id: 'ctx-u', name: 'Malika', role: 'user' });
    const nul = await dropping.verify(
      await signToken('ctx-v', 'user', 'Malika', { extra: { ctx: { 'a\u0000': 'b' } } }),
    );
    expect(nul.actor.ctx).toBeUndefined();
    expect(drops).toEqual([
      {
        subject: 'ctx-u',
        reason: 'text',
        field: 'ctx.recentTransactions.0.status',
        problem: 'lone surrogate',
      },
      { subject: 'ctx-v', reason: 'text', field: 'ctx (a key)', problem: 'NUL character' },
    ]);
    // Line breaks and other control characters stay, as in messages.
    const lines = { address: 'Tashkent\nChilanzar 5\t12' };
    const kept = await dropping.verify(
      await signToken('ctx-w', 'user', 'Malika', { extra: { ctx: lines } }),
    );
    expect(kept.actor.ctx).toEqual(lines);
  });

  it('names where a dropped ctx claim broke the text rule with its card numbers masked, as in every log line', async () => {
    const fields: string[] = [];
    const dropping = createTokenVerifier(hsConfig, {
      onContextDropped: (_subject, drop) => {
        if (drop.reason === 'text') fields.push(drop.field);
      },
    });
    const card = '4111 1111 1111 1111';
    const ctx = { cards: { [card]: { status: 'x\u0000' } } };
    await dropping.verify(await signToken('ctx-c', 'user', 'Malika', { extra: { ctx } }));
    expect(fields).toEqual([`ctx.cards.${redactClientText(card).text}.status`]);
    expect(fields[0]).not.toContain(card);
  });

  it('yields the actor from sub, name and role, and the expiry', async () => {
    const verified = await verifier.verify(await signToken('u1', 'user', 'Aziz'));
    expect(verified.actor).toEqual({ kind: 'person', id: 'u1', name: 'Aziz', role: 'user' });
    expect(verified.expiresAt).toBeGreaterThan(Date.now());
  });

  it('refuses expired, not-yet-valid, wrongly signed, unsigned and role-less tokens', async () => {
    expect(
      await failure(
        verifier.verify(
          await signToken('u1', 'user', 'A', { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
        ),
      ),
    ).toBe('401 TOKEN_EXPIRED');
    expect(
      await failure(
        verifier.verify(
          await signToken('u1', 'user', 'A', { notBefore: Math.floor(Date.now() / 1000) + 3600 }),
        ),
      ),
    ).toBe('401 INVALID_TOKEN');
    expect(
      await failure(
        verifier.verify(await signToken('u1', 'user', 'A', { secret: 'x'.repeat(40) })),
      ),
    ).toBe('401 INVALID_TOKEN');
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u1', role: 'superadmin', exp: 9999999999 })}.`;
    expect(await failure(verifier.verify(unsigned))).toBe('401 INVALID_TOKEN');
    expect(
      await failure(
        verifier.verify(await signToken('u1', 'user', 'A', { extra: { role: 'root' } })),
      ),
    ).toBe('401 INVALID_TOKEN');
    expect(await failure(verifier.verify('not.a.jwt'))).toBe('401 INVALID_TOKEN');
  });

  it('refuses a sub or name that is not storable text, and never cuts a name inside a character', async () => {
    for (const [sub, name] of [
      ['u\u00001', 'A'],
      ['u\ud8001', 'A'],
      ['u1', 'bad\u0000name'],
      ['u1', 'half \udc00'],
    ] as const) {
      expect(
        await failure(verifier.verify(await signToken(sub, 'user', name))),
        `${sub} ${name}`,
      ).toBe('401 INVALID_TOKEN');
    }
    // 199 characters and an emoji (two UTF-16 units): the cut at 200 drops the whole emoji.
    const long = `${'a'.repeat(199)}😀`;
    const verified = await verifier.verify(await signToken('u1', 'user', long));
    expect(verified.actor).toMatchObject({ name: 'a'.repeat(199) });
  });

  it("refuses a sub that is an erased user's pseudonym, which would make the erased chats its own", async () => {
    const pseudonym = `erased:${'0c'.repeat(16)}`;
    const refused = verifier.verify(await signToken(pseudonym, 'user', 'X'));
    await expect(refused).rejects.toThrow(/pseudonym/);
    // Only the exact form is the server's: an id that merely starts so is someone's.
    const verified = await verifier.verify(await signToken('erased:someone', 'user', 'X'));
    expect(verified.actor).toMatchObject({ id: 'erased:someone' });
  });

  it('says a sub is too long, not missing', async () => {
    await expect(verifier.verify(await signToken('u'.repeat(101), 'user', 'X'))).rejects.toThrow(
      /sub is longer than 100 characters/,
    );
  });

  it("masks a card number in the token's name as in a payload's name, also one across the cut", async () => {
    const named = await verifier.verify(await signToken('u1', 'user', 'Card 4111 1111 1111 1111'));
    expect(named.actor.name).toBe('Card 4111 11** **** 1111');
    const across = await verifier.verify(
      await signToken('u1', 'user', `${'n'.repeat(186)}4111111111111111`),
    );
    expect(across.actor.name).toBe(`${'n'.repeat(186)}411111******11`);
  });

  it('refuses a name with bidirectional embedding, override or isolate controls, not marks', async () => {
    for (const control of ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2069']) {
      expect(
        await failure(verifier.verify(await signToken('u1', 'admin', `Ali${control}gnp.exe`))),
        `U+${control.codePointAt(0)?.toString(16)}`,
      ).toBe('401 INVALID_TOKEN');
    }
    const marked = await verifier.verify(await signToken('u1', 'user', '\u200Fנועה\u200E\u061C'));
    expect(marked.actor.name).toBe('\u200Fנועה\u200E\u061C');
  });

  it('requires exp, and a lifetime of at most 24 hours', async () => {
    const secret = new TextEncoder().encode(TEST_SECRET);
    const noExp = await new SignJWT({ role: 'user', name: 'N' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setIssuedAt()
      .sign(secret);
    expect(await failure(verifier.verify(noExp))).toBe('401 INVALID_TOKEN');
    expect(
      await failure(verifier.verify(await signToken('u1', 'user', 'N', { expiresIn: '25h' }))),
    ).toBe('401 INVALID_TOKEN');
    // Without iat, the lifetime counts from now.
    const farNoIat = await new SignJWT({ role: 'user' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setExpirationTime('30d')
      .sign(secret);
    expect(await failure(verifier.verify(farNoIat))).toBe('401 INVALID_TOKEN');
    const day = await signToken('u1', 'user', 'N', { expiresIn: '24h' });
    expect((await verifier.verify(day)).actor.id).toBe('u1');
  });

  it('tolerates a few seconds of clock skew', async () => {
    const justExpired = await signToken('u1', 'user', 'A', {
      expiresIn: Math.floor(Date.now() / 1000) - 2,
    });
    expect((await verifier.verify(justExpired)).actor.id).toBe('u1');
  });

  it('checks issuer and audience when configured', async () => {
    const strict = createTokenVerifier({ ...hsConfig, issuer: 'fastorika', audience: 'chat' });
    expect(await failure(strict.verify(await signToken('u1', 'user')))).toBe('401 INVALID_TOKEN');
    expect(
      await failure(
        strict.verify(await signToken('u1', 'user', 'A', { issuer: 'evil', audience: 'chat' })),
      ),
    ).toBe('401 INVALID_TOKEN');
    const ok = await signToken('u1', 'user', 'A', { issuer: 'fastorika', audience: 'chat' });
    expect((await strict.verify(ok)).actor.id).toBe('u1');
  });
});

describe('JWKS tokens (RS256 / ES256) from a key server started here', () => {
  let server: Server;
  let keys: JWK[] = [];
  let fetches = 0;
  let url = '';

  beforeAll(async () => {
    server = createServer((_req, res) => {
      fetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  async function keyPair(alg: 'RS256' | 'ES256', kid: string) {
    const { publicKey, privateKey } = await generateKeyPair(alg);
    const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    const sign = (sub: string, role: string) =>
      new SignJWT({ role, name: sub })
        .setProtectedHeader({ alg, kid })
        .setSubject(sub)
        .setExpirationTime('5m')
        .sign(privateKey);
    return { jwk, sign };
  }

  it('verifies with the served key, and picks up a rotated key without a restart', async () => {
    const first = await keyPair('RS256', 'k1');
    keys = [first.jwk];
    const verifier = createTokenVerifier(
      { mode: 'jwt', secret: undefined, jwksUrl: url, issuer: undefined, audience: undefined },
      { jwksCooldownMs: 0 },
    );
    expect((await verifier.verify(await first.sign('a1', 'admin'))).actor).toEqual({
      kind: 'person',
      id: 'a1',
      name: 'a1',
      role: 'admin',
    });
    expect((await verifier.verify(await first.sign('a2', 'admin'))).actor.id).toBe('a2');
    expect(fetches).toBe(1); // cached

    const second = await keyPair('ES256', 'k2');
    keys = [second.jwk];
    expect((await verifier.verify(await second.sign('s1', 'superadmin'))).actor.role).toBe(
      'superadmin',
    );
    expect(fetches).toBe(2);
    // The retired key no longer verifies.
    expect(await failure(verifier.verify(await first.sign('a1', 'admin')))).toBe(
      '401 INVALID_TOKEN',
    );
  });

  it('refuses an HS256 token signed with the public key (algorithm confusion)', async () => {
    const pair = await keyPair('RS256', 'k3');
    keys = [pair.jwk];
    const verifier = createTokenVerifier(
      { mode: 'jwt', secret: undefined, jwksUrl: url, issuer: undefined, audience: undefined },
      { jwksCooldownMs: 0 },
    );
    const forged = await new SignJWT({ role: 'superadmin' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k3' })
      .setSubject('attacker')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JSON.stringify(pair.jwk)));
    expect(await failure(verifier.verify(forged))).toBe('401 INVALID_TOKEN');
  });
});
