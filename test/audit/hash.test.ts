/**
 * An entry's hash, however a store finishes it (in JS, or in PostgreSQL's statement from
 * the parts around its chain position): sha256 of the previous hash and the entry's
 * canonical JSON with people sealed, as every entry already written was hashed.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  type AuditEntry,
  CHAIN_START,
  canonicalJson,
  checkNext,
  entryHash,
  entryHashParts,
  GENESIS_HASH,
  hashOfParts,
  matchesHash,
  pseudonym,
  sealingOf,
} from '../../src/audit/chain.js';
import { isPseudonym } from '../../src/schemas/vocabulary.js';

const KEY = 'k'.repeat(64);

type Seal = (key: string, value: string) => string;

/** How entries were sealed before the exact-form rule: anything starting with `erased:` kept. */
const legacySeal: Seal = (key, value) =>
  value.startsWith('erased:') ? value : pseudonym(key, value);

/** The hash written out in full, as the chain's definition states it. */
function hashAsDefined(entry: Omit<AuditEntry, 'hash'>, seal: Seal = pseudonym): string {
  const sealed = {
    id: entry.id,
    at: entry.at,
    chain: entry.chain,
    chainSeq: entry.chainSeq,
    action: entry.action,
    chatId: entry.chatId,
    actor: {
      id: seal(KEY, entry.actor.id),
      role: entry.actor.role,
      name: seal(KEY, entry.actor.name),
    },
    details: Object.fromEntries(
      Object.entries(entry.details).map(([k, v]) => [
        k,
        (k === 'userId' || k === 'userName') && typeof v === 'string' ? seal(KEY, v) : v,
      ]),
    ),
  };
  return createHash('sha256')
    .update(`${entry.prevHash}\n${canonicalJson(sealed)}`)
    .digest('hex');
}

const entries: Omit<AuditEntry, 'hash'>[] = [
  {
    id: '0123456789abcdef01234567',
    at: '2026-12-05T17:00:00.000Z',
    chain: 'chat:0123456789abcdef01234567',
    chainSeq: 1,
    prevHash: GENESIS_HASH,
    action: 'chat.opened',
    chatId: '0123456789abcdef01234567',
    actor: { id: 'u-1', role: 'user', name: 'Уля "Q" \\ 💬' },
    details: { userId: 'u-1', userName: 'Уля', chainSeq: 7, note: '"chainSeq":1,' },
  },
  {
    id: 'fedcba9876543210fedcba98',
    at: '2026-12-05T17:00:01.000Z',
    chain: 'desk',
    chainSeq: 123456,
    prevHash: 'a'.repeat(64),
    action: 'agent.availability',
    chatId: null,
    actor: { id: 'a-1', role: 'admin', name: 'Ann' },
    details: {},
  },
];

describe('audit entry hashes', () => {
  it.each(entries)('are the hash as defined, whole or from the parts ($chain)', (entry) => {
    const defined = hashAsDefined(entry);
    expect(entryHash(KEY, entry)).toBe(defined);
    expect(hashOfParts(entry.prevHash, entryHashParts(KEY, entry), entry.chainSeq)).toBe(defined);
  });

  it('depend on the chain position the parts are finished with', () => {
    const [entry] = entries;
    if (!entry) throw new Error('an entry');
    const parts = entryHashParts(KEY, entry);
    expect(hashOfParts(entry.prevHash, parts, 2)).not.toBe(hashOfParts(entry.prevHash, parts, 1));
  });
});

describe('sealing a value that starts with erased:', () => {
  const named: Omit<AuditEntry, 'hash'> = {
    id: '00112233445566778899aabb',
    at: '2026-12-05T17:00:02.000Z',
    chain: 'chat:00112233445566778899aabb',
    chainSeq: 1,
    prevHash: GENESIS_HASH,
    action: 'chat.opened',
    chatId: '00112233445566778899aabb',
    actor: { id: 'erased:u-9', role: 'user', name: 'erased: Olim Karimov' },
    details: { userId: 'erased:u-9', userName: 'erased: Olim Karimov' },
  };

  it('seals it unless it is exactly a pseudonym, and keeps a pseudonym as it is', () => {
    const sealed = pseudonym(KEY, 'erased: Olim Karimov');
    expect(sealed).not.toBe('erased: Olim Karimov');
    expect(isPseudonym(sealed)).toBe(true);
    expect(pseudonym(KEY, sealed)).toBe(sealed);
    for (const near of ['erased:', `${sealed}0`, sealed.toUpperCase(), ` ${sealed}`]) {
      expect(isPseudonym(near), near).toBe(false);
      expect(pseudonym(KEY, near)).not.toBe(near);
    }
  });

  it('an entry written now hashes the same after an erasure replaced the values', () => {
    const entry = { ...named, hash: hashAsDefined(named) };
    expect(matchesHash(KEY, entry)).toBe(true);
    const seal = sealingOf(KEY, entry);
    const erased = {
      ...entry,
      actor: { ...entry.actor, id: seal('erased:u-9'), name: seal('erased: Olim Karimov') },
      details: { userId: seal('erased:u-9'), userName: seal('erased: Olim Karimov') },
    };
    expect(erased.actor.name).not.toContain('Olim');
    expect(matchesHash(KEY, erased)).toBe(true);
  });

  it('an entry written before the exact-form rule (such values verbatim in its hash) still verifies, and an erasure keeps them', () => {
    const entry = { ...named, hash: hashAsDefined(named, legacySeal) };
    expect(entry.hash).not.toBe(hashAsDefined(named));
    expect(matchesHash(KEY, entry)).toBe(true);
    expect(checkNext(KEY, CHAIN_START, entry)).toEqual({ seq: 1, hash: entry.hash });
    // Replacing them would break the chain: the legacy rule hashed them as written.
    expect(sealingOf(KEY, entry)('erased: Olim Karimov')).toBe('erased: Olim Karimov');
    expect(sealingOf(KEY, entry)('Olim')).toBe(pseudonym(KEY, 'Olim'));
    expect(matchesHash(KEY, { ...entry, actor: { ...entry.actor, name: 'erased: Olim' } })).toBe(
      false,
    );
  });
});
